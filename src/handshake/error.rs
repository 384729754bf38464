//! The three kinds of handshake error: a peer's bad request (with the
//! response to send), a peer's bad response (client side), and the
//! caller's misuse or too-small buffer when writing.

use core::fmt;

use crate::BufferTooSmall;

use super::extensions::ExtensionError;
#[cfg(feature = "deflate")]
use crate::handshake::DeflateParamError;

/// The client's opening handshake is not acceptable (RFC 6455 §4.2.1).
///
/// RFC 6455 §4.2.1: "If the server, while reading the handshake, finds that
/// the client did not send a handshake that matches the description below
/// ..., the server MUST stop processing the client's handshake and return an
/// HTTP response with an appropriate error code (such as 400 Bad Request)."
///
/// Each variant knows its [`status`](Self::status) and the whole HTTP/1.1
/// [`response`](Self::response) to send; write it, then close the
/// connection (the response says `Connection: close`).
///
/// | variant | status |
/// |---|---|
/// | [`MalformedHttp`](Self::MalformedHttp), [`UnsupportedHttpVersion`](Self::UnsupportedHttpVersion), [`UnexpectedBody`](Self::UnexpectedBody) | 400 |
/// | [`HeadTooLarge`](Self::HeadTooLarge), [`TooManyHeaders`](Self::TooManyHeaders) | 431 |
/// | [`MethodNotGet`](Self::MethodNotGet) | 405, `Allow: GET` |
/// | [`MethodNotConnect`](Self::MethodNotConnect) (HTTP/2) | 405, `Allow: CONNECT` |
/// | `Missing*`, `Duplicate*`, [`InvalidKey`](Self::InvalidKey), [`InvalidProtocols`](Self::InvalidProtocols), [`InvalidExtensions`](Self::InvalidExtensions), [`NotWebSocketProtocol`](Self::NotWebSocketProtocol) | 400 |
/// | [`UnsupportedVersion`](Self::UnsupportedVersion) | 426, `Sec-WebSocket-Version: 13` |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HandshakeError {
    /// The request head is not valid HTTP/1.x. Status 400.
    MalformedHttp,
    /// The request head is longer than
    /// [`HandshakeLimits::max_head_bytes`](crate::HandshakeLimits). Status 431.
    HeadTooLarge,
    /// The request has more header lines than
    /// [`HandshakeLimits::max_headers`](crate::HandshakeLimits) or the
    /// caller's header array. Status 431.
    TooManyHeaders,
    /// The method is not `GET`. Status 405 with `Allow: GET`.
    ///
    /// RFC 6455 §4.2.1 item 1: "An HTTP/1.1 or higher GET request". 405 rather
    /// than 400 because the method is the only thing wrong that the client
    /// can be told about precisely.
    MethodNotGet,
    /// The request is HTTP/1.0. Status 400 (RFC 6455 §4.2.1 item 1).
    UnsupportedHttpVersion,
    /// The request carries a body (`Transfer-Encoding`, or a non-zero
    /// `Content-Length`). Status 400.
    ///
    /// The bytes after the head belong to the WebSocket stream, so a body
    /// could only be misread as frames.
    UnexpectedBody,
    /// No `Host` (or an empty one; `:authority` for HTTP/2). Status 400.
    ///
    /// RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status
    /// code to any HTTP/1.1 request message that lacks a Host header field
    /// and to any request message that contains more than one Host header
    /// field line".
    MissingHost,
    /// More than one `Host` line. Status 400 (RFC 9112 §3.2, above).
    DuplicateHost,
    /// `Upgrade` is missing or lacks the token `websocket`. Status 400.
    ///
    /// RFC 6455 §4.2.1 item 3: "An |Upgrade| header field containing the
    /// value "websocket", treated as an ASCII case-insensitive value."
    MissingUpgrade,
    /// `Connection` is missing or lacks the token `Upgrade`. Status 400.
    ///
    /// RFC 6455 §4.2.1 item 4: "A |Connection| header field that includes
    /// the token "Upgrade", treated as an ASCII case-insensitive value."
    MissingConnectionUpgrade,
    /// No `Sec-WebSocket-Version`. Status 400 (RFC 6455 §4.2.1 item 6).
    MissingVersion,
    /// More than one `Sec-WebSocket-Version` line. Status 400.
    ///
    /// RFC 6455 §11.3.5: "The |Sec-WebSocket-Version| header field MUST NOT
    /// appear more than once in an HTTP request."
    DuplicateVersion,
    /// `Sec-WebSocket-Version` is not `13`. Status 426 with
    /// `Sec-WebSocket-Version: 13`.
    ///
    /// RFC 6455 §4.2.2: "If this version does not match a version understood
    /// by the server, the server MUST abort the WebSocket handshake ... and
    /// instead send an appropriate HTTP error code (such as 426 Upgrade
    /// Required) and a |Sec-WebSocket-Version| header field indicating the
    /// version(s) the server is capable of understanding."
    UnsupportedVersion,
    /// No `Sec-WebSocket-Key`. Status 400 (RFC 6455 §4.2.1 item 5).
    MissingKey,
    /// More than one `Sec-WebSocket-Key` line. Status 400.
    ///
    /// RFC 6455 §11.3.1: "The |Sec-WebSocket-Key| header field MUST NOT
    /// appear more than once in an HTTP request."
    DuplicateKey,
    /// `Sec-WebSocket-Key` is not base64 of exactly 16 bytes. Status 400.
    ///
    /// RFC 6455 §4.2.1 item 5: "a base64-encoded ... value that, when
    /// decoded, is 16 bytes in length."
    InvalidKey,
    /// More than one `Origin` line. Status 400.
    ///
    /// RFC 6454 §7.3: "The user agent MUST NOT include more than one Origin
    /// header field in any HTTP request." Refused so that an origin check in
    /// the application cannot be fooled by a second line.
    DuplicateOrigin,
    /// `Sec-WebSocket-Protocol` has an element that is not a token. Status 400.
    ///
    /// RFC 6455 §4.1: "The elements that comprise this value MUST be
    /// non-empty strings with characters in the range U+0021 to U+007E not
    /// including separator characters".
    InvalidProtocols,
    /// `Sec-WebSocket-Extensions` does not follow the §9.1 grammar. Status 400.
    InvalidExtensions(ExtensionError),
    /// HTTP/2 (RFC 8441 §4): the method is not `CONNECT`. Status 405 with
    /// `Allow: CONNECT`.
    MethodNotConnect,
    /// HTTP/2 (RFC 8441 §4): `:protocol` is missing or not `websocket`.
    /// Status 400.
    ///
    /// RFC 8441 §4: "The :protocol pseudo-header field MUST be included in
    /// the CONNECT request, and it MUST have a value of "websocket"".
    NotWebSocketProtocol,
}

