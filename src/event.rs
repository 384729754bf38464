//! What the connection reports to the application: data chunks that borrow
//! the caller's input, and control frames copied into small inline buffers.

use core::fmt;
use core::ops::Deref;

use crate::close_code::CloseCode;
use crate::frame::MAX_CONTROL_PAYLOAD;

/// The type of a data message (RFC 6455 §5.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// UTF-8 text (opcode 0x1).
    Text,
    /// Arbitrary bytes (opcode 0x2).
    Binary,
}

/// A control frame's payload (at most 125 bytes), held inline so that
/// events never borrow the connection.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ControlPayload {
    bytes: [u8; MAX_CONTROL_PAYLOAD],
    len: u8,
}

impl ControlPayload {
    /// An empty payload.
    pub const EMPTY: Self = Self {
        bytes: [0; MAX_CONTROL_PAYLOAD],
        len: 0,
    };

    /// Copies `bytes` (truncated to 125) into a payload.
    pub(crate) fn copy_from(bytes: &[u8]) -> Self {
        let mut payload = Self::EMPTY;
        let len = bytes.len().min(MAX_CONTROL_PAYLOAD);
        payload.bytes[..len].copy_from_slice(&bytes[..len]);
        payload.len = len as u8;
        payload
    }

    /// The payload bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl Deref for ControlPayload {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl fmt::Debug for ControlPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ControlPayload")
            .field(&self.as_bytes())
            .finish()
    }
}

/// A Close frame received from the peer: an optional code and a reason.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CloseFrame {
    code: Option<CloseCode>,
    reason: ControlPayload,
}

impl CloseFrame {
    /// Builds a frame from a code and a reason already checked to be valid.
    pub(crate) fn new(code: Option<CloseCode>, reason: &str) -> Self {
        Self {
            code,
            reason: ControlPayload::copy_from(reason.as_bytes()),
        }
    }

    /// The status code, or `None` when the peer sent an empty Close (which
    /// applications usually report as 1005, [`CloseCode::NO_STATUS`]).
    pub fn code(&self) -> Option<CloseCode> {
        self.code
    }

    /// The reason text (empty when none was given).
    pub fn reason(&self) -> &str {
        // Validated as UTF-8 when the frame was parsed.
        core::str::from_utf8(self.reason.as_bytes()).unwrap_or_default()
    }
}

impl fmt::Debug for CloseFrame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CloseFrame")
            .field("code", &self.code)
            .field("reason", &self.reason())
            .finish()
    }
}

/// A piece of a text or binary message, borrowed from the input buffer
/// (unmasked in place when it came from a client).
///
/// Chunks arrive as soon as their bytes do, so a frame larger than any
/// buffer streams through in O(1) memory. A text chunk may end inside a
/// code point; the message as a whole is valid UTF-8, and an invalid byte
/// fails the connection in the call that reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct MessageChunk<'a> {
    /// The message's type, given on every chunk.
    pub kind: MessageKind,
    /// The payload bytes; may be empty (an empty frame).
    pub payload: &'a [u8],
    /// This is the first chunk of a new message.
    pub message_start: bool,
    /// This chunk ends a frame.
    pub frame_end: bool,
    /// This chunk ends the message (and its frame).
    pub message_end: bool,
    /// The message was compressed (permessage-deflate): this payload is
    /// inflated, in the `inflated` buffer given to
    /// [`Connection::receive_into`](crate::Connection::receive_into), and
    /// chunk ends do not follow frame ends.
    pub inflated: bool,
}

/// Something the peer sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event<'a> {
    /// A piece of a data message.
    Chunk(MessageChunk<'a>),
    /// A Ping. With `auto_pong` on, its Pong is already queued.
    Ping(ControlPayload),
    /// A Pong.
    Pong(ControlPayload),
    /// The peer's Close. With `auto_close_reply` on, the answering Close is
    /// already queued. Nothing more will be read from the peer.
    Close(CloseFrame),
}

/// The result of one `receive` call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "the consumed bytes must be dropped from the input and the event handled"]
pub struct Received<'a> {
    /// How many bytes from the front of the input were used. They must not
    /// be passed in again.
    pub consumed: usize,
    /// The event those bytes completed, if any.
    pub event: Option<Event<'a>>,
}
