//! Incremental UTF-8 validation that fails at the first invalid byte, even
//! when a code point is split across frames or fragments (RFC 6455 §8.1).
//!
//! The validator keeps at most three bytes of an unfinished code point; the
//! bulk of every chunk goes through `core::str::from_utf8`, whose ASCII fast
//! path reads a word at a time.

use core::str;

/// The peer's bytes are not UTF-8 (RFC 3629).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InvalidUtf8;

/// Validates a byte stream chunk by chunk.
///
/// [`feed`](Self::feed) fails as soon as the bytes seen so far cannot be the
/// start of any valid UTF-8 string, so the error comes in the chunk that
/// holds the offending byte. [`finish`](Self::finish) then checks that no
/// code point was left unfinished.
///
/// ```
/// let mut v = rfc6455::Utf8Validator::new();
/// let euro = "€".as_bytes(); // e2 82 ac
/// assert!(v.feed(&euro[..1]).is_ok());
/// assert!(v.feed(&euro[1..]).is_ok());
/// assert!(v.finish().is_ok());
/// assert!(v.feed(&[0xe2, 0x28]).is_err()); // fails at 0x28, mid-chunk
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Utf8Validator {
    /// The start of an unfinished code point, carried to the next chunk.
    partial: [u8; 4],
    partial_len: u8,
}

impl Utf8Validator {
    /// A validator at the start of a string.
    pub const fn new() -> Self {
        Self {
            partial: [0; 4],
            partial_len: 0,
        }
    }

    /// Whether the bytes fed so far end on a code point boundary.
    pub const fn is_at_boundary(&self) -> bool {
        self.partial_len == 0
    }

    /// Validates the next chunk of the stream.
    ///
    /// After an error the validator's state is unspecified; start again with
    /// [`new`](Self::new).
    pub fn feed(&mut self, mut bytes: &[u8]) -> Result<(), InvalidUtf8> {
        if self.partial_len > 0 {
            bytes = self.complete_partial(bytes)?;
            if self.partial_len > 0 {
                return Ok(()); // the chunk ended inside the same code point
            }
        }
        match str::from_utf8(bytes) {
            Ok(_) => Ok(()),
            Err(e) if e.error_len().is_none() => {
                // A valid prefix of a code point ends the chunk: keep it.
                let tail = &bytes[e.valid_up_to()..];
                self.partial[..tail.len()].copy_from_slice(tail);
                self.partial_len = tail.len() as u8;
                Ok(())
            }
            Err(_) => Err(InvalidUtf8),
        }
    }

    /// Checks that the stream ended on a code point boundary, and resets the
    /// validator for the next string.
    pub fn finish(&mut self) -> Result<(), InvalidUtf8> {
        let complete = self.partial_len == 0;
        *self = Self::new();
        if complete {
            Ok(())
        } else {
            Err(InvalidUtf8)
        }
    }

    /// Adds bytes to the carried code point; returns the rest of `bytes`.
    fn complete_partial<'b>(&mut self, bytes: &'b [u8]) -> Result<&'b [u8], InvalidUtf8> {
        let have = usize::from(self.partial_len);
        let width = match self.partial[0] {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4, // only valid lead bytes are ever carried
        };
        let take = (width - have).min(bytes.len());
        self.partial[have..have + take].copy_from_slice(&bytes[..take]);
        let candidate = &self.partial[..have + take];
        match str::from_utf8(candidate) {
            Ok(_) => self.partial_len = 0,
            Err(e) if e.error_len().is_none() => self.partial_len = candidate.len() as u8,
            Err(_) => return Err(InvalidUtf8),
        }
        Ok(&bytes[take..])
    }
}
