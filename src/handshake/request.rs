//! The client's opening handshake as the server sees it (RFC 6455 §4.2.1):
//! one pass over the headers, the rules, and the getters the application
//! uses to decide. Every front end (`httparse`, pre-parsed HTTP/1.1 parts,
//! HTTP/2 extended CONNECT) ends up here.

use super::accept::is_valid_key;
use super::error::HandshakeError;
use super::extensions::{validate_extensions, ExtensionError};
use super::headers::{HeaderExtensions, HeaderSource, Headers, HttpHeaderIter, Protocols};
use super::tokens::{is_token_list, list_contains, trim_ows};

/// A validated WebSocket opening handshake request, borrowed from the
/// request head.
///
/// Obtained from [`ServerHandshake::receive_request`](crate::ServerHandshake::receive_request)
/// (raw bytes), [`from_parts`](Self::from_parts) (an HTTP/1.1 request parsed
/// elsewhere) or [`from_h2_parts`](Self::from_h2_parts) (RFC 8441). Inspect
/// it, then answer with [`accept`](Self::accept) or [`reject`](Self::reject)
/// (or [`accept_response`](Self::accept_response) to get the response
/// headers for another HTTP stack).
///
/// `H` is the header list; see [`HeaderSource`].
#[derive(Debug, Clone)]
pub struct HandshakeRequest<'a, H = HttpHeaderIter<'a>> {
    method: &'a str,
    target: &'a str,
    host: &'a [u8],
    origin: Option<&'a [u8]>,
    /// `None` for HTTP/2, which has no key (RFC 8441 §4).
    key: Option<&'a [u8]>,
    headers: H,
    head_len: usize,
    has_protocols: bool,
    has_extensions: bool,
}

/// What one pass over the headers found.
#[derive(Default)]
struct Scan<'a> {
    host: Option<&'a [u8]>,
    hosts: u8,
    upgrade: bool,
    connection: bool,
    version: Option<&'a [u8]>,
    versions: u8,
    key: Option<&'a [u8]>,
    keys: u8,
    origin: Option<&'a [u8]>,
    origins: u8,
    has_protocols: bool,
    invalid_protocols: bool,
    has_extensions: bool,
    extension_error: Option<ExtensionError>,
    has_body: bool,
}

fn is(name: &str, expected: &str) -> bool {
    name.eq_ignore_ascii_case(expected)
}

impl<'a> Scan<'a> {
    /// Looks at every header once, dispatching on the name's length first.
    fn new<H: HeaderSource<'a>>(headers: H) -> Self {
        let mut scan = Scan::default();
        for (name, value) in headers {
            match name.len() {
                4 if is(name, "host") => {
                    scan.host = Some(trim_ows(value));
                    scan.hosts = scan.hosts.saturating_add(1);
                }
                6 if is(name, "origin") => {
                    scan.origin = Some(trim_ows(value));
                    scan.origins = scan.origins.saturating_add(1);
                }
                7 if is(name, "upgrade") => {
                    scan.upgrade |= list_contains(value, b"websocket");
                }
                10 if is(name, "connection") => {
                    scan.connection |= list_contains(value, b"upgrade");
                }
                14 if is(name, "content-length") => {
                    scan.has_body |= trim_ows(value) != b"0";
                }
                17 if is(name, "sec-websocket-key") => {
                    scan.key = Some(trim_ows(value));
                    scan.keys = scan.keys.saturating_add(1);
                }
                17 if is(name, "transfer-encoding") => scan.has_body = true,
                21 if is(name, "sec-websocket-version") => {
                    scan.version = Some(trim_ows(value));
                    scan.versions = scan.versions.saturating_add(1);
                }
                22 if is(name, "sec-websocket-protocol") => {
                    scan.has_protocols = true;
                    scan.invalid_protocols |= !is_token_list(value);
                }
                24 if is(name, "sec-websocket-extensions") => {
                    scan.has_extensions = true;
                    if scan.extension_error.is_none() {
                        scan.extension_error = validate_extensions(value).err();
                    }
                }
                _ => {}
            }
        }
        scan
    }

    /// The rules both HTTP versions share: version, origin, offers.
    fn check_common(&self) -> Result<(), HandshakeError> {
        // RFC 6455 §4.2.1 item 6: "A |Sec-WebSocket-Version| header field,
        // with a value of 13."
        match (self.versions, self.version) {
            (0, _) | (_, None) => return Err(HandshakeError::MissingVersion),
            (1, Some(b"13")) => {}
            (1, Some(_)) => return Err(HandshakeError::UnsupportedVersion),
            _ => return Err(HandshakeError::DuplicateVersion),
        }
        if self.origins > 1 {
            return Err(HandshakeError::DuplicateOrigin);
        }
        if self.invalid_protocols {
            return Err(HandshakeError::InvalidProtocols);
        }
        if let Some(error) = self.extension_error {
            return Err(HandshakeError::InvalidExtensions(error));
        }
        Ok(())
    }
}

