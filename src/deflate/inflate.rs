//! The decompressor of permessage-deflate (RFC 7692 §7.2.2), on
//! `miniz_oxide`: it inflates a message's payload piece by piece into
//! output the caller sizes, so that a size limit stops it after producing
//! no more than the limit, and puts back the `00 00 ff ff` tail the sender
//! removed, checking that the message ended where the tail says it did.
//!
//! A sender's message ends with an empty stored block whose `LEN` and
//! `NLEN` (`00 00 ff ff`) it removed (§7.2.1), so the message's own bytes
//! leave the inflater inside that block's header, every byte before it
//! already inflated. Putting the tail back must therefore release no
//! output, be taken in whole, and leave the inflater between blocks on a
//! byte boundary (a stored block ends on one). Anything else means the
//! message ended elsewhere: mid-block (a truncated message), with an extra
//! byte read as `LEN`, or with the tail taken as a stored block's data.
//! The one other valid ending is a final block (BFINAL, §7.2.3.4): after
//! it, the rest of the message is padding, and the tail is not needed.

use alloc::boxed::Box;

use miniz_oxide::inflate::stream::{inflate, InflateState, ZeroReset};
use miniz_oxide::{DataFormat, MZError, MZFlush, MZStatus};

use super::compress::TAIL;

/// Why a compressed message could not be inflated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InflateError {
    /// The bytes are not a DEFLATE stream, or the message does not end at
    /// a block boundary once the tail is put back.
    Corrupt,
}

/// This end's decompressor.
#[derive(Clone)]
pub(crate) struct Decompressor {
    state: Box<InflateState>,
    /// The peer ended the DEFLATE stream (a block with BFINAL set).
    ended: bool,
}

impl core::fmt::Debug for Decompressor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Decompressor")
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

impl Decompressor {
    /// A decompressor with an empty window (one allocation, the size of
    /// `InflateState`: its 32 KiB window and its Huffman tables).
    pub(crate) fn new() -> Self {
        Self {
            state: InflateState::new_boxed(DataFormat::Raw),
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
            // StreamEnd comes once all output is out.
            Ok(MZStatus::StreamEnd) => self.ended = true,
            // `Buf`: no input, and nothing more to write without it.
            Ok(_) | Err(MZError::Buf) => {}
            Err(_) => return Err(InflateError::Corrupt),
        }
        Ok((result.bytes_consumed, result.bytes_written))
    }

    /// At the end of a message: drains what the message's bytes released
    /// into `out`, then puts the tail back and checks that the message
    /// ended at a block boundary. Returns the bytes written and whether the
    /// message is complete; call again with more room while it is not.
    pub(crate) fn finish(&mut self, out: &mut [u8]) -> Result<(usize, bool), InflateError> {
        let mut written = 0;
        // Everything the message's own bytes hold comes out first, so that
        // whatever the tail releases can be told apart. A call that writes
        // nothing into free room means nothing is left.
        while !self.ended {
            if written == out.len() {
                return Ok((written, false));
            }
            let (_, wrote) = self.inflate(&[], &mut out[written..])?;
            if wrote == 0 {
                break;
            }
            written += wrote;
        }
        if !self.ended {
            // `out` has room: output the tail released would show here.
            let (used, wrote) = self.inflate(&TAIL, &mut out[written..])?;
            if used != TAIL.len() || wrote != 0 || !(self.ended || self.between_blocks()) {
                return Err(InflateError::Corrupt);
            }
        }
        self.end_message();
        Ok((written, true))
    }

    /// Whether the inflater waits for a block header on a byte boundary.
    fn between_blocks(&mut self) -> bool {
        // The state is `ReadBlockHeader` only after running out of input
        // for its 3 bits, so fewer than 8 bits are buffered (the accessor
        // asserts it).
        self.state
            .decompressor()
            .block_boundary_state()
            .is_some_and(|boundary| boundary.num_bits == 0)
    }

    /// Starts the next message: a stream the peer ended starts again.
    fn end_message(&mut self) {
        if self.ended {
            self.state.reset_as(ZeroReset);
            self.ended = false;
        }
    }
}
