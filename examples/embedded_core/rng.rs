//! The client's randomness: masking keys (RFC 6455 §5.3) and the handshake
//! nonce (§4.1). The engine has no RNG; the caller brings one.
//!
//! **A stand-in.** A microcontroller backs this with its hardware RNG
//! (the TRNG peripheral most network-capable chips have). SplitMix64,
//! seeded by the caller, keeps this example deterministic and dependency
//! free, but it is predictable: RFC 6455 §10.3 wants keys an attacker
//! cannot guess, so never ship it.

use rfc6455::MaskKeySource;

/// SplitMix64: a small, fast, *predictable* generator. See the module docs.
#[derive(Debug, Clone)]
pub struct DemoRng {
    state: u64,
}

impl DemoRng {
    /// A generator whose whole output follows from `seed`.
    pub const fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A 16-byte nonce for `Sec-WebSocket-Key`.
    pub fn nonce(&mut self) -> [u8; 16] {
        let mut nonce = [0; 16];
        nonce[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        nonce[8..].copy_from_slice(&self.next_u64().to_le_bytes());
        nonce
    }
}

impl MaskKeySource for DemoRng {
    fn next_mask_key(&mut self) -> [u8; 4] {
        (self.next_u64() as u32).to_le_bytes()
    }
}
