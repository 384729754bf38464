//! The connection's permessage-deflate glue (RFC 7692): turning it on,
//! inflating compressed messages into the caller's buffer as they arrive
//! (with the size limit and UTF-8 applied to the inflated bytes), and
//! compressing the data frames it sends.

use alloc::boxed::Box;

use super::Connection;
use crate::deflate::{DeflateSession, InflateError};
use crate::frame::{FrameHeader, Opcode, RSV1};
use crate::mask::copy_masked;
use crate::rules::FrameInMessage;
use crate::{
    BufferTooSmall, DeflateAgreement, Event, MaskKeySource, MessageChunk, MessageKind,
    ProtocolError, Role, SendError, UsageError, Utf8Validator,
};

/// A chunk inflated into the caller's buffer, described without borrowing
/// it, so that the connection can decide whether to hand it out.
#[derive(Debug, Clone, Copy)]
pub(super) struct InflatedChunk {
    kind: MessageKind,
    step: crate::deflate::Inflated,
}

impl InflatedChunk {
    /// The event, borrowing the buffer the chunk was inflated into.
    pub(super) fn event(self, out: &[u8]) -> Event<'_> {
        Event::Message(MessageChunk {
            kind: self.kind,
            payload: &out[..self.step.written],
            message_start: self.step.message_start,
            frame_end: self.step.message_end,
            message_end: self.step.message_end,
            inflated: true,
        })
    }
}

impl<K: MaskKeySource> Connection<K> {
    /// Turns permessage-deflate on, as agreed in the opening handshake
    /// ([`DeflateConfig::accept_offer`](crate::DeflateConfig::accept_offer)
    /// for a server, [`accept_response`](crate::DeflateConfig::accept_response)
    /// for a client). Call it before the first message.
    ///
    /// From then on RSV1 marks compressed messages: read with
    /// [`receive_into`](Self::receive_into), and the data frames sent with
    /// `send_text`, `send_binary` and `send_frame` are compressed
    /// ([`send_uncompressed`](Self::send_uncompressed) and `start_frame`
    /// send as is). The inflater, made by the first compressed message
    /// received, takes about 43 KiB: between messages only while the peer
    /// keeps its context (without it, freed when each message ends). The
    /// compressor, made on the first compressed send, takes what its window
    /// needs (224 KiB at the default 32 KiB; see
    /// [`DeflateConfig`](crate::DeflateConfig)).
    pub fn enable_deflate(&mut self, agreement: &DeflateAgreement) -> Result<(), UsageError> {
        if self.deflate.is_some() || agreement.role() != self.role {
            return Err(UsageError::DeflateMismatch);
        }
        self.deflate = Some(Box::new(DeflateSession::new(*agreement)));
        self.allowed_rsv |= RSV1;
        Ok(())
    }

    /// The permessage-deflate agreement in force, if it is on.
    pub fn deflate_agreement(&self) -> Option<&DeflateAgreement> {
        self.deflate.as_deref().map(DeflateSession::agreement)
    }

    /// Inflates the next piece of a compressed message into `out`.
    pub(super) fn inflate_chunk(
        &mut self,
        chunk: MessageChunk<'_>,
        out: &mut [u8],
    ) -> Result<Option<InflatedChunk>, ProtocolError> {
        if out.is_empty() {
            return Err(self.fail(ProtocolError::NoInflateBuffer));
        }
        let Some(session) = self.deflate.as_deref_mut() else {
            // RSV1 is accepted only once deflate is on.
            return Err(self.fail(ProtocolError::ReservedBitsSet(RSV1)));
        };
        let step = session.inflate(
            chunk.kind,
            chunk.message_start,
            chunk.payload,
            chunk.message_end,
            out,
        );
        self.deliver(chunk.kind, step, out)
    }

    /// Continues inflating a message whose compressed bytes are all in.
    pub(super) fn inflate_pending(
        &mut self,
        out: &mut [u8],
    ) -> Result<Option<InflatedChunk>, ProtocolError> {
        if out.is_empty() {
            return Err(self.fail(ProtocolError::NoInflateBuffer));
        }
        let Some(session) = self.deflate.as_deref_mut() else {
            return Ok(None);
        };
        let kind = session.incoming_kind().unwrap_or(MessageKind::Binary);
        let step = session.inflate_pending(out);
        self.deliver(kind, step, out)
    }

