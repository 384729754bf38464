//! A request head parsed but not yet judged as an upgrade, for a server
//! that answers plain HTTP (a page, a health check, a 404) on the same port
//! as its WebSocket endpoint: the head is parsed once, routed on its method
//! and path, and only the WebSocket route goes through the §4.2.1 checks.

use super::error::HandshakeError;
use super::headers::{Headers, HttpHeaderIter};
use super::http1::{self, HeadError};
use super::request::{target_path, target_query, HandshakeRequest};
use super::response::write_plain_response;
use super::tokens::list_contains;
use super::{HandshakeWriteError, ServerHandshake, Status};

/// An HTTP/1.x request head, borrowed from the input: method, target and
/// headers, before any WebSocket rule is applied.
///
/// Route on it, then either answer it with [`respond`](Self::respond) or
/// turn it into a [`HandshakeRequest`] with
/// [`into_websocket`](Self::into_websocket), which applies every check of
/// [`ServerHandshake::receive_request`].
///
/// ```
/// use rfc6455::{HandshakeAccept, Status, ServerHandshake, EMPTY_HTTP_HEADER};
///
/// let input = b"GET /health HTTP/1.1\r\nHost: example.com\r\n\r\n";
/// let mut headers = [EMPTY_HTTP_HEADER; 32];
/// let mut out = [0u8; 512];
/// let Status::Complete(head) = ServerHandshake::new().receive_head(input, &mut headers)? else {
///     unreachable!("a complete head");
/// };
/// let len = match head.path() {
///     "/ws" => head.into_websocket()?.accept(&HandshakeAccept::new(), &mut out)?,
///     "/health" => head.respond(200, &[("Content-Type", "text/plain")], b"ok\n", &mut out)?,
///     _ => head.respond(404, &[], b"", &mut out)?,
/// };
/// assert!(out[..len].starts_with(b"HTTP/1.1 200 OK\r\n"));
/// assert!(out[..len].ends_with(b"\r\n\r\nok\n"));
/// # Ok::<(), Box<dyn core::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RequestHead<'h> {
    method: &'h str,
    target: &'h str,
    minor: u8,
    headers: &'h [httparse::Header<'h>],
    len: usize,
}

impl ServerHandshake {
    /// Parses the request head at the start of `buf` without judging it:
    /// for servers that route plain HTTP and WebSocket requests on one port.
    /// The head borrows `buf` through `headers`, as with
    /// [`receive_request`](Self::receive_request).
    ///
    /// Fails only when the head is malformed (400) or over the limits (431);
    /// [`HandshakeError::response`] is the answer to send.
    pub fn receive_head<'b, 'h>(
        &self,
        buf: &'b [u8],
        headers: &'h mut [httparse::Header<'b>],
    ) -> Result<Status<RequestHead<'h>>, HandshakeError> {
        match http1::parse_request(buf, headers, self.limits()) {
            Ok(Some(head)) => Ok(Status::Complete(RequestHead {
                method: head.method,
                target: head.target,
                minor: head.minor,
                headers: head.headers,
                len: head.len,
            })),
            Ok(None) => Ok(Status::Partial),
            Err(HeadError::Malformed) => Err(HandshakeError::MalformedHttp),
            Err(HeadError::TooLarge) => Err(HandshakeError::HeadTooLarge),
            Err(HeadError::TooManyHeaders) => Err(HandshakeError::TooManyHeaders),
        }
    }
}

