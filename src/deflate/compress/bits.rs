//! The bit writer of the compressor: DEFLATE packs its fields least
//! significant bit first into bytes (RFC 1951 §3.1.1). It writes into a
//! slice the caller sized; output that would not fit is dropped and
//! reported, so that the compressor can fall back to stored blocks.

/// Writes bits least significant first, as DEFLATE packs them, into a
/// fixed slice.
pub(super) struct BitWriter<'a> {
    out: &'a mut [u8],
    /// Bytes written to the front of `out`.
    len: usize,
    bits: u64,
    count: u32,
    /// Some output did not fit: what was written is incomplete.
    overflowed: bool,
}

impl<'a> BitWriter<'a> {
    /// Writes from the front of `out`.
    pub(super) fn new(out: &'a mut [u8]) -> Self {
        Self {
            out,
            len: 0,
            bits: 0,
            count: 0,
            overflowed: false,
        }
    }

    /// Appends the low `n` bits of `value`, `n` at most 32.
    #[inline(always)]
    pub(super) fn put(&mut self, value: u32, n: u32) {
        self.bits |= u64::from(value) << self.count;
        self.count += n;
        if self.count >= 32 {
            self.write(&(self.bits as u32).to_le_bytes());
            self.bits >>= 32;
            self.count -= 32;
        }
    }

    /// Appends whole bytes; only right after [`align`](Self::align).
    pub(super) fn bytes(&mut self, bytes: &[u8]) {
        debug_assert_eq!(self.count, 0);
        self.write(bytes);
    }

    /// Pads with zero bits to a byte boundary and writes what is pending.
    pub(super) fn align(&mut self) {
        let bytes = self.count.div_ceil(8);
        self.write(&self.bits.to_le_bytes()[..bytes as usize]);
        self.bits = 0;
        self.count = 0;
    }

    /// The bytes written so far, and whether everything fitted. Call after
    /// [`align`](Self::align).
    pub(super) fn finish(self) -> Result<usize, Overflow> {
        debug_assert_eq!(self.count, 0);
        if self.overflowed {
            Err(Overflow)
        } else {
            Ok(self.len)
        }
    }

    #[inline(always)]
    fn write(&mut self, bytes: &[u8]) {
        match self.out.get_mut(self.len..self.len + bytes.len()) {
            Some(room) => {
                room.copy_from_slice(bytes);
                self.len += bytes.len();
            }
            None => self.overflowed = true,
        }
    }
}

/// The output did not fit in the slice given to [`BitWriter::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Overflow;