    /// Whether inflated bytes still wait for room.
    pub(super) fn inflate_pending_more(&self) -> bool {
        self.deflate
            .as_deref()
            .is_some_and(DeflateSession::has_pending)
    }

    /// Applies the size limit and UTF-8 to what a step inflated into `out`.
    fn deliver(
        &mut self,
        kind: MessageKind,
        step: Result<crate::deflate::Inflated, InflateError>,
        out: &[u8],
    ) -> Result<Option<InflatedChunk>, ProtocolError> {
        let limit = self.config.max_message_size;
        let checked = match (step, self.deflate.as_deref_mut()) {
            (Err(_), _) => Err(ProtocolError::InvalidCompressedData),
            (Ok(step), Some(session)) => {
                session.inflated_len += step.written as u64;
                let text = &out[..step.written];
                if session.inflated_len > limit {
                    Err(ProtocolError::MessageTooLarge)
                } else if kind == MessageKind::Text
                    && (session.utf8.feed(text).is_err()
                        || (step.message_end && session.utf8.finish().is_err()))
                {
                    Err(ProtocolError::InvalidUtf8)
                } else {
                    Ok(step)
                }
            }
            (Ok(step), None) => Ok(step),
        };
        let step = checked.map_err(|error| self.fail(error))?;
        if step.written == 0 && !step.message_end {
            return Ok(None);
        }
        Ok(Some(InflatedChunk { kind, step }))
    }

    /// Whether the data frame about to be sent is compressed. A new message
    /// is, when deflate is on and `may_compress`; a continuation follows its
    /// message. An uncompressed frame cannot continue a compressed message.
    pub(super) fn compresses(
        &self,
        starts_message: bool,
        may_compress: bool,
    ) -> Result<bool, UsageError> {
        let Some(session) = self.deflate.as_deref() else {
            return Ok(false);
        };
        match (starts_message, session.sending) {
            (true, _) => Ok(may_compress),
            (false, Some(true)) if !may_compress => Err(UsageError::CompressedMessageInProgress),
            (false, sending) => Ok(sending == Some(true)),
        }
    }

    /// Records that a data frame went out uncompressed.
    pub(super) fn note_sent_frame(&mut self, fin: bool) {
        if let Some(session) = self.deflate.as_deref_mut() {
            session.sending = (!fin).then_some(false);
        }
    }

    /// Compresses and writes one data frame: RSV1 on a message's first
    /// frame, the payload sync-flushed, its final tail removed at the end
    /// of the message (RFC 7692 §7.2.1). Kept out of line, so that the
    /// uncompressed send path stays small enough to inline.
    #[inline(never)]
    pub(super) fn send_compressed(
        &mut self,
        opcode: Opcode,
        fin: bool,
        payload: &[u8],
        frame: FrameInMessage,
        utf8: Utf8Validator,
        out: &mut [u8],
    ) -> Result<usize, SendError> {
        let masked = self.role == Role::Client;
        let Some(session) = self.deflate.as_deref_mut() else {
            return Err(UsageError::DeflateMismatch.into());
        };
        let compressed = session.compressor().compress(payload, fin);
        let header = FrameHeader {
            fin,
            rsv: if frame.starts_message { RSV1 } else { 0 },
            opcode,
            mask: masked.then_some([0; 4]),
            payload_len: compressed.len() as u64,
        };
        let header_len = header.encoded_len();
        let required = header_len + compressed.len();
        if out.len() < required {
            // The compressor has taken this payload in; forgetting its
            // context keeps the stream valid for whatever is sent instead.
            session.compressor().reset();
            return Err(BufferTooSmall { required }.into());
        }
        let mask = masked.then(|| self.keys.next_mask_key());
        FrameHeader { mask, ..header }.encode(out)?;
        let body = &mut out[header_len..required];
        match mask {
            Some(key) => copy_masked(compressed, body, key),
            None => body.copy_from_slice(compressed),
        }
        self.commit(opcode, fin, Some(frame), utf8);
        if let Some(session) = self.deflate.as_deref_mut() {
            session.sending = (!fin).then_some(true);
        }
        Ok(required)
    }
}
