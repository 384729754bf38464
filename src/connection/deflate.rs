//! The connection's extension stage with permessage-deflate compiled in
//! (RFC 7692): turning it on, inflating compressed messages into the
//! caller's buffer as they arrive (with the size limit and UTF-8 applied
//! to the inflated bytes), and compressing the data frames it sends
//! straight into the caller's buffer. `plain.rs` is the same stage
//! without the feature.

use alloc::boxed::Box;

use super::Connection;
use crate::deflate::{max_compressed_len, DeflateSession, InflateError, Settings};
use crate::frame::{FrameHeader, Opcode, RSV1};
use crate::mask::apply_mask;
use crate::rules::FrameInMessage;
use crate::utf8::Utf8Validator;
use crate::{
    BufferTooSmall, DeflateAgreement, Event, MaskKeySource, MessageChunk, MessageKind,
    ProtocolError, Role, SendError, UsageError,
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
        Event::Chunk(MessageChunk {
            kind: self.kind,
            payload: &out[..self.step.written],
            message_start: self.step.message_start,
            frame_end: self.step.message_end,
            message_end: self.step.message_end,
            inflated: true,
        })
    }
}

/// The stage's state: permessage-deflate, once enabled, in one box so
/// that a connection without it pays a pointer.
#[derive(Debug, Clone, Default)]
pub(super) struct Extensions(Option<Box<Deflate>>);

/// permessage-deflate on one connection: what the handshake agreed, and
/// the codec's state.
#[derive(Debug, Clone)]
struct Deflate {
    agreement: DeflateAgreement,
    session: DeflateSession,
}

impl Extensions {
    fn session(&self) -> Option<&DeflateSession> {
        self.0.as_deref().map(|deflate| &deflate.session)
    }

    fn session_mut(&mut self) -> Option<&mut DeflateSession> {
        self.0.as_deref_mut().map(|deflate| &mut deflate.session)
    }
}

