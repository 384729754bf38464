//! The server's entry point for raw bytes: limits, and parsing the client's
//! upgrade request with `httparse` into a validated [`HandshakeRequest`].

use super::error::HandshakeError;
use super::request::HandshakeRequest;
use super::Status;

/// Size limits on a handshake head, against memory and CPU abuse.
///
/// ```
/// let limits = rfc6455::HandshakeLimits::new()
///     .with_max_head_bytes(16 * 1024)
///     .with_max_headers(100);
/// assert_eq!(limits.max_headers, 100);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct HandshakeLimits {
    /// The most bytes a head may take, up to and including its blank line.
    /// Default 8192. Beyond it: [`HandshakeError::HeadTooLarge`] (431).
    pub max_head_bytes: usize,
    /// The most header lines a head may have. Default 64; the caller's
    /// header array also caps it. Beyond it:
    /// [`HandshakeError::TooManyHeaders`] (431).
    pub max_headers: usize,
}

impl HandshakeLimits {
    /// The defaults: 8192 bytes, 64 headers.
    pub const fn new() -> Self {
        Self {
            max_head_bytes: 8192,
            max_headers: 64,
        }
    }

    /// Sets [`max_head_bytes`](Self::max_head_bytes).
    #[must_use]
    pub const fn with_max_head_bytes(self, max_head_bytes: usize) -> Self {
        Self {
            max_head_bytes,
            ..self
        }
    }

    /// Sets [`max_headers`](Self::max_headers).
    #[must_use]
    pub const fn with_max_headers(self, max_headers: usize) -> Self {
        Self {
            max_headers,
            ..self
        }
    }
}

impl Default for HandshakeLimits {
    fn default() -> Self {
        Self::new()
    }
}

/// The server side of the HTTP/1.1 opening handshake (RFC 6455 §4.2).
///
/// It holds only configuration: each connection's request is parsed by
/// [`receive_request`](Self::receive_request), answered through the
/// returned [`HandshakeRequest`], and the bytes after
/// [`head_len`](HandshakeRequest::head_len) go to the connection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServerHandshake {
    limits: HandshakeLimits,
}

impl ServerHandshake {
    /// A server with the default [`HandshakeLimits`].
    pub const fn new() -> Self {
        Self {
            limits: HandshakeLimits::new(),
        }
    }

    /// A server with the given limits.
    pub const fn with_limits(limits: HandshakeLimits) -> Self {
        Self { limits }
    }

    /// The limits in force.
    pub fn limits(&self) -> &HandshakeLimits {
        &self.limits
    }

    /// Parses and validates the client's upgrade request at the start of
    /// `buf`, without copying: the request borrows `buf` through `headers`,
    /// the caller's header array (e.g. `[EMPTY_HTTP_HEADER; 32]`).
    ///
    /// Returns [`Status::Partial`] until the head is complete: read more
    /// bytes and call again with the whole buffer. On error, send
    /// [`HandshakeError::response`] and close the connection.
    pub fn receive_request<'b, 'h>(
        &self,
        buf: &'b [u8],
        headers: &'h mut [httparse::Header<'b>],
    ) -> Result<Status<HandshakeRequest<'h>>, HandshakeError> {
        match self.receive_head(buf, headers)? {
            Status::Complete(head) => head.into_websocket().map(Status::Complete),
            Status::Partial => Ok(Status::Partial),
        }
    }
}
