//! WebSocket over HTTP/2 (RFC 8441): validating an extended CONNECT request
//! that an HTTP/2 server has already decoded.
//!
//! There is no key and no accept: RFC 8441 §4, "Implementations using this
//! extended CONNECT to bootstrap WebSockets do not do the processing of the
//! Sec-WebSocket-Key and Sec-WebSocket-Accept header fields of \[RFC6455\] as
//! that functionality has been superseded by the :protocol pseudo-header
//! field." The server answers 200 with the headers of
//! [`HandshakeRequest::accept_response`], and the stream's DATA frames then
//! carry WebSocket frames: start the connection directly in the open state.

use super::error::HandshakeError;
use super::headers::HeaderSource;
use super::request::HandshakeRequest;

impl<'a, H: HeaderSource<'a>> HandshakeRequest<'a, H> {
    /// Validates an RFC 8441 extended CONNECT request from its pseudo-header
    /// fields (`:method`, `:protocol`, `:path`, `:authority`) and its regular
    /// header fields.
    ///
    /// Rules: `:method` is `CONNECT` (else [`HandshakeError::MethodNotConnect`],
    /// 405); `:protocol` is `websocket` (else
    /// [`HandshakeError::NotWebSocketProtocol`], 400); `:authority` is not
    /// empty (else [`HandshakeError::MissingHost`], 400); and, as for
    /// HTTP/1.1, `sec-websocket-version: 13` (400 or 426), at most one
    /// `origin`, and well-formed subprotocol and extension offers.
    ///
    /// ```
    /// use rfc6455::{HandshakeAccept, HandshakeRequest};
    ///
    /// let headers: &[(&str, &[u8])] = &[
    ///     ("sec-websocket-version", b"13"),
    ///     ("sec-websocket-protocol", b"chat, superchat"),
    ///     ("origin", b"http://www.example.com"),
    /// ];
    /// let request = HandshakeRequest::from_h2_parts(
    ///     "CONNECT",
    ///     Some("websocket"),
    ///     "/chat",
    ///     b"server.example.com",
    ///     headers.iter().copied(),
    /// )
    /// .unwrap();
    /// assert_eq!(request.protocols().collect::<Vec<_>>(), ["chat", "superchat"]);
    ///
    /// let chosen = HandshakeAccept::new().protocol("chat");
    /// let response = request.accept_response(&chosen).unwrap();
    /// // Send these through the HTTP/2 stack.
    /// assert_eq!(response.status(), 200);
    /// let fields: Vec<_> = response.headers().collect();
    /// assert_eq!(fields, [("sec-websocket-protocol", &b"chat"[..])]);
    /// ```
    pub fn from_h2_parts(
        method: &'a str,
        protocol: Option<&'a str>,
        path: &'a str,
        authority: &'a [u8],
        headers: H,
    ) -> Result<Self, HandshakeError> {
        Self::validate_h2(method, protocol, path, authority, headers)
    }
}