/// Proof that the frame about to be sent is compressed, which only
/// [`Connection::compresses`] gives.
#[derive(Debug, Clone, Copy)]
pub(super) struct Compressing(());

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
        if self.extensions.0.is_some() || agreement.role() != self.role {
            return Err(UsageError::DeflateMismatch);
        }
        let settings = Settings {
            compress_window_bits: agreement.compress_window_bits(),
            level: agreement.level(),
            compress_no_context_takeover: agreement.compress_no_context_takeover(),
            inflate_no_context_takeover: agreement.peer_no_context_takeover(),
        };
        self.extensions.0 = Some(Box::new(Deflate {
            agreement: *agreement,
            session: DeflateSession::new(settings),
        }));
        self.allowed_rsv |= RSV1;
        Ok(())
    }

    /// The permessage-deflate agreement in force, if it is on.
    pub fn deflate_agreement(&self) -> Option<&DeflateAgreement> {
        self.extensions
            .0
            .as_deref()
            .map(|deflate| &deflate.agreement)
    }

    /// Inflates the next piece of a compressed message into `out`.
    pub(super) fn inflate_chunk(
        &mut self,
        chunk: MessageChunk<'_>,
        out: &mut [u8],
    ) -> Result<Option<InflatedChunk>, ProtocolError> {
        let Some(session) = self.extensions.session_mut() else {
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
        let Some(session) = self.extensions.session_mut() else {
            return Ok(None);
        };
        let kind = session.incoming_kind().unwrap_or(MessageKind::Binary);
        let step = session.inflate_pending(out);
        self.deliver(kind, step, out)
    }

    /// Applies the size limit and UTF-8 to what a step inflated into `out`.
    fn deliver(
        &mut self,
        kind: MessageKind,
        step: Result<crate::deflate::Inflated, InflateError>,
        out: &[u8],
    ) -> Result<Option<InflatedChunk>, ProtocolError> {
        let limit = self.config.max_message_size;
        let checked = match (step, self.extensions.session_mut()) {
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
    #[inline]
    pub(super) fn compresses(
        &self,
        starts_message: bool,
        may_compress: bool,
    ) -> Result<Option<Compressing>, UsageError> {
        let Some(session) = self.extensions.session() else {
            return Ok(None);
        };
        let compressed = match (starts_message, session.sending) {
            (true, _) => may_compress,
            (false, Some(true)) if !may_compress => {
                return Err(UsageError::CompressedMessageInProgress)
            }
            (false, sending) => sending == Some(true),
        };
        Ok(compressed.then_some(Compressing(())))
    }

    /// Whether compressed messages may arrive, so that receiving needs room
    /// to inflate into.
    #[inline]
    pub(crate) fn inflates(&self) -> bool {
        self.extensions.0.is_some()
    }

    /// The most payload bytes a frame carries for `payload_len` bytes of
    /// input: more than the input when it may be compressed.
    pub(super) fn max_payload_len(&self, payload_len: usize) -> usize {
        match self.extensions.0 {
            Some(_) => max_compressed_len(payload_len, false),
            None => payload_len,
        }
    }

    /// Whether inflated bytes wait for room (see
    /// [`has_pending_events`](Self::has_pending_events)).
    pub(super) fn extension_has_pending_events(&self) -> bool {
        self.extensions
            .session()
            .is_some_and(DeflateSession::has_pending)
    }

    /// Records that a data frame went out uncompressed.
    pub(super) fn note_sent_frame(&mut self, fin: bool) {
        if let Some(session) = self.extensions.session_mut() {
            session.sending = (!fin).then_some(false);
        }
    }

    /// Compresses and writes one data frame: RSV1 on a message's first
    /// frame, the payload sync-flushed, its final tail removed at the end
    /// of the message (RFC 7692 §7.2.1).
    ///
    /// The output must have room for the worst case (incompressible data,
    /// `max_compressed_len`) before anything happens, so that a buffer that
    /// is too small changes nothing and `required` does not depend on the
    /// data. The payload is compressed straight into `out` after room for
    /// the largest header; the header then goes right before it, and the
    /// payload moves down only when its header came out shorter (a
    /// compressed size below 126 bytes or 64 KiB). Kept out of line, so
    /// that the uncompressed send path stays small enough to inline.
    #[inline(never)]
    #[allow(clippy::too_many_arguments)] // the frame, its place in the message and the proof
    pub(super) fn send_compressed(
        &mut self,
        _: Compressing,
        opcode: Opcode,
        fin: bool,
        payload: &[u8],
        frame: FrameInMessage,
        utf8: Utf8Validator,
        out: &mut [u8],
    ) -> Result<usize, SendError> {
        let masked = self.role == Role::Client;
        let bound = max_compressed_len(payload.len(), fin);
        let mut header = FrameHeader {
            fin,
            rsv: if frame.starts_message { RSV1 } else { 0 },
            opcode,
            mask: masked.then_some([0; 4]),
            payload_len: bound as u64,
        };
        let room = header.encoded_len();
        let required = room + bound;
        if out.len() < required {
            return Err(BufferTooSmall { required }.into());
        }
        let Some(session) = self.extensions.session_mut() else {
            return Err(UsageError::DeflateMismatch.into());
        };
        let len = session
            .compressor()
            .compress_into(payload, fin, &mut out[room..required]);
        header.payload_len = len as u64;
        header.mask = masked.then(|| self.keys.next_mask_key());
        let header_len = header.encoded_len();
        if header_len < room {
            out.copy_within(room..room + len, header_len);
        }
        header.encode(out)?;
        let end = header_len + len;
        if let Some(key) = header.mask {
            apply_mask(&mut out[header_len..end], key, 0);
        }
        self.commit(opcode, fin, Some(frame), utf8);
        if let Some(session) = self.extensions.session_mut() {
            session.sending = (!fin).then_some(true);
        }
        Ok(end)
    }
}

#[cfg(test)]
mod tests {
    use super::Deflate;
    use crate::deflate::Compressor;
    use crate::Connection;
    use miniz_oxide::inflate::stream::InflateState;

    /// The "whole connection" rows of `DeflateConfig`'s memory table, in
    /// bytes, for windows 15, 12, 10, 9, 8 and level 0: without the
    /// inflater (the peer resets its context), and with it.
    #[test]
    fn the_documented_connection_memory_holds() {
        let base = core::mem::size_of::<Connection>() + core::mem::size_of::<Deflate>();
        assert!(base <= 2200, "{base}");
        let inflater = core::mem::size_of::<InflateState>();
        let documented_kib = [
            (15, 6, 226, 268),
            (12, 6, 31, 73),
            (10, 6, 13, 55),
            (9, 6, 12, 54),
            (8, 6, 11, 53),
            (15, 0, 2, 44),
        ];
        for (bits, level, without, with) in documented_kib {
            let total = base + Compressor::with(bits, level, false).memory();
            let kib = |bytes: usize| (bytes + 512) / 1024;
            assert_eq!(kib(total), without, "window {bits}, level {level}");
            assert_eq!(kib(total + inflater), with, "window {bits}, level {level}");
        }
    }
}
