//! Randomness from the operating system, for client masking keys (RFC 6455
//! §5.3) and handshake nonces (§4.1). The crate has no RNG; this is the
//! caller's part. Reads `/dev/urandom` in 4 KiB blocks, so a key costs a
//! copy, not a system call.

use std::fs::File;
use std::io::{self, Read};

/// A buffered reader of `/dev/urandom`.
pub struct OsRandom {
    source: File,
    block: [u8; 4096],
    used: usize,
}

impl OsRandom {
    pub fn new() -> io::Result<Self> {
        Ok(Self {
            source: File::open("/dev/urandom")?,
            block: [0; 4096],
            used: 4096,
        })
    }

    /// Fills `out` with random bytes.
    pub fn fill(&mut self, out: &mut [u8]) {
        for byte in out {
            if self.used == self.block.len() {
                // /dev/urandom never runs dry; a failure here is a broken OS.
                self.source
                    .read_exact(&mut self.block)
                    .expect("reading /dev/urandom");
                self.used = 0;
            }
            *byte = self.block[self.used];
            self.used += 1;
        }
    }

    /// A 16-byte handshake nonce.
    pub fn nonce(&mut self) -> [u8; 16] {
        let mut nonce = [0; 16];
        self.fill(&mut nonce);
        nonce
    }

    /// Turns this into the masking-key source a client connection takes.
    pub fn into_mask_keys(mut self) -> impl FnMut() -> [u8; 4] {
        move || {
            let mut key = [0; 4];
            self.fill(&mut key);
            key
        }
    }
}
