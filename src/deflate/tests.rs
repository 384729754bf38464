//! Unit tests of the codec's round trips: every window and takeover
//! setting, fragments, small windows, bombs and garbage.

use alloc::vec::Vec;

use super::*;

/// Inflates `compressed` (one message, tail stripped) through output
/// pieces of `room` bytes and input pieces of `step` bytes.
pub(super) fn inflate_all(
    d: &mut Decompressor,
    compressed: &[u8],
    step: usize,
    room: usize,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = alloc::vec![0u8; room];
    for piece in compressed.chunks(step.max(1)) {
        let mut rest = piece;
        loop {
            let (used, wrote) = d.inflate(rest, &mut buf).unwrap();
            out.extend_from_slice(&buf[..wrote]);
            rest = &rest[used..];
            if rest.is_empty() && wrote < room {
                break;
            }
        }
    }
    loop {
        let (wrote, done) = d.finish(&mut buf).unwrap();
        out.extend_from_slice(&buf[..wrote]);
        if done {
            return out;
        }
    }
}

/// `len` bytes of xorshift noise from `seed`: they do not compress.
pub(super) fn xorshift(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// A compressor at the default level (6) with a window of 2^`window` bytes.
pub(super) fn compressor(window: u8, no_context_takeover: bool) -> Compressor {
    Compressor::with(window, 6, no_context_takeover)
}

pub(super) fn text(seed: usize, len: usize) -> Vec<u8> {
    let words = [
        "alpha",
        "beta",
        "gamma",
        "delta",
        "room",
        "message",
        "{\"type\":",
        "42",
    ];
    let mut out = Vec::new();
    let mut i = seed;
    while out.len() < len {
        i = i.wrapping_mul(2_654_435_761).wrapping_add(1);
        out.extend_from_slice(words[(i >> 7) % words.len()].as_bytes());
        out.push(b' ');
    }
    out.truncate(len);
    out
}

#[test]
fn messages_round_trip_with_every_window_and_both_takeover_settings() {
    for window in 8..=15 {
        for no_context_takeover in [false, true] {
            let mut c = compressor(window, no_context_takeover);
            let mut d = Decompressor::new();
            for (i, len) in [0usize, 1, 100, 5000, 70_000, 3].into_iter().enumerate() {
                let message = text(i + usize::from(window), len);
                let compressed = c.compress(&message, true).to_vec();
                assert!(!compressed.ends_with(&TAIL) || compressed.len() < 4);
                for (step, room) in [(usize::MAX, 1 << 16), (7, 13), (1, 1)] {
                    if step == 1 && len > 5000 {
                        continue;
                    }
                    let mut fresh = Decompressor::new();
                    if i == 0 || no_context_takeover {
                        assert_eq!(inflate_all(&mut fresh, &compressed, step, room), message);
                    }
                }
                assert_eq!(
                    inflate_all(&mut d, &compressed, usize::MAX, 4096),
                    message,
                    "window {window}, message {i}"
                );
            }
        }
    }
}

#[test]
fn small_windows_keep_back_references_inside_the_window() {
    // 600 random bytes, twice: the repeat, 600 bytes back, can be used with
    // a 32 KiB or a 1 KiB window, and not at all with a 512-byte one.
    let block = xorshift(0x9E37_79B9_7F4A_7C15, 600);
    let mut message = block.clone();
    message.extend_from_slice(&block);
    let size = |window| compressor(window, false).compress(&message, true).len();
    assert!(size(15) < 700, "window 15: {}", size(15));
    assert!(size(10) < 700, "window 10: {}", size(10));
    assert!(size(9) > 1200, "window 9: {}", size(9));
}

#[test]
fn fragments_compress_as_one_message() {
    let mut c = compressor(15, false);
    let message = text(9, 10_000);
    let mut compressed = c.compress(&message[..3000], false).to_vec();
    assert!(compressed.ends_with(&TAIL), "a fragment keeps its flush");
    compressed.extend_from_slice(&c.compress(&message[3000..], true));
    assert_eq!(
        inflate_all(&mut Decompressor::new(), &compressed, 100, 999),
        message
    );
}

#[test]
fn a_bomb_stops_at_the_room_given() {
    let mut c = compressor(15, false);
    let zeros = alloc::vec![0u8; 8 << 20];
    let compressed = c.compress(&zeros, true).to_vec();
    assert!(compressed.len() < 64 << 10, "{}", compressed.len());
    let mut d = Decompressor::new();
    let mut out = alloc::vec![0u8; 1 << 20];
    let (used, wrote) = d.inflate(&compressed, &mut out).unwrap();
    assert_eq!(wrote, out.len(), "stops with the output full");
    assert!(used <= compressed.len());
}

#[test]
fn garbage_is_an_error() {
    let mut d = Decompressor::new();
    let mut out = [0u8; 64];
    // BTYPE 11 is reserved.
    assert_eq!(
        d.inflate(&[0xff, 0xff, 0xff], &mut out),
        Err(InflateError::Corrupt)
    );
}

/// Inflates one whole message through a ring buffer of exactly 2^bits
/// bytes, as a peer that announced that window would; `None` when a
/// back-reference reaches further back than the ring.
pub(super) fn inflate_through_window(compressed: &[u8], bits: u8) -> Option<Vec<u8>> {
    RingInflater::new(bits).message(compressed)
}

/// An inflater that keeps exactly 2^bits bytes of history between
/// messages, as a peer that announced that window would: a back-reference
/// reaching further fails it.
pub(super) struct RingInflater {
    state: miniz_oxide::inflate::core::DecompressorOxide,
    ring: Vec<u8>,
    pos: usize,
}

impl RingInflater {
    pub(super) fn new(bits: u8) -> Self {
        Self {
            state: miniz_oxide::inflate::core::DecompressorOxide::new(),
            ring: alloc::vec![0; 1 << bits],
            pos: 0,
        }
    }

    /// One message, its tail stripped; `None` on a bad reference.
    pub(super) fn message(&mut self, compressed: &[u8]) -> Option<Vec<u8>> {
        use miniz_oxide::inflate::core::decompress;
        use miniz_oxide::inflate::core::inflate_flags::{
            TINFL_FLAG_HAS_MORE_INPUT, TINFL_FLAG_IGNORE_ADLER32,
        };
        use miniz_oxide::inflate::TINFLStatus;

        let mut input = compressed.to_vec();
        input.extend_from_slice(&TAIL);
        let mask = self.ring.len() - 1;
        let (mut at, mut out) = (0, Vec::new());
        loop {
            let flags = TINFL_FLAG_IGNORE_ADLER32 | TINFL_FLAG_HAS_MORE_INPUT;
            let (status, used, wrote) = decompress(
                &mut self.state,
                &input[at..],
                &mut self.ring,
                self.pos,
                flags,
            );
            out.extend((0..wrote).map(|i| self.ring[(self.pos + i) & mask]));
            self.pos = (self.pos + wrote) & mask;
            at += used;
            match status {
                TINFLStatus::HasMoreOutput => continue,
                TINFLStatus::NeedsMoreInput if at < input.len() => continue,
                TINFLStatus::NeedsMoreInput | TINFLStatus::Done => return Some(out),
                _ => return None,
            }
        }
    }
}

#[test]
fn a_peer_with_the_agreed_window_inflates_every_message() {
    // Repeats at every distance up to 40 KiB, so that any reference beyond
    // the agreed window would be tried, and would corrupt the output.
    let mut message = text(3, 1000);
    for back in [100usize, 300, 700, 1500, 3000, 6000, 12_000, 24_000, 40_000] {
        let from = message.len().saturating_sub(back);
        let copy = message[from..from + 200.min(message.len() - from)].to_vec();
        message.extend_from_slice(&copy);
        message.extend(text(back, back / 3));
    }
    for bits in 8..=15 {
        let mut c = compressor(bits, false);
        let compressed = c.compress(&message, true).to_vec();
        assert_eq!(
            inflate_through_window(&compressed, bits),
            Some(message.clone()),
            "window {bits}"
        );
    }
    // The oracle can fail: a 32 KiB stream through a 512-byte window.
    let compressed = compressor(15, false).compress(&message, true).to_vec();
    assert_eq!(
        inflate_through_window(&compressed, 15),
        Some(message.clone())
    );
    assert_eq!(inflate_through_window(&compressed, 9), None);
}
