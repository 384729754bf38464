//! Whether a parse found all it needs: the one status shared by every
//! parser in the crate (handshake heads and frame headers), as `httparse`
//! has it. A leaf: it imports nothing of the crate.

/// Whether input held a whole head (an HTTP head, a frame header).
///
/// Incomplete input is a status, not an error: read more bytes and call
/// again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[must_use = "a complete parse reports how many bytes it used; the rest follows it"]
pub enum Status<T> {
    /// The head is complete.
    Complete(T),
    /// More bytes are needed.
    Partial,
}

impl<T> Status<T> {
    /// The value, if complete.
    pub fn complete(self) -> Option<T> {
        match self {
            Self::Complete(value) => Some(value),
            Self::Partial => None,
        }
    }

    /// Whether more bytes are needed.
    pub fn is_partial(&self) -> bool {
        matches!(self, Self::Partial)
    }
}
