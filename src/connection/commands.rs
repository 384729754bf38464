//! The connection's commands: every frame this end sends, whole
//! (`send_*`) or header first with the payload written by the caller
//! (`start_frame`), checked against the rules before a byte is written,
//! and the worst-case size of what they write.

use super::Connection;
use crate::close::{check_close, parse_close_payload};
use crate::frame::{FrameHeader, Opcode};
use crate::mask::apply_mask;
use crate::rules::{self, FrameInMessage};
use crate::send::{self, OwedPayload};
use crate::utf8::Utf8Validator;
use crate::{
    BufferTooSmall, CloseCode, MaskKeySource, MessageKind, ProtocolError, Role, SendError,
    UsageError,
};

impl<K: MaskKeySource> Connection<K> {
    /// The most bytes one `send_*` call (or [`poll_transmit`](Self::poll_transmit))
    /// writes for a payload of `payload_len` bytes under the connection's
    /// current settings: an output buffer this large never gets
    /// [`BufferTooSmall`].
    ///
    /// Without permessage-deflate it is the frame's exact size: the
    /// payload, a 2-, 4- or 10-byte header and a client's 4-byte key (at
    /// most `payload_len + 14`). With permessage-deflate on, a compressed
    /// frame may be larger than its input (incompressible data is sent in
    /// stored blocks), so it is the frame for `payload_len + 5 * ceil(payload_len
    /// / 65535) + 10` payload bytes at most: `payload_len + 24` up to 64 KiB.
    ///
    /// A compressed send needs its worst case before it starts (that is its
    /// [`required`](BufferTooSmall::required)), and uses that room as
    /// scratch: only the first bytes it returns are the frame, and the
    /// bytes after them, up to `required`, may have changed.
    pub fn max_frame_len(&self, payload_len: usize) -> usize {
        let masked = self.role == Role::Client;
        let payload_len = self.max_payload_len(payload_len);
        send::frame_len(payload_len as u64, masked)
    }

    /// Sends a whole text message as one frame.
    #[must_use = "the returned bytes must be written to the transport"]
    #[inline]
    pub fn send_text(&mut self, text: &str, out: &mut [u8]) -> Result<usize, SendError> {
        self.send(Opcode::Text, true, text.as_bytes(), true, out)
    }

    /// Sends a whole binary message as one frame.
    #[must_use = "the returned bytes must be written to the transport"]
    #[inline]
    pub fn send_binary(&mut self, data: &[u8], out: &mut [u8]) -> Result<usize, SendError> {
        self.send(Opcode::Binary, true, data, false, out)
    }

    /// Sends a Ping. The payload is at most 125 bytes.
    #[must_use = "the returned bytes must be written to the transport"]
    pub fn send_ping(&mut self, payload: &[u8], out: &mut [u8]) -> Result<usize, SendError> {
        self.send(Opcode::Ping, true, payload, false, out)
    }

    /// Sends an unsolicited Pong (a heartbeat, RFC 6455 §5.5.3). It never
    /// replaces the automatic reply to a Ping, which stays queued.
    #[must_use = "the returned bytes must be written to the transport"]
    pub fn send_pong(&mut self, payload: &[u8], out: &mut [u8]) -> Result<usize, SendError> {
        self.send(Opcode::Pong, true, payload, false, out)
    }

    /// Starts (or, after the peer's Close, answers) the close handshake.
    ///
    /// `code` must be one an endpoint may send (1000–1003, 1007–1014,
    /// 3000–4999); `None` sends an empty Close, which cannot carry a
    /// reason. The reason is at most 123 bytes. Nothing may be sent after.
    #[must_use = "the returned bytes must be written to the transport"]
    pub fn send_close(
        &mut self,
        code: Option<CloseCode>,
        reason: &str,
        out: &mut [u8],
    ) -> Result<usize, SendError> {
        check_close(code, reason)?;
        let payload = send::close_payload(code, reason.as_bytes());
        self.send(Opcode::Close, true, &payload, false, out)
    }

