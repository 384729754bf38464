//! Who may open a WebSocket: a token that names a user, sent as
//! `Authorization: Bearer TOKEN` or, for browsers (whose WebSocket API
//! cannot set headers), as `?token=TOKEN`; and, for browsers, a page
//! origin on the allowed list (RFC 6455 §10.2), so that another site's
//! page cannot open a connection with a token it got hold of.

use std::net::SocketAddr;

use rfc6455::HandshakeRequest;

/// Why a handshake is refused, and the response that says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No token, or one that is not on the list: 401.
    BadToken,
    /// A browser page from an origin not on the list: 403.
    ForbiddenOrigin,
}

impl Refusal {
    /// The HTTP status to answer with.
    pub fn status(self) -> u16 {
        match self {
            Self::BadToken => 401,
            Self::ForbiddenOrigin => 403,
        }
    }

    /// The response headers besides `Content-Length`.
    pub fn headers(self) -> &'static [(&'static str, &'static str)] {
        match self {
            // RFC 6750 §3: a 401 names the scheme the client should use.
            Self::BadToken => &[
                ("WWW-Authenticate", "Bearer realm=\"chat\""),
                ("Content-Type", "text/plain"),
                ("Connection", "close"),
            ],
            Self::ForbiddenOrigin => &[("Content-Type", "text/plain"), ("Connection", "close")],
        }
    }

    /// A short body for people reading the response.
    pub fn body(self) -> &'static [u8] {
        match self {
            Self::BadToken => b"missing or invalid token\n",
            Self::ForbiddenOrigin => b"origin not allowed\n",
        }
    }
}

/// The tokens and origins from the command line.
#[derive(Debug, Clone)]
pub struct Policy {
    /// `(user, token)` pairs.
    tokens: Vec<(String, String)>,
    /// Allowed origins, lowercase, without a trailing `/`.
    origins: Vec<String>,
}

impl Policy {
    /// A policy accepting `tokens`, and pages from `extra_origins` and from
    /// the server itself (`http://` + the address it listens on).
    pub fn new(tokens: Vec<(String, String)>, extra_origins: &[String], own: SocketAddr) -> Self {
        let mut origins = vec![format!("http://{own}")];
        origins.extend(extra_origins.iter().map(|o| o.to_ascii_lowercase()));
        Self { tokens, origins }
    }

    /// The user a handshake request authenticates as, or why it is refused.
    /// The origin is checked first: a foreign page learns nothing about
    /// tokens.
    pub fn check(&self, request: &HandshakeRequest<'_>) -> Result<String, Refusal> {
        if let Some(origin) = request.origin() {
            if !self.allows_origin(origin) {
                return Err(Refusal::ForbiddenOrigin);
            }
        }
        let token = bearer_token(request)
            .or_else(|| {
                request
                    .query()
                    .and_then(|query| query_param(query, "token"))
            })
            .ok_or(Refusal::BadToken)?;
        self.user_for(token.as_bytes()).ok_or(Refusal::BadToken)
    }

    /// Whether a page at `origin` may connect. Origins are compared ASCII
    /// case-insensitively (RFC 6454 §4 serializes them lowercase; `null`
    /// is never on the list unless given).
    fn allows_origin(&self, origin: &[u8]) -> bool {
        self.origins
            .iter()
            .any(|allowed| allowed.as_bytes().eq_ignore_ascii_case(origin))
    }

    /// The user whose token this is. Every token is compared in full, in
    /// time that does not depend on where the bytes differ, so response
    /// times do not leak how much of a guess was right.
    fn user_for(&self, token: &[u8]) -> Option<String> {
        let mut found = None;
        for (user, known) in &self.tokens {
            if constant_time_eq(known.as_bytes(), token) {
                found = Some(user.clone());
            }
        }
        found
    }
}

/// The token of an `Authorization: Bearer TOKEN` header (RFC 6750 §2.1;
/// the scheme name is case-insensitive).
fn bearer_token(request: &HandshakeRequest<'_>) -> Option<String> {
    let value = std::str::from_utf8(request.headers().get("Authorization")?).ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// The percent-decoded value of `name` in a query string (`a=1&token=x`).
fn query_param(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .and_then(|(_, value)| percent_decode(value))
}

/// Decodes `%XX` escapes and `+` (a space, in form encoding); `None` when
/// an escape is malformed or the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        match byte {
            b'%' => {
                let hex = tail
                    .get(..2)
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit))?;
                bytes.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                rest = &tail[2..];
            }
            b'+' => {
                bytes.push(b' ');
                rest = tail;
            }
            _ => {
                bytes.push(byte);
                rest = tail;
            }
        }
    }
    String::from_utf8(bytes).ok()
}

/// Compares two byte strings without an early exit on the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}
