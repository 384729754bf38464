//! Whole-message reading (behind `alloc`) with the fewest copies: the
//! transport reads straight into the reader's buffer, the connection
//! unmasks there in place, and a message that arrives in one frame is
//! handed back where it lies. Fragments are moved down over the headers
//! between them, once.
//!
//! The buffer holds the message in progress and the bytes not yet parsed;
//! everything else in it (headers, control frames, empty fragments, earlier
//! messages) is dead, and compacting drops it before the buffer may grow.
//! Growth follows bytes that arrived, never a length the peer announced,
//! and stops at the connection's `max_message_size` plus one read.

use alloc::vec;
use alloc::vec::Vec;

use crate::{
    CloseFrame, Connection, ControlPayload, Event, MaskKeySource, Message, MessageKind,
    ReceiveError, UsageError,
};

/// What [`MessageReader::next`] hands back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Incoming<'r> {
    /// A whole text or binary message, borrowed from the reader's buffer
    /// until the next call.
    Message(Message<'r>),
    /// A Ping. With `auto_pong` on, its Pong is already queued.
    Ping(ControlPayload),
    /// A Pong.
    Pong(ControlPayload),
    /// The peer's Close. With `auto_close_reply` on, the answering Close is
    /// already queued.
    Close(CloseFrame),
}

/// The default least room offered to each read: 64 KiB.
pub const DEFAULT_READ_SIZE: usize = 64 * 1024;

/// A read buffer that is also the message buffer, for one connection.
///
/// The loop: read from the transport into [`read_buf`](Self::read_buf),
/// report the count with [`filled`](Self::filled), then call
/// [`next`](Self::next) until it returns `None`, handling each message and
/// draining `poll_transmit` as usual. Bytes that followed the handshake go
/// in first, through [`push`](Self::push).
///
/// A message that arrives in a single frame is never copied after the
/// transport's read; a fragmented one is moved down once, over the headers
/// and control frames between its fragments. Steady-state reading does not
/// allocate: the buffer keeps the size of the largest message seen.
///
/// # Memory
///
/// With `L` the connection's `max_message_size`, `R` the read size, and
/// `M` the largest message read so far (whole, or as far as it came), the
/// read buffer stays within
///
/// `min(L + R, 2 * (M + R))` bytes,
///
/// and, with permessage-deflate, the buffer compressed messages are
/// inflated into stays within `min(L + R, 2 * (M + R))` as well (`M`
/// counting inflated bytes), so `capacity() <= 2 * (L + R)` whatever the
/// peer sends. The read buffer holds only the message's bytes so far
/// (fragments moved together over what came between them) and the bytes
/// not yet parsed; the connection keeps partial headers itself, so after
/// `next` returns `None` nothing is unparsed. Control frames and empty
/// fragments inside a message take no lasting room: their bytes are dead
/// once parsed and are compacted away before the buffer grows. The
/// buffers double as they grow (so that a long message costs few copies),
/// but never past `L + R`, and never on a length the peer only announced.
///
/// The bound assumes the loop above: each read follows a `next` that
/// returned `None`, and [`push`](Self::push) adds at most `R` bytes at a
/// time (more unparsed bytes need more room).
///
/// ```
/// use rfc6455::{Config, Connection, Incoming, Message, MessageReader};
///
/// let mut server = Connection::server(Config::default());
/// let mut reader = MessageReader::new();
/// // "Hel" + "lo" (RFC 6455 §5.7), masked with a zero key, a Ping between.
/// let wire = [
///     0x01, 0x83, 0, 0, 0, 0, b'H', b'e', b'l', // first fragment
///     0x89, 0x80, 0, 0, 0, 0, // an empty Ping
///     0x80, 0x82, 0, 0, 0, 0, b'l', b'o', // final fragment
/// ];
/// let room = reader.read_buf(); // a socket would read into this
/// room[..wire.len()].copy_from_slice(&wire);
/// reader.filled(wire.len());
///
/// assert!(matches!(reader.next(&mut server), Ok(Some(Incoming::Ping(_)))));
/// match reader.next(&mut server) {
///     Ok(Some(Incoming::Message(Message::Text(text)))) => assert_eq!(text, "Hello"),
///     other => panic!("{other:?}"),
/// }
/// assert_eq!(reader.next(&mut server), Ok(None)); // read more
/// ```
#[derive(Debug, Clone)]
pub struct MessageReader {
    /// Zero-filled once; `buf.len()` is the capacity in use.
    buf: Vec<u8>,
    /// The end of the bytes read in.
    filled: usize,
    /// The end of the bytes given to the connection.
    parsed: usize,
    /// The message in progress (or just delivered) is `buf[start..end]`.
    start: usize,
    end: usize,
    kind: Option<MessageKind>,
    /// The last call handed back a message, which the next call discards.
    delivered: bool,
    /// Compressed messages are inflated here, whole: `inflated[..inflated_len]`.
    inflated: Vec<u8>,
    inflated_len: usize,
    read_size: usize,
    /// The connection's `max_message_size` as of the last `next`: the
    /// buffers double at most up to `limit + read_size`.
    limit: usize,
}