    /// Sends one frame of any kind: the way to fragment a message (§5.4).
    ///
    /// A message starts with a `Text` or `Binary` frame and goes on with
    /// `Continuation` frames; the frame with `fin` set ends it. Control
    /// frames may go between fragments. Text fragments may split code
    /// points, but the message as a whole must be valid UTF-8.
    #[must_use = "the returned bytes must be written to the transport"]
    pub fn send_frame(
        &mut self,
        opcode: Opcode,
        fin: bool,
        payload: &[u8],
        out: &mut [u8],
    ) -> Result<usize, SendError> {
        if opcode == Opcode::Close {
            let (code, reason) = parse_close_payload(payload).map_err(|e| match e {
                ProtocolError::InvalidCloseReason => UsageError::InvalidUtf8,
                ProtocolError::InvalidCloseCode(code) => UsageError::InvalidCloseCode(code),
                _ => UsageError::InvalidCloseCode(0),
            })?;
            check_close(code, reason)?;
        }
        self.send(opcode, fin, payload, false, out)
    }

    /// [`send_frame`](Self::send_frame) for a data frame that is never
    /// compressed, even with permessage-deflate on: RFC 7692 lets a sender
    /// leave any message uncompressed (already compressed media, or bytes
    /// sent to many connections). The message's later fragments are then
    /// uncompressed too, whichever call sends them. Without deflate it is
    /// `send_frame`.
    #[must_use = "the returned bytes must be written to the transport"]
    pub fn send_uncompressed(
        &mut self,
        opcode: Opcode,
        fin: bool,
        payload: &[u8],
        out: &mut [u8],
    ) -> Result<usize, SendError> {
        if opcode.is_control() {
            return Err(UsageError::NotADataFrame.into());
        }
        self.send_maybe_compressed(opcode, fin, payload, false, false, out)
    }

    /// Writes only the header of a data frame whose `payload_len` bytes the
    /// caller then sends from its own memory, without a copy.
    ///
    /// With permessage-deflate on, such a frame is sent uncompressed (its
    /// length must be known up front), and so is the rest of its message.
    ///
    /// Pass the payload through [`frame_payload`](Self::frame_payload)
    /// (which masks a `&mut [u8]` in place for a client; a server may pass
    /// `&[u8]`) before writing it. Until
    /// the last byte is accounted for, no other frame can be sent and
    /// `poll_transmit` holds its replies back. Control frames are sent whole
    /// with the `send_*` calls instead.
    #[must_use = "the returned bytes must be written to the transport"]
    pub fn start_frame(
        &mut self,
        opcode: Opcode,
        fin: bool,
        payload_len: u64,
        out: &mut [u8],
    ) -> Result<usize, SendError> {
        if opcode.is_control() {
            return Err(UsageError::NotADataFrame.into());
        }
        if payload_len >> 63 != 0 {
            return Err(UsageError::PayloadTooLarge.into());
        }
        let frame = self.check_send(opcode, fin, payload_len)?;
        self.compresses(frame.is_some_and(|f| f.starts_message), false)?;
        let masked = self.role == Role::Client;
        let probe = FrameHeader {
            fin,
            rsv: 0,
            opcode,
            mask: masked.then_some([0; 4]),
            payload_len,
        };
        let mut utf8 = match frame {
            Some(f) if f.kind == MessageKind::Text && f.starts_message => Utf8Validator::new(),
            _ => self.sender.utf8,
        };
        let is_text = matches!(frame, Some(f) if f.kind == MessageKind::Text);
        if is_text && fin && payload_len == 0 {
            // An empty final frame ends the message now: check it before
            // anything is written, and before the buffer's size, so that
            // `required` bytes are always enough.
            utf8.finish().map_err(|_| UsageError::InvalidUtf8)?;
        }
        let required = probe.encoded_len();
        if out.len() < required {
            return Err(BufferTooSmall { required }.into());
        }
        let mask = masked.then(|| self.keys.next_mask_key());
        let header = FrameHeader { mask, ..probe };
        let written = header.encode(out)?;
        self.commit(opcode, fin, frame, utf8);
        if payload_len > 0 {
            let kind = frame.map(|f| f.kind);
            self.sender.owed = Some(OwedPayload {
                remaining: payload_len,
                mask,
                offset: 0,
                fin,
                kind,
            });
        }
        Ok(written)
    }