const RESPONSE_400: &[u8] =
    b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
const RESPONSE_405_GET: &[u8] = b"HTTP/1.1 405 Method Not Allowed\r\nAllow: GET\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
const RESPONSE_405_CONNECT: &[u8] = b"HTTP/1.1 405 Method Not Allowed\r\nAllow: CONNECT\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
// RFC 9110 §15.5.22: "The server MUST send an Upgrade header field in a 426
// response", and §7.8 makes `Upgrade` a connection option as well.
const RESPONSE_426: &[u8] = b"HTTP/1.1 426 Upgrade Required\r\nUpgrade: websocket\r\nConnection: Upgrade, close\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n";
const RESPONSE_431: &[u8] = b"HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";

impl HandshakeError {
    /// The HTTP status code to answer with.
    pub fn status(&self) -> u16 {
        match self {
            Self::HeadTooLarge | Self::TooManyHeaders => 431,
            Self::MethodNotGet | Self::MethodNotConnect => 405,
            Self::UnsupportedVersion => 426,
            _ => 400,
        }
    }

    /// The header fields that go with [`status`](Self::status) when the
    /// response is written by another HTTP stack (hyper, HTTP/2): `Allow` for
    /// 405, `Sec-WebSocket-Version` for 426, nothing otherwise. Names are
    /// lowercase, as HTTP/2 requires. An HTTP/1.1 stack should also send
    /// `Upgrade: websocket` with a 426 (RFC 9110 §15.5.22).
    pub fn response_headers(&self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::MethodNotGet => &[("allow", "GET")],
            Self::MethodNotConnect => &[("allow", "CONNECT")],
            Self::UnsupportedVersion => &[("sec-websocket-version", "13")],
            _ => &[],
        }
    }

    /// The complete HTTP/1.1 response to send, ending with `Connection:
    /// close` and an empty body; close the connection after writing it.
    pub fn response(&self) -> &'static [u8] {
        match self.status() {
            431 => RESPONSE_431,
            426 => RESPONSE_426,
            405 if *self == Self::MethodNotConnect => RESPONSE_405_CONNECT,
            405 => RESPONSE_405_GET,
            _ => RESPONSE_400,
        }
    }

    /// Copies [`response`](Self::response) into `out`, returning its length.
    /// Nothing is written if it does not fit.
    pub fn write_response(&self, out: &mut [u8]) -> Result<usize, BufferTooSmall> {
        let response = self.response();
        let required = response.len();
        match out.get_mut(..required) {
            Some(out) => {
                out.copy_from_slice(response);
                Ok(required)
            }
            None => Err(BufferTooSmall { required }),
        }
    }
}

