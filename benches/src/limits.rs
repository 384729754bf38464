//! L1: physical-limit anchors on 1 MiB buffers, 64 passes per repetition.

use std::hint::black_box;
use std::time::{Duration, Instant};

use crate::spec::{LimitBuffers, L1_KEY, L1_PASSES};

/// One L1 operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// `copy_from_slice` of the binary buffer into a second buffer.
    Memcpy,
    /// XOR with the key, a byte at a time.
    XorU8,
    /// XOR with the key repeated twice, 8 bytes per step.
    XorU64,
    /// `rfc6455::apply_mask`.
    ApplyMask,
    /// `core::str::from_utf8` on the mixed buffer.
    StdMixed,
    /// `core::str::from_utf8` on the ASCII buffer.
    StdAscii,
    /// `rfc6455::Utf8Validator` on the mixed buffer.
    OursMixed,
    /// `rfc6455::Utf8Validator` on the ASCII buffer.
    OursAscii,
    /// `simdutf8::basic::from_utf8` on the mixed buffer.
    SimdMixed,
    /// `simdutf8::basic::from_utf8` on the ASCII buffer.
    SimdAscii,
}

impl Op {
    /// Every operation, in table order.
    pub const ALL: [Op; 10] = [
        Op::Memcpy,
        Op::XorU8,
        Op::XorU64,
        Op::ApplyMask,
        Op::StdMixed,
        Op::OursMixed,
        Op::SimdMixed,
        Op::StdAscii,
        Op::OursAscii,
        Op::SimdAscii,
    ];

    /// The row's name.
    pub fn name(self) -> &'static str {
        match self {
            Op::Memcpy => "memcpy (copy_from_slice)",
            Op::XorU8 => "xor-u8 (byte at a time)",
            Op::XorU64 => "xor-u64 (8 bytes per step)",
            Op::ApplyMask => "rfc6455::apply_mask",
            Op::StdMixed => "core::str::from_utf8, mixed",
            Op::StdAscii => "core::str::from_utf8, ASCII",
            Op::OursMixed => "rfc6455::Utf8Validator, mixed",
            Op::OursAscii => "rfc6455::Utf8Validator, ASCII",
            Op::SimdMixed => "simdutf8::basic, mixed",
            Op::SimdAscii => "simdutf8::basic, ASCII",
        }
    }
}

#[inline(never)]
fn xor_u8(buf: &mut [u8], key: [u8; 4]) {
    for (i, b) in buf.iter_mut().enumerate() {
        *b ^= key[i % 4];
    }
}

#[inline(never)]
fn xor_u64(buf: &mut [u8], key: [u8; 4]) {
    let k = u64::from_ne_bytes([
        key[0], key[1], key[2], key[3], key[0], key[1], key[2], key[3],
    ]);
    let mut words = buf.chunks_exact_mut(8);
    for w in &mut words {
        let x = u64::from_ne_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]) ^ k;
        w.copy_from_slice(&x.to_ne_bytes());
    }
    for (i, b) in words.into_remainder().iter_mut().enumerate() {
        *b ^= key[i % 4];
    }
}

fn ours(bytes: &[u8]) -> bool {
    let mut v = rfc6455::codec::Utf8Validator::new();
    v.feed(bytes).is_ok() && v.finish().is_ok()
}

/// One repetition (64 passes) of `op`; `scratch` is a 1 MiB working
/// buffer, equal to the binary buffer on entry. Checks §4 afterwards.
pub fn run(op: Op, b: &LimitBuffers, scratch: &mut [u8]) -> Duration {
    let mut ok = true;
    let start = Instant::now();
    for _ in 0..L1_PASSES {
        match op {
            Op::Memcpy => scratch.copy_from_slice(black_box(&b.binary)),
            Op::XorU8 => xor_u8(scratch, L1_KEY),
            Op::XorU64 => xor_u64(scratch, L1_KEY),
            Op::ApplyMask => rfc6455::codec::apply_mask(scratch, L1_KEY, 0),
            Op::StdMixed => ok &= core::str::from_utf8(black_box(&b.mixed)).is_ok(),
            Op::StdAscii => ok &= core::str::from_utf8(black_box(&b.ascii)).is_ok(),
            Op::OursMixed => ok &= ours(black_box(&b.mixed)),
            Op::OursAscii => ok &= ours(black_box(&b.ascii)),
            Op::SimdMixed => ok &= simdutf8::basic::from_utf8(black_box(&b.mixed)).is_ok(),
            Op::SimdAscii => ok &= simdutf8::basic::from_utf8(black_box(&b.ascii)).is_ok(),
        }
        black_box(&mut *scratch);
    }
    let elapsed = start.elapsed();
    assert!(ok, "L1 {}: validation failed", op.name());
    assert!(
        scratch == &b.binary[..],
        "L1 {}: buffer not restored",
        op.name()
    );
    elapsed
}
