//! DEFLATE block writing (RFC 1951 §3.2.3 to §3.2.7): the bit writer, the
//! length and distance code tables, and one block of LZ77 tokens written
//! as stored, fixed-Huffman or dynamic-Huffman data, whichever is smallest.

use alloc::vec::Vec;

use super::huffman::{canonical_codes, code_lengths, MAX_SYMBOLS};

/// Appends bits least significant first, as DEFLATE packs them.
pub(super) struct BitWriter<'a> {
    out: &'a mut Vec<u8>,
    bits: u64,
    count: u32,
}

impl<'a> BitWriter<'a> {
    /// Writes after what `out` holds (which ends on a byte boundary).
    pub(super) fn new(out: &'a mut Vec<u8>) -> Self {
        Self {
            out,
            bits: 0,
            count: 0,
        }
    }

    /// Appends the low `n` bits of `value`, `n` at most 32.
    #[inline(always)]
    pub(super) fn put(&mut self, value: u32, n: u32) {
        self.bits |= u64::from(value) << self.count;
        self.count += n;
        if self.count >= 32 {
            self.out
                .extend_from_slice(&(self.bits as u32).to_le_bytes());
            self.bits >>= 32;
            self.count -= 32;
        }
    }

    /// Pads with zero bits to a byte boundary and writes what is pending.
    pub(super) fn align(&mut self) {
        let bytes = self.count.div_ceil(8);
        self.out
            .extend_from_slice(&self.bits.to_le_bytes()[..bytes as usize]);
        self.bits = 0;
        self.count = 0;
    }
}

/// Literal/length alphabet size in use (RFC 1951 §3.2.5: 286 codes).
const LITLEN_CODES: usize = 286;
/// Distance alphabet size in use (30 codes).
const DIST_CODES: usize = 30;
/// The end-of-block symbol.
const END_OF_BLOCK: usize = 256;

/// Base match length of each length code (257..=285), and its extra bits.
const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/// Base distance of each distance code, and its extra bits.
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// Length code index (0..29) of each match length minus 3.
const LEN_CODE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut code = 0;
    while code < 29 {
        let start = LEN_BASE[code] as usize - 3;
        let end = if code == 28 {
            256
        } else {
            LEN_BASE[code + 1] as usize - 3
        };
        let mut i = start;
        while i < end {
            table[i] = code as u8;
            i += 1;
        }
        code += 1;
    }
    // 258 has its own code (285), not 284 with all extra bits set.
    table[255] = 28;
    table
};

/// Distance code of distances 1..=256 (index distance - 1), and of larger
/// distances by `(distance - 1) >> 7` (index 2.. of the second table).
const DIST_CODE_LOW: [u8; 256] = dist_code_table(0);
const DIST_CODE_HIGH: [u8; 256] = dist_code_table(7);

const fn dist_code_table(shift: u32) -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut code = 0;
    while code < 30 {
        let start = (DIST_BASE[code] as usize - 1) >> shift;
        let end = if code == 29 {
            32768 >> shift
        } else {
            (DIST_BASE[code + 1] as usize - 1) >> shift
        };
        let mut i = start;
        while i < end && i < 256 {
            table[i] = code as u8;
            i += 1;
        }
        code += 1;
    }
    table
}

/// The distance code of `distance` (1..=32768).
#[inline(always)]
fn dist_code(distance: u32) -> usize {
    let d = distance as usize - 1;
    if d < 256 {
        DIST_CODE_LOW[d] as usize
    } else {
        DIST_CODE_HIGH[(d >> 7) & 255] as usize
    }
}

/// One LZ77 token: a literal byte, or a match of 3..=258 bytes at distance
/// 1..=32768. Packed as `distance << 8 | byte` or `distance << 8 | length -
/// 3`, a distance of 0 meaning a literal.
#[derive(Clone, Copy)]
pub(super) struct Token(u32);

impl Token {
    #[inline(always)]
    pub(super) fn literal(byte: u8) -> Self {
        Self(u32::from(byte))
    }

    #[inline(always)]
    pub(super) fn matched(length: usize, distance: usize) -> Self {
        Self(((distance as u32) << 8) | (length as u32 - 3))
    }
}