impl fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Self::MalformedHttp => "malformed HTTP request head",
            Self::HeadTooLarge => "request head too large",
            Self::TooManyHeaders => "too many request headers",
            Self::MethodNotGet => "handshake method is not GET",
            Self::UnsupportedHttpVersion => "handshake requires HTTP/1.1 or later",
            Self::UnexpectedBody => "handshake request has a body",
            Self::MissingHost => "missing Host",
            Self::DuplicateHost => "more than one Host",
            Self::MissingUpgrade => "Upgrade does not contain websocket",
            Self::MissingConnectionUpgrade => "Connection does not contain Upgrade",
            Self::MissingVersion => "missing Sec-WebSocket-Version",
            Self::DuplicateVersion => "more than one Sec-WebSocket-Version",
            Self::UnsupportedVersion => "Sec-WebSocket-Version is not 13",
            Self::MissingKey => "missing Sec-WebSocket-Key",
            Self::DuplicateKey => "more than one Sec-WebSocket-Key",
            Self::InvalidKey => "Sec-WebSocket-Key is not base64 of 16 bytes",
            Self::DuplicateOrigin => "more than one Origin",
            Self::InvalidProtocols => "Sec-WebSocket-Protocol is not a token list",
            Self::InvalidExtensions(e) => {
                return write!(f, "invalid Sec-WebSocket-Extensions: {e}")
            }
            Self::MethodNotConnect => "HTTP/2 WebSocket method is not CONNECT",
            Self::NotWebSocketProtocol => ":protocol is not websocket",
        };
        f.write_str(text)
    }
}

impl core::error::Error for HandshakeError {}

/// The caller asked for a handshake message that cannot be written, or gave
/// too small a buffer. Nothing was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HandshakeWriteError {
    /// The output buffer is too small; nothing was written.
    BufferTooSmall(BufferTooSmall),
    /// The chosen subprotocol was not offered by the client.
    ///
    /// RFC 6455 §4.2.2: "The value chosen MUST be derived from the client's
    /// handshake, specifically by selecting one of the values from the
    /// |Sec-WebSocket-Protocol| field".
    ProtocolNotOffered,
    /// An accepted extension was not offered by the client (RFC 6455 §9.1).
    ExtensionNotOffered,
    /// `permessage-deflate` is named twice: through `deflate` and in
    /// `extensions`, or twice in `extensions`. A request offers it once
    /// through [`ClientRequest::deflate`](crate::ClientRequest::deflate) or
    /// by hand in `extensions`, not both; a response accepts it once.
    DuplicateExtension,
    /// An extension string does not follow the §9.1 grammar, or is empty.
    InvalidExtension(ExtensionError),
    /// A subprotocol to offer is not a token, or is offered twice.
    ///
    /// RFC 6455 §4.1: the elements "MUST all be unique strings".
    InvalidProtocol,
    /// An extra header has a name that is not a token, or a value containing
    /// CR, LF or another control character.
    InvalidHeader,
    /// An extra header is a field the handshake message writes itself
    /// (`Sec-WebSocket-Extensions`, `Sec-WebSocket-Protocol`, `Upgrade`...):
    /// set it through the builder's own method instead.
    ReservedHeader,
    /// The host is empty or not all visible ASCII (no spaces, controls or
    /// raw non-ASCII: use the punycode form).
    InvalidHost,
    /// The request target does not start with `/` or is not all visible
    /// ASCII (percent-encode the rest).
    InvalidTarget,
    /// A rejection status is outside 200..=599.
    InvalidStatus,
    /// An HTTP/1.1 message was asked for an HTTP/2 handshake (RFC 8441):
    /// send [`AcceptResponse::headers`](crate::handshake::AcceptResponse::headers)
    /// through the HTTP/2 stack instead.
    NotHttp1,
}

impl From<BufferTooSmall> for HandshakeWriteError {
    fn from(error: BufferTooSmall) -> Self {
        Self::BufferTooSmall(error)
    }
}

impl fmt::Display for HandshakeWriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Self::BufferTooSmall(e) => return e.fmt(f),
            Self::ProtocolNotOffered => "subprotocol was not offered by the client",
            Self::ExtensionNotOffered => "extension was not offered by the client",
            Self::DuplicateExtension => "permessage-deflate is named twice",
            Self::InvalidExtension(e) => return write!(f, "invalid extension: {e}"),
            Self::InvalidProtocol => "subprotocol is not a token or is repeated",
            Self::InvalidHeader => "invalid header name or value",
            Self::ReservedHeader => "extra header is one the handshake writes itself",
            Self::InvalidHost => "invalid host",
            Self::InvalidTarget => "invalid request target",
            Self::InvalidStatus => "rejection status must be in 200..=599",
            Self::NotHttp1 => "HTTP/1.1 message requested for an HTTP/2 handshake",
        };
        f.write_str(text)
    }
}

impl core::error::Error for HandshakeWriteError {}