impl Default for MessageReader {
    fn default() -> Self {
        Self::new()
    }
}

impl MessageReader {
    /// A reader offering at least 64 KiB to each read. Allocates nothing
    /// until the first read.
    pub const fn new() -> Self {
        Self::with_read_size(DEFAULT_READ_SIZE)
    }

    /// A reader offering at least `read_size` bytes (1 or more) to each read.
    pub const fn with_read_size(read_size: usize) -> Self {
        Self {
            buf: Vec::new(),
            filled: 0,
            parsed: 0,
            start: 0,
            end: 0,
            kind: None,
            delivered: false,
            inflated: Vec::new(),
            inflated_len: 0,
            read_size: if read_size == 0 { 1 } else { read_size },
            limit: usize::MAX,
        }
    }

    /// The room to read into: at least the read size, and all the free
    /// space at the end of the buffer. Report what was written with
    /// [`filled`](Self::filled).
    pub fn read_buf(&mut self) -> &mut [u8] {
        self.discard_delivered();
        if self.buf.len() - self.filled < self.read_size {
            self.make_room(self.read_size);
        }
        &mut self.buf[self.filled..]
    }

    /// Records that the transport wrote `n` bytes at the front of the last
    /// [`read_buf`](Self::read_buf).
    ///
    /// # Panics
    /// If `n` is more than that slice's length (a bug in the caller).
    pub fn filled(&mut self, n: usize) {
        assert!(
            n <= self.buf.len() - self.filled,
            "more bytes than the room"
        );
        self.filled += n;
    }

    /// Copies `bytes` in, as if read: the bytes that followed the opening
    /// handshake, or input from a transport that hands out its own buffers.
    pub fn push(&mut self, bytes: &[u8]) {
        self.discard_delivered();
        if self.buf.len() - self.filled < bytes.len() {
            self.make_room(bytes.len());
        }
        self.buf[self.filled..self.filled + bytes.len()].copy_from_slice(bytes);
        self.filled += bytes.len();
    }

    /// How many bytes were read in but not yet given to the connection.
    pub fn buffered(&self) -> usize {
        self.filled - self.parsed
    }

    /// The bytes of the message in progress received so far.
    pub fn pending(&self) -> &[u8] {
        if self.delivered {
            &[]
        } else if self.inflated_len > 0 {
            &self.inflated[..self.inflated_len]
        } else {
            &self.buf[self.start..self.end]
        }
    }

    /// The buffers' size in bytes: the memory this reader holds (the read
    /// buffer, and with permessage-deflate the one messages are inflated
    /// into).
    pub fn capacity(&self) -> usize {
        self.buf.len() + self.inflated.len()
    }

    /// Frees memory beyond what the bytes in flight and one read need, for
    /// example after an unusually large message.
    pub fn shrink(&mut self) {
        self.discard_delivered();
        self.compact();
        let keep = self.filled + self.read_size;
        if self.buf.len() > keep {
            self.buf.truncate(keep);
            self.buf.shrink_to_fit();
        }
        let keep = self.inflated_len + self.read_size;
        if self.inflated.len() > keep {
            self.inflated.truncate(keep);
            self.inflated.shrink_to_fit();
        }
    }

