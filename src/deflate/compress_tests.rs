//! Tests of the compressor on its own: every level and window against two
//! inflaters (ours, and one that keeps exactly the agreed window across
//! messages), the size of its output on kinds of input that favour each
//! block type, and the memory figures the documentation gives.

use alloc::vec::Vec;

use super::tests::xorshift;
use super::tests::{inflate_all, text, RingInflater};
use super::{max_compressed_len, Compressor, Decompressor, TAIL};

/// Inputs that exercise each path: empty and tiny, incompressible (stored
/// blocks), long runs (the longest matches, many window slides), text with
/// matches at every distance (dynamic blocks), a small alphabet without
/// repeats (dynamic blocks without matches), and a mix.
fn corpus() -> Vec<Vec<u8>> {
    let mut mixed = text(5, 20_000);
    mixed.extend(xorshift(9, 5000));
    mixed.extend(core::iter::repeat_n(b'x', 3000));
    mixed.extend(text(5, 20_000));
    let hex: Vec<u8> = xorshift(3, 6000)
        .iter()
        .map(|b| b"0123456789abcdef"[usize::from(b & 15)])
        .collect();
    alloc::vec![
        Vec::new(),
        b"a".to_vec(),
        b"Hello".to_vec(),
        text(1, 150),
        xorshift(1, 3000),
        alloc::vec![0; 150_000],
        text(2, 200_000),
        hex,
        mixed,
        xorshift(2, 70_000),
    ]
}

#[test]
fn every_level_and_window_round_trips_within_the_window() {
    let corpus = corpus();
    for level in 0..=9 {
        for bits in [8u8, 9, 11, 15] {
            for no_context_takeover in [false, true] {
                let mut c = Compressor::with(bits, level, no_context_takeover);
                let mut ours = Decompressor::new();
                let mut peer = RingInflater::new(bits);
                for (i, message) in corpus.iter().enumerate() {
                    // Every third message goes as fragments of 7 KiB.
                    let compressed = if i % 3 == 2 {
                        let mut all = Vec::new();
                        let mut pieces = message.chunks(7 << 10).peekable();
                        while let Some(piece) = pieces.next() {
                            all.extend_from_slice(&c.compress(piece, pieces.peek().is_none()));
                        }
                        if message.is_empty() {
                            all.extend_from_slice(&c.compress(&[], true));
                        }
                        all
                    } else {
                        c.compress(message, true).to_vec()
                    };
                    let case = alloc::format!(
                        "level {level}, window {bits}, reset {no_context_takeover}, message {i}"
                    );
                    assert!(
                        !compressed.ends_with(&TAIL) || compressed.len() < 5,
                        "{case}"
                    );
                    assert_eq!(
                        &inflate_all(&mut ours, &compressed, 4096, 1000),
                        message,
                        "{case}"
                    );
                    if no_context_takeover {
                        peer = RingInflater::new(bits);
                    }
                    assert_eq!(peer.message(&compressed).as_ref(), Some(message), "{case}");
                }
            }
        }
    }
}

#[test]
fn sizes_follow_the_input_and_the_level() {
    let size = |level: u8, message: &[u8]| {
        Compressor::with(15, level, false)
            .compress(message, true)
            .len()
    };
    let words = text(7, 100_000);
    assert!(size(6, &words) < words.len() / 4, "{}", size(6, &words));
    // A megabyte of this text repeats itself at many distances: it shrinks
    // to under 1% only if the hash chains survive the window's slides.
    let long = text(1, 1 << 20);
    assert!(size(6, &long) < 10_000, "{}", size(6, &long));
    assert!(size(9, &words) <= size(1, &words));
    assert!(size(1, &words) < size(0, &words) / 3);
    // Incompressible input is stored: 5 bytes per 64 KiB block, and the
    // flush, beyond the input. At level 6 the coded blocks (16 Ki tokens
    // each) would take more than that bound, so the call falls back to
    // stored blocks of 64 KiB: the bound, exactly.
    let noise = xorshift(4, 200_000);
    assert_eq!(size(6, &noise), noise.len() + 5 * 4 + 1);
    assert_eq!(size(6, &noise), max_compressed_len(noise.len(), true));
    assert_eq!(size(0, &noise), noise.len() + 5 * 4 + 1);
    // A megabyte of one byte is a few hundred.
    assert!(size(1, &alloc::vec![7; 1 << 20]) < 2500);
    // Hex digits without repeats: a dynamic code of 4-5 bits per digit
    // beats the fixed code's 8.
    let hex: Vec<u8> = xorshift(8, 4000)
        .iter()
        .map(|b| b"0123456789abcdef"[usize::from(b & 15)])
        .collect();
    assert!(size(6, &hex) < hex.len() * 6 / 10, "{}", size(6, &hex));
    // An empty message is the single byte of RFC 7692 §7.2.3.6.
    assert_eq!(Compressor::with(15, 6, false).compress(&[], true), [0x00]);
    assert_eq!(Compressor::with(15, 0, false).compress(&[], true), [0x00]);
}

#[test]
fn the_documented_memory_figures_hold() {
    let memory = |bits, level| Compressor::with(bits, level, false).memory();
    assert_eq!(memory(15, 6), 224 << 10);
    assert_eq!(memory(15, 1), 224 << 10);
    assert_eq!(memory(12, 6), 29_188);
    assert_eq!(memory(10, 6), 11 << 10);
    assert_eq!(memory(9, 6), 9728);
    assert_eq!(memory(8, 9), 9 << 10);
    assert_eq!(memory(15, 0), 0);
    // The decompressor (miniz_oxide's) does not depend on the window.
    let inflater = core::mem::size_of::<miniz_oxide::inflate::stream::InflateState>();
    assert!((40 << 10..=48 << 10).contains(&inflater), "{inflater}");
}