/// The tokens of the block being built, with their symbol frequencies and
/// running sizes.
#[derive(Clone)]
pub(super) struct Tokens {
    pub(super) list: Vec<Token>,
    litlen_freq: [u32; LITLEN_CODES],
    dist_freq: [u32; DIST_CODES],
    /// Size of the symbols under the fixed code, in bits.
    fixed_bits: u64,
    /// Extra bits of the lengths and distances (the same under any code).
    extra_bits: u64,
}

impl Tokens {
    pub(super) fn new() -> Self {
        Self {
            list: Vec::new(),
            litlen_freq: [0; LITLEN_CODES],
            dist_freq: [0; DIST_CODES],
            fixed_bits: 0,
            extra_bits: 0,
        }
    }

    #[inline(always)]
    pub(super) fn push_literal(&mut self, byte: u8) {
        self.list.push(Token::literal(byte));
        self.litlen_freq[usize::from(byte)] += 1;
        self.fixed_bits += 8 + u64::from(byte >= 144);
    }

    #[inline(always)]
    pub(super) fn push_match(&mut self, length: usize, distance: usize) {
        self.list.push(Token::matched(length, distance));
        let code = usize::from(LEN_CODE[length - 3]);
        self.litlen_freq[257 + code] += 1;
        let dist = dist_code(distance as u32);
        self.dist_freq[dist] += 1;
        // Length symbols 257..=279 have 7-bit fixed codes, 280.. have 8;
        // every fixed distance code has 5 bits.
        self.fixed_bits += 7 + u64::from(code >= 23) + 5;
        self.extra_bits += u64::from(LEN_EXTRA[code] + DIST_EXTRA[dist]);
    }

    fn clear(&mut self) {
        self.list.clear();
        self.litlen_freq = [0; LITLEN_CODES];
        self.dist_freq = [0; DIST_CODES];
        self.fixed_bits = 0;
        self.extra_bits = 0;
    }
}

/// The fixed Huffman code's lengths (RFC 1951 §3.2.6).
const FIXED_LITLEN_LENGTHS: [u8; 288] = {
    let mut lengths = [8u8; 288];
    let mut i = 144;
    while i < 256 {
        lengths[i] = 9;
        i += 1;
    }
    while i < 280 {
        lengths[i] = 7;
        i += 1;
    }
    lengths
};
const FIXED_LITLEN_CODES: [u16; 288] = {
    let mut codes = [0u16; 288];
    canonical_codes(&FIXED_LITLEN_LENGTHS, &mut codes);
    codes
};
const FIXED_DIST_LENGTHS: [u8; 30] = [5; 30];
const FIXED_DIST_CODES: [u16; 30] = {
    let mut codes = [0u16; 30];
    canonical_codes(&FIXED_DIST_LENGTHS, &mut codes);
    codes
};

/// Order in which code length code lengths are sent (RFC 1951 §3.2.7).
const CLEN_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// A dynamic block's codes and its header, planned before writing.
struct DynamicPlan {
    litlen_lengths: [u8; MAX_SYMBOLS],
    dist_lengths: [u8; DIST_CODES],
    hlit: usize,
    hdist: usize,
    /// The run-length coded code lengths: symbol (0..=18) and extra bits.
    runs: [(u8, u8); LITLEN_CODES + DIST_CODES],
    run_count: usize,
    clen_lengths: [u8; 19],
    hclen: usize,
    /// The header's size in bits.
    header_bits: u64,
    /// The size of the block's symbols (end of block included, extra bits
    /// not) under these codes.
    symbol_bits: u64,
}