impl<'h> RequestHead<'h> {
    /// The method, as sent (`GET`, `POST`, ...).
    pub fn method(&self) -> &'h str {
        self.method
    }

    /// The request target as sent: path and query, or an absolute URI.
    pub fn target(&self) -> &'h str {
        self.target
    }

    /// The target up to any `?`.
    pub fn path(&self) -> &'h str {
        target_path(self.target)
    }

    /// The target after the first `?`, if there is one.
    pub fn query(&self) -> Option<&'h str> {
        target_query(self.target)
    }

    /// The header fields, in order: look one up with
    /// [`get`](Headers::get), or walk them all.
    pub fn headers(&self) -> Headers<'h> {
        Headers::new(HttpHeaderIter::new(self.headers))
    }

    /// The length of the head in bytes; what follows belongs to the body or,
    /// after an upgrade, to the WebSocket.
    pub fn head_len(&self) -> usize {
        self.len
    }

    /// Whether the client asks for a WebSocket (`Upgrade: websocket`). A
    /// quick test for routing; [`into_websocket`](Self::into_websocket)
    /// checks the rest.
    pub fn is_websocket_upgrade(&self) -> bool {
        self.headers()
            .values("upgrade")
            .any(|value| list_contains(value, b"websocket"))
    }

    /// Applies the opening handshake's checks (RFC 6455 §4.2.1), as
    /// [`ServerHandshake::receive_request`] does.
    pub fn into_websocket(self) -> Result<HandshakeRequest<'h>, HandshakeError> {
        HandshakeRequest::validate_http1(
            self.method,
            self.target,
            self.minor,
            HttpHeaderIter::new(self.headers),
            self.len,
        )
    }

    /// Writes a complete plain HTTP/1.1 response into `out`: the status
    /// (200 to 599), `headers`, `Content-Length` and `body`. Returns its
    /// length.
    pub fn respond(
        &self,
        status: u16,
        headers: &[(&str, &str)],
        body: &[u8],
        out: &mut [u8],
    ) -> Result<usize, HandshakeWriteError> {
        write_plain_response(status, headers, body, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EMPTY_HTTP_HEADER;

    const UPGRADE: &[u8] = b"GET /ws?room=1 HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n\
        Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
        Sec-WebSocket-Version: 13\r\n\r\nrest";

    #[test]
    fn an_upgrade_routes_and_validates_like_receive_request() {
        let mut headers = [EMPTY_HTTP_HEADER; 16];
        let server = ServerHandshake::new();
        let Ok(Status::Complete(head)) = server.receive_head(UPGRADE, &mut headers) else {
            panic!("a complete head");
        };
        assert_eq!(
            (head.method(), head.path(), head.query()),
            ("GET", "/ws", Some("room=1"))
        );
        assert!(head.is_websocket_upgrade());
        assert_eq!(head.headers().get("HOST"), Some(&b"h"[..]));
        assert_eq!(head.head_len(), UPGRADE.len() - 4);
        let request = head.into_websocket().expect("valid");
        let mut other = [EMPTY_HTTP_HEADER; 16];
        let Ok(Status::Complete(direct)) = server.receive_request(UPGRADE, &mut other) else {
            panic!("a complete request");
        };
        assert_eq!(request.key(), direct.key());
        assert_eq!(request.head_len(), direct.head_len());
    }

    #[test]
    fn a_plain_get_is_answered_and_refused_as_a_websocket() {
        let input = b"GET /index.html HTTP/1.1\r\nHost: h\r\n\r\n";
        let mut headers = [EMPTY_HTTP_HEADER; 16];
        let Ok(Status::Complete(head)) = ServerHandshake::new().receive_head(input, &mut headers)
        else {
            panic!("a complete head");
        };
        assert!(!head.is_websocket_upgrade());
        let mut out = [0u8; 128];
        let len = head.respond(404, &[("X-A", "b")], b"no", &mut out).unwrap();
        assert_eq!(
            &out[..len],
            b"HTTP/1.1 404 Not Found\r\nX-A: b\r\nContent-Length: 2\r\n\r\nno"
        );
        assert_eq!(
            head.respond(100, &[], b"", &mut out),
            Err(HandshakeWriteError::InvalidStatus)
        );
        assert_eq!(
            head.into_websocket().err(),
            Some(HandshakeError::MissingUpgrade)
        );
    }

    #[test]
    fn partial_malformed_and_oversized_heads() {
        let server = ServerHandshake::new();
        let mut headers = [EMPTY_HTTP_HEADER; 16];
        assert!(matches!(
            server.receive_head(b"GET / HT", &mut headers),
            Ok(Status::Partial)
        ));
        assert_eq!(
            server
                .receive_head(b"GET / HTTP/1.1\r\nBad Header\r\n\r\n", &mut headers)
                .err(),
            Some(HandshakeError::MalformedHttp)
        );
        let mut two = [EMPTY_HTTP_HEADER; 2];
        let many = b"GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
        assert_eq!(
            server.receive_head(many, &mut two).err(),
            Some(HandshakeError::TooManyHeaders)
        );
    }
}