    /// Feeds the buffered bytes to `conn` until a message or a control
    /// frame is complete; `None` when more input is needed.
    ///
    /// Use one reader per connection. The message borrows the reader until
    /// the next call. After a [`ReceiveError::Protocol`] the connection has
    /// failed (its Close is queued): stop reading. A reader fed by two
    /// connections can notice it ([`UsageError::ReaderMismatch`]); that
    /// changes neither connection.
    pub fn next<K: MaskKeySource>(
        &mut self,
        conn: &mut Connection<K>,
    ) -> Result<Option<Incoming<'_>>, ReceiveError> {
        self.discard_delivered();
        self.limit = usize::try_from(conn.config().max_message_size).unwrap_or(usize::MAX);
        loop {
            let room: &mut [u8] = if conn.inflates() {
                self.make_inflate_room();
                &mut self.inflated[self.inflated_len..]
            } else {
                &mut []
            };
            let received = conn.receive_into(&mut self.buf[self.parsed..self.filled], room)?;
            let consumed = received.consumed;
            let chunk = match received.event {
                // Nothing used, nothing given and nothing waiting inside:
                // more input is needed.
                None if consumed == 0 && !conn.has_pending_events() => break,
                None => {
                    self.parsed += consumed;
                    continue;
                }
                Some(Event::Chunk(chunk)) => chunk,
                Some(Event::Ping(payload)) => {
                    self.parsed += consumed;
                    return Ok(Some(Incoming::Ping(payload)));
                }
                Some(Event::Pong(payload)) => {
                    self.parsed += consumed;
                    return Ok(Some(Incoming::Pong(payload)));
                }
                Some(Event::Close(frame)) => {
                    self.parsed += consumed;
                    return Ok(Some(Incoming::Close(frame)));
                }
            };
            let (len, kind) = (chunk.payload.len(), chunk.kind);
            let (message_start, message_end) = (chunk.message_start, chunk.message_end);
            if chunk.inflated {
                // Inflated straight after the message's earlier chunks.
                self.parsed += consumed;
                self.inflated_len += len;
                if !message_end {
                    continue;
                }
                self.delivered = true;
                return match Message::new(kind, &self.inflated[..self.inflated_len]) {
                    Some(message) => Ok(Some(Incoming::Message(message))),
                    None => Err(UsageError::ReaderMismatch.into()),
                };
            }
            // A data chunk is the tail of the bytes it consumed.
            let at = self.parsed + consumed - len;
            self.parsed += consumed;
            self.take_chunk(at, len, kind, message_start);
            if message_start && !message_end {
                self.place_message(conn.incoming_frame_remaining());
            }
            if message_end {
                self.delivered = true;
                // The connection validated text already; this only turns the
                // bytes into `&str` without `unsafe`. It fails only if the
                // reader was fed by two connections.
                return match Message::new(kind, &self.buf[self.start..self.end]) {
                    Some(message) => Ok(Some(Incoming::Message(message))),
                    None => Err(UsageError::ReaderMismatch.into()),
                };
            }
        }
        Ok(None)
    }

    /// Adds the chunk at `buf[at..at + len]` to the message in progress.
    fn take_chunk(&mut self, at: usize, len: usize, kind: MessageKind, message_start: bool) {
        if message_start || self.kind != Some(kind) {
            self.kind = Some(kind);
            self.start = at;
            self.end = at + len;
        } else if at == self.end {
            self.end += len;
        } else {
            // Close the gap left by a header or a control frame.
            self.buf.copy_within(at..at + len, self.end);
            self.end += len;
        }
    }

    /// A long message has just started: if its first frame would not fit
    /// where it starts, move it to the front now, while little of it has
    /// arrived, rather than once most of it has. The buffer does not grow
    /// here: the frame's length is the peer's claim, and growing ahead on
    /// it would let a header alone take memory. Growth waits for bytes
    /// (`make_room`).
    fn place_message(&mut self, frame_remaining: u64) {
        let rest = usize::try_from(frame_remaining).unwrap_or(usize::MAX);
        let needed = self
            .live()
            .saturating_add(rest)
            .saturating_add(self.read_size);
        if self.start.saturating_add(needed) > self.buf.len() {
            self.compact();
        }
    }

    /// Makes at least a read's worth of room after the inflated bytes of
    /// the compressed message in progress. The connection fails a message
    /// whose inflated size passes `limit`, so this stays within
    /// `limit + read_size`.
    fn make_inflate_room(&mut self) {
        if self.inflated.len() - self.inflated_len < self.read_size {
            let len = self.grown(self.inflated.len(), self.inflated_len + self.read_size);
            grow_keeping(&mut self.inflated, self.inflated_len, len);
        }
    }

    /// The new length of a buffer of `len` bytes that must hold `needed`:
    /// double, to keep the copies of a growing message few, but not past
    /// one read beyond the message limit; and at least `needed`.
    fn grown(&self, len: usize, needed: usize) -> usize {
        let cap = self.limit.saturating_add(self.read_size);
        len.saturating_mul(2).min(cap).max(needed)
    }

    /// Forgets the message handed back by the previous call.
    fn discard_delivered(&mut self) {
        if self.delivered {
            self.delivered = false;
            self.inflated_len = 0;
            self.kind = None;
            self.start = self.parsed;
            self.end = self.parsed;
        }
    }

    /// Makes `room` bytes free at the end: compacts when that is enough,
    /// grows (see `grown`) otherwise.
    fn make_room(&mut self, room: usize) {
        let needed = self.live() + room;
        self.compact();
        if needed > self.buf.len() {
            let len = self.grown(self.buf.len(), needed);
            grow_keeping(&mut self.buf, self.filled, len);
        }
    }

    /// How many bytes are still needed: the message in progress, and the
    /// unparsed input.
    fn live(&self) -> usize {
        let message = if self.kind.is_some() {
            self.end - self.start
        } else {
            0
        };
        message + (self.filled - self.parsed)
    }

    /// Moves the live bytes to the front of the buffer, dropping the dead
    /// ones: the message in progress first, then the unparsed input right
    /// after it (over the headers and control frames that came between).
    fn compact(&mut self) {
        let mut to = 0;
        if self.kind.is_some() {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
            }
            to = self.end - self.start;
        }
        if self.parsed > to {
            self.buf.copy_within(self.parsed..self.filled, to);
        }
        self.filled = to + (self.filled - self.parsed);
        self.parsed = to;
        if self.kind.is_some() {
            self.start = 0;
        } else {
            self.start = to;
        }
        self.end = to;
    }
}

