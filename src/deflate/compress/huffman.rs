//! Huffman codes for the compressor (RFC 1951 §3.2.2): code lengths from
//! symbol frequencies, limited to a maximum length and always forming a
//! complete prefix code, and the canonical codes for those lengths, stored
//! bit-reversed because DEFLATE sends Huffman codes most significant bit
//! first into an otherwise least-significant-first bit stream.

/// The most symbols one alphabet has (literal/length: 286, plus 2 that are
/// never used but have fixed-code lengths).
pub(super) const MAX_SYMBOLS: usize = 288;

/// Fills `lengths[..freqs.len()]` with code lengths of at most `max_len`
/// bits for `freqs`, and returns the size of the coded symbols in bits
/// (the sum of frequency times length). Symbols of frequency 0 get length
/// 0, unless fewer than two symbols are used: then symbols 0 and 1 (or the
/// one used and another) get length 1, so every code is complete and any
/// inflater accepts it.
pub(super) fn code_lengths(freqs: &[u32], max_len: u8, lengths: &mut [u8]) -> u64 {
    let n = freqs.len();
    let lengths = &mut lengths[..n];
    lengths.fill(0);
    // Used symbols, sorted by frequency then symbol: frequency << 9 | symbol
    // (a block has fewer than 2^22 tokens, so this cannot overflow).
    let mut keys = [0u32; MAX_SYMBOLS];
    let mut used = 0;
    for (symbol, &freq) in freqs.iter().enumerate() {
        if freq > 0 {
            keys[used] = (freq.min(1 << 22) << 9) | symbol as u32;
            used += 1;
        }
    }
    if used < 2 {
        let first = if used == 1 { keys[0] as usize & 511 } else { 0 };
        lengths[first] = 1;
        lengths[if first == 0 { 1 } else { 0 }] = 1;
        return u64::from(freqs[first]);
    }
    let keys = &mut keys[..used];
    keys.sort_unstable();
    let mut depths = [0u32; MAX_SYMBOLS];
    for (depth, key) in depths.iter_mut().zip(keys.iter()) {
        *depth = key >> 9;
    }
    minimum_redundancy(&mut depths[..used]);
    // Symbols per length; lengths beyond the limit are folded into it.
    let mut count = [0u32; 16];
    for &depth in &depths[..used] {
        count[depth.min(u32::from(max_len)) as usize] += 1;
    }
    limit_lengths(&mut count, max_len);
    // The most frequent symbols (at the end of `keys`) take the shortest
    // codes.
    let mut symbols = keys.iter().rev();
    let mut bits = 0;
    for (len, &how_many) in count.iter().enumerate().skip(1) {
        for _ in 0..how_many {
            if let Some(key) = symbols.next() {
                let symbol = *key as usize & 511;
                lengths[symbol] = len as u8;
                bits += u64::from(freqs[symbol]) * len as u64;
            }
        }
    }
    bits
}

/// Optimal code lengths in place (Moffat and Katajainen's algorithm): on
/// entry the weights in ascending order, at least two of them; on return
/// each one's code length, in non-increasing order.
fn minimum_redundancy(a: &mut [u32]) {
    let n = a.len();
    // Phase 1: internal nodes' weights, then parent pointers.
    a[0] += a[1];
    let (mut root, mut leaf) = (0, 2);
    for next in 1..n - 1 {
        if leaf >= n || a[root] < a[leaf] {
            a[next] = a[root];
            a[root] = next as u32;
            root += 1;
        } else {
            a[next] = a[leaf];
            leaf += 1;
        }
        if leaf >= n || (root < next && a[root] < a[leaf]) {
            a[next] += a[root];
            a[root] = next as u32;
            root += 1;
        } else {
            a[next] += a[leaf];
            leaf += 1;
        }
    }
    // Phase 2: internal nodes' depths.
    a[n - 2] = 0;
    for next in (0..n - 2).rev() {
        a[next] = a[a[next] as usize] + 1;
    }
    // Phase 3: leaves' depths.
    let (mut available, mut depth) = (1usize, 0u32);
    let mut root = n as isize - 2;
    let mut next = n as isize - 1;
    while available > 0 {
        let mut used = 0;
        while root >= 0 && a[root as usize] == depth {
            used += 1;
            root -= 1;
        }
        while available > used {
            a[next as usize] = depth;
            next -= 1;
            available -= 1;
        }
        available = 2 * used;
        depth += 1;
    }
}

/// Makes the per-length counts a complete code within `max_len` bits after
/// longer codes were folded into `max_len`: while the code is
/// over-subscribed, one `max_len` code goes and one shorter code becomes two
/// one bit longer (each step lowers the Kraft sum by exactly one unit).
fn limit_lengths(count: &mut [u32; 16], max_len: u8) {
    let max = max_len as usize;
    let kraft = |count: &[u32; 16]| -> u64 {
        (1..=max)
            .map(|len| u64::from(count[len]) << (max - len))
            .sum()
    };
    let full = 1u64 << max;
    let mut total = kraft(count);
    while total > full {
        count[max] -= 1;
        if let Some(len) = (1..max).rev().find(|&len| count[len] > 0) {
            count[len] -= 1;
            count[len + 1] += 2;
        }
        total -= 1;
    }
}

