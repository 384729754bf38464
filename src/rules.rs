//! Every protocol rule about *when* something may happen, in one place:
//! masking direction, reserved bits, fragmentation order (RFC 6455 §5.4) in
//! both directions, and the close handshake (§5.5.1, §7).
//!
//! The codec modules know formats only, and the connection only glues
//! these rules to them.

use crate::frame::{FrameHeader, Opcode};
use crate::{MessageKind, ProtocolError, Role, UsageError};

/// Checks the parts of a received header that depend on the role and the
/// negotiated extensions.
pub(crate) fn check_received_header(
    role: Role,
    allowed_rsv: u8,
    header: &FrameHeader,
) -> Result<(), ProtocolError> {
    // §5.2: "If a nonzero value is received and none of the negotiated
    // extensions defines the meaning of such a nonzero value, the receiving
    // endpoint MUST _Fail the WebSocket Connection_."
    if header.rsv & !allowed_rsv != 0 {
        return Err(ProtocolError::ReservedBitsSet(header.rsv));
    }
    // RFC 7692 §6.1: RSV1 means "compressed", which a control frame never is.
    if header.rsv != 0 && header.opcode.is_control() {
        return Err(ProtocolError::ReservedBitsSet(header.rsv));
    }
    // §5.1: "The server MUST close the connection upon receiving a frame that
    // is not masked" and "A client MUST close a connection if it detects a
    // masked frame."
    match (role, header.mask.is_some()) {
        (Role::Server, false) => Err(ProtocolError::UnmaskedFrame),
        (Role::Client, true) => Err(ProtocolError::MaskedFrame),
        _ => Ok(()),
    }
}

/// The message a data frame belongs to: its kind, and whether it starts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FrameInMessage {
    pub(crate) kind: MessageKind,
    pub(crate) starts_message: bool,
}

/// Fragmentation order (§5.4), shared by both directions: a continuation
/// needs a message in progress, and a new message needs none.
fn fragment_order(
    in_progress: Option<MessageKind>,
    opcode: Opcode,
) -> Result<FrameInMessage, Misorder> {
    match (opcode, in_progress) {
        (Opcode::Continuation, Some(kind)) => Ok(FrameInMessage {
            kind,
            starts_message: false,
        }),
        (Opcode::Continuation, None) => Err(Misorder::NoMessage),
        (Opcode::Text, None) => Ok(FrameInMessage {
            kind: MessageKind::Text,
            starts_message: true,
        }),
        (Opcode::Binary, None) => Ok(FrameInMessage {
            kind: MessageKind::Binary,
            starts_message: true,
        }),
        _ => Err(Misorder::MessageInProgress),
    }
}

/// How a data frame broke the fragmentation order.
enum Misorder {
    NoMessage,
    MessageInProgress,
}

/// Fragmentation order for a data frame from the peer.
pub(crate) fn received_data_frame(
    in_progress: Option<MessageKind>,
    opcode: Opcode,
) -> Result<FrameInMessage, ProtocolError> {
    fragment_order(in_progress, opcode).map_err(|e| match e {
        Misorder::NoMessage => ProtocolError::UnexpectedContinuation,
        Misorder::MessageInProgress => ProtocolError::ExpectedContinuation,
    })
}

/// Fragmentation order for a data frame the application sends.
pub(crate) fn sent_data_frame(
    in_progress: Option<MessageKind>,
    opcode: Opcode,
) -> Result<FrameInMessage, UsageError> {
    fragment_order(in_progress, opcode).map_err(|e| match e {
        Misorder::NoMessage => UsageError::NoMessageInProgress,
        Misorder::MessageInProgress => UsageError::MessageInProgress,
    })
}

/// Where the connection stands in its lifetime (RFC 6455 §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConnectionState {
    /// Both directions are open.
    Open,
    /// Our Close is sent (or queued); the peer's has not arrived. Incoming
    /// data is still delivered.
    CloseSent,
    /// The peer's Close arrived; ours is not sent yet (only possible with
    /// `auto_close_reply` off). Nothing more is read from the peer.
    CloseReceived,
    /// Both Close frames are exchanged, or the transport ended.
    Closed,
    /// A protocol error failed the connection; its Close is queued.
    Failed,
}

/// The close handshake's progress, the single source of [`ConnectionState`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Lifecycle {
    close_sent: bool,
    close_received: bool,
    transport_ended: bool,
    failure: Option<ProtocolError>,
}

impl Lifecycle {
    pub(crate) fn state(&self) -> ConnectionState {
        if self.failure.is_some() {
            return ConnectionState::Failed;
        }
        if self.transport_ended {
            return ConnectionState::Closed;
        }
        match (self.close_sent, self.close_received) {
            (false, false) => ConnectionState::Open,
            (true, false) => ConnectionState::CloseSent,
            (false, true) => ConnectionState::CloseReceived,
            (true, true) => ConnectionState::Closed,
        }
    }

    /// The error that failed the connection, if one did.
    pub(crate) fn failure(&self) -> Option<ProtocolError> {
        self.failure
    }

    /// Whether frames from the peer are still to be read and reported.
    /// §5.5.1: after its Close, the peer sends nothing more.
    pub(crate) fn reading(&self) -> bool {
        !self.close_received && !self.transport_ended && self.failure.is_none()
    }

    /// Whether the application may still send a frame.
    pub(crate) fn check_can_send(&self) -> Result<(), UsageError> {
        if self.failure.is_some() || self.transport_ended {
            Err(UsageError::Closed)
        } else if self.close_sent {
            // §5.5.1: "The application MUST NOT send any more data frames
            // after sending a Close frame."
            Err(UsageError::AlreadyClosing)
        } else {
            Ok(())
        }
    }

    /// Whether a Close of ours is already out or queued.
    pub(crate) fn close_sent(&self) -> bool {
        self.close_sent
    }

    pub(crate) fn on_close_sent(&mut self) {
        self.close_sent = true;
    }

    pub(crate) fn on_close_received(&mut self) {
        self.close_received = true;
    }

    /// Records a fatal peer error; the first one sticks.
    pub(crate) fn on_failure(&mut self, error: ProtocolError) {
        self.failure.get_or_insert(error);
    }

    /// Records the end of the transport. Returns whether the close handshake
    /// had completed from the peer's side (a clean end, RFC 6455 §7.1.5).
    pub(crate) fn on_transport_end(&mut self) -> bool {
        self.transport_ended = true;
        self.close_received
    }

    /// Whether the transport may now be closed by us, once no output is
    /// pending: §7.1.1 "the underlying TCP connection ... SHOULD be closed
    /// first by the server", while the client waits for the server to close
    /// it. A failed connection is closed by either end (§7.1.7).
    pub(crate) fn transport_closable(&self, role: Role) -> bool {
        self.failure.is_some()
            || self.transport_ended
            || (role == Role::Server && self.close_sent && self.close_received)
    }
}
