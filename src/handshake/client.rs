//! The client side of the opening handshake (RFC 6455 §4.1): writing the
//! upgrade request from a caller-supplied nonce, parsing the server's
//! response, and checking it against what was offered.

use super::accept::{derive_accept_key, encode_nonce, AcceptKey};
use super::deflate::{is_deflate, DeflateElement};
use super::error::{ClientHandshakeError, HandshakeWriteError};
use super::extensions::{parse_extensions, validate_extensions, ExtensionError};
use super::headers::{HeaderExtensions, HeaderSource, Headers, HttpHeaderIter};
use super::http1::{self, HeadError};
use super::response::{check_extension, check_headers, check_reserved};
use super::tokens::{is_token, list_contains, trim_ows, ListElements};
use super::write::{write_into, Emit, Sink};
use super::{HandshakeLimits, Status};
#[cfg(feature = "deflate")]
use crate::DeflateConfig;

/// The client's upgrade request, before it is written.
///
/// ```
/// use rfc6455::ClientRequest;
///
/// let request = ClientRequest::new("server.example.com", "/chat?room=1")
///     .origin("https://example.com")
///     .protocols(&["chat", "superchat"])
///     .extensions(&["x-custom; mode=fast"])
///     .headers(&[("Authorization", "Bearer abc")]);
/// # let _ = request;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ClientRequest<'a> {
    host: &'a str,
    target: &'a str,
    origin: Option<&'a str>,
    protocols: &'a [&'a str],
    deflate: DeflateElement,
    extensions: &'a [&'a str],
    headers: &'a [(&'a str, &'a str)],
    limits: HandshakeLimits,
}

impl<'a> ClientRequest<'a> {
    /// A request for `target` (path and query, starting with `/`) on `host`
    /// (with `:port` when it is not the scheme's default, RFC 6455 §4.1
    /// item 4).
    pub const fn new(host: &'a str, target: &'a str) -> Self {
        Self {
            host,
            target,
            origin: None,
            protocols: &[],
            deflate: DeflateElement::NONE,
            extensions: &[],
            headers: &[],
            limits: HandshakeLimits::new(),
        }
    }

    /// Sends `Origin` (RFC 6455 §4.1 item 8; browsers must, others may).
    #[must_use]
    pub const fn origin(self, origin: &'a str) -> Self {
        Self {
            origin: Some(origin),
            ..self
        }
    }