/// Replaces `buf` with a zeroed buffer of `len` bytes that starts with its
/// first `keep` bytes (fresh zeroed memory, not a copy of the unused tail).
fn grow_keeping(buf: &mut Vec<u8>, keep: usize, len: usize) {
    let mut bigger = vec![0u8; len];
    bigger[..keep].copy_from_slice(&buf[..keep]);
    *buf = bigger;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;

    /// A masked client frame with a zero key (the payload stays as is).
    fn frame(fin: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
        assert!(payload.len() < 126);
        let mut out = vec![
            u8::from(fin) << 7 | opcode,
            0x80 | payload.len() as u8,
            0,
            0,
            0,
            0,
        ];
        out.extend_from_slice(payload);
        out
    }

    #[test]
    fn single_frame_messages_are_not_moved() {
        let mut conn = Connection::server(Config::default());
        let mut reader = MessageReader::with_read_size(64);
        let mut wire = frame(true, 2, b"abc");
        wire.extend(frame(true, 1, b"de"));
        reader.push(&wire);
        let base = reader.buf.as_ptr() as usize;
        match reader.next(&mut conn) {
            Ok(Some(Incoming::Message(Message::Binary(bytes)))) => {
                assert_eq!(bytes, b"abc");
                assert_eq!(
                    bytes.as_ptr() as usize - base,
                    6,
                    "in place, after the header"
                );
            }
            other => panic!("{other:?}"),
        }
        match reader.next(&mut conn) {
            Ok(Some(Incoming::Message(Message::Text(text)))) => {
                assert_eq!(text, "de");
                assert_eq!(text.as_ptr() as usize - base, 15);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(reader.next(&mut conn), Ok(None));
        assert_eq!(reader.buffered(), 0);
    }

    #[test]
    fn a_frame_split_across_reads_stays_whole() {
        let mut conn = Connection::server(Config::default());
        let mut reader = MessageReader::with_read_size(4);
        let payload: Vec<u8> = (0..100).collect();
        let wire = frame(true, 2, &payload);
        let mut got = None;
        for piece in wire.chunks(3) {
            reader.push(piece);
            if let Some(Incoming::Message(message)) = reader.next(&mut conn).unwrap() {
                got = Some(message.as_bytes().to_vec());
            }
        }
        assert_eq!(got.as_deref(), Some(&payload[..]));
        assert!(
            reader.capacity() <= 2 * (wire.len() + 4),
            "{}",
            reader.capacity()
        );
    }

    #[test]
    fn errors_are_the_connections() {
        let mut conn = Connection::server(Config::default());
        let mut reader = MessageReader::new();
        reader.push(&frame(true, 1, &[0xC0]));
        assert_eq!(
            reader.next(&mut conn),
            Err(ReceiveError::Protocol(crate::ProtocolError::InvalidUtf8))
        );
    }
}
