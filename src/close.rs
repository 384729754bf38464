//! Close frames (RFC 6455 §5.5.1, §7.4): the close payload (a 2-byte code
//! and a UTF-8 reason), checked as received and as sent. The codes
//! themselves are in `close_code`.
//!
//! No state here: when a close may be sent or must be answered is decided in
//! `rules`.

use crate::close_code::CloseCode;
use crate::error::{ProtocolError, UsageError};
use crate::frame::MAX_CONTROL_PAYLOAD;

/// The longest close reason: a control payload less the 2-byte code.
pub const MAX_CLOSE_REASON: usize = MAX_CONTROL_PAYLOAD - 2;

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
