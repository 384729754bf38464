//! The three kinds of error: the peer broke the protocol ([`ProtocolError`]),
//! the caller broke a rule ([`UsageError`]), or the caller's output buffer
//! was too small ([`BufferTooSmall`]); and the two unions the calls return,
//! [`ReceiveError`] and [`SendError`].
//!
//! None of them holds a `String`, so they work without an allocator.

use core::fmt;

use crate::close_code::CloseCode;

/// The peer violated RFC 6455. Fatal.
///
/// When a connection returns one, it has already queued the Close frame with
/// [`close_code`](Self::close_code) (unless a Close was sent before); drain
/// it with `poll_transmit`, then close the transport. Every later call that
/// reads input returns the same error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProtocolError {
    /// An opcode reserved for future use (0x3–0x7, 0xB–0xF): §5.2.
    ReservedOpcode(u8),
    /// RSV1–3 set without an extension that defines them (the bits are
    /// given as RSV1 = `0b100`): §5.2.
    ReservedBitsSet(u8),
    /// The payload length did not use the minimal encoding: §5.2.
    NonMinimalLength,
    /// A 64-bit payload length with its most significant bit set: §5.2.
    LengthTopBitSet,
    /// A control frame without FIN: §5.5.
    FragmentedControlFrame,
    /// A control frame with more than 125 bytes of payload: §5.5.
    ControlFrameTooLong,
    /// A server received a frame without a mask: §5.1.
    UnmaskedFrame,
    /// A client received a masked frame: §5.1.
    MaskedFrame,
    /// A continuation frame arrived with no message in progress: §5.4.
    UnexpectedContinuation,
    /// A new text or binary frame arrived while a fragmented message was
    /// still in progress: §5.4.
    ExpectedContinuation,
    /// A text message (or a close reason) is not valid UTF-8, detected at
    /// the first invalid byte: §8.1.
    InvalidUtf8,
    /// A close frame with a one-byte payload: §5.5.1.
    ClosePayloadTooShort,
    /// A close frame with a status code that may not be sent: §7.4.
    InvalidCloseCode(u16),
    /// A close frame whose reason is not valid UTF-8: §5.5.1.
    InvalidCloseReason,
    /// A frame's length exceeds the configured `max_frame_payload`.
    FrameTooLarge,
    /// A message's length exceeds the configured `max_message_size`; for a
    /// compressed message, its length once inflated.
    MessageTooLarge,
    /// A compressed message (permessage-deflate) is not valid DEFLATE data,
    /// or its data does not end at a block boundary once the `00 00 ff ff`
    /// tail is put back (RFC 7692 §7.2.2).
    InvalidCompressedData,
}

impl ProtocolError {
    /// The close code to send for this violation: 1007 for bad UTF-8 and
    /// bad compressed data, 1009 for size limits, 1002 for everything else
    /// (RFC 6455 §7.4.1).
    pub const fn close_code(&self) -> CloseCode {
        match self {
            Self::InvalidUtf8 | Self::InvalidCloseReason | Self::InvalidCompressedData => {
                CloseCode::INVALID_PAYLOAD
            }
            Self::FrameTooLarge | Self::MessageTooLarge => CloseCode::MESSAGE_TOO_BIG,
            _ => CloseCode::PROTOCOL_ERROR,
        }
    }

    /// A short description, also sent as the reason of the failing Close.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::ReservedOpcode(_) => "reserved opcode",
            Self::ReservedBitsSet(_) => "reserved bits set",
            Self::NonMinimalLength => "non-minimal length encoding",
            Self::LengthTopBitSet => "64-bit length with top bit set",
            Self::FragmentedControlFrame => "fragmented control frame",
            Self::ControlFrameTooLong => "control frame longer than 125 bytes",
            Self::UnmaskedFrame => "unmasked frame from client",
            Self::MaskedFrame => "masked frame from server",
            Self::UnexpectedContinuation => "continuation with no message in progress",
            Self::ExpectedContinuation => "new message while a fragmented one is in progress",
            Self::InvalidUtf8 => "invalid UTF-8 in text message",
            Self::ClosePayloadTooShort => "one-byte close payload",
            Self::InvalidCloseCode(_) => "invalid close code",
            Self::InvalidCloseReason => "invalid UTF-8 in close reason",
            Self::FrameTooLarge => "frame too large",
            Self::MessageTooLarge => "message too large",
            Self::InvalidCompressedData => "invalid compressed data",
        }
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ReservedOpcode(op) => write!(f, "{} {op:#x}", self.as_str()),
            Self::ReservedBitsSet(bits) => write!(f, "{} {bits:#05b}", self.as_str()),
            Self::InvalidCloseCode(code) => write!(f, "{} {code}", self.as_str()),
            _ => f.write_str(self.as_str()),
        }
    }
}

