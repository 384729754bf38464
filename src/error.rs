//! Error types shared by every layer: the caller's buffer being too small.
//!
//! Peer faults ([`ProtocolError`](crate::ProtocolError)) and caller faults
//! ([`UsageError`](crate::UsageError)) live next to the rules that raise them.

use core::fmt;

/// The output buffer given to an encoding call was too small.
///
/// Nothing was written into the buffer; call again with at least
/// [`required`](Self::required) bytes of room.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BufferTooSmall {
    /// How many bytes the call needs to write its output in one piece.
    pub required: usize,
}

impl fmt::Display for BufferTooSmall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "output buffer too small: {} bytes required", self.required)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for BufferTooSmall {}
