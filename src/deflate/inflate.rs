//! The DEFLATE codec of permessage-deflate (RFC 7692 §7.2), on
//! `miniz_oxide`: the compressor writes a message's payload sync-flushed and
//! without its final `00 00 ff ff`, and the decompressor inflates a
//! message's payload piece by piece into output the caller sizes, so that a
//! size limit stops it after producing no more than the limit.
//!
//! `miniz_oxide` always compresses with a 32 KiB window. A smaller agreed
//! window (8 to 14 bits) is honoured by starting the compressor afresh every
//! 2^n input bytes, after a sync flush: no back-reference can then reach
//! further than 2^n - 1 bytes, and the stream stays one valid sequence of
//! DEFLATE blocks.

use alloc::boxed::Box;
use alloc::vec::Vec;

use miniz_oxide::deflate::core::{CompressionStrategy, CompressorOxide};
use miniz_oxide::deflate::stream::deflate;
use miniz_oxide::inflate::stream::{inflate, InflateState, ZeroReset};
use miniz_oxide::{DataFormat, MZError, MZFlush, MZStatus};

use super::params::{DeflateAgreement, MAX_WINDOW_BITS};

/// The bytes a sync flush ends with, removed from each compressed message
/// and put back before inflating it (RFC 7692 §7.2.1, §7.2.2).
pub(crate) const TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// Room always left for a flush: `miniz_oxide` makes no progress with less
/// than 6 bytes of output.
const MIN_ROOM: usize = 64;

/// This end's compressor.
#[derive(Clone)]
pub(crate) struct Compressor {
    state: Box<CompressorOxide>,
    /// 2^window_bits: input bytes between fresh starts when below 32 KiB.
    window: usize,
    /// Input bytes since the last fresh start.
    since_reset: usize,
    no_context_takeover: bool,
    /// The compressed bytes of the current call; `out.len()` is its capacity.
    out: Vec<u8>,
    used: usize,
}

impl core::fmt::Debug for Compressor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Compressor")
            .field("window", &self.window)
            .field("since_reset", &self.since_reset)
            .field("no_context_takeover", &self.no_context_takeover)
            .finish_non_exhaustive()
    }
}

impl Compressor {
    /// A compressor for what `agreement` says this end sends.
    pub(crate) fn new(agreement: &DeflateAgreement) -> Self {
        let state = Box::new(CompressorOxide::with_params(
            DataFormat::Raw,
            agreement.level(),
            CompressionStrategy::Default,
            MAX_WINDOW_BITS,
        ));
        Self {
            state,
            window: 1 << agreement.compress_window_bits(),
            since_reset: 0,
            no_context_takeover: agreement.compress_no_context_takeover(),
            out: Vec::new(),
            used: 0,
        }
    }

    /// Compresses the next part of a message; `fin` ends the message. The
    /// output is sync-flushed, so the peer can inflate all of it at once;
    /// at the end of a message it loses its `00 00 ff ff` tail.
    pub(crate) fn compress(&mut self, payload: &[u8], fin: bool) -> &[u8] {
        self.used = 0;
        let mut rest = payload;
        loop {
            let take = if self.window < 1 << MAX_WINDOW_BITS {
                rest.len().min(self.window - self.since_reset)
            } else {
                rest.len()
            };
            self.flush_piece(&rest[..take]);
            rest = &rest[take..];
            self.since_reset += take;
            if self.since_reset >= self.window {
                self.state.reset();
                self.since_reset = 0;
            }
            if rest.is_empty() {
                break;
            }
        }
        if fin {
            // Every sync flush ends with the tail (RFC 7692 §7.2.1 step 3).
            debug_assert!(self.out[..self.used].ends_with(&TAIL));
            self.used -= TAIL.len();
            if self.no_context_takeover {
                self.reset();
            }
        }
        &self.out[..self.used]
    }

    /// Forgets the context: the next message refers to nothing before it.
    /// Always allowed (the peer keeps a window it will not be asked for).
    pub(crate) fn reset(&mut self) {
        self.state.reset();
        self.since_reset = 0;
    }

    /// Compresses `piece` and sync-flushes, appending to `out`. Following
    /// zlib's rule, the flush is over once the input is used up and a call
    /// left output room unused; flushing again would add an empty block.
    fn flush_piece(&mut self, mut piece: &[u8]) {
        loop {
            let room = (piece.len() + piece.len() / 8).max(MIN_ROOM);
            if self.out.len() - self.used < room {
                let len = (self.used + room).max(self.out.len() * 2);
                self.out.resize(len, 0);
            }
            let out = &mut self.out[self.used..];
            let available = out.len();
            let result = deflate(&mut self.state, piece, out, MZFlush::Sync);
            self.used += result.bytes_written;
            piece = &piece[result.bytes_consumed..];
            let stalled = result.bytes_consumed == 0 && result.bytes_written == 0;
            if (piece.is_empty() && result.bytes_written < available) || stalled {
                return;
            }
        }
    }
}

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
