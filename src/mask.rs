//! Payload masking (RFC 6455 §5.3), resumable at any payload offset.
//!
//! One safe routine serves both directions (masking is its own inverse). It
//! works on fixed 32-byte blocks that the compiler turns into vector XORs.

/// The block width of the main loop: wide enough for two SSE or one AVX XOR.
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
/// rfc6455::apply_mask(&mut payload[..2], key, 0);
/// rfc6455::apply_mask(&mut payload[2..], key, 2);
/// assert_eq!(payload, [0x7f, 0x9f, 0x4d, 0x51, 0x58]);
/// ```
pub fn apply_mask(data: &mut [u8], key: [u8; 4], offset: usize) {
    let shift = offset % 4;
    let mut pattern = [0u8; BLOCK];
    for (i, byte) in pattern.iter_mut().enumerate() {
        *byte = key[(i + shift) % 4];
    }
    let mut blocks = data.chunks_exact_mut(BLOCK);
    for block in &mut blocks {
        for (byte, k) in block.iter_mut().zip(pattern.iter()) {
            *byte ^= k;
        }
    }
    // BLOCK is a multiple of 4, so the tail starts at the same key phase.
    for (byte, k) in blocks.into_remainder().iter_mut().zip(pattern.iter()) {
        *byte ^= k;
    }
}
