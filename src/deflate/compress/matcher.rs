//! LZ77 match finding for the compressor: the sliding window, hash chains
//! over 4-byte prefixes, and the greedy or lazy parse into tokens.
//!
//! Memory is set by the window: a buffer of twice the window plus the
//! lookahead (at least 4 KiB, at most 64 KiB), one 16-bit chain link per
//! window byte and a hash table of `window / 2` entries (at least 256) of
//! 16 bits. With the default 32 KiB window that is 64 + 64 + 32 KiB.

use alloc::vec;
use alloc::vec::Vec;

use super::tokens::Tokens;

/// The shortest match the parse emits (a 4-byte hash finds no shorter).
const MIN_MATCH: usize = 4;
/// The longest match DEFLATE can code.
const MAX_MATCH: usize = 258;

/// How hard one compression level searches (levels 1 to 9).
#[derive(Debug, Clone, Copy)]
pub(super) struct Effort {
    /// Chain links followed per position at most.
    chain: u16,
    /// A match this long ends the search.
    nice: u16,
    /// Lazy matching: look one byte further for a longer match unless this
    /// one is at least `lazy` long. 0: greedy.
    lazy: u16,
    /// With a match at least this long in hand, search a quarter as far.
    good: u16,
}

impl Effort {
    /// The effort of `level` (1 to 9; anything above 9 is 9).
    pub(super) fn of(level: u8) -> Self {
        let (chain, nice, lazy, good) = match level {
            0 | 1 => (4, 8, 0, 4),
            2 => (8, 16, 0, 4),
            3 => (24, 32, 0, 4),
            4 => (16, 16, 4, 4),
            5 => (32, 32, 16, 8),
            6 => (128, 128, 16, 8),
            7 => (256, 128, 32, 8),
            8 => (1024, 258, 128, 32),
            _ => (4096, 258, 258, 32),
        };
        Self {
            chain,
            nice,
            lazy,
            good,
        }
    }
}

/// The window, its hash chains, and the parse position.
#[derive(Clone)]
pub(super) struct Matcher {
    /// The input: `window[..len]` holds the history and the bytes not yet
    /// parsed; its capacity is fixed at creation.
    window: Vec<u8>,
    len: usize,
    /// The newest position with each hash, as an index into `window`.
    head: Vec<u16>,
    /// For each position (modulo the window size), the previous one with
    /// the same hash.
    prev: Vec<u16>,
    hash_shift: u32,
    window_mask: usize,
    /// The farthest back a match may reach (the agreed window minus one).
    max_distance: usize,
    /// The first position the peer's decoder has: matches never start
    /// before it (moved up on every reset of the context).
    history_start: usize,
    /// Positions before this one are in the hash chains.
    hashed: usize,
    /// The next position to parse.
    pos: usize,
    /// The first position the current block's tokens encode.
    block_start: usize,
    effort: Effort,
}

impl Matcher {
    /// A matcher for a window of 2^`window_bits` bytes.
    pub(super) fn new(window_bits: u8, level: u8) -> Self {
        let window = 1usize << window_bits;
        let hash_bits = (u32::from(window_bits) - 1).max(8);
        // Slides move the data by whole windows, so that each position keeps
        // its chain slot (`position & window_mask`). The buffer holds two
        // windows and the lookahead, within the reach of 16-bit positions;
        // at 32 KiB that leaves 258 bytes less than the window to reach back
        // (zlib leaves 262).
        let capacity = (2 * window + 2 * MAX_MATCH).clamp(4096, 1 << 16);
        let max_distance = (window - 1).min(capacity - window - MAX_MATCH);
        Self {
            window: vec![0; capacity],
            len: 0,
            head: vec![0; 1 << hash_bits],
            prev: vec![0; window],
            hash_shift: 32 - hash_bits,
            window_mask: window - 1,
            max_distance,
            history_start: 0,
            hashed: 0,
            pos: 0,
            block_start: 0,
            effort: Effort::of(level),
        }
    }

    /// Bytes of state, for the documentation and its test.
    #[cfg(test)]
    pub(super) fn memory(&self) -> usize {
        self.window.len() + 2 * self.head.len() + 2 * self.prev.len()
    }

    /// Forgets the history: later matches reach back no further than here.
    pub(super) fn reset(&mut self) {
        self.history_start = self.pos;
    }

