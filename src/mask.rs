//! Payload masking (RFC 6455 §5.3), resumable at any payload offset.
//!
//! One safe routine serves both directions (masking is its own inverse). It
//! XORs 64-bit words, four at a time, which the compiler turns into vector
//! XORs; building the word costs nothing, so short payloads stay cheap too.

/// The block width of the main loop: four words, two SSE or one AVX XOR.
const BLOCK: usize = 32;

/// XORs `data` with the masking `key`, where `data` starts `offset` bytes
/// into the frame's payload (RFC 6455 §5.3: octet *i* is XORed with
/// `key[i % 4]`).
///
/// The offset makes the transform resumable: a payload that arrives in
/// several chunks is unmasked chunk by chunk, each call given the number of
/// payload bytes before it. Applying the same call twice restores the input.
///
/// ```
/// let key = [0x37, 0xfa, 0x21, 0x3d];
/// let mut payload = *b"Hello";
/// rfc6455::codec::apply_mask(&mut payload[..2], key, 0);
/// rfc6455::codec::apply_mask(&mut payload[2..], key, 2);
/// assert_eq!(payload, [0x7f, 0x9f, 0x4d, 0x51, 0x58]);
/// ```
pub fn apply_mask(data: &mut [u8], key: [u8; 4], offset: usize) {
    // The key as seen from `data[0]`, repeated to fill a word. Bytes are
    // read little-endian, so rotating right by a byte moves the key one on.
    let rotated = u32::from_le_bytes(key).rotate_right(8 * (offset % 4) as u32);
    let word = u64::from(rotated) | (u64::from(rotated) << 32);
    let key = rotated.to_le_bytes();
    let mut blocks = data.chunks_exact_mut(BLOCK);
    for block in &mut blocks {
        for chunk in block.chunks_exact_mut(8) {
            xor_word(chunk, word);
        }
    }
    // BLOCK and 8 are multiples of 4, so the tail starts at the same key phase.
    let mut words = blocks.into_remainder().chunks_exact_mut(8);
    for chunk in &mut words {
        xor_word(chunk, word);
    }
    for (i, byte) in words.into_remainder().iter_mut().enumerate() {
        *byte ^= key[i % 4];
    }
}

/// Copies `src` into `dst` (of the same length) masked with `key`, as
/// [`apply_mask`] with offset 0 would leave it, in one pass over memory.
pub(crate) fn copy_masked(src: &[u8], dst: &mut [u8], key: [u8; 4]) {
    debug_assert_eq!(src.len(), dst.len());
    let word = u64::from(u32::from_le_bytes(key)) * 0x1_0000_0001;
    let mut src_blocks = src.chunks_exact(BLOCK);
    let mut dst_blocks = dst.chunks_exact_mut(BLOCK);
    for (from, to) in (&mut src_blocks).zip(&mut dst_blocks) {
        for (from, to) in from.chunks_exact(8).zip(to.chunks_exact_mut(8)) {
            copy_word(from, to, word);
        }
    }
    let (src, dst) = (src_blocks.remainder(), dst_blocks.into_remainder());
    let mut src_words = src.chunks_exact(8);
    let mut dst_words = dst.chunks_exact_mut(8);
    for (from, to) in (&mut src_words).zip(&mut dst_words) {
        copy_word(from, to, word);
    }
    let tail = src_words.remainder().iter().zip(dst_words.into_remainder());
    for (i, (from, to)) in tail.enumerate() {
        *to = from ^ key[i % 4];
    }
}

/// Writes the 8 bytes of `from` XOR `word` into `to`.
#[inline(always)]
fn copy_word(from: &[u8], to: &mut [u8], word: u64) {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(from);
    to.copy_from_slice(&(u64::from_le_bytes(bytes) ^ word).to_le_bytes());
}

/// XORs an 8-byte chunk with `word`.
#[inline(always)]
fn xor_word(chunk: &mut [u8], word: u64) {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(chunk);
    chunk.copy_from_slice(&(u64::from_le_bytes(bytes) ^ word).to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_masked_equals_copy_then_mask() {
        let key = [0x37, 0xfa, 0x21, 0x3d];
        let src: [u8; 100] = core::array::from_fn(|i| (i * 7 + 3) as u8);
        for len in 0..src.len() {
            let mut want = [0u8; 100];
            want[..len].copy_from_slice(&src[..len]);
            apply_mask(&mut want[..len], key, 0);
            let mut got = [0u8; 100];
            copy_masked(&src[..len], &mut got[..len], key);
            assert_eq!(got[..len], want[..len], "length {len}");
        }
    }
}
