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

use bits::BitWriter;
use block::{write_block, write_stored};
use matcher::Matcher;
use tokens::Tokens;

/// The bytes a sync flush ends with, removed from each compressed message
/// (RFC 7692 §7.2.1).
pub(crate) const TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// Bytes a match may run past the parse limit: the parse stops this far
/// before the end of the window while more input is waiting.
const LOOKAHEAD: usize = 258;

/// The most compressed bytes one call writes for `payload_len` bytes of
/// input (`fin`: the call ends its message): the size of the input written
/// as stored blocks (5 bytes of header per 65,535 bytes), plus the sync
/// flush (5 bytes, or 1 at the end of a message once the tail is removed).
/// A call whose coded output would be larger writes stored blocks instead.
pub(crate) const fn max_compressed_len(payload_len: usize, fin: bool) -> usize {
    let blocks = if payload_len == 0 {
        1
    } else {
        payload_len.div_ceil(u16::MAX as usize)
    };
    let flush = if fin { 1 } else { 5 };
    payload_len
        .saturating_add(blocks.saturating_mul(5))
        .saturating_add(flush)
}

/// This end's compressor.
#[derive(Clone)]
pub(crate) struct Compressor {
    /// `None` at level 0 (stored blocks only).
    matcher: Option<Matcher>,
    tokens: Tokens,
    /// Tokens per block at most.
    block_limit: usize,
    no_context_takeover: bool,
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
    /// A compressor with a window of 2^`window_bits` bytes (8 to 15) at
    /// `level` (0 to 9).
    pub(crate) fn with(window_bits: u8, level: u8, no_context_takeover: bool) -> Self {
        let window_bits = window_bits.clamp(8, 15);
        Self {
            matcher: (level > 0).then(|| Matcher::new(window_bits, level)),
            tokens: Tokens::new(),
            block_limit: block_limit(window_bits),
            no_context_takeover,
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

    /// Compresses the next part of a message into the front of `out` and
    /// returns the length written; `fin` ends the message. The output is
    /// sync-flushed, so the peer can inflate all of it at once; at the end
    /// of a message it loses its `00 00 ff ff` tail.
    ///
    /// `out` must hold [`max_compressed_len`] bytes: the output never
    /// exceeds that, since coded blocks that would not fit are replaced by
    /// the same input in stored blocks (which the peer's window takes in
    /// just the same).
    pub(crate) fn compress_into(&mut self, payload: &[u8], fin: bool, out: &mut [u8]) -> usize {
        let bound = max_compressed_len(payload.len(), fin);
        let out = &mut out[..bound];
        let mut w = BitWriter::new(out);
        self.encode(&mut w, payload);
        end_call(&mut w, fin);
        let written = match w.finish() {
            Ok(written) => written,
            Err(_) => {
                let mut w = BitWriter::new(out);
                write_stored(&mut w, payload);
                end_call(&mut w, fin);
                // Exactly the bound: it fits.
                w.finish().unwrap_or(bound)
            }
        };
        if fin && self.no_context_takeover {
            self.reset();
        }
        written
    }

    /// [`compress_into`](Self::compress_into), into a new buffer.
    #[cfg(test)]
    pub(crate) fn compress(&mut self, payload: &[u8], fin: bool) -> alloc::vec::Vec<u8> {
        let mut out = alloc::vec![0; max_compressed_len(payload.len(), fin)];
        let len = self.compress_into(payload, fin, &mut out);
        out.truncate(len);
        out
    }

    /// Takes `payload` into the window and writes its blocks (none for an
    /// empty payload).
    fn encode(&mut self, w: &mut BitWriter<'_>, payload: &[u8]) {
        let Some(m) = &mut self.matcher else {
            if !payload.is_empty() {
                write_stored(w, payload);
            }
            return;
        };
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
                write_block(w, &mut self.tokens, m.take_block());
            }
            if input.is_empty() {
                break;
            }
            if !self.tokens.list.is_empty() {
                write_block(w, &mut self.tokens, m.take_block());
            }
            m.slide();
        }
        if !self.tokens.list.is_empty() {
            write_block(w, &mut self.tokens, m.take_block());
        }
    }

    /// Forgets the context: the next message refers to nothing before it.
    /// Always allowed (the peer keeps a window it will not be asked for).
    pub(crate) fn reset(&mut self) {
        if let Some(m) = &mut self.matcher {
            m.reset();
        }
    }
}

/// Ends a call's output with the sync flush, an empty stored block; at the
/// end of a message only its first bits are written, since the tail
/// (`00 00 ff ff`, the block's LEN and NLEN) is removed (RFC 7692 §7.2.1).
fn end_call(w: &mut BitWriter<'_>, fin: bool) {
    if fin {
        w.put(0, 3);
        w.align();
    } else {
        write_stored(w, &[]);
    }
}

/// Tokens per block for a window of 2^`window_bits`: 16 Ki at 32 KiB, down
/// to 1 Ki for the smallest windows.
fn block_limit(window_bits: u8) -> usize {
    (1usize << (window_bits - 1)).clamp(1024, 16 * 1024)
}