impl DynamicPlan {
    fn new(tokens: &Tokens) -> Self {
        let mut plan = Self {
            litlen_lengths: [0; MAX_SYMBOLS],
            dist_lengths: [0; DIST_CODES],
            hlit: 257,
            hdist: 1,
            runs: [(0, 0); LITLEN_CODES + DIST_CODES],
            run_count: 0,
            clen_lengths: [0; 19],
            hclen: 4,
            header_bits: 0,
            symbol_bits: 0,
        };
        plan.symbol_bits = code_lengths(&tokens.litlen_freq, 15, &mut plan.litlen_lengths);
        let mut dist_lengths = [0u8; MAX_SYMBOLS];
        plan.symbol_bits += code_lengths(&tokens.dist_freq, 15, &mut dist_lengths);
        plan.dist_lengths
            .copy_from_slice(&dist_lengths[..DIST_CODES]);
        plan.hlit = 257
            + plan.litlen_lengths[257..LITLEN_CODES]
                .iter()
                .rposition(|&l| l > 0)
                .map_or(0, |i| i + 1);
        plan.hdist = 1 + plan.dist_lengths.iter().rposition(|&l| l > 0).unwrap_or(0);
        let mut all = [0u8; LITLEN_CODES + DIST_CODES];
        all[..plan.hlit].copy_from_slice(&plan.litlen_lengths[..plan.hlit]);
        all[plan.hlit..plan.hlit + plan.hdist].copy_from_slice(&plan.dist_lengths[..plan.hdist]);
        let mut clen_freq = [0u32; 19];
        plan.run_length(&all[..plan.hlit + plan.hdist], &mut clen_freq);
        let mut clen_lengths = [0u8; MAX_SYMBOLS];
        code_lengths(&clen_freq, 7, &mut clen_lengths);
        plan.clen_lengths.copy_from_slice(&clen_lengths[..19]);
        plan.hclen = 4.max(
            1 + CLEN_ORDER
                .iter()
                .rposition(|&s| plan.clen_lengths[s] > 0)
                .unwrap_or(0),
        );
        let runs_bits: u64 = plan.runs[..plan.run_count]
            .iter()
            .map(|&(symbol, _)| {
                u64::from(plan.clen_lengths[usize::from(symbol)])
                    + [0, 2, 3, 7][usize::from(symbol.saturating_sub(15))]
            })
            .sum();
        plan.header_bits = 5 + 5 + 4 + 3 * plan.hclen as u64 + runs_bits;
        plan
    }

    /// Run-length codes `lengths` with symbols 16 (repeat the previous 3-6
    /// times), 17 (3-10 zeros) and 18 (11-138 zeros).
    fn run_length(&mut self, lengths: &[u8], freq: &mut [u32; 19]) {
        let mut push = |runs: &mut [(u8, u8)], count: &mut usize, symbol: u8, extra: u8| {
            runs[*count] = (symbol, extra);
            *count += 1;
            freq[usize::from(symbol)] += 1;
        };
        let mut i = 0;
        while i < lengths.len() {
            let value = lengths[i];
            let run = lengths[i..].iter().take_while(|&&l| l == value).count();
            let mut left = run;
            if value == 0 {
                while left >= 11 {
                    let n = left.min(138);
                    push(&mut self.runs, &mut self.run_count, 18, (n - 11) as u8);
                    left -= n;
                }
                if left >= 3 {
                    push(&mut self.runs, &mut self.run_count, 17, (left - 3) as u8);
                    left = 0;
                }
            } else {
                push(&mut self.runs, &mut self.run_count, value, 0);
                left -= 1;
                while left >= 3 {
                    let n = left.min(6);
                    push(&mut self.runs, &mut self.run_count, 16, (n - 3) as u8);
                    left -= n;
                }
            }
            for _ in 0..left {
                push(&mut self.runs, &mut self.run_count, value, 0);
            }
            i += run;
        }
    }

    fn write_header(&self, w: &mut BitWriter<'_>) {
        w.put((self.hlit - 257) as u32, 5);
        w.put((self.hdist - 1) as u32, 5);
        w.put((self.hclen - 4) as u32, 4);
        for &symbol in &CLEN_ORDER[..self.hclen] {
            w.put(u32::from(self.clen_lengths[symbol]), 3);
        }
        let mut clen_codes = [0u16; 19];
        canonical_codes(&self.clen_lengths, &mut clen_codes);
        for &(symbol, extra) in &self.runs[..self.run_count] {
            let s = usize::from(symbol);
            w.put(u32::from(clen_codes[s]), u32::from(self.clen_lengths[s]));
            match symbol {
                16 => w.put(u32::from(extra), 2),
                17 => w.put(u32::from(extra), 3),
                18 => w.put(u32::from(extra), 7),
                _ => {}
            }
        }
    }
}

