//! The decompressor of permessage-deflate (RFC 7692 §7.2.2), on
//! `miniz_oxide`: it inflates a message's payload piece by piece into
//! output the caller sizes, so that a size limit stops it after producing
//! no more than the limit, and puts back the `00 00 ff ff` tail the sender
//! removed.

use alloc::boxed::Box;

use miniz_oxide::inflate::stream::{inflate, InflateState, ZeroReset};
use miniz_oxide::{DataFormat, MZError, MZFlush, MZStatus};

use super::compress::TAIL;

/// Why a compressed message could not be inflated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InflateError {
    /// The bytes are not a DEFLATE stream.
    Corrupt,
}

/// This end's decompressor.
#[derive(Clone)]
pub(crate) struct Decompressor {
    state: Box<InflateState>,
    /// How many tail bytes the current message has had fed (0 to 4).
    tail_fed: usize,
    /// The peer ended the DEFLATE stream (a block with BFINAL set).
    ended: bool,
}

impl core::fmt::Debug for Decompressor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Decompressor")
            .field("tail_fed", &self.tail_fed)
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

impl Decompressor {
    /// A decompressor with an empty window.
    pub(crate) fn new() -> Self {
        Self {
            state: InflateState::new_boxed(DataFormat::Raw),
            tail_fed: 0,
            ended: false,
        }
    }

    /// Inflates from the front of `input`, a piece of the current message's
    /// compressed payload, into `out`. Returns the bytes consumed and
    /// written. Output waiting inside comes out first; call again while
    /// `out` comes back full.
    pub(crate) fn inflate(
        &mut self,
        input: &[u8],
        out: &mut [u8],
    ) -> Result<(usize, usize), InflateError> {
        if self.ended {
            // After a final block, the rest of the message is padding (RFC
            // 7692 §7.2.3.4 ends its example with a 0x00 there); the next
            // message starts a new stream.
            return Ok((input.len(), 0));
        }
        let result = inflate(&mut self.state, input, out, MZFlush::None);
        match result.status {
            Ok(MZStatus::StreamEnd) => self.ended = true,
            Ok(_) | Err(MZError::Buf) => {}
            Err(_) => return Err(InflateError::Corrupt),
        }
        Ok((result.bytes_consumed, result.bytes_written))
    }

    /// At the end of a message: feeds the tail and drains what it releases
    /// into `out`. Returns the bytes written and whether the message is
    /// complete; call again with more room while it is not.
    pub(crate) fn finish(&mut self, out: &mut [u8]) -> Result<(usize, bool), InflateError> {
        let mut written = 0;
        while !self.ended && self.tail_fed < TAIL.len() {
            let (used, wrote) = self.inflate(&TAIL[self.tail_fed..], &mut out[written..])?;
            self.tail_fed += used;
            written += wrote;
            if used == 0 && wrote == 0 {
                break;
            }
        }
        // Whatever the tail released, until a call leaves room unused.
        loop {
            let room = out.len() - written;
            if room == 0 {
                return Ok((written, false));
            }
            let (_, wrote) = self.inflate(&[], &mut out[written..])?;
            written += wrote;
            if wrote < room {
                break;
            }
        }
        if !self.ended && self.tail_fed < TAIL.len() {
            return Ok((written, false));
        }
        self.end_message();
        Ok((written, true))
    }

    /// Starts the next message: a stream the peer ended starts again.
    fn end_message(&mut self) {
        self.tail_fed = 0;
        if self.ended {
            self.state.reset_as(ZeroReset);
            self.ended = false;
        }
    }
}
