//! The compressor of permessage-deflate (RFC 7692 §7.2.1): raw DEFLATE
//! (RFC 1951), sync-flushed after each call, the final `00 00 ff ff`
//! removed at the end of a message.
//!
//! It is written for this use rather than taken from a general library, so
//! that its memory follows the agreed window: a window of 2^n bytes is
//! honoured exactly (no back-reference reaches further than 2^n - 1 bytes;
//! 2^15 - 258 at the largest), and level 0 needs no state at all. Each
//! call's tokens become one block per 16 Ki tokens (fewer with small
//! windows), written stored, with the fixed code or with a dynamic code,
//! whichever is shortest.

mod bits;
mod block;
mod huffman;
mod matcher;
mod tokens;

use alloc::vec::Vec;

use bits::BitWriter;
use block::{write_block, write_stored};
use matcher::Matcher;
use tokens::Tokens;

use super::params::DeflateAgreement;

/// The bytes a sync flush ends with, removed from each compressed message
/// (RFC 7692 §7.2.1).
pub(crate) const TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// Bytes a match may run past the parse limit: the parse stops this far
/// before the end of the window while more input is waiting.
const LOOKAHEAD: usize = 258;

/// Output capacity kept between calls whatever their size.
const KEPT_OUTPUT: usize = 64 << 10;

/// This end's compressor.
#[derive(Clone)]
pub(crate) struct Compressor {
    /// `None` at level 0 (stored blocks only).
    matcher: Option<Matcher>,
    tokens: Tokens,
    /// Tokens per block at most.
    block_limit: usize,
    no_context_takeover: bool,
    /// The compressed bytes of the current call.
    out: Vec<u8>,
}

impl core::fmt::Debug for Compressor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Compressor")
            .field("stored_only", &self.matcher.is_none())
            .field("block_limit", &self.block_limit)
            .field("no_context_takeover", &self.no_context_takeover)
            .finish_non_exhaustive()
    }
}

impl Compressor {
    /// A compressor for what `agreement` says this end sends.
    pub(crate) fn new(agreement: &DeflateAgreement) -> Self {
        Self::with(
            agreement.compress_window_bits(),
            agreement.level(),
            agreement.compress_no_context_takeover(),
        )
    }

    /// A compressor with a window of 2^`window_bits` bytes (8 to 15) at
    /// `level` (0 to 9).
    pub(crate) fn with(window_bits: u8, level: u8, no_context_takeover: bool) -> Self {
        let window_bits = window_bits.clamp(8, 15);
        Self {
            matcher: (level > 0).then(|| Matcher::new(window_bits, level)),
            tokens: Tokens::new(),
            block_limit: block_limit(window_bits),
            no_context_takeover,
            out: Vec::new(),
        }
    }

    /// The most bytes this compressor holds (window, hash chains and a full
    /// block of tokens), not counting the output of the current call.
    #[cfg(test)]
    pub(crate) fn memory(&self) -> usize {
        self.matcher
            .as_ref()
            .map_or(0, |m| m.memory() + 4 * self.block_limit)
    }

    /// Compresses the next part of a message; `fin` ends the message. The
    /// output is sync-flushed, so the peer can inflate all of it at once;
    /// at the end of a message it loses its `00 00 ff ff` tail.
    pub(crate) fn compress(&mut self, payload: &[u8], fin: bool) -> &[u8] {
        // The output keeps the capacity of the largest message sent until a
        // much smaller one comes.
        let worst = payload.len() + payload.len() / 2048 + 16;
        if self.out.capacity() > (4 * worst).max(KEPT_OUTPUT) {
            self.out = Vec::new();
        }
        self.out.clear();
        let mut w = BitWriter::new(&mut self.out);
        match &mut self.matcher {
            None if payload.is_empty() => {}
            None => write_stored(&mut w, payload),
            Some(m) => {
                let mut input = payload;
                loop {
                    let take = input.len().min(m.room());
                    m.push(&input[..take]);
                    input = &input[take..];
                    let end = if input.is_empty() {
                        m.input_end()
                    } else {
                        m.input_end() - LOOKAHEAD
                    };
                    while m.parse(&mut self.tokens, end, self.block_limit) {
                        write_block(&mut w, &mut self.tokens, m.take_block());
                    }
                    if input.is_empty() {
                        break;
                    }
                    if !self.tokens.list.is_empty() {
                        write_block(&mut w, &mut self.tokens, m.take_block());
                    }
                    m.slide();
                }
                if !self.tokens.list.is_empty() {
                    write_block(&mut w, &mut self.tokens, m.take_block());
                }
            }
        }
        // The sync flush: an empty stored block, ending in the tail.
        write_stored(&mut w, &[]);
        if fin {
            self.out.truncate(self.out.len() - TAIL.len());
            if self.no_context_takeover {
                self.reset();
            }
        }
        &self.out
    }

    /// Forgets the context: the next message refers to nothing before it.
    /// Always allowed (the peer keeps a window it will not be asked for).
    pub(crate) fn reset(&mut self) {
        if let Some(m) = &mut self.matcher {
            m.reset();
        }
    }
}

/// Tokens per block for a window of 2^`window_bits`: 16 Ki at 32 KiB, down
/// to 1 Ki for the smallest windows.
fn block_limit(window_bits: u8) -> usize {
    (1usize << (window_bits - 1)).clamp(1024, 16 * 1024)
}
