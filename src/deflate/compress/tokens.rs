//! LZ77 tokens and the tables that turn them into DEFLATE symbols (RFC 1951
//! §3.2.5): match lengths into length codes and extra bits, distances into
//! distance codes and extra bits, with each block's symbol frequencies and
//! its size under the fixed code counted as tokens come.

use alloc::vec::Vec;

/// Literal/length alphabet size in use (RFC 1951 §3.2.5: 286 codes).
pub(super) const LITLEN_CODES: usize = 286;
/// Distance alphabet size in use (30 codes).
pub(super) const DIST_CODES: usize = 30;
/// The end-of-block symbol.
pub(super) const END_OF_BLOCK: usize = 256;

/// Base match length of each length code (257..=285), and its extra bits.
pub(super) const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
pub(super) const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/// Base distance of each distance code, and its extra bits.
pub(super) const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
pub(super) const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// Length code index (0..29) of each match length minus 3.
pub(super) const LEN_CODE: [u8; 256] = {
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
pub(super) fn dist_code(distance: u32) -> usize {
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
pub(super) struct Token(pub(super) u32);

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
    pub(super) litlen_freq: [u32; LITLEN_CODES],
    pub(super) dist_freq: [u32; DIST_CODES],
    /// Size of the symbols under the fixed code, in bits.
    pub(super) fixed_bits: u64,
    /// Extra bits of the lengths and distances (the same under any code).
    pub(super) extra_bits: u64,
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

    pub(super) fn clear(&mut self) {
        self.list.clear();
        self.litlen_freq = [0; LITLEN_CODES];
        self.dist_freq = [0; DIST_CODES];
        self.fixed_bits = 0;
        self.extra_bits = 0;
    }
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
}