    /// Offers subprotocols, in order of preference: unique tokens.
    #[must_use]
    pub const fn protocols(self, protocols: &'a [&'a str]) -> Self {
        Self { protocols, ..self }
    }

    /// Offers permessage-deflate (RFC 7692) as `config` wishes: its
    /// [`offer`](DeflateConfig::offer) is sent as the first element of
    /// `Sec-WebSocket-Extensions`, before any
    /// [`extensions`](Self::extensions). `None` offers nothing, and takes
    /// back an earlier offer.
    ///
    /// Read the server's answer with
    /// [`NegotiatedHandshake::deflate`] and the same `config`, and hand the
    /// agreement to
    /// [`Connection::enable_deflate`](crate::Connection::enable_deflate).
    /// The text is copied, so `config` need not outlive this value. Naming
    /// `permessage-deflate` in [`extensions`](Self::extensions) as well is
    /// refused with [`HandshakeWriteError::DuplicateExtension`].
    ///
    /// ```
    /// use rfc6455::{ClientRequest, DeflateConfig};
    ///
    /// let mut config = DeflateConfig::default();
    /// config.peer_max_window_bits = 10;
    /// let mut out = [0u8; 512];
    /// let handshake = ClientRequest::new("server.example.com", "/chat")
    ///     .deflate(&config)
    ///     .extensions(&["x-custom"])
    ///     .write(b"the sample nonce", &mut out)
    ///     .unwrap();
    /// let request = std::str::from_utf8(&out[..handshake.request_len()]).unwrap();
    /// assert!(request.contains(
    ///     "\r\nSec-WebSocket-Extensions: permessage-deflate; \
    ///      server_max_window_bits=10; client_max_window_bits, x-custom\r\n"
    /// ));
    /// ```
    #[cfg(feature = "deflate")]
    #[must_use]
    pub fn deflate<'d>(self, config: impl Into<Option<&'d DeflateConfig>>) -> Self {
        Self {
            deflate: DeflateElement::offer(config.into()),
            ..self
        }
    }

    /// Offers extensions, each a §9.1 list element with its parameters,
    /// after the permessage-deflate offer from [`deflate`](Self::deflate)
    /// if there is one.
    #[must_use]
    pub const fn extensions(self, extensions: &'a [&'a str]) -> Self {
        Self { extensions, ..self }
    }

    /// Extra request headers (`Authorization`, `Cookie`...). The fields the
    /// request writes itself (`Host`, `Upgrade`, `Connection`, `Origin`,
    /// `Sec-WebSocket-Key`, `Sec-WebSocket-Version`,
    /// `Sec-WebSocket-Protocol`, `Sec-WebSocket-Extensions`) are refused
    /// with [`HandshakeWriteError::ReservedHeader`]: set them through this
    /// builder's own methods.
    #[must_use]
    pub const fn headers(self, headers: &'a [(&'a str, &'a str)]) -> Self {
        Self { headers, ..self }
    }

    /// Limits on the response head; defaults to [`HandshakeLimits::new`].
    #[must_use]
    pub const fn limits(self, limits: HandshakeLimits) -> Self {
        Self { limits, ..self }
    }

    /// Writes the request into `out`, with the key made from `nonce`, and
    /// returns the handshake that checks the response. Nothing is written on
    /// error.
    ///
    /// RFC 6455 §4.1 item 7: the key "MUST be a nonce consisting of a
    /// randomly selected 16-byte value ... The nonce MUST be selected
    /// randomly for each connection." This crate has no RNG: take the 16
    /// bytes from a cryptographic source.
    pub fn write(
        &self,
        nonce: &[u8; 16],
        out: &mut [u8],
    ) -> Result<ClientHandshake<'a>, HandshakeWriteError> {
        self.validate()?;
        let key = encode_nonce(nonce);
        let request_len = write_into(
            &RequestText {
                request: self,
                key: &key,
            },
            out,
        )?;
        Ok(ClientHandshake {
            accept: derive_accept_key(&key),
            protocols: self.protocols,
            offers_deflate: self.deflate.is_some(),
            extensions: self.extensions,
            limits: self.limits,
            request_len,
        })
    }

    /// Checks what [`write`](Self::write) checks, without writing: a
    /// visible host, a target starting with `/`, header-safe Origin and
    /// extra headers that the request does not write itself, unique token
    /// subprotocols, well-formed extension offers and permessage-deflate
    /// offered once at most. Lets an application refuse bad input up front.
    pub fn validate(&self) -> Result<(), HandshakeWriteError> {
        let visible = |s: &str| s.bytes().all(|b| b.is_ascii_graphic());
        if self.host.is_empty() || !visible(self.host) {
            return Err(HandshakeWriteError::InvalidHost);
        }
        if !self.target.starts_with('/') || !visible(self.target) {
            return Err(HandshakeWriteError::InvalidTarget);
        }
        if let Some(origin) = self.origin {
            check_headers(&[("Origin", origin)])?;
        }
        // RFC 6455 §4.1 item 10: the elements "MUST be non-empty strings with
        // characters in the range U+0021 to U+007E not including separator
        // characters ... and MUST all be unique strings."
        for (i, protocol) in self.protocols.iter().enumerate() {
            let repeated = self
                .protocols
                .get(..i)
                .unwrap_or_default()
                .contains(protocol);
            if !is_token(protocol.as_bytes()) || repeated {
                return Err(HandshakeWriteError::InvalidProtocol);
            }
        }
        let deflate = self.deflate.is_some();
        for text in self.extensions {
            check_extension(text, |name| {
                if deflate && is_deflate(name) {
                    Err(HandshakeWriteError::DuplicateExtension)
                } else {
                    Ok(())
                }
            })?;
        }
        check_headers(self.headers)?;
        check_reserved(self.headers, REQUEST_FIELDS)
    }
}

/// The fields a request writes itself.
const REQUEST_FIELDS: &[&str] = &[
    "host",
    "upgrade",
    "connection",
    "origin",
    "sec-websocket-key",
    "sec-websocket-version",
    "sec-websocket-protocol",
    "sec-websocket-extensions",
];

/// The request bytes.
struct RequestText<'r> {
    request: &'r ClientRequest<'r>,
    key: &'r [u8; 24],
}

impl Emit for RequestText<'_> {
    fn emit<S: Sink>(&self, sink: &mut S) {
        let request = self.request;
        sink.put(b"GET ");
        sink.put(request.target.as_bytes());
        sink.put(b" HTTP/1.1\r\nHost: ");
        sink.put(request.host.as_bytes());
        sink.put(b"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ");
        sink.put(self.key);
        sink.put(b"\r\nSec-WebSocket-Version: 13\r\n");
        if let Some(origin) = request.origin {
            sink.header("Origin", origin.as_bytes());
        }
        list(
            sink,
            "Sec-WebSocket-Protocol",
            request.protocols.iter().copied(),
        );
        let extensions = request.deflate.as_str().into_iter();
        list(
            sink,
            "Sec-WebSocket-Extensions",
            extensions.chain(request.extensions.iter().copied()),
        );
        for (name, value) in request.headers {
            sink.header(name, value.as_bytes());
        }
        sink.put(b"\r\n");
    }
}

