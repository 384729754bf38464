//! The byte pipe under the loop, and the three moves every loop makes on
//! it: read into a buffer, write bytes, and write the engine's automatic
//! replies.

use rfc6455::{Connection, MaskKeySource};

use super::LoopError;

/// A blocking, reliable, ordered byte stream: a TCP socket of the board's
/// network stack, a UART, or (on a host) an in-memory pipe.
///
/// This is all the loop asks of it. Its error type is whatever the driver
/// reports; the loop hands it back untouched.
pub trait Transport {
    /// The driver's error.
    type Error;

    /// Reads at least one byte into `buf` (which is never empty), blocking
    /// until some arrive; `Ok(0)` means end of stream.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error>;

    /// Writes all of `bytes`, blocking until they are handed over.
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), Self::Error>;
}

/// Reads into `buf`; the count is clamped to the buffer, so a misbehaving
/// driver cannot make the loop index past it.
pub(super) fn read<T: Transport>(
    transport: &mut T,
    buf: &mut [u8],
) -> Result<usize, LoopError<T::Error>> {
    let n = transport.read(buf).map_err(LoopError::Transport)?;
    Ok(n.min(buf.len()))
}

/// Writes all of `bytes`.
pub(super) fn write_all<T: Transport>(
    transport: &mut T,
    bytes: &[u8],
) -> Result<(), LoopError<T::Error>> {
    transport.write_all(bytes).map_err(LoopError::Transport)
}

/// Writes what the engine has queued (Pongs, Close replies, the Close of a
/// protocol error): the step to take after every `receive`.
pub(super) fn flush_replies<T: Transport, K: MaskKeySource>(
    transport: &mut T,
    conn: &mut Connection<K>,
    out: &mut [u8],
) -> Result<(), LoopError<T::Error>> {
    let len = conn.poll_transmit(out)?;
    match out.get(..len) {
        Some(bytes) if !bytes.is_empty() => write_all(transport, bytes),
        _ => Ok(()),
    }
}