impl<'a, H: HeaderSource<'a>> HandshakeRequest<'a, H> {
    /// Validates an HTTP/1.1 request that another HTTP stack has already
    /// parsed: its method, request target (path and query) and headers.
    ///
    /// The caller has checked that the request is HTTP/1.1 or later.
    /// [`head_len`](Self::head_len) is 0: the stack owns the bytes.
    ///
    /// ```
    /// use rfc6455::HandshakeRequest;
    ///
    /// let headers: &[(&str, &[u8])] = &[
    ///     ("host", b"example.com"),
    ///     ("upgrade", b"websocket"),
    ///     ("connection", b"upgrade"),
    ///     ("sec-websocket-version", b"13"),
    ///     ("sec-websocket-key", b"dGhlIHNhbXBsZSBub25jZQ=="),
    /// ];
    /// let request = HandshakeRequest::from_parts("GET", "/chat", headers.iter().copied())?;
    /// assert_eq!(request.path(), "/chat");
    /// # Ok::<(), rfc6455::HandshakeError>(())
    /// ```
    pub fn from_parts(
        method: &'a str,
        target: &'a str,
        headers: H,
    ) -> Result<Self, HandshakeError> {
        Self::validate_http1(method, target, 1, headers, 0)
    }

    /// The §4.2.1 rules for an HTTP/1.x request; `minor` is the `x`.
    pub(crate) fn validate_http1(
        method: &'a str,
        target: &'a str,
        minor: u8,
        headers: H,
        head_len: usize,
    ) -> Result<Self, HandshakeError> {
        // RFC 6455 §4.2.1 item 1: "An HTTP/1.1 or higher GET request".
        if method != "GET" {
            return Err(HandshakeError::MethodNotGet);
        }
        if minor < 1 {
            return Err(HandshakeError::UnsupportedHttpVersion);
        }
        let scan = Scan::new(headers.clone());
        // RFC 6455 §4.2.1 item 2: "A |Host| header field containing the
        // server's authority."
        let host = match (scan.hosts, scan.host) {
            (1, Some(host)) if !host.is_empty() => host,
            (0 | 1, _) => return Err(HandshakeError::MissingHost),
            _ => return Err(HandshakeError::DuplicateHost),
        };
        if !scan.upgrade {
            return Err(HandshakeError::MissingUpgrade);
        }
        if !scan.connection {
            return Err(HandshakeError::MissingConnectionUpgrade);
        }
        scan.check_common()?;
        let key = match (scan.keys, scan.key) {
            (0, _) | (_, None) => return Err(HandshakeError::MissingKey),
            (1, Some(key)) if is_valid_key(key) => key,
            (1, Some(_)) => return Err(HandshakeError::InvalidKey),
            _ => return Err(HandshakeError::DuplicateKey),
        };
        if scan.has_body {
            return Err(HandshakeError::UnexpectedBody);
        }
        Ok(Self {
            method,
            target,
            host,
            origin: scan.origin,
            key: Some(key),
            headers,
            head_len,
            has_protocols: scan.has_protocols,
            has_extensions: scan.has_extensions,
        })
    }

    /// The RFC 8441 rules; the pseudo-header fields come in separately.
    pub(crate) fn validate_h2(
        method: &'a str,
        protocol: Option<&'a str>,
        target: &'a str,
        authority: &'a [u8],
        headers: H,
    ) -> Result<Self, HandshakeError> {
        if method != "CONNECT" {
            return Err(HandshakeError::MethodNotConnect);
        }
        if !protocol.is_some_and(|p| p.eq_ignore_ascii_case("websocket")) {
            return Err(HandshakeError::NotWebSocketProtocol);
        }
        // RFC 8441 §4: "The Host information is conveyed as part of the
        // :authority pseudo-header field".
        let host = trim_ows(authority);
        if host.is_empty() {
            return Err(HandshakeError::MissingHost);
        }
        let scan = Scan::new(headers.clone());
        scan.check_common()?;
        Ok(Self {
            method,
            target,
            host,
            origin: scan.origin,
            key: None,
            headers,
            head_len: 0,
            has_protocols: scan.has_protocols,
            has_extensions: scan.has_extensions,
        })
    }

    /// The method: `GET`, or `CONNECT` for HTTP/2.
    pub fn method(&self) -> &'a str {
        self.method
    }

    /// The request target as sent: path and query (`/chat?room=1`), or an
    /// absolute URI (RFC 6455 §4.2.1 item 1 allows both).
    pub fn target(&self) -> &'a str {
        self.target
    }

    /// The target up to any `?`.
    pub fn path(&self) -> &'a str {
        target_path(self.target)
    }

    /// The target after the first `?`, if there is one.
    pub fn query(&self) -> Option<&'a str> {
        target_query(self.target)
    }

    /// The `Host` value (`:authority` for HTTP/2), never empty.
    pub fn host(&self) -> &'a [u8] {
        self.host
    }

    /// The `Origin` value, if the client sent one (browsers always do).
    ///
    /// RFC 6455 §10.2: servers that only accept certain origins check this
    /// and reject the others, e.g. with 403.
    pub fn origin(&self) -> Option<&'a [u8]> {
        self.origin
    }

    /// The `Sec-WebSocket-Key` value; `None` for HTTP/2, which has none.
    pub fn key(&self) -> Option<&'a [u8]> {
        self.key
    }

    /// Whether this request arrived over HTTP/2 (RFC 8441).
    pub fn is_h2(&self) -> bool {
        self.key.is_none()
    }

    /// The subprotocols offered, in the client's order of preference, across
    /// every `Sec-WebSocket-Protocol` line.
    pub fn protocols(&self) -> Protocols<'a, H> {
        Protocols::new(self.headers_if(self.has_protocols))
    }

    /// Whether `protocol` was offered (compared exactly).
    pub fn offers_protocol(&self, protocol: &str) -> bool {
        self.protocols().any(|offered| offered == protocol)
    }

    /// The extensions offered, in order, with their parameters, across every
    /// `Sec-WebSocket-Extensions` line (RFC 6455 §9.1).
    pub fn extensions(&self) -> HeaderExtensions<'a, H> {
        HeaderExtensions::new(self.headers_if(self.has_extensions))
    }

    /// Whether an extension called `name` was offered (ASCII
    /// case-insensitively).
    pub fn offers_extension(&self, name: &str) -> bool {
        self.extensions()
            .any(|offer| offer.name().eq_ignore_ascii_case(name))
    }

    /// The header fields, in order: look one up with
    /// [`get`](Headers::get), or walk them all.
    pub fn headers(&self) -> Headers<'a, H> {
        Headers::new(self.headers.clone())
    }

    /// How many bytes of the input the request head used.
    ///
    /// The bytes after it are already WebSocket data: hand
    /// `&buf[head_len..]` to the connection. 0 for requests built from parts.
    pub fn head_len(&self) -> usize {
        self.head_len
    }

    /// The headers, or `None` when the scan saw no such field, so the common
    /// case skips a pass.
    fn headers_if(&self, present: bool) -> Option<H> {
        present.then(|| self.headers.clone())
    }
}

/// A request target up to any `?`.
pub(crate) fn target_path(target: &str) -> &str {
    target.split_once('?').map_or(target, |(path, _)| path)
}

/// A request target after the first `?`, if there is one.
pub(crate) fn target_query(target: &str) -> Option<&str> {
    target.split_once('?').map(|(_, query)| query)
}