/// The server's response does not complete the handshake (RFC 6455 §4.1).
///
/// RFC 6455 §4.1 lists the checks; for each the client "MUST _Fail the
/// WebSocket Connection_", which before the connection is open means closing
/// the transport. [`UnexpectedStatus`](Self::UnexpectedStatus) is the
/// exception: the response is ordinary HTTP (a redirect, a 401) that the
/// application can still read from the parsed response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClientHandshakeError {
    /// The response head is not valid HTTP/1.x.
    MalformedHttp,
    /// The response head is longer than the configured limit.
    HeadTooLarge,
    /// The response has more header lines than allowed.
    TooManyHeaders,
    /// The status is not 101.
    ///
    /// RFC 6455 §4.1: "If the status code received from the server is not
    /// 101, the client handles the response per HTTP procedures."
    UnexpectedStatus(u16),
    /// `Upgrade` is missing or lacks `websocket` (RFC 6455 §4.1 item 2).
    MissingUpgrade,
    /// `Connection` is missing or lacks `Upgrade` (RFC 6455 §4.1 item 3).
    MissingConnectionUpgrade,
    /// No `Sec-WebSocket-Accept` (RFC 6455 §4.1 item 4).
    MissingAccept,
    /// More than one `Sec-WebSocket-Accept` line.
    ///
    /// RFC 6455 §11.3.3: "The |Sec-WebSocket-Accept| header MUST NOT appear
    /// more than once in an HTTP response."
    DuplicateAccept,
    /// `Sec-WebSocket-Accept` does not match our key (RFC 6455 §4.1 item 4).
    AcceptMismatch,
    /// `Sec-WebSocket-Protocol` holds more than one value or line.
    ///
    /// RFC 6455 §11.3.4: "The |Sec-WebSocket-Protocol| header field MUST NOT
    /// appear more than once in an HTTP response."
    InvalidProtocol,
    /// The server chose a subprotocol we did not offer.
    ///
    /// RFC 6455 §4.1 item 6: "If the response includes a
    /// |Sec-WebSocket-Protocol| header field and this header field indicates
    /// the use of a subprotocol that was not present in the client's
    /// handshake ..., the client MUST _Fail the WebSocket Connection_."
    ProtocolNotOffered,
    /// `Sec-WebSocket-Extensions` does not follow the §9.1 grammar.
    InvalidExtensions(ExtensionError),
    /// The server accepted an extension we did not offer.
    ///
    /// RFC 6455 §4.1 item 5: "If the response includes a
    /// |Sec-WebSocket-Extensions| header field and this header field
    /// indicates the use of an extension that was not present in the
    /// client's handshake ..., the client MUST _Fail the WebSocket
    /// Connection_."
    ExtensionNotOffered,
    /// The server accepted permessage-deflate more than once, on one
    /// `Sec-WebSocket-Extensions` line or across several. Two would both
    /// claim the RSV1 bit (RFC 7692 §5).
    DuplicateExtension,
    /// The server's permessage-deflate answer has parameters the offer did
    /// not allow or that are malformed (RFC 7692 §7.1: the client fails the
    /// connection); see
    /// [`NegotiatedHandshake::deflate`](crate::NegotiatedHandshake::deflate).
    #[cfg(feature = "deflate")]
    InvalidDeflate(DeflateParamError),
}

impl ClientHandshakeError {
    /// The status code, for [`UnexpectedStatus`](Self::UnexpectedStatus).
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::UnexpectedStatus(status) => Some(*status),
            _ => None,
        }
    }
}

impl fmt::Display for ClientHandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Self::MalformedHttp => "malformed HTTP response head",
            Self::HeadTooLarge => "response head too large",
            Self::TooManyHeaders => "too many response headers",
            Self::UnexpectedStatus(status) => {
                return write!(f, "handshake answered with status {status}, not 101")
            }
            Self::MissingUpgrade => "Upgrade does not contain websocket",
            Self::MissingConnectionUpgrade => "Connection does not contain Upgrade",
            Self::MissingAccept => "missing Sec-WebSocket-Accept",
            Self::DuplicateAccept => "more than one Sec-WebSocket-Accept",
            Self::AcceptMismatch => "Sec-WebSocket-Accept does not match the key",
            Self::InvalidProtocol => "Sec-WebSocket-Protocol is not a single token",
            Self::ProtocolNotOffered => "server chose a subprotocol that was not offered",
            Self::InvalidExtensions(e) => {
                return write!(f, "invalid Sec-WebSocket-Extensions: {e}")
            }
            Self::ExtensionNotOffered => "server accepted an extension that was not offered",
            Self::DuplicateExtension => "server accepted permessage-deflate twice",
            #[cfg(feature = "deflate")]
            Self::InvalidDeflate(e) => {
                return write!(f, "invalid permessage-deflate response: {e}")
            }
        };
        f.write_str(text)
    }
}

impl core::error::Error for ClientHandshakeError {}
