//! DEFLATE block writing (RFC 1951 §3.2.3 to §3.2.7): one block of LZ77
//! tokens written as stored, fixed-Huffman or dynamic-Huffman data,
//! whichever is smallest, and the empty stored block of a sync flush.

use super::bits::BitWriter;
use super::huffman::{canonical_codes, code_lengths, MAX_SYMBOLS};
use super::tokens::{
    dist_code, Token, Tokens, DIST_BASE, DIST_CODES, DIST_EXTRA, END_OF_BLOCK, LEN_BASE, LEN_CODE,
    LEN_EXTRA, LITLEN_CODES,
};

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
        w.bytes(&len.to_le_bytes());
        w.bytes(&(!len).to_le_bytes());
        w.bytes(chunk);
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
    fn the_sync_flush_marker_is_an_empty_stored_block() {
        let mut out = [0xAA; 8];
        let mut w = BitWriter::new(&mut out);
        write_stored(&mut w, &[]);
        assert_eq!(w.finish(), Ok(5));
        assert_eq!(out[..5], [0x00, 0x00, 0x00, 0xff, 0xff]);
    }
}
