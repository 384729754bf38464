//! Incremental UTF-8 validation that fails at the first invalid byte, even
//! when a code point is split across frames or fragments (RFC 6455 §8.1).
//!
//! A shift-based DFA: each byte's table row holds the next state for every
//! current state, so one step is a load and a shift, with no branch to
//! mispredict on mixed text. Runs of ASCII are skipped a word at a time.
//! The whole state between chunks is one word.
//!
//! With the `simdutf8` feature, the bulk of a longer chunk goes through
//! `simdutf8` instead, and the DFA only finishes a code point carried over
//! from the last chunk or left open at the end of this one.

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
/// let mut v = rfc6455::codec::Utf8Validator::new();
/// let euro = "€".as_bytes(); // e2 82 ac
/// assert!(v.feed(&euro[..1]).is_ok());
/// assert!(v.feed(&euro[1..]).is_ok());
/// assert!(v.finish().is_ok());
/// assert!(v.feed(&[0xe2, 0x28]).is_err()); // fails at 0x28, mid-chunk
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utf8Validator {
    /// The DFA state, as a bit offset into a table row (low 6 bits).
    state: u64,
}

impl Default for Utf8Validator {
    fn default() -> Self {
        Self::new()
    }
}

impl Utf8Validator {
    /// A validator at the start of a string.
    pub const fn new() -> Self {
        Self { state: ACCEPT }
    }

    /// Whether the bytes fed so far end on a code point boundary.
    pub const fn is_at_boundary(&self) -> bool {
        self.state & 63 == ACCEPT
    }

    /// Validates the next chunk of the stream.
    ///
    /// After an error the validator stays failed; start again with
    /// [`new`](Self::new).
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), InvalidUtf8> {
        // Short ASCII text at a boundary, the commonest chunk of all.
        if self.state & 63 == ACCEPT && bytes.len() <= SHORT && bytes.is_ascii() {
            return Ok(());
        }
        // Keep only the state bits, so that equal states compare equal.
        self.state = validate(self.state, bytes) & 63;
        if self.state & 63 == REJECT {
            Err(InvalidUtf8)
        } else {
            Ok(())
        }
    }

    /// Checks that the stream ended on a code point boundary, and resets the
    /// validator for the next string.
    pub fn finish(&mut self) -> Result<(), InvalidUtf8> {
        let complete = self.is_at_boundary();
        *self = Self::new();
        if complete {
            Ok(())
        } else {
            Err(InvalidUtf8)
        }
    }
}

// The DFA's states, as bit offsets of 6-bit fields in a table row. The
// special states check the second byte's narrower range (RFC 3629 §4):
// after E0 (no overlong), ED (no surrogates), F0 (no overlong) and F4 (no
// code point above U+10FFFF).
const ACCEPT: u64 = 0;
const REJECT: u64 = 6;
const NEED1: u64 = 12;
const NEED2: u64 = 18;
const NEED3: u64 = 24;
const AFTER_E0: u64 = 30;
const AFTER_ED: u64 = 36;
const AFTER_F0: u64 = 42;
const AFTER_F4: u64 = 48;
const STATES: [u64; 9] = [
    ACCEPT, REJECT, NEED1, NEED2, NEED3, AFTER_E0, AFTER_ED, AFTER_F0, AFTER_F4,
];

/// The next state from `state` on `byte`.
const fn step(state: u64, byte: u8) -> u64 {
    let continuation = matches!(byte, 0x80..=0xBF);
    match state {
        ACCEPT => match byte {
            0x00..=0x7F => ACCEPT,
            0xC2..=0xDF => NEED1,
            0xE0 => AFTER_E0,
            0xE1..=0xEC | 0xEE..=0xEF => NEED2,
            0xED => AFTER_ED,
            0xF0 => AFTER_F0,
            0xF1..=0xF3 => NEED3,
            0xF4 => AFTER_F4,
            _ => REJECT,
        },
        NEED1 if continuation => ACCEPT,
        NEED2 if continuation => NEED1,
        NEED3 if continuation => NEED2,
        AFTER_E0 if matches!(byte, 0xA0..=0xBF) => NEED1,
        AFTER_ED if matches!(byte, 0x80..=0x9F) => NEED1,
        AFTER_F0 if matches!(byte, 0x90..=0xBF) => NEED2,
        AFTER_F4 if matches!(byte, 0x80..=0x8F) => NEED2,
        _ => REJECT,
    }
}

