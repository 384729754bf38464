//! The server's answer: accepting (101, or 200 over HTTP/2) with the chosen
//! subprotocol and extensions, or rejecting with a status, headers and a
//! small body. Written into a caller buffer, or handed out as a header list
//! for another HTTP stack.

use super::accept::{derive_accept_key, AcceptKey};
use super::deflate::{is_deflate, DeflateElement};
use super::error::HandshakeWriteError;
use super::extensions::{parse_extensions, ExtensionError};
use super::headers::HeaderSource;
use super::request::HandshakeRequest;
use super::tokens::{is_field_value, is_token};
use super::write::{status_line, write_into, Emit, Sink};
#[cfg(feature = "deflate")]
use crate::DeflateAgreement;

/// What the application agrees to when it accepts a handshake: a
/// subprotocol, permessage-deflate, other extensions and extra response
/// headers.
///
/// ```
/// use rfc6455::HandshakeAccept;
///
/// let accept = HandshakeAccept::new()
///     .protocol("chat")
///     .extensions(&["permessage-deflate; server_no_context_takeover"])
///     .headers(&[("Set-Cookie", "session=1")]);
/// # let _ = accept;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct HandshakeAccept<'a> {
    protocol: Option<&'a str>,
    deflate: DeflateElement,
    extensions: &'a [&'a str],
    headers: &'a [(&'a str, &'a str)],
}

impl<'a> HandshakeAccept<'a> {
    /// No subprotocol, no extensions, no extra headers.
    pub const fn new() -> Self {
        Self {
            protocol: None,
            deflate: DeflateElement::NONE,
            extensions: &[],
            headers: &[],
        }
    }

    /// The subprotocol to speak: one the client offered, or `None`.
    ///
    /// RFC 6455 §4.2.2: "The value chosen MUST be derived from the client's
    /// handshake, specifically by selecting one of the values from the
    /// |Sec-WebSocket-Protocol| field that the server is willing to use".
    #[must_use]
    pub fn protocol(self, protocol: impl Into<Option<&'a str>>) -> Self {
        Self {
            protocol: protocol.into(),
            ..self
        }
    }

    /// Accepts permessage-deflate (RFC 7692) as `agreement` says: its
    /// [`response`](DeflateAgreement::response) is sent as the first element
    /// of `Sec-WebSocket-Extensions`, before any
    /// [`extensions`](Self::extensions). `None` (no acceptable offer, or
    /// deflate turned off) sends nothing for it.
    ///
    /// Pass the agreement from
    /// [`DeflateConfig::accept_offer`](crate::DeflateConfig::accept_offer) on
    /// this request, then hand the same agreement to
    /// [`Connection::enable_deflate`](crate::Connection::enable_deflate). The
    /// text is copied, so the agreement need not outlive this value.
    /// Naming `permessage-deflate` in [`extensions`](Self::extensions) as
    /// well is refused with [`HandshakeWriteError::DuplicateExtension`].
    ///
    /// ```
    /// use rfc6455::{DeflateConfig, HandshakeAccept, ServerHandshake, EMPTY_HTTP_HEADER};
    ///
    /// let input = b"GET /chat HTTP/1.1\r\n\
    ///     Host: server.example.com\r\n\
    ///     Upgrade: websocket\r\n\
    ///     Connection: Upgrade\r\n\
    ///     Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
    ///     Sec-WebSocket-Version: 13\r\n\
    ///     Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10\r\n\
    ///     \r\n";
    /// let mut headers = [EMPTY_HTTP_HEADER; 16];
    /// let request = ServerHandshake::new()
    ///     .receive_request(input, &mut headers)
    ///     .unwrap()
    ///     .complete()
    ///     .unwrap();
    ///
    /// let agreement = DeflateConfig::default().accept_offer(request.extensions());
    /// let accept = HandshakeAccept::new().deflate(agreement.as_ref());
    /// let mut out = [0u8; 256];
    /// let n = request.accept(&accept, &mut out).unwrap();
    /// let response = std::str::from_utf8(&out[..n]).unwrap();
    /// assert!(response.contains(
    ///     "\r\nSec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10\r\n"
    /// ));
    /// ```
    #[cfg(feature = "deflate")]
    #[must_use]
    pub fn deflate<'d>(self, agreement: impl Into<Option<&'d DeflateAgreement>>) -> Self {
        Self {
            deflate: DeflateElement::response(agreement.into()),
            ..self
        }
    }

    /// The extensions agreed to, each a §9.1 list element with its response
    /// parameters (`x-custom; mode=fast`). Each name must have been offered,
    /// and `permessage-deflate` may be named once at most, here or through
    /// [`deflate`](Self::deflate). They are sent in this order, after the
    /// permessage-deflate element from [`deflate`](Self::deflate) if there is
    /// one.
    #[must_use]
    pub const fn extensions(self, extensions: &'a [&'a str]) -> Self {
        Self { extensions, ..self }
    }

    /// Extra response headers, written after the handshake's own. The
    /// fields the handshake writes itself (`Upgrade`, `Connection`,
    /// `Sec-WebSocket-Accept`, `Sec-WebSocket-Protocol`,
    /// `Sec-WebSocket-Extensions`) are refused with
    /// [`HandshakeWriteError::ReservedHeader`]: set them through
    /// [`protocol`](Self::protocol), [`deflate`](Self::deflate) and
    /// [`extensions`](Self::extensions).
    #[must_use]
    pub const fn headers(self, headers: &'a [(&'a str, &'a str)]) -> Self {
        Self { headers, ..self }
    }
}