/// Writes `name: a, b, c` unless `items` is empty.
fn list<'i, S: Sink>(sink: &mut S, name: &str, items: impl IntoIterator<Item = &'i str>) {
    let mut items = items.into_iter();
    if let Some(first) = items.next() {
        sink.put(name.as_bytes());
        sink.put(b": ");
        sink.put(first.as_bytes());
        for item in items {
            sink.put(b", ");
            sink.put(item.as_bytes());
        }
        sink.put(b"\r\n");
    }
}

/// A request that has been written, waiting for the server's response.
///
/// Feed the response to [`receive_response`](Self::receive_response) until
/// it is complete, then [`validate`](Self::validate) it.
#[derive(Debug, Clone, Copy)]
#[must_use = "the request has to be sent and the response validated"]
pub struct ClientHandshake<'a> {
    accept: AcceptKey,
    protocols: &'a [&'a str],
    /// Whether the request offered permessage-deflate through
    /// [`ClientRequest::deflate`].
    offers_deflate: bool,
    extensions: &'a [&'a str],
    limits: HandshakeLimits,
    request_len: usize,
}

impl<'a> ClientHandshake<'a> {
    /// How many bytes the request took in the output buffer.
    pub fn request_len(&self) -> usize {
        self.request_len
    }

    /// The `Sec-WebSocket-Accept` value the server must send back.
    pub fn expected_accept(&self) -> &AcceptKey {
        &self.accept
    }

    /// Parses the server's response head at the start of `buf` into the
    /// caller's header array, without copying.
    ///
    /// [`Status::Partial`] until the head is complete. This only parses:
    /// a 401 or a redirect is a complete response too, readable before
    /// [`validate`](Self::validate) rejects it.
    pub fn receive_response<'b, 'h>(
        &self,
        buf: &'b [u8],
        headers: &'h mut [httparse::Header<'b>],
    ) -> Result<Status<HandshakeResponse<'h>>, ClientHandshakeError> {
        match http1::parse_response(buf, headers, &self.limits) {
            Ok(Some(head)) => Ok(Status::Complete(HandshakeResponse {
                status: head.status,
                reason: head.reason,
                headers: HttpHeaderIter::new(head.headers),
                head_len: head.len,
            })),
            Ok(None) => Ok(Status::Partial),
            Err(HeadError::Malformed) => Err(ClientHandshakeError::MalformedHttp),
            Err(HeadError::TooLarge) => Err(ClientHandshakeError::HeadTooLarge),
            Err(HeadError::TooManyHeaders) => Err(ClientHandshakeError::TooManyHeaders),
        }
    }

    /// Checks the response (RFC 6455 §4.1): status 101, `Upgrade` and
    /// `Connection` tokens, the accept value, and a subprotocol and
    /// extensions that were offered (names compared ASCII
    /// case-insensitively, across every `Sec-WebSocket-Extensions` line),
    /// permessage-deflate at most once.
    ///
    /// On success the connection is open: the bytes after the response's
    /// [`head_len`](HandshakeResponse::head_len) are WebSocket data. On
    /// error, close the transport; for
    /// [`UnexpectedStatus`](ClientHandshakeError::UnexpectedStatus) the
    /// response can still be read (`Location`, `WWW-Authenticate`).
    pub fn validate<'r, H: HeaderSource<'r>>(
        &self,
        response: &HandshakeResponse<'r, H>,
    ) -> Result<NegotiatedHandshake<'r, H>, ClientHandshakeError> {
        if response.status != 101 {
            return Err(ClientHandshakeError::UnexpectedStatus(response.status));
        }
        let scan = ResponseScan::new(response.headers.clone());
        if !scan.upgrade {
            return Err(ClientHandshakeError::MissingUpgrade);
        }
        if !scan.connection {
            return Err(ClientHandshakeError::MissingConnectionUpgrade);
        }
        match (scan.accepts, scan.accept) {
            (0, _) | (_, None) => return Err(ClientHandshakeError::MissingAccept),
            (1, Some(accept)) if accept == self.accept.as_bytes() => {}
            (1, Some(_)) => return Err(ClientHandshakeError::AcceptMismatch),
            _ => return Err(ClientHandshakeError::DuplicateAccept),
        }
        let protocol = match (scan.protocols, scan.protocol) {
            (0, _) | (_, None) => None,
            (1, Some(value)) => Some(self.check_protocol(value)?),
            _ => return Err(ClientHandshakeError::InvalidProtocol),
        };
        if let Some(error) = scan.extension_error {
            return Err(ClientHandshakeError::InvalidExtensions(error));
        }
        let headers = scan.has_extensions.then(|| response.headers.clone());
        let mut deflate = false;
        for extension in HeaderExtensions::new(headers.clone()) {
            let name = extension.name();
            if !self.offered_extension(name) {
                return Err(ClientHandshakeError::ExtensionNotOffered);
            }
            if is_deflate(name) && core::mem::replace(&mut deflate, true) {
                return Err(ClientHandshakeError::DuplicateExtension);
            }
        }
        Ok(NegotiatedHandshake { protocol, headers })
    }

    /// The one subprotocol in `value`, if we offered it.
    fn check_protocol<'r>(&self, value: &'r [u8]) -> Result<&'r str, ClientHandshakeError> {
        let mut elements = ListElements::new(value);
        let (Some(only), None) = (elements.next(), elements.next()) else {
            return Err(ClientHandshakeError::InvalidProtocol);
        };
        match core::str::from_utf8(only) {
            Ok(protocol) if self.protocols.contains(&protocol) => Ok(protocol),
            _ => Err(ClientHandshakeError::ProtocolNotOffered),
        }
    }

    /// Whether one of our offers names the extension `name`.
    fn offered_extension(&self, name: &str) -> bool {
        (self.offers_deflate && is_deflate(name))
            || self.extensions.iter().any(|offer| {
                parse_extensions(offer.as_bytes())
                    .any(|e| e.is_ok_and(|e| e.name().eq_ignore_ascii_case(name)))
            })
    }
}

