//! The opening handshake (RFC 6455 §4), both roles, decoupled from any HTTP
//! stack.
//!
//! Everything here writes into caller buffers and borrows from the input:
//! no allocation, no I/O, no clock, no RNG. Raw HTTP/1.1 bytes go through
//! `httparse`; a request or response that another stack already parsed
//! (hyper, an HTTP/2 server) enters through `from_parts` and meets the same
//! validation.
//!
//! # Server
//!
//! 1. Read bytes and call [`ServerHandshake::receive_request`] with the whole
//!    buffer and a header array, until it is not [`Status::Partial`].
//! 2. On [`HandshakeError`], send its [`response`](HandshakeError::response)
//!    (400, 405, 426 or 431) and close.
//! 3. Inspect the [`HandshakeRequest`]: path, `Host`, `Origin`, offered
//!    subprotocols and extensions, any header.
//! 4. Write [`accept`](HandshakeRequest::accept) (101) or
//!    [`reject`](HandshakeRequest::reject) (e.g. 401, 403) into a buffer.
//! 5. **The bytes after [`head_len`](HandshakeRequest::head_len) are already
//!    WebSocket frames**: give them to the connection.
//!
//! ```
//! use rfc6455::{HandshakeAccept, Status, ServerHandshake, EMPTY_HTTP_HEADER};
//!
//! let input: &[u8] = b"GET /chat HTTP/1.1\r\n\
//!     Host: server.example.com\r\n\
//!     Upgrade: websocket\r\n\
//!     Connection: keep-alive, Upgrade\r\n\
//!     Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
//!     Origin: https://example.com\r\n\
//!     Sec-WebSocket-Protocol: chat, superchat\r\n\
//!     Sec-WebSocket-Version: 13\r\n\
//!     \r\n\
//!     \x81\x85"; // the first frame arrived in the same read
//!
//! let server = ServerHandshake::new();
//! let mut headers = [EMPTY_HTTP_HEADER; 32];
//! let mut out = [0u8; 512];
//! let request = match server.receive_request(input, &mut headers) {
//!     Ok(Status::Complete(request)) => request,
//!     Ok(Status::Partial) => return, // read more, then call again
//!     Err(error) => {
//!         let n = error.write_response(&mut out).unwrap();
//!         // send &out[..n], then close
//!         return;
//!     }
//! };
//!
//! let n = if request.origin() != Some(b"https://example.com") {
//!     request.reject(403, &[], b"origin not allowed", &mut out).unwrap()
//! } else {
//!     let protocol = request.protocols().find(|p| *p == "chat");
//!     request.accept(&HandshakeAccept::new().protocol(protocol), &mut out).unwrap()
//! };
//! assert!(out[..n].starts_with(b"HTTP/1.1 101 Switching Protocols\r\n"));
//! // send &out[..n], then:
//! let leftover = &input[request.head_len()..];
//! assert_eq!(leftover, b"\x81\x85"); // feed these to the connection
//! ```
//!
//! # Client
//!
//! 1. Build a [`ClientRequest`] and [`write`](ClientRequest::write) it with
//!    16 random bytes from the caller.
//! 2. Feed the response to [`ClientHandshake::receive_response`] until it
//!    is complete, then [`validate`](ClientHandshake::validate) it.
//! 3. The bytes after the response's
//!    [`head_len`](HandshakeResponse::head_len) are WebSocket frames.
//!
//! permessage-deflate (the `deflate` feature) is one call on each end: the
//! client offers it with `ClientRequest::deflate` and reads the agreement
//! from the validated response with `NegotiatedHandshake::deflate`; the
//! server answers with `HandshakeAccept::deflate` and the agreement from
//! `DeflateConfig::accept_offer`.
//!
//! ```
//! use rfc6455::{ClientHandshakeError, ClientRequest, Status, EMPTY_HTTP_HEADER};
//!
//! let nonce = *b"the sample nonce"; // use a CSPRNG
//! let mut out = [0u8; 512];
//! let handshake = ClientRequest::new("server.example.com", "/chat")
//!     .protocols(&["chat"])
//!     .write(&nonce, &mut out)
//!     .unwrap();
//! // send &out[..handshake.request_len()], then read:
//! let input: &[u8] = b"HTTP/1.1 101 Switching Protocols\r\n\
//!     Upgrade: websocket\r\n\
//!     Connection: Upgrade\r\n\
//!     Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\
//!     Sec-WebSocket-Protocol: chat\r\n\
//!     \r\n";
//!
//! let mut headers = [EMPTY_HTTP_HEADER; 32];
//! let response = match handshake.receive_response(input, &mut headers) {
//!     Ok(Status::Complete(response)) => response,
//!     Ok(Status::Partial) => return, // read more, then call again
//!     Err(_) => return,                  // not HTTP: close
//! };
//! match handshake.validate(&response) {
//!     Ok(negotiated) => {
//!         assert_eq!(negotiated.protocol(), Some("chat"));
//!         let leftover = &input[response.head_len()..];
//!         assert!(leftover.is_empty());
//!     }
//!     Err(ClientHandshakeError::UnexpectedStatus(302)) => {
//!         let _location = response.headers().get("Location");
//!     }
//!     Err(_) => {} // close the connection
//! }
//! ```
//!
//! # HTTP/2 (RFC 8441)
//!
//! [`HandshakeRequest::from_h2_parts`] validates an extended CONNECT, and
//! [`HandshakeRequest::accept_response`] gives the 200 response's headers.

mod accept;
mod client;
#[cfg(feature = "deflate")]
mod client_deflate;
mod deflate;
#[cfg(feature = "deflate")]
mod deflate_params;
#[cfg(all(test, feature = "deflate"))]
mod deflate_params_tests;
mod error;
mod extensions;
mod h2;
mod head;
mod headers;
mod http1;
mod request;
mod response;
mod server;
mod tokens;
mod write;

pub use self::accept::{derive_accept_key, AcceptKey, WEBSOCKET_GUID};
pub use self::client::{ClientHandshake, ClientRequest, HandshakeResponse, NegotiatedHandshake};
#[cfg(feature = "deflate")]
pub use self::deflate_params::{
    ClientWindowBits, DeflateAgreement, DeflateConfig, DeflateParamError, DeflateParams,
    ParamsText, MAX_WINDOW_BITS, MIN_WINDOW_BITS, PERMESSAGE_DEFLATE,
};
pub use self::error::{ClientHandshakeError, HandshakeError, HandshakeWriteError};
pub use self::extensions::{
    parse_extensions, Extension, ExtensionError, ExtensionIter, ExtensionParam, ExtensionParams,
    ParamValue,
};
pub use self::head::RequestHead;
pub use self::headers::{
    HeaderExtensions, HeaderSource, HeaderValues, Headers, HttpHeaderIter, Protocols,
};
pub use self::request::HandshakeRequest;
pub use self::response::{AcceptHeaders, AcceptResponse, HandshakeAccept};
pub use self::server::{HandshakeLimits, ServerHandshake};
pub use crate::status::Status;

/// One parsed header line, borrowed from the input (`httparse`'s type).
///
/// Supply an array of these to the parsing calls, e.g.
/// `[EMPTY_HTTP_HEADER; 32]`.
pub use httparse::Header as HttpHeader;

/// An empty [`HttpHeader`], to fill a header array with.
pub use httparse::EMPTY_HEADER as EMPTY_HTTP_HEADER;