/// An accepted handshake's response, checked against the request.
///
/// Write it with [`write`](Self::write) (HTTP/1.1), or send
/// [`status`](Self::status) and [`headers`](Self::headers) through another
/// HTTP stack. Afterwards the connection is open.
#[derive(Debug, Clone, Copy)]
#[must_use = "the response has to be sent for the connection to open"]
pub struct AcceptResponse<'a> {
    /// `None` for HTTP/2.
    accept: Option<AcceptKey>,
    protocol: Option<&'a str>,
    deflate: DeflateElement,
    extensions: &'a [&'a str],
    headers: &'a [(&'a str, &'a str)],
}

impl<'a> AcceptResponse<'a> {
    /// 101 (Switching Protocols) for HTTP/1.1; 200 for HTTP/2.
    ///
    /// RFC 8441 §5: "If the server agrees to the WebSocket connection, it
    /// MUST respond with a 200 (OK) status code".
    pub fn status(&self) -> u16 {
        if self.accept.is_some() {
            101
        } else {
            200
        }
    }

    /// The `Sec-WebSocket-Accept` value; `None` for HTTP/2.
    pub fn accept_key(&self) -> Option<&AcceptKey> {
        self.accept.as_ref()
    }

    /// The subprotocol chosen, if any.
    pub fn protocol(&self) -> Option<&'a str> {
        self.protocol
    }

    /// The extensions accepted, as given to [`HandshakeAccept::extensions`]
    /// (without the permessage-deflate element from `HandshakeAccept::deflate`,
    /// which [`headers`](Self::headers) and [`write`](Self::write) put first).
    pub fn extensions(&self) -> &'a [&'a str] {
        self.extensions
    }

    /// The response header fields, in the order [`write`](Self::write) uses:
    /// `Upgrade`, `Connection` and `Sec-WebSocket-Accept` (HTTP/1.1 only),
    /// then the subprotocol, one field per extension (permessage-deflate
    /// first), and the extra headers.
    /// HTTP/2 names are lowercase.
    pub fn headers(&self) -> AcceptHeaders<'_> {
        AcceptHeaders {
            response: self,
            step: 0,
        }
    }

    /// Writes the HTTP/1.1 response into `out` and returns its length.
    /// Nothing is written if it does not fit.
    ///
    /// Fails with [`HandshakeWriteError::NotHttp1`] for an HTTP/2 handshake.
    pub fn write(&self, out: &mut [u8]) -> Result<usize, HandshakeWriteError> {
        if self.accept.is_none() {
            return Err(HandshakeWriteError::NotHttp1);
        }
        Ok(write_into(self, out)?)
    }
}