/// Row `b` holds, in the 6-bit field at each state's offset, the next state.
static TABLE: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut byte = 0;
    while byte < 256 {
        let mut i = 0;
        while i < STATES.len() {
            table[byte] |= step(STATES[i], byte as u8) << STATES[i];
            i += 1;
        }
        byte += 1;
    }
    table
};

/// Validates `bytes` from `state` and returns the new state.
#[cfg(not(feature = "simdutf8"))]
fn validate(state: u64, bytes: &[u8]) -> u64 {
    run(state, bytes)
}

/// Validates `bytes` from `state` and returns the new state: the DFA for the
/// edges, `simdutf8` for the bulk.
#[cfg(feature = "simdutf8")]
fn validate(mut state: u64, bytes: &[u8]) -> u64 {
    let mut rest = bytes;
    // Finish a code point carried over from the previous chunk.
    while state & 63 != ACCEPT && state & 63 != REJECT {
        let Some((&byte, after)) = rest.split_first() else {
            return state;
        };
        state = TABLE[usize::from(byte)].wrapping_shr(state as u32);
        rest = after;
    }
    if state & 63 == REJECT || rest.len() < SIMD_MIN {
        return run(state, rest);
    }
    match simdutf8::compat::from_utf8(rest) {
        Ok(_) => ACCEPT,
        // The chunk ends inside a code point: the DFA carries it on.
        Err(e) if e.error_len().is_none() => run(ACCEPT, &rest[e.valid_up_to()..]),
        Err(_) => REJECT,
    }
}

/// Below this many bytes the DFA is cheaper than setting up SIMD.
#[cfg(feature = "simdutf8")]
const SIMD_MIN: usize = 64;

/// Runs the DFA over `bytes` from `state`. Only the low 6 bits of the
/// result are the state: the shift ignores the rest.
fn run(mut state: u64, bytes: &[u8]) -> u64 {
    let mut rest = bytes;
    loop {
        if state & 63 == ACCEPT {
            rest = skip_ascii(rest);
        }
        let Some((block, after)) = rest.split_first_chunk::<BLOCK>() else {
            for &byte in rest {
                state = TABLE[usize::from(byte)].wrapping_shr(state as u32);
            }
            return state;
        };
        // A fixed-size block: the compiler unrolls the steps.
        for &byte in block {
            state = TABLE[usize::from(byte)].wrapping_shr(state as u32);
        }
        rest = after;
        if state & 63 == REJECT {
            return state;
        }
    }
}

/// Chunks up to this long are first checked for plain ASCII as a whole.
const SHORT: usize = 64;

/// How many bytes the DFA runs between checks for ASCII and for failure.
const BLOCK: usize = 32;

/// Drops the leading ASCII: whole blocks, then whole words.
fn skip_ascii(mut bytes: &[u8]) -> &[u8] {
    while let Some((block, rest)) = bytes.split_first_chunk::<BLOCK>() {
        let mut any = 0u64;
        for word in block.chunks_exact(8) {
            any |= high_bits(word);
        }
        if any != 0 {
            return bytes;
        }
        bytes = rest;
    }
    while let Some((word, rest)) = bytes.split_first_chunk::<8>() {
        if high_bits(word) != 0 {
            break;
        }
        bytes = rest;
    }
    bytes
}

/// The high bit of each of 8 bytes (non-zero if any is not ASCII).
#[inline(always)]
fn high_bits(word: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(word);
    u64::from_ne_bytes(bytes) & 0x8080_8080_8080_8080
}
