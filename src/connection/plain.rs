//! The connection's extension stage without the `deflate` feature: no
//! extension can be agreed, so nothing is compressed, nothing is inflated
//! and RSV1 stays a protocol error. It has the same calls as `deflate.rs`,
//! so that the connection's paths read the same in every build.

use super::Connection;
use crate::frame::{Opcode, RSV1};
use crate::rules::FrameInMessage;
use crate::utf8::Utf8Validator;
use crate::{Event, MaskKeySource, MessageChunk, ProtocolError, SendError, UsageError};

/// The stage's state: none.
#[derive(Debug, Clone, Default)]
pub(super) struct Extensions;

/// Proof that a frame is compressed, which cannot exist without the
/// feature.
#[derive(Debug, Clone, Copy)]
pub(super) enum Compressing {}

/// An inflated chunk, which cannot exist without the feature.
#[derive(Debug, Clone, Copy)]
pub(super) enum InflatedChunk {}

impl InflatedChunk {
    /// The event (never made).
    pub(super) fn event(self, _: &[u8]) -> Event<'_> {
        match self {}
    }
}

impl<K: MaskKeySource> Connection<K> {
    /// No frame is compressed.
    #[inline(always)]
    pub(super) fn compresses(
        &self,
        _starts_message: bool,
        _may_compress: bool,
    ) -> Result<Option<Compressing>, UsageError> {
        Ok(None)
    }

    /// Nothing is inflated: receiving needs no room for it.
    #[inline(always)]
    pub(crate) fn inflates(&self) -> bool {
        false
    }

    /// A frame's payload is its input.
    pub(super) fn max_payload_len(&self, payload_len: usize) -> usize {
        payload_len
    }

    /// Nothing is ever pending.
    #[inline(always)]
    pub(super) fn extension_has_pending_events(&self) -> bool {
        false
    }

    /// Nothing to record.
    #[inline(always)]
    pub(super) fn note_sent_frame(&mut self, _fin: bool) {}

    /// Never called: no [`Compressing`] exists.
    #[allow(clippy::too_many_arguments)] // mirrors deflate.rs
    pub(super) fn send_compressed(
        &mut self,
        compressing: Compressing,
        _: Opcode,
        _: bool,
        _: &[u8],
        _: FrameInMessage,
        _: Utf8Validator,
        _: &mut [u8],
    ) -> Result<usize, SendError> {
        match compressing {}
    }

    /// A compressed frame: RSV1 was never agreed, so the decoder does not
    /// hand one over; if it did, RSV1 is the peer's error (RFC 6455 §5.2).
    pub(super) fn inflate_chunk(
        &mut self,
        _: MessageChunk<'_>,
        _: &mut [u8],
    ) -> Result<Option<InflatedChunk>, ProtocolError> {
        Err(self.fail(ProtocolError::ReservedBitsSet(RSV1)))
    }

    /// Nothing waits to be inflated.
    pub(super) fn inflate_pending(
        &mut self,
        _: &mut [u8],
    ) -> Result<Option<InflatedChunk>, ProtocolError> {
        Ok(None)
    }
}