impl Emit for AcceptResponse<'_> {
    fn emit<S: Sink>(&self, sink: &mut S) {
        status_line(sink, 101);
        sink.put(b"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ");
        if let Some(accept) = &self.accept {
            sink.put(accept.as_bytes());
        }
        sink.put(b"\r\n");
        if let Some(protocol) = self.protocol {
            sink.header("Sec-WebSocket-Protocol", protocol.as_bytes());
        }
        // One line for all extensions: some clients read only the first.
        let mut extensions = self
            .deflate
            .as_str()
            .into_iter()
            .chain(self.extensions.iter().copied());
        if let Some(first) = extensions.next() {
            sink.put(b"Sec-WebSocket-Extensions: ");
            sink.put(first.as_bytes());
            for extension in extensions {
                sink.put(b", ");
                sink.put(extension.as_bytes());
            }
            sink.put(b"\r\n");
        }
        for (name, value) in self.headers {
            sink.header(name, value.as_bytes());
        }
        sink.put(b"\r\n");
    }
}

/// Iterator over an [`AcceptResponse`]'s header fields.
#[derive(Debug, Clone)]
pub struct AcceptHeaders<'r> {
    response: &'r AcceptResponse<'r>,
    step: usize,
}

impl<'r> Iterator for AcceptHeaders<'r> {
    type Item = (&'r str, &'r [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let response = self.response;
        let h2 = response.accept.is_none();
        let mut step = self.step;
        self.step = self.step.saturating_add(1);
        if let Some(accept) = &response.accept {
            match step {
                0 => return Some(("Upgrade", b"websocket")),
                1 => return Some(("Connection", b"Upgrade")),
                2 => return Some(("Sec-WebSocket-Accept", accept.as_bytes())),
                _ => step -= 3,
            }
        }
        if let Some(protocol) = response.protocol {
            if step == 0 {
                let name = if h2 {
                    "sec-websocket-protocol"
                } else {
                    "Sec-WebSocket-Protocol"
                };
                return Some((name, protocol.as_bytes()));
            }
            step -= 1;
        }
        let extensions = if h2 {
            "sec-websocket-extensions"
        } else {
            "Sec-WebSocket-Extensions"
        };
        if let Some(deflate) = response.deflate.as_str() {
            if step == 0 {
                return Some((extensions, deflate.as_bytes()));
            }
            step -= 1;
        }
        if let Some(extension) = response.extensions.get(step) {
            return Some((extensions, extension.as_bytes()));
        }
        step -= response.extensions.len();
        response
            .headers
            .get(step)
            .map(|(name, value)| (*name, value.as_bytes()))
    }
}

/// Checks caller-supplied response or request headers.
pub(crate) fn check_headers(headers: &[(&str, &str)]) -> Result<(), HandshakeWriteError> {
    let valid = headers
        .iter()
        .all(|(name, value)| is_token(name.as_bytes()) && is_field_value(value.as_bytes()));
    if valid {
        Ok(())
    } else {
        Err(HandshakeWriteError::InvalidHeader)
    }
}

/// The fields an accepting response writes itself.
const ACCEPT_FIELDS: &[&str] = &[
    "upgrade",
    "connection",
    "sec-websocket-accept",
    "sec-websocket-protocol",
    "sec-websocket-extensions",
];

/// Refuses extra headers that name one of the `reserved` fields (lowercase),
/// which the handshake message writes itself.
pub(crate) fn check_reserved(
    headers: &[(&str, &str)],
    reserved: &[&str],
) -> Result<(), HandshakeWriteError> {
    let clash = headers
        .iter()
        .any(|(name, _)| reserved.iter().any(|r| name.eq_ignore_ascii_case(r)));
    if clash {
        Err(HandshakeWriteError::ReservedHeader)
    } else {
        Ok(())
    }
}

/// Checks one caller-supplied extension string and calls `each` with the
/// name of every extension in it.
pub(crate) fn check_extension(
    text: &str,
    mut each: impl FnMut(&str) -> Result<(), HandshakeWriteError>,
) -> Result<(), HandshakeWriteError> {
    let mut any = false;
    for extension in parse_extensions(text.as_bytes()) {
        let extension = extension.map_err(HandshakeWriteError::InvalidExtension)?;
        each(extension.name())?;
        any = true;
    }
    if any {
        Ok(())
    } else {
        Err(HandshakeWriteError::InvalidExtension(
            ExtensionError::ExpectedExtensionName,
        ))
    }
}

/// A rejection: status, headers, `Content-Length`, body.
struct Rejection<'a> {
    status: u16,
    headers: &'a [(&'a str, &'a str)],
    body: &'a [u8],
}