    /// Accounts for the next piece of a started frame's payload; write the
    /// piece to the transport after this.
    ///
    /// A `&mut [u8]` piece is masked in place when this end masks (a
    /// client); a `&[u8]` piece is sent as it is, which only a server may
    /// do (a client gets [`UsageError::MaskRequired`]). An empty piece is
    /// always accepted and changes nothing, so the payload of an empty
    /// frame may be "written" like any other. (The piece is taken by
    /// value: pass `&mut *piece` to use a `&mut [u8]` binding again.)
    pub fn frame_payload<P: PayloadPiece>(&mut self, mut piece: P) -> Result<(), UsageError> {
        if self.role == Role::Client && piece.bytes_mut().is_none() {
            return Err(UsageError::MaskRequired);
        }
        let chunk = piece.bytes();
        if chunk.is_empty() {
            return Ok(());
        }
        let len = chunk.len();
        let (owed, utf8) = self.check_owed(chunk)?;
        if let (Some(key), Some(bytes)) = (owed.mask, piece.bytes_mut()) {
            apply_mask(bytes, key, usize::from(owed.offset));
        }
        self.advance_owed(owed, len, utf8);
        Ok(())
    }

    fn check_owed(&self, chunk: &[u8]) -> Result<(OwedPayload, Utf8Validator), UsageError> {
        let owed = self.sender.owed.ok_or(UsageError::PayloadOverrun)?;
        if chunk.len() as u64 > owed.remaining {
            return Err(UsageError::PayloadOverrun);
        }
        let mut utf8 = self.sender.utf8;
        if owed.kind == Some(MessageKind::Text) {
            utf8.feed(chunk).map_err(|_| UsageError::InvalidUtf8)?;
            if owed.fin && chunk.len() as u64 == owed.remaining {
                utf8.finish().map_err(|_| UsageError::InvalidUtf8)?;
            }
        }
        Ok((owed, utf8))
    }

    fn advance_owed(&mut self, owed: OwedPayload, n: usize, utf8: Utf8Validator) {
        let remaining = owed.remaining - n as u64;
        let offset = ((usize::from(owed.offset) + n) % 4) as u8;
        self.sender.owed = (remaining > 0).then_some(OwedPayload {
            remaining,
            offset,
            ..owed
        });
        self.sender.utf8 = utf8;
    }

    /// The checks every outgoing frame passes; for a data frame, where it
    /// stands in its message.
    fn check_send(
        &self,
        opcode: Opcode,
        fin: bool,
        payload_len: u64,
    ) -> Result<Option<FrameInMessage>, UsageError> {
        self.lifecycle.check_can_send()?;
        if self.sender.owed.is_some() {
            return Err(UsageError::PayloadPending);
        }
        if !opcode.is_control() {
            return rules::sent_data_frame(self.sender.message, opcode).map(Some);
        }
        // §5.5: "All control frames MUST have a payload length of 125 bytes
        // or less and MUST NOT be fragmented."
        if !fin {
            Err(UsageError::FragmentedControlFrame)
        } else if payload_len > crate::frame::MAX_CONTROL_PAYLOAD as u64 {
            Err(UsageError::ControlPayloadTooLong)
        } else {
            Ok(None)
        }
    }

    #[inline(always)]
    fn send(
        &mut self,
        opcode: Opcode,
        fin: bool,
        payload: &[u8],
        known_text: bool,
        out: &mut [u8],
    ) -> Result<usize, SendError> {
        self.send_maybe_compressed(opcode, fin, payload, known_text, true, out)
    }