/// What one pass over the response headers found.
#[derive(Default)]
struct ResponseScan<'a> {
    upgrade: bool,
    connection: bool,
    accept: Option<&'a [u8]>,
    accepts: u8,
    protocol: Option<&'a [u8]>,
    protocols: u8,
    has_extensions: bool,
    extension_error: Option<ExtensionError>,
}

impl<'a> ResponseScan<'a> {
    fn new<H: HeaderSource<'a>>(headers: H) -> Self {
        let mut scan = Self::default();
        for (name, value) in headers {
            let is = |expected: &str| name.eq_ignore_ascii_case(expected);
            if is("upgrade") {
                scan.upgrade |= list_contains(value, b"websocket");
            } else if is("connection") {
                scan.connection |= list_contains(value, b"upgrade");
            } else if is("sec-websocket-accept") {
                // RFC 6455 §4.1 item 4: "ignoring any leading and trailing
                // whitespace".
                scan.accept = Some(trim_ows(value));
                scan.accepts = scan.accepts.saturating_add(1);
            } else if is("sec-websocket-protocol") {
                scan.protocol = Some(value);
                scan.protocols = scan.protocols.saturating_add(1);
            } else if is("sec-websocket-extensions") {
                scan.has_extensions = true;
                if scan.extension_error.is_none() {
                    scan.extension_error = validate_extensions(value).err();
                }
            }
        }
        scan
    }
}

/// The server's response head, parsed but not yet validated.
#[derive(Debug, Clone)]
pub struct HandshakeResponse<'a, H = HttpHeaderIter<'a>> {
    status: u16,
    reason: &'a str,
    headers: H,
    head_len: usize,
}

impl<'a, H: HeaderSource<'a>> HandshakeResponse<'a, H> {
    /// A response another HTTP stack has already parsed, to pass to
    /// [`ClientHandshake::validate`]. [`head_len`](Self::head_len) is 0.
    pub fn from_parts(status: u16, headers: H) -> Self {
        Self {
            status,
            reason: "",
            headers,
            head_len: 0,
        }
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The reason phrase (empty when built from parts).
    pub fn reason(&self) -> &'a str {
        self.reason
    }

    /// The header fields, in order: look one up with
    /// [`get`](Headers::get), or walk them all.
    pub fn headers(&self) -> Headers<'a, H> {
        Headers::new(self.headers.clone())
    }

    /// How many bytes of the input the response head used; the rest is
    /// WebSocket data once validated. 0 when built from parts.
    pub fn head_len(&self) -> usize {
        self.head_len
    }
}

/// What the server agreed to in a validated response.
#[derive(Debug, Clone)]
pub struct NegotiatedHandshake<'a, H = HttpHeaderIter<'a>> {
    protocol: Option<&'a str>,
    /// `None` when the response has no `Sec-WebSocket-Extensions`.
    headers: Option<H>,
}

impl<'a, H: HeaderSource<'a>> NegotiatedHandshake<'a, H> {
    /// The subprotocol the server chose, if any.
    pub fn protocol(&self) -> Option<&'a str> {
        self.protocol
    }

    /// The extensions the server accepted, in order, with their parameters;
    /// each one we offered.
    pub fn extensions(&self) -> HeaderExtensions<'a, H> {
        HeaderExtensions::new(self.headers.clone())
    }
}