/// The caller asked for something the protocol or the connection's state
/// does not allow. Nothing was emitted and the connection is unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UsageError {
    /// A Close has already been sent or queued: nothing may follow it
    /// (RFC 6455 §5.5.1).
    AlreadyClosing,
    /// The connection has failed or closed.
    Closed,
    /// A control frame payload over 125 bytes (§5.5).
    ControlPayloadTooLong,
    /// A close code that may not be sent (§7.4), such as 1005 or 1006.
    InvalidCloseCode(u16),
    /// A close reason over 123 bytes.
    CloseReasonTooLong,
    /// A control frame without FIN (§5.5).
    FragmentedControlFrame,
    /// A continuation frame with no message started.
    NoMessageInProgress,
    /// A new message while a fragmented one is still being sent (§5.4).
    MessageInProgress,
    /// Text payload that is not valid UTF-8.
    InvalidUtf8,
    /// A frame was started with `start_frame` and its payload is not all
    /// written yet.
    PayloadPending,
    /// More payload than the frame started with `start_frame` announced,
    /// or payload with no frame started.
    PayloadOverrun,
    /// A payload length of 2^63 or more, which no frame can announce (§5.2).
    PayloadTooLarge,
    /// `start_frame` is for data frames; control frames are sent whole.
    NotADataFrame,
    /// Clients must mask their payload: give `frame_payload` a `&mut [u8]`,
    /// which it masks in place, rather than a `&[u8]`.
    MaskRequired,
    /// A compressed message (permessage-deflate) is being sent in
    /// fragments: its continuations go through `send_frame`, compressed,
    /// not through `start_frame` or `send_uncompressed`.
    CompressedMessageInProgress,
    /// permessage-deflate is already on, or the agreement is for the other
    /// role.
    DeflateMismatch,
    /// permessage-deflate is on and the receive call gave no room for
    /// inflated data: use `receive_into` with a non-empty buffer.
    NoInflateBuffer,
    /// A `MessageReader` was given a connection other than the one it has
    /// been reading for.
    ReaderMismatch,
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Self::AlreadyClosing => "a close frame was already sent",
            Self::Closed => "the connection is closed",
            Self::ControlPayloadTooLong => "control payload longer than 125 bytes",
            Self::InvalidCloseCode(code) => return write!(f, "close code {code} may not be sent"),
            Self::CloseReasonTooLong => "close reason longer than 123 bytes",
            Self::FragmentedControlFrame => "control frames cannot be fragmented",
            Self::NoMessageInProgress => "continuation frame with no message started",
            Self::MessageInProgress => "a fragmented message is still being sent",
            Self::InvalidUtf8 => "text payload is not valid UTF-8",
            Self::PayloadPending => "the payload of the started frame is not all written",
            Self::PayloadOverrun => "more payload than the started frame announced",
            Self::PayloadTooLarge => "payload length must be below 2^63",
            Self::NotADataFrame => "start_frame takes data frames only",
            Self::MaskRequired => "clients must mask their payload: frame_payload needs &mut [u8]",
            Self::CompressedMessageInProgress => "a compressed message is being sent in fragments",
            Self::DeflateMismatch => "deflate is already on, or agreed for the other role",
            Self::NoInflateBuffer => "deflate is on: receive needs room for inflated data",
            Self::ReaderMismatch => "a message reader is fed by one connection only",
        };
        f.write_str(text)
    }
}

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
        write!(
            f,
            "output buffer too small: {} bytes required",
            self.required
        )
    }
}

/// Why a receive call failed: one of two kinds, with nothing in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReceiveError {
    /// The peer broke the protocol: fatal and sticky, with the failing
    /// Close already queued (see [`ProtocolError`]).
    Protocol(ProtocolError),
    /// The call broke a rule; nothing was consumed and the connection is
    /// unchanged. It never reaches the peer.
    Usage(UsageError),
}

impl ReceiveError {
    /// The peer's violation, if that is what this is.
    pub const fn protocol(&self) -> Option<ProtocolError> {
        match self {
            Self::Protocol(error) => Some(*error),
            Self::Usage(_) => None,
        }
    }
}

impl From<ProtocolError> for ReceiveError {
    fn from(e: ProtocolError) -> Self {
        Self::Protocol(e)
    }
}

impl From<UsageError> for ReceiveError {
    fn from(e: UsageError) -> Self {
        Self::Usage(e)
    }
}

impl fmt::Display for ReceiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Protocol(e) => e.fmt(f),
            Self::Usage(e) => e.fmt(f),
        }
    }
}

/// Why a send call wrote nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SendError {
    /// The call broke a rule; the connection is unchanged.
    Usage(UsageError),
    /// The output buffer is too small; the connection is unchanged.
    BufferTooSmall(BufferTooSmall),
}

impl From<UsageError> for SendError {
    fn from(e: UsageError) -> Self {
        Self::Usage(e)
    }
}

impl From<BufferTooSmall> for SendError {
    fn from(e: BufferTooSmall) -> Self {
        Self::BufferTooSmall(e)
    }
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Usage(e) => e.fmt(f),
            Self::BufferTooSmall(e) => e.fmt(f),
        }
    }
}

// `core::error::Error` (Rust 1.81) works without `std`.
impl core::error::Error for ProtocolError {}
impl core::error::Error for UsageError {}
impl core::error::Error for BufferTooSmall {}
impl core::error::Error for SendError {}
impl core::error::Error for ReceiveError {}
