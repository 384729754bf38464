//! The sending half's encoder: whole frames written into the caller's
//! buffer, the header-then-payload path for large payloads, and the queue of
//! mandatory replies (the automatic Pong and Close).
//!
//! Whether a frame may be sent at all is decided in `rules` and by the
//! connection before anything here runs.

use crate::frame::{FrameHeader, Opcode};
use crate::mask::copy_masked;
use crate::utf8::Utf8Validator;
use crate::{BufferTooSmall, CloseCode, ControlPayload, MessageKind};

/// The number of bytes a frame takes on the wire.
pub(crate) const fn frame_len(payload_len: u64, masked: bool) -> usize {
    let header = FrameHeader {
        fin: true,
        rsv: 0,
        opcode: Opcode::Binary,
        mask: None,
        payload_len,
    };
    header.encoded_len() + if masked { 4 } else { 0 } + payload_len as usize
}

/// Writes one whole frame into `out` and returns its length. Callers
/// check [`frame_len`] first, so that a masking key is drawn only for a
/// frame that fits. Inlined, so that a short frame's path is a few stores.
#[inline(always)]
pub(crate) fn write_frame(
    opcode: Opcode,
    fin: bool,
    payload: &[u8],
    mask: Option<[u8; 4]>,
    out: &mut [u8],
) -> Result<usize, BufferTooSmall> {
    if payload.len() <= 125 {
        return write_short_frame(opcode, fin, payload, mask, out);
    }
    let header = FrameHeader {
        fin,
        rsv: 0,
        opcode,
        mask,
        payload_len: payload.len() as u64,
    };
    let end = header.encoded_len() + payload.len();
    if out.len() < end {
        return Err(BufferTooSmall { required: end });
    }
    let header_len = header.encode(out)?;
    let body = &mut out[header_len..end];
    match mask {
        Some(key) => copy_masked(payload, body, key),
        None => body.copy_from_slice(payload),
    }
    Ok(end)
}

/// [`write_frame`] for a payload of at most 125 bytes, whose header is 2
/// bytes plus the key: written inline, without the general encoder.
#[inline(always)]
fn write_short_frame(
    opcode: Opcode,
    fin: bool,
    payload: &[u8],
    mask: Option<[u8; 4]>,
    out: &mut [u8],
) -> Result<usize, BufferTooSmall> {
    let header_len = if mask.is_some() { 6 } else { 2 };
    let end = header_len + payload.len();
    let Some(frame) = out.get_mut(..end) else {
        return Err(BufferTooSmall { required: end });
    };
    let (header, body) = frame.split_at_mut(header_len);
    header[0] = (u8::from(fin) << 7) | opcode.as_u8();
    header[1] = payload.len() as u8;
    match mask {
        Some(key) => {
            header[1] |= 0x80;
            header[2..].copy_from_slice(&key);
            copy_masked(payload, body, key);
        }
        None => body.copy_from_slice(payload),
    }
    Ok(end)
}

/// The payload still owed for a frame started with `start_frame`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OwedPayload {
    pub(crate) remaining: u64,
    pub(crate) mask: Option<[u8; 4]>,
    pub(crate) offset: u8,
    pub(crate) fin: bool,
    pub(crate) kind: Option<MessageKind>,
}

/// The send-side state of one connection.
#[derive(Debug, Clone)]
pub(crate) struct Sender {
    /// The outgoing fragmented message in progress.
    pub(crate) message: Option<MessageKind>,
    /// Validates outgoing text that arrives as raw bytes.
    pub(crate) utf8: Utf8Validator,
    /// Set between `start_frame` and the last byte of its payload.
    pub(crate) owed: Option<OwedPayload>,
    /// The automatic reply to the latest Ping, not yet written.
    pub(crate) pong: Option<ControlPayload>,
    /// Our Close (automatic reply or failure), not yet written.
    pub(crate) close: Option<ControlPayload>,
}

impl Sender {
    pub(crate) const fn new() -> Self {
        Self {
            message: None,
            utf8: Utf8Validator::new(),
            owed: None,
            pong: None,
            close: None,
        }
    }

    /// Whether automatic replies wait to be written.
    pub(crate) fn has_queued(&self) -> bool {
        self.pong.is_some() || self.close.is_some()
    }

    /// Queues our Close with `code` and `reason`. A Pong queued before it
    /// still goes out first: its Ping arrived before the peer's Close.
    pub(crate) fn queue_close(&mut self, code: Option<CloseCode>, reason: &str) {
        self.close = Some(close_payload(code, reason.as_bytes()));
    }

    /// Writes every queued reply, all or nothing. `next_key` is called once
    /// per frame when the frames must be masked.
    pub(crate) fn write_queued(
        &mut self,
        out: &mut [u8],
        masked: bool,
        mut next_key: impl FnMut() -> [u8; 4],
    ) -> Result<usize, BufferTooSmall> {
        let required: usize = [self.pong, self.close]
            .iter()
            .flatten()
            .map(|p| frame_len(p.len() as u64, masked))
            .sum();
        if out.len() < required {
            return Err(BufferTooSmall { required });
        }
        let mut written = 0;
        for (opcode, payload) in [
            (Opcode::Pong, self.pong.take()),
            (Opcode::Close, self.close.take()),
        ] {
            if let Some(payload) = payload {
                let mask = masked.then(&mut next_key);
                written += write_frame(opcode, true, &payload, mask, &mut out[written..])?;
            }
        }
        Ok(written)
    }
}

/// Encodes a close payload: the code big-endian, then the reason (§5.5.1).
pub(crate) fn close_payload(code: Option<CloseCode>, reason: &[u8]) -> ControlPayload {
    let mut bytes = [0u8; 125];
    let Some(code) = code else {
        return ControlPayload::EMPTY;
    };
    bytes[..2].copy_from_slice(&code.0.to_be_bytes());
    let reason = &reason[..reason.len().min(123)];
    bytes[2..2 + reason.len()].copy_from_slice(reason);
    ControlPayload::copy_from(&bytes[..2 + reason.len()])
}
