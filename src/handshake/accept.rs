//! The key exchange of the opening handshake: checking a
//! `Sec-WebSocket-Key`, encoding the client's nonce, and deriving
//! `Sec-WebSocket-Accept` (RFC 6455 §1.3, §4.1, §4.2.2), all on the stack.

use core::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha1::{Digest, Sha1};

/// The GUID appended to the key before hashing (RFC 6455 §1.3).
pub const WEBSOCKET_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// A `Sec-WebSocket-Accept` value: base64 of a 20-byte SHA-1 digest, always
/// 28 ASCII bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AcceptKey([u8; 28]);

impl AcceptKey {
    /// The value as bytes, ready to write into a header.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The value as text.
    pub fn as_str(&self) -> &str {
        // Base64 output is ASCII, so this never falls back.
        core::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Debug for AcceptKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AcceptKey").field(&self.as_str()).finish()
    }
}

impl fmt::Display for AcceptKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Derives `Sec-WebSocket-Accept` from the `Sec-WebSocket-Key` value as sent
/// (the base64 text, not the decoded nonce).
///
/// RFC 6455 §4.2.2 step 5.4: "The value of this header field is constructed
/// by concatenating /key/ ... with the string
/// "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", taking the SHA-1 hash of this
/// concatenated value to obtain a 20-byte value and base64-encoding ... this
/// 20-byte hash." No allocation: the hash runs over the two parts in turn.
///
/// ```
/// let accept = rfc6455::handshake::derive_accept_key(b"dGhlIHNhbXBsZSBub25jZQ==");
/// assert_eq!(accept.as_str(), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
/// ```
#[must_use]
pub fn derive_accept_key(key: &[u8]) -> AcceptKey {
    let mut sha1 = Sha1::new();
    sha1.update(key);
    sha1.update(WEBSOCKET_GUID.as_bytes());
    let digest = sha1.finalize();
    let mut out = [0u8; 28];
    // 20 bytes always encode to exactly 28, so this cannot run short.
    let written = STANDARD.encode_slice(digest, &mut out).unwrap_or(0);
    debug_assert_eq!(written, out.len());
    AcceptKey(out)
}

/// Encodes the client's 16-byte nonce as the `Sec-WebSocket-Key` text.
pub(crate) fn encode_nonce(nonce: &[u8; 16]) -> [u8; 24] {
    let mut out = [0u8; 24];
    // 16 bytes always encode to exactly 24.
    let written = STANDARD.encode_slice(nonce, &mut out).unwrap_or(0);
    debug_assert_eq!(written, out.len());
    out
}

/// Whether a received `Sec-WebSocket-Key` value is acceptable.
///
/// RFC 6455 §4.2.1 item 5: "A |Sec-WebSocket-Key| header field with a
/// base64-encoded ... value that, when decoded, is 16 bytes in length."
/// Padding is required and non-canonical trailing bits are refused.
pub(crate) fn is_valid_key(value: &[u8]) -> bool {
    // 16 bytes are 24 base64 characters, the last two `==`.
    if value.len() != 24 {
        return false;
    }
    let mut decoded = [0u8; 18];
    matches!(STANDARD.decode_slice(value, &mut decoded), Ok(16))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_example() {
        // RFC 6455 §1.3.
        let accept = derive_accept_key(b"dGhlIHNhbXBsZSBub25jZQ==");
        assert_eq!(accept.as_str(), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assert_eq!(accept.as_bytes(), b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assert_eq!(
            encode_nonce(b"the sample nonce"),
            *b"dGhlIHNhbXBsZSBub25jZQ=="
        );
    }

    #[test]
    fn key_validation() {
        assert!(is_valid_key(b"dGhlIHNhbXBsZSBub25jZQ=="));
        // 15 and 17 bytes.
        assert!(!is_valid_key(b"dGhlIHNhbXBsZSBub25jZQ="));
        assert!(!is_valid_key(b"dGhlIHNhbXBsZSBub25jZQ==="));
        assert!(!is_valid_key(b"dGhlIHNhbXBsZSBub25jZWVl"));
        // Not base64, and non-canonical trailing bits.
        assert!(!is_valid_key(b"dGhlIHNhbXBsZSBub25jZ!=="));
        assert!(!is_valid_key(b"dGhlIHNhbXBsZSBub25jZR=="));
        assert!(!is_valid_key(b""));
    }
}
