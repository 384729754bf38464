//! Reading a wire through a `MessageReader` as a socket would fill it,
//! checking its memory after every read.

use rfc6455::{Connection, Incoming, MaskKeySource, MessageReader, ReceiveError};

/// Reads `wire` through `reader`, `reads` giving each read's length
/// (cycled, at most the room offered). After every read and the `next`
/// calls that follow it, checks that the reader holds no unparsed bytes
/// and that `capacity()` is at most `bound`. Each event goes to `on`.
/// Returns the largest capacity seen, or the connection's error.
pub fn read_through<K: MaskKeySource>(
    conn: &mut Connection<K>,
    reader: &mut MessageReader,
    wire: &[u8],
    reads: &[usize],
    bound: usize,
    mut on: impl FnMut(Incoming<'_>),
) -> Result<usize, ReceiveError> {
    let (mut pos, mut read, mut peak) = (0, 0, 0);
    while pos < wire.len() {
        let room = reader.read_buf();
        let n = reads[read % reads.len()]
            .clamp(1, room.len())
            .min(wire.len() - pos);
        room[..n].copy_from_slice(&wire[pos..pos + n]);
        reader.filled(n);
        pos += n;
        read += 1;
        let result = loop {
            match reader.next(conn) {
                Ok(Some(incoming)) => on(incoming),
                Ok(None) => break Ok(()),
                Err(error) => break Err(error),
            }
        };
        peak = peak.max(reader.capacity());
        assert!(
            reader.capacity() <= bound,
            "capacity {} > {bound} after read {read} ({pos} of {} bytes)",
            reader.capacity(),
            wire.len()
        );
        result?;
        assert_eq!(reader.buffered(), 0);
    }
    Ok(peak)
}