    /// Sends one frame; with permessage-deflate on, a data frame is
    /// compressed when `may_compress` and its message is. Inlined into
    /// each `send_*`: a short frame's whole path is then a few dozen
    /// instructions (benchmark E1).
    #[inline(always)]
    fn send_maybe_compressed(
        &mut self,
        opcode: Opcode,
        fin: bool,
        payload: &[u8],
        known_text: bool,
        may_compress: bool,
        out: &mut [u8],
    ) -> Result<usize, SendError> {
        let frame = self.check_send(opcode, fin, payload.len() as u64)?;
        let mut utf8 = self.sender.utf8;
        if let Some(
            f @ FrameInMessage {
                kind: MessageKind::Text,
                ..
            },
        ) = frame
        {
            if f.starts_message {
                utf8 = Utf8Validator::new();
            }
            if !known_text {
                utf8.feed(payload).map_err(|_| UsageError::InvalidUtf8)?;
            }
            if fin {
                utf8.finish().map_err(|_| UsageError::InvalidUtf8)?;
            }
        }
        if let Some(frame) = frame {
            if let Some(compressing) = self.compresses(frame.starts_message, may_compress)? {
                return self.send_compressed(compressing, opcode, fin, payload, frame, utf8, out);
            }
        }
        let masked = self.role == Role::Client;
        let required = send::frame_len(payload.len() as u64, masked);
        if out.len() < required {
            return Err(BufferTooSmall { required }.into());
        }
        let mask = masked.then(|| self.keys.next_mask_key());
        let written = send::write_frame(opcode, fin, payload, mask, out)?;
        self.commit(opcode, fin, frame, utf8);
        Ok(written)
    }

    /// Checks and records a whole message sent as one final frame whose
    /// bytes were encoded elsewhere (`PreparedMessage`): the rules of
    /// `send_text` and `send_binary`, without the encoding.
    #[cfg(feature = "alloc")]
    pub(crate) fn record_whole_message(
        &mut self,
        kind: MessageKind,
        payload_len: u64,
    ) -> Result<(), UsageError> {
        let opcode = match kind {
            MessageKind::Text => Opcode::Text,
            MessageKind::Binary => Opcode::Binary,
        };
        let frame = self.check_send(opcode, true, payload_len)?;
        self.commit(opcode, true, frame, Utf8Validator::new());
        Ok(())
    }

    /// Records a frame that has been written.
    pub(super) fn commit(
        &mut self,
        opcode: Opcode,
        fin: bool,
        frame: Option<FrameInMessage>,
        utf8: Utf8Validator,
    ) {
        if let Some(frame) = frame {
            self.sender.message = (!fin).then_some(frame.kind);
            self.sender.utf8 = utf8;
            self.note_sent_frame(fin);
        }
        if opcode == Opcode::Close {
            // Nothing may follow our Close, not even a queued Pong.
            self.sender.pong = None;
            self.lifecycle.on_close_sent();
        }
    }
}

/// A piece of a started frame's payload, for [`Connection::frame_payload`]:
/// mutable bytes (`&mut [u8]`, `&mut [u8; N]`, `&mut Vec<u8>`), which a
/// client masks in place, or shared ones (`&[u8]`, `&[u8; N]`, `&Vec<u8>`),
/// sent as they are (servers only). Sealed: these are all there is.
pub trait PayloadPiece: sealed::Sealed {
    /// The bytes, as they are now.
    fn bytes(&self) -> &[u8];
    /// The bytes to mask in place; `None` when they may not be changed.
    fn bytes_mut(&mut self) -> Option<&mut [u8]>;
}

/// Implements [`PayloadPiece`] for mutable and shared references to a
/// type that derefs to `[u8]`.
macro_rules! payload_pieces {
    ($([$($generics:tt)*] $bytes:ty),* $(,)?) => {$(
        impl<$($generics)*> PayloadPiece for &mut $bytes {
            fn bytes(&self) -> &[u8] {
                &self[..]
            }

            fn bytes_mut(&mut self) -> Option<&mut [u8]> {
                Some(&mut self[..])
            }
        }

        impl<$($generics)*> PayloadPiece for &$bytes {
            fn bytes(&self) -> &[u8] {
                &self[..]
            }

            fn bytes_mut(&mut self) -> Option<&mut [u8]> {
                None
            }
        }

        impl<$($generics)*> sealed::Sealed for &mut $bytes {}
        impl<$($generics)*> sealed::Sealed for &$bytes {}
    )*};
}

payload_pieces!([] [u8], [const N: usize] [u8; N]);
#[cfg(feature = "alloc")]
payload_pieces!([] alloc::vec::Vec<u8>);

mod sealed {
    /// Keeps [`PayloadPiece`](super::PayloadPiece) to the crate's own
    /// implementations.
    #[allow(unreachable_pub)] // the sealed-trait pattern: public, and nameable by no one outside
    pub trait Sealed {}
}