    /// The end of the input held (the parse runs up to here at most).
    pub(super) fn input_end(&self) -> usize {
        self.len
    }

    /// Free room for input; when there is none, the caller writes out the
    /// current block ([`take_block`](Self::take_block)) and calls
    /// [`slide`](Self::slide).
    pub(super) fn room(&self) -> usize {
        self.window.len() - self.len
    }

    /// Appends input; at most [`room`](Self::room) bytes.
    pub(super) fn push(&mut self, input: &[u8]) {
        self.window[self.len..self.len + input.len()].copy_from_slice(input);
        self.len += input.len();
    }

    /// The input bytes the current block encodes, for a stored block; the
    /// next block starts after them.
    pub(super) fn take_block(&mut self) -> &[u8] {
        let raw = &self.window[self.block_start..self.pos];
        self.block_start = self.pos;
        raw
    }

    /// Drops the oldest whole windows, keeping the reach of a match before
    /// the parse position. Only between blocks, with the parse within the
    /// lookahead of a full buffer, where it always frees room.
    pub(super) fn slide(&mut self) {
        debug_assert_eq!(self.block_start, self.pos);
        let shift = self.pos.saturating_sub(self.max_distance) & !self.window_mask;
        debug_assert!(shift > 0, "a slide frees room");
        if shift == 0 {
            return;
        }
        self.window.copy_within(shift..self.len, 0);
        self.len -= shift;
        self.pos -= shift;
        self.block_start -= shift;
        self.hashed = self.hashed.saturating_sub(shift);
        self.history_start = self.history_start.saturating_sub(shift);
        let shift = shift as u16;
        // Two plain loops (not one chained iterator) so that both vectorize.
        for link in self.head.iter_mut() {
            *link = link.saturating_sub(shift);
        }
        for link in self.prev.iter_mut() {
            *link = link.saturating_sub(shift);
        }
    }

    #[inline(always)]
    fn hash(&self, at: usize) -> usize {
        let bytes = self.window[at..at + 4].try_into().unwrap_or_default();
        (u32::from_le_bytes(bytes).wrapping_mul(0x9E37_79B1) >> self.hash_shift) as usize
    }

    /// Links `at` into its hash chain; returns the previous head.
    #[inline(always)]
    fn insert(&mut self, at: usize) -> usize {
        let h = self.hash(at);
        let previous = self.head[h];
        self.prev[at & self.window_mask] = previous;
        self.head[h] = at as u16;
        usize::from(previous)
    }

    /// Links every position before `upto` not yet linked (each needs four
    /// bytes after it, which the caller ensures).
    #[inline(always)]
    fn catch_up(&mut self, upto: usize) {
        while self.hashed < upto {
            self.insert(self.hashed);
            self.hashed += 1;
        }
    }

    /// The longest match for `at` (length, distance), longer than
    /// `better_than`, following the chain from `candidate`; the match ends
    /// by `end`.
    #[inline(always)]
    fn longest_match(
        &self,
        at: usize,
        mut candidate: usize,
        end: usize,
        better_than: usize,
    ) -> (usize, usize) {
        let limit = at.saturating_sub(self.max_distance).max(self.history_start);
        let max_len = (end - at).min(MAX_MATCH);
        let mut best = (better_than.max(MIN_MATCH - 1), 0);
        if max_len <= best.0 {
            return (0, 0);
        }
        let mut chain = self.effort.chain;
        if better_than >= usize::from(self.effort.good) {
            chain = (chain / 4).max(1);
        }
        let w = &self.window[..end];
        // The two bytes a candidate must match to beat the best so far (the
        // last two of a longer match), read once per improvement.
        let pair = |i: usize| u16::from_le_bytes([w[i - 1], w[i]]);
        let mut scan_end = pair(at + best.0);
        if candidate < limit || candidate >= at {
            return (0, 0);
        }
        loop {
            if pair(candidate + best.0) == scan_end {
                let len = common_prefix(w, candidate, at, max_len);
                if len > best.0 {
                    best = (len, at - candidate);
                    if len >= usize::from(self.effort.nice) || len == max_len {
                        break;
                    }
                    scan_end = pair(at + len);
                }
            }
            chain -= 1;
            let next = usize::from(self.prev[candidate & self.window_mask]);
            // Older positions only, within reach; a link from before a slide
            // or a reset points nowhere useful.
            if chain == 0 || next >= candidate || next < limit {
                break;
            }
            candidate = next;
        }
        if best.1 == 0 {
            (0, 0)
        } else {
            best
        }
    }

