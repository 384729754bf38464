//! The bit writer of the compressor: DEFLATE packs its fields least
//! significant bit first into bytes (RFC 1951 §3.1.1).

use alloc::vec::Vec;

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

    /// Appends whole bytes; only right after [`align`](Self::align).
    pub(super) fn bytes(&mut self, bytes: &[u8]) {
        debug_assert_eq!(self.count, 0);
        self.out.extend_from_slice(bytes);
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