impl Emit for Rejection<'_> {
    fn emit<S: Sink>(&self, sink: &mut S) {
        status_line(sink, self.status);
        for (name, value) in self.headers {
            sink.header(name, value.as_bytes());
        }
        sink.put(b"Content-Length: ");
        sink.decimal(self.body.len());
        sink.put(b"\r\n\r\n");
        sink.put(self.body);
    }
}

impl<'a, H: HeaderSource<'a>> HandshakeRequest<'a, H> {
    /// Checks the application's choices against the request and builds the
    /// response: 101 with `Sec-WebSocket-Accept` for HTTP/1.1, 200 for
    /// HTTP/2 (RFC 8441 §5).
    ///
    /// Usage errors: a subprotocol or extension that was not offered,
    /// permessage-deflate named twice, an extension string that is not §9.1
    /// syntax, a header that is not a token name with a clean value or that
    /// the response writes itself. Nothing is built on error.
    pub fn accept_response<'r>(
        &self,
        accept: &HandshakeAccept<'r>,
    ) -> Result<AcceptResponse<'r>, HandshakeWriteError> {
        if let Some(protocol) = accept.protocol {
            if !self.offers_protocol(protocol) {
                return Err(HandshakeWriteError::ProtocolNotOffered);
            }
        }
        let mut deflates = 0;
        let mut offered = |name: &str| {
            if !self.offers_extension(name) {
                return Err(HandshakeWriteError::ExtensionNotOffered);
            }
            if is_deflate(name) {
                deflates += 1;
                // Both would claim the RSV1 bit, which RFC 7692 §5 forbids
                // a server to accept alongside a compression extension.
                if deflates > 1 {
                    return Err(HandshakeWriteError::DuplicateExtension);
                }
            }
            Ok(())
        };
        for text in accept.deflate.as_str().iter().chain(accept.extensions) {
            check_extension(text, &mut offered)?;
        }
        check_headers(accept.headers)?;
        check_reserved(accept.headers, ACCEPT_FIELDS)?;
        Ok(AcceptResponse {
            // RFC 6455 §4.2.2 step 5.4.
            accept: self.key().map(derive_accept_key),
            protocol: accept.protocol,
            deflate: accept.deflate,
            extensions: accept.extensions,
            headers: accept.headers,
        })
    }

    /// Accepts: writes the `101 Switching Protocols` response into `out` and
    /// returns its length. Nothing is written on error.
    ///
    /// After sending it, start the connection with the bytes after
    /// [`head_len`](Self::head_len). For HTTP/2 use
    /// [`accept_response`](Self::accept_response).
    pub fn accept(
        &self,
        accept: &HandshakeAccept<'_>,
        out: &mut [u8],
    ) -> Result<usize, HandshakeWriteError> {
        self.accept_response(accept)?.write(out)
    }

    /// Rejects: writes an HTTP/1.1 response with `status` (200..=599), the
    /// extra `headers`, a `Content-Length` and `body`, and returns its
    /// length. Nothing is written on error.
    ///
    /// For example 401 with `WWW-Authenticate` for a missing token, or 403
    /// for an origin that is not allowed (RFC 6455 §4.2.2 step 4). Add
    /// `Connection: close` to `headers` if the connection will be closed.
    pub fn reject(
        &self,
        status: u16,
        headers: &[(&str, &str)],
        body: &[u8],
        out: &mut [u8],
    ) -> Result<usize, HandshakeWriteError> {
        if self.is_h2() {
            return Err(HandshakeWriteError::NotHttp1);
        }
        write_plain_response(status, headers, body, out)
    }
}

/// Writes a complete HTTP/1.1 response that is not an upgrade: a status
/// from 200 to 599, checked headers, `Content-Length` and the body.
pub(crate) fn write_plain_response(
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
    out: &mut [u8],
) -> Result<usize, HandshakeWriteError> {
    if !(200..=599).contains(&status) {
        return Err(HandshakeWriteError::InvalidStatus);
    }
    check_headers(headers)?;
    let rejection = Rejection {
        status,
        headers,
        body,
    };
    Ok(write_into(&rejection, out)?)
}
