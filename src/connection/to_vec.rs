//! Sends that append to a `Vec<u8>` (behind `alloc`), for callers who would
//! rather not size output buffers: each grows the vector by the frame's
//! worst case ([`Connection::max_frame_len`]), writes, and keeps only what
//! was written.

use alloc::vec::Vec;

use super::Connection;
use crate::frame::Opcode;
use crate::frame::MAX_CONTROL_PAYLOAD;
use crate::{CloseCode, MaskKeySource, SendError, UsageError};

impl<K: MaskKeySource> Connection<K> {
    /// [`send_text`](Self::send_text), appending the frame to `out`.
    /// Returns the frame's length; on an error `out` is as it was.
    pub fn send_text_to_vec(&mut self, text: &str, out: &mut Vec<u8>) -> Result<usize, UsageError> {
        let room = self.max_frame_len(text.len());
        append(out, room, |buf| self.send_text(text, buf))
    }

    /// [`send_binary`](Self::send_binary), appending the frame to `out`.
    /// Returns the frame's length; on an error `out` is as it was.
    pub fn send_binary_to_vec(
        &mut self,
        data: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<usize, UsageError> {
        let room = self.max_frame_len(data.len());
        append(out, room, |buf| self.send_binary(data, buf))
    }

    /// [`send_frame`](Self::send_frame), appending the frame to `out`.
    /// Returns the frame's length; on an error `out` is as it was.
    pub fn send_frame_to_vec(
        &mut self,
        opcode: Opcode,
        fin: bool,
        payload: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<usize, UsageError> {
        let room = self.max_frame_len(payload.len());
        append(out, room, |buf| self.send_frame(opcode, fin, payload, buf))
    }

    /// [`send_close`](Self::send_close), appending the frame to `out`.
    /// Returns the frame's length; on an error `out` is as it was.
    pub fn send_close_to_vec(
        &mut self,
        code: Option<CloseCode>,
        reason: &str,
        out: &mut Vec<u8>,
    ) -> Result<usize, UsageError> {
        let room = self.max_frame_len(MAX_CONTROL_PAYLOAD);
        append(out, room, |buf| self.send_close(code, reason, buf))
    }

    /// [`poll_transmit`](Self::poll_transmit), appending the queued replies
    /// to `out`. Returns their length (0 when none are queued).
    pub fn poll_transmit_to_vec(&mut self, out: &mut Vec<u8>) -> usize {
        let room = 2 * self.max_frame_len(MAX_CONTROL_PAYLOAD);
        append(out, room, |buf| self.poll_transmit(buf).map_err(Into::into)).unwrap_or(0)
    }
}

/// Grows `out` by `room` zeroed bytes, lets `write` fill the front of them,
/// and keeps what it wrote (nothing on an error). `room` is the worst case
/// of every call above; should a call still ask for more, it changed
/// nothing and is made again with what it asked for.
fn append(
    out: &mut Vec<u8>,
    room: usize,
    mut write: impl FnMut(&mut [u8]) -> Result<usize, SendError>,
) -> Result<usize, UsageError> {
    let start = out.len();
    let mut room = room;
    loop {
        out.resize(start + room, 0);
        let result = write(&mut out[start..]);
        out.truncate(start + *result.as_ref().unwrap_or(&0));
        match result {
            Ok(written) => return Ok(written),
            Err(SendError::Usage(error)) => return Err(error),
            Err(SendError::BufferTooSmall(short)) => room = short.required,
        }
    }
}