/// The canonical codes for `lengths` (RFC 1951 §3.2.2), bit-reversed for
/// the LSB-first writer, into `codes[..lengths.len()]`.
pub(super) const fn canonical_codes(lengths: &[u8], codes: &mut [u16]) {
    let mut count = [0u16; 16];
    let mut i = 0;
    while i < lengths.len() {
        count[lengths[i] as usize] += 1;
        i += 1;
    }
    count[0] = 0;
    let mut next = [0u16; 16];
    let mut code = 0u16;
    let mut len = 1;
    while len < 16 {
        code = (code + count[len - 1]) << 1;
        next[len] = code;
        len += 1;
    }
    let mut symbol = 0;
    while symbol < lengths.len() {
        let len = lengths[symbol] as usize;
        if len > 0 {
            codes[symbol] = next[len].reverse_bits() >> (16 - len);
            next[len] += 1;
        }
        symbol += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn kraft(lengths: &[u8], max: u8) -> u64 {
        lengths
            .iter()
            .filter(|&&l| l > 0)
            .map(|&l| 1u64 << (max - l))
            .sum()
    }

    fn cost(freqs: &[u32], lengths: &[u8]) -> u64 {
        freqs
            .iter()
            .zip(lengths)
            .map(|(&f, &l)| u64::from(f) * u64::from(l))
            .sum()
    }

    /// Huffman's algorithm the slow way: repeatedly merge the two lightest.
    fn reference_cost(freqs: &[u32]) -> u64 {
        let mut nodes: Vec<u64> = freqs
            .iter()
            .filter(|&&f| f > 0)
            .map(|&f| f.into())
            .collect();
        let mut total = 0;
        while nodes.len() > 1 {
            nodes.sort_unstable_by(|a, b| b.cmp(a));
            let merged = nodes.pop().unwrap() + nodes.pop().unwrap();
            total += merged;
            nodes.push(merged);
        }
        total
    }

    #[test]
    fn optimal_when_no_limit_binds_and_always_complete() {
        let mut seed = 0x1234_5678_9abc_def0u64;
        for round in 0..2000 {
            let n = 2 + round % 286;
            let freqs: Vec<u32> = (0..n)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    match seed % 4 {
                        0 => 0,
                        1 => (seed >> 8) as u32 % 4,
                        2 => (seed >> 8) as u32 % 100,
                        _ => (seed >> 8) as u32 % 20_000,
                    }
                })
                .collect();
            // 7 bits for the 19 code length codes, 15 for the others.
            for (max, n) in [(7u8, n.min(19)), (15, n)] {
                let freqs = &freqs[..n];
                let mut lengths = [0u8; MAX_SYMBOLS];
                let bits = code_lengths(freqs, max, &mut lengths);
                let lengths = &lengths[..n];
                assert_eq!(bits, cost(freqs, lengths));
                assert!(lengths.iter().all(|&l| l <= max));
                assert_eq!(kraft(lengths, max), 1 << max, "complete code");
                let used = freqs.iter().filter(|&&f| f > 0).count();
                for (f, l) in freqs.iter().zip(lengths) {
                    assert!(
                        used < 2 || (*f > 0) == (*l > 0),
                        "only used symbols get codes"
                    );
                }
                if used >= 2 && lengths.iter().all(|&l| l < max) {
                    assert_eq!(cost(freqs, lengths), reference_cost(freqs));
                }
            }
        }
    }

    #[test]
    fn fibonacci_weights_are_limited() {
        // Fibonacci frequencies make the deepest unlimited tree.
        let mut freqs = [0u32; 30];
        let (mut a, mut b) = (1u32, 1u32);
        for f in freqs.iter_mut() {
            *f = a;
            (a, b) = (b, a + b);
        }
        let mut lengths = [0u8; MAX_SYMBOLS];
        code_lengths(&freqs, 15, &mut lengths);
        assert_eq!(lengths[..30].iter().max(), Some(&15));
        assert_eq!(kraft(&lengths[..30], 15), 1 << 15);
    }

    #[test]
    fn fewer_than_two_symbols_still_make_a_complete_code() {
        let mut lengths = [9u8; MAX_SYMBOLS];
        code_lengths(&[0, 0, 5, 0], 15, &mut lengths);
        assert_eq!(&lengths[..4], &[1, 0, 1, 0]);
        code_lengths(&[0; 30], 15, &mut lengths);
        assert_eq!(&lengths[..3], &[1, 1, 0]);
    }

    #[test]
    fn canonical_codes_match_rfc_1951_example() {
        // RFC 1951 §3.2.2: lengths (3, 3, 3, 3, 3, 2, 4, 4) give
        // F=00, A=010 .. E=110, G=1110, H=1111.
        let lengths = [3, 3, 3, 3, 3, 2, 4, 4];
        let mut codes = [0u16; 8];
        canonical_codes(&lengths, &mut codes);
        let expected = [0b010, 0b011, 0b100, 0b101, 0b110, 0b00, 0b1110, 0b1111u16];
        for ((code, want), len) in codes.iter().zip(expected).zip(lengths) {
            assert_eq!(code.reverse_bits() >> (16 - len), want);
        }
    }
}
