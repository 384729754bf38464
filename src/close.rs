//! Close frames (RFC 6455 §5.5.1, §7.4): status codes, their validity, and
//! the close payload (a 2-byte code and a UTF-8 reason).
//!
//! No state here: when a close may be sent or must be answered is decided in
//! `rules`.

use core::fmt;

use crate::frame::MAX_CONTROL_PAYLOAD;
use crate::{ProtocolError, UsageError};

/// The longest close reason: a control payload less the 2-byte code.
pub const MAX_CLOSE_REASON: usize = MAX_CONTROL_PAYLOAD - 2;

/// A close status code (RFC 6455 §7.4, IANA "WebSocket Close Code Number
/// Registry"). The code space is open, so this is a newtype with constants
/// for the registered codes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CloseCode(pub u16);

impl CloseCode {
    /// 1000: the purpose of the connection has been fulfilled.
    pub const NORMAL: Self = Self(1000);
    /// 1001: the endpoint is going away (server shutdown, page navigation).
    pub const GOING_AWAY: Self = Self(1001);
    /// 1002: the peer broke the protocol.
    pub const PROTOCOL_ERROR: Self = Self(1002);
    /// 1003: a data type the endpoint cannot accept (e.g. binary only).
    pub const UNSUPPORTED_DATA: Self = Self(1003);
    /// 1005: no status code was present. Reserved: never sent on the wire.
    pub const NO_STATUS: Self = Self(1005);
    /// 1006: the connection closed without a close frame. Reserved: never
    /// sent on the wire.
    pub const ABNORMAL: Self = Self(1006);
    /// 1007: data inconsistent with the message type (e.g. bad UTF-8 text).
    pub const INVALID_PAYLOAD: Self = Self(1007);
    /// 1008: a message violated the endpoint's policy.
    pub const POLICY_VIOLATION: Self = Self(1008);
    /// 1009: a message too big to process.
    pub const MESSAGE_TOO_BIG: Self = Self(1009);
    /// 1010: the client expected the server to negotiate an extension.
    pub const MANDATORY_EXTENSION: Self = Self(1010);
    /// 1011: the server met an unexpected condition.
    pub const INTERNAL_ERROR: Self = Self(1011);
    /// 1012: the service is restarting (IANA).
    pub const SERVICE_RESTART: Self = Self(1012);
    /// 1013: try again later (IANA).
    pub const TRY_AGAIN_LATER: Self = Self(1013);
    /// 1014: a gateway received an invalid response (IANA).
    pub const BAD_GATEWAY: Self = Self(1014);
    /// 1015: the TLS handshake failed. Reserved: never sent on the wire.
    pub const TLS_HANDSHAKE: Self = Self(1015);

    /// Whether the code may appear in a close frame, sent or received.
    ///
    /// Valid: 1000–1003, 1007–1014 (RFC 6455 §7.4.1 and the IANA registry)
    /// and 3000–4999 (registered and private use, §7.4.2). Invalid: below
    /// 1000, 1004–1006 and 1015 (reserved or never sent), the unassigned
    /// 1016–2999, and 5000 and up.
    pub const fn is_valid_on_wire(self) -> bool {
        matches!(self.0, 1000..=1003 | 1007..=1014 | 3000..=4999)
    }
}

impl fmt::Debug for CloseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CloseCode({})", self.0)
    }
}

impl fmt::Display for CloseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl From<u16> for CloseCode {
    fn from(code: u16) -> Self {
        Self(code)
    }
}

impl From<CloseCode> for u16 {
    fn from(code: CloseCode) -> Self {
        code.0
    }
}

/// Splits a received close payload into its code and reason, and validates
/// both (RFC 6455 §5.5.1, §7.4, §8.1).
pub(crate) fn parse_close_payload(
    payload: &[u8],
) -> Result<(Option<CloseCode>, &str), ProtocolError> {
    match payload {
        [] => Ok((None, "")),
        [_] => Err(ProtocolError::ClosePayloadTooShort),
        [hi, lo, reason @ ..] => {
            let code = CloseCode(u16::from_be_bytes([*hi, *lo]));
            if !code.is_valid_on_wire() {
                return Err(ProtocolError::InvalidCloseCode(code.0));
            }
            let reason =
                core::str::from_utf8(reason).map_err(|_| ProtocolError::InvalidCloseReason)?;
            Ok((Some(code), reason))
        }
    }
}

/// Checks a Close the application means to send, as
/// [`Connection::send_close`](crate::Connection::send_close) does: a code
/// an endpoint may send (1000–1003, 1007–1014, 3000–4999), a reason of at
/// most 123 bytes, and no reason without a code.
///
/// Useful to refuse bad input before a connection is at hand:
///
/// ```
/// use rfc6455::{check_close, CloseCode, UsageError};
///
/// assert_eq!(check_close(Some(CloseCode(4000)), "bye"), Ok(()));
/// assert_eq!(check_close(Some(CloseCode(1006)), ""), Err(UsageError::InvalidCloseCode(1006)));
/// assert_eq!(check_close(None, "why"), Err(UsageError::InvalidCloseCode(1005)));
/// ```
pub fn check_close(code: Option<CloseCode>, reason: &str) -> Result<(), UsageError> {
    match code {
        Some(code) if !code.is_valid_on_wire() => Err(UsageError::InvalidCloseCode(code.0)),
        Some(_) if reason.len() > MAX_CLOSE_REASON => Err(UsageError::CloseReasonTooLong),
        // A reason needs a code in front of it (§5.5.1).
        None if !reason.is_empty() => Err(UsageError::InvalidCloseCode(CloseCode::NO_STATUS.0)),
        _ => Ok(()),
    }
}
