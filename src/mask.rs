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
/// rfc6455::apply_mask(&mut payload[..2], key, 0);
/// rfc6455::apply_mask(&mut payload[2..], key, 2);
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

/// XORs an 8-byte chunk with `word`.
#[inline(always)]
fn xor_word(chunk: &mut [u8], word: u64) {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(chunk);
    chunk.copy_from_slice(&(u64::from_le_bytes(bytes) ^ word).to_le_bytes());
}