/// Writes the tokens' symbols with the given codes, then end of block.
fn write_tokens(
    w: &mut BitWriter<'_>,
    tokens: &[Token],
    litlen: (&[u16], &[u8]),
    dist: (&[u16], &[u8]),
) {
    let (lcodes, llens) = litlen;
    let (dcodes, dlens) = dist;
    for &Token(t) in tokens {
        let distance = t >> 8;
        if distance == 0 {
            let s = (t & 255) as usize;
            w.put(u32::from(lcodes[s]), u32::from(llens[s]));
        } else {
            let len = (t & 255) as usize;
            let code = usize::from(LEN_CODE[len]);
            let s = 257 + code;
            let extra = (len + 3) as u32 - u32::from(LEN_BASE[code]);
            w.put(
                u32::from(lcodes[s]) | (extra << llens[s]),
                u32::from(llens[s]) + u32::from(LEN_EXTRA[code]),
            );
            let dc = dist_code(distance);
            let extra = distance - u32::from(DIST_BASE[dc]);
            w.put(
                u32::from(dcodes[dc]) | (extra << dlens[dc]),
                u32::from(dlens[dc]) + u32::from(DIST_EXTRA[dc]),
            );
        }
    }
    w.put(
        u32::from(lcodes[END_OF_BLOCK]),
        u32::from(llens[END_OF_BLOCK]),
    );
}

/// Writes stored blocks (BTYPE 00) holding `raw`, none of them final, at
/// most 65,535 bytes each; an empty `raw` writes one empty block, the sync
/// flush marker.
pub(super) fn write_stored(w: &mut BitWriter<'_>, raw: &[u8]) {
    let mut chunks = raw.chunks(usize::from(u16::MAX));
    let mut next = Some(chunks.next().unwrap_or(&[]));
    while let Some(chunk) = next {
        w.put(0, 3);
        w.align();
        let len = chunk.len() as u16;
        w.out.extend_from_slice(&len.to_le_bytes());
        w.out.extend_from_slice(&(!len).to_le_bytes());
        w.out.extend_from_slice(chunk);
        next = chunks.next();
    }
}

/// Writes `tokens` as one non-final block in its smallest form, `raw` being
/// the input bytes they encode (for a stored block), and clears them.
pub(super) fn write_block(w: &mut BitWriter<'_>, tokens: &mut Tokens, raw: &[u8]) {
    tokens.litlen_freq[END_OF_BLOCK] = 1;
    // Block header, symbols, end of block (7 bits in the fixed code).
    let fixed_bits = 3 + tokens.fixed_bits + 7 + tokens.extra_bits;
    let plan = DynamicPlan::new(tokens);
    let dynamic_bits = 3 + plan.header_bits + plan.symbol_bits + tokens.extra_bits;
    // A stored block: header and padding (up to 7 + 3 bits), then LEN and
    // NLEN per 65,535 bytes.
    let stored_bits = 10 + 8 * (raw.len() as u64 + 4 * raw.len().div_ceil(65_535).max(1) as u64);
    if stored_bits <= fixed_bits.min(dynamic_bits) {
        write_stored(w, raw);
    } else if fixed_bits <= dynamic_bits {
        w.put(0b010, 3);
        write_tokens(
            w,
            &tokens.list,
            (&FIXED_LITLEN_CODES, &FIXED_LITLEN_LENGTHS),
            (&FIXED_DIST_CODES, &FIXED_DIST_LENGTHS),
        );
    } else {
        w.put(0b100, 3);
        plan.write_header(w);
        let mut litlen_codes = [0u16; MAX_SYMBOLS];
        canonical_codes(&plan.litlen_lengths[..LITLEN_CODES], &mut litlen_codes);
        let mut dist_codes = [0u16; DIST_CODES];
        canonical_codes(&plan.dist_lengths, &mut dist_codes);
        write_tokens(
            w,
            &tokens.list,
            (&litlen_codes, &plan.litlen_lengths),
            (&dist_codes, &plan.dist_lengths),
        );
    }
    tokens.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_and_distance_tables_agree_with_their_bases() {
        for len in 3..=258usize {
            let code = usize::from(LEN_CODE[len - 3]);
            let base = usize::from(LEN_BASE[code]);
            assert!(
                base <= len && len - base < 1 << LEN_EXTRA[code],
                "length {len}"
            );
        }
        assert_eq!(LEN_CODE[258 - 3], 28);
        assert_eq!(LEN_CODE[257 - 3], 27);
        for distance in 1..=32768u32 {
            let code = dist_code(distance);
            let base = u32::from(DIST_BASE[code]);
            assert!(
                base <= distance && distance - base < 1 << DIST_EXTRA[code],
                "{distance}"
            );
        }
    }

    #[test]
    fn the_sync_flush_marker_is_an_empty_stored_block() {
        let mut out = Vec::new();
        let mut w = BitWriter::new(&mut out);
        write_stored(&mut w, &[]);
        assert_eq!(out, [0x00, 0x00, 0x00, 0xff, 0xff]);
    }
}