    /// Parses the input up to `end` into `tokens` (all of it when `end` is
    /// the input's end); stops early, returning `true`, when `tokens` holds
    /// `block_limit` tokens.
    pub(super) fn parse(&mut self, tokens: &mut Tokens, end: usize, block_limit: usize) -> bool {
        let input_end = self.len;
        if self.effort.lazy == 0 {
            self.parse_greedy(tokens, end, input_end, block_limit)
        } else {
            self.parse_lazy(tokens, end, input_end, block_limit)
        }
    }

    fn parse_greedy(
        &mut self,
        tokens: &mut Tokens,
        end: usize,
        input_end: usize,
        block_limit: usize,
    ) -> bool {
        while self.pos < end {
            if tokens.list.len() >= block_limit {
                return true;
            }
            let at = self.pos;
            if at + MIN_MATCH > input_end {
                tokens.push_literal(self.window[at]);
                self.pos += 1;
                continue;
            }
            self.catch_up(at);
            let candidate = self.insert(at);
            self.hashed = at + 1;
            let (len, distance) = self.longest_match(at, candidate, input_end, 0);
            if len >= MIN_MATCH {
                tokens.push_match(len, distance);
                self.pos += len;
                // Link the matched positions now while they have four bytes
                // after them; the rest wait for more input.
                self.catch_up(self.pos.min(input_end + 1 - MIN_MATCH));
            } else {
                tokens.push_literal(self.window[at]);
                self.pos += 1;
            }
        }
        false
    }

    fn parse_lazy(
        &mut self,
        tokens: &mut Tokens,
        end: usize,
        input_end: usize,
        block_limit: usize,
    ) -> bool {
        // A match found at `pos - 1`, held while `pos` is tried.
        let mut held: Option<(usize, usize)> = None;
        while self.pos < end {
            if tokens.list.len() >= block_limit && held.is_none() {
                return true;
            }
            let at = self.pos;
            let (len, distance) = if at + MIN_MATCH > input_end {
                (0, 0)
            } else {
                self.catch_up(at);
                let candidate = self.insert(at);
                self.hashed = at + 1;
                let better_than = held.map_or(0, |(l, _)| l);
                if better_than >= usize::from(self.effort.lazy) {
                    (0, 0)
                } else {
                    self.longest_match(at, candidate, input_end, better_than)
                }
            };
            match held.take() {
                Some((held_len, held_distance)) if len <= held_len => {
                    // The held match at `at - 1` wins.
                    tokens.push_match(held_len, held_distance);
                    self.pos = at - 1 + held_len;
                    self.catch_up(self.pos.min(input_end + 1 - MIN_MATCH).max(self.hashed));
                }
                Some(_) => {
                    tokens.push_literal(self.window[at - 1]);
                    held = Some((len, distance));
                    self.pos += 1;
                }
                None if len >= MIN_MATCH => {
                    if len >= usize::from(self.effort.lazy) {
                        tokens.push_match(len, distance);
                        self.pos += len;
                        self.catch_up(self.pos.min(input_end + 1 - MIN_MATCH).max(self.hashed));
                    } else {
                        held = Some((len, distance));
                        self.pos += 1;
                    }
                }
                None => {
                    tokens.push_literal(self.window[at]);
                    self.pos += 1;
                }
            }
        }
        if let Some((len, distance)) = held {
            // The parse stopped with a match in hand: it starts at pos - 1.
            // Emit it whole, even if it runs past `end` (into input that is
            // present, since matches end by the input's end).
            tokens.push_match(len, distance);
            self.pos = self.pos - 1 + len;
        }
        false
    }
}

/// How many bytes `w[a..]` and `w[b..]` (with `a < b`) have in common, up
/// to `max`; `b + max` is within `w`.
#[inline(always)]
fn common_prefix(w: &[u8], a: usize, b: usize, max: usize) -> usize {
    let mut n = 0;
    while n + 8 <= max {
        let x = u64::from_le_bytes(w[a + n..a + n + 8].try_into().unwrap_or_default());
        let y = u64::from_le_bytes(w[b + n..b + n + 8].try_into().unwrap_or_default());
        let diff = x ^ y;
        if diff != 0 {
            return n + (diff.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    while n < max && w[a + n] == w[b + n] {
        n += 1;
    }
    n
}
