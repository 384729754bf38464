//! A sans-IO WebSocket (RFC 6455) protocol engine.
//!
//! `rfc6455` turns bytes into events and commands into bytes. It has **no
//! networking, no clock, no RNG and no allocator requirement**: the caller
//! owns the socket, the time, the randomness (a client's masking keys and
//! handshake nonce) and every buffer. The same code runs on a server, inside
//! any async runtime, and on a microcontroller.
//!
//! ```text
//!            bytes from the peer                      bytes to the peer
//!   socket ───────────────────► receive() ──► Event     send_*() ──► socket
//!                                   │                      ▲
//!                                   └─ queues Pong/Close ─► poll_transmit() ──► socket
//! ```
//!
//! # The run loop
//!
//! 1. Do the opening handshake: a server parses the request with
//!    [`ServerHandshake::receive_request`] and answers with
//!    [`HandshakeRequest::accept`] or [`HandshakeRequest::reject`]; a client
//!    writes [`ClientRequest::write`] and checks the answer with
//!    [`ClientHandshake::validate`]. For permessage-deflate a server passes
//!    the agreement from `DeflateConfig::accept_offer` to
//!    `HandshakeAccept::deflate`; a client offers with
//!    `ClientRequest::deflate` and reads the agreement with
//!    `NegotiatedHandshake::deflate`. Then create a [`Connection`] with
//!    [`Connection::server`] or [`Connection::client`]. Bytes that followed
//!    the handshake head are WebSocket frames: feed them first. (A runtime
//!    that did the handshake elsewhere, hyper or HTTP/2 with RFC 8441, starts
//!    here with [`HandshakeRequest::from_parts`] or
//!    [`HandshakeRequest::from_h2_parts`].)
//! 2. Read from the socket into your buffer; call
//!    [`Connection::receive_into`] on the unread part **while input is left
//!    or [`Connection::has_pending_events`]**, handling each [`Event`].
//!    (With permessage-deflate, inflated bytes can wait inside the engine
//!    after the input is used up; without it, [`Connection::receive`] needs
//!    no inflate buffer.)
//! 3. **After every receive call, drain [`Connection::poll_transmit`]** and
//!    write what it returns: the automatic Pong and Close replies come out
//!    there.
//! 4. Send with [`Connection::send_text`], [`send_binary`](Connection::send_binary),
//!    [`send_frame`](Connection::send_frame) (fragments),
//!    [`send_ping`](Connection::send_ping) and
//!    [`send_close`](Connection::send_close); each writes one frame into a
//!    buffer you give and returns its length.
//! 5. Close the socket when [`Connection::should_close_transport`] says so;
//!    report end of stream with [`Connection::receive_eof`].
//!
//! The [`Connection`] docs have the loop as compiled code.
//!
//! # What is where
//!
//! The root holds what a run loop uses: [`Connection`] and its events,
//! errors and settings, the handshake's main types, and (with `alloc`)
//! whole messages. Two public modules hold the rest:
//! - [`handshake`]: every handshake type, including the extension grammar
//!   ([`handshake::parse_extensions`]), the header iterators, the accept
//!   key and the permessage-deflate parameters;
//! - [`codec`]: the wire codec's pieces (frame headers, masking, UTF-8),
//!   for runtimes that parse or build frames themselves.
//!
//! # Buffers
//!
//! - Input: any size. Partial frame headers are kept inside the machine
//!   (at most 14 bytes) and control payloads are gathered there (at most
//!   125), so consumed bytes are never needed again. Data payload is
//!   unmasked in place and handed back as [`MessageChunk`]s that borrow your
//!   buffer: a 1 GiB frame streams through a 4 KiB buffer in O(1) memory.
//! - Output: [`Connection::max_frame_len`] gives the most a `send_*` call
//!   writes for a payload of n bytes under the connection's settings: n
//!   plus 14 at most without permessage-deflate (2 to 10 for the header, 4
//!   for a client's key), and with it a little more, since incompressible
//!   data goes out in stored blocks (n + 24 up to 64 KiB, then 5 more bytes
//!   per 64 KiB). [`Connection::poll_transmit`] needs at most 262 bytes (a
//!   Pong and a Close). A buffer that is too small is left untouched, the
//!   connection does not change (not even a compressor's window), and the
//!   error says exactly how much the call [`required`](BufferTooSmall::required).
//!   (A compressed send needs its worst case up front and may use all of
//!   it as scratch; the frame is the first bytes it returns.)
//!   With `alloc`, the `_to_vec` sends ([`Connection::send_text_to_vec`] …)
//!   append to a `Vec<u8>` and size it themselves.
//! - Large payloads without a copy: [`Connection::start_frame`] writes only
//!   the header, and [`Connection::frame_payload`] accounts for your payload
//!   (and masks it in place for a client).
//! - The machine itself is about 500 bytes and holds no heap memory.
//!
//! # Errors
//!
//! - [`ProtocolError`] (inside [`ReceiveError`]): the peer broke the
//!   protocol. Fatal and sticky. It names the violation and its
//!   [`close_code`](ProtocolError::close_code) (1002, 1007 or 1009); the
//!   failing Close is already queued.
//! - [`UsageError`] (inside [`SendError`] and [`ReceiveError`]): the caller
//!   broke a rule, such as sending after Close, an invalid close code, or
//!   receiving without room to inflate into once permessage-deflate is on.
//!   Nothing is emitted and the connection is unchanged; it never reaches
//!   the peer.
//! - [`BufferTooSmall`]: retry with a bigger buffer; nothing changed.
//!
//! Need-more-bytes is never an error.
//!
//! # Crate features
//!
//! - `std` (default): implies `alloc`, and lets `simdutf8` choose its SIMD
//!   code at run time. The error types implement `core::error::Error`
//!   either way.
//! - `alloc` (default, via `std`): whole messages. [`MessageReader`] owns
//!   the read buffer (the socket reads into it, and a message that came in
//!   one frame is handed back where it was unmasked); [`MessageAssembler`]
//!   gathers chunks from a buffer of yours; [`PreparedMessage`] encodes a
//!   server message once for many connections. Without `alloc` you get
//!   chunks only, which is all an embedded target needs.
//! - `simdutf8` (default): SIMD validation of the bulk of text chunks.
//!   Without it a branch-free DFA validates everything; both fail at the
//!   first invalid byte.
//! - `deflate` (default, needs `alloc`): permessage-deflate (RFC 7692).
//!   [`DeflateConfig`] negotiates it in either role (a server:
//!   `DeflateConfig::accept_offer`, then `HandshakeAccept::deflate`; a
//!   client: `ClientRequest::deflate`, then `NegotiatedHandshake::deflate`);
//!   [`Connection::enable_deflate`] turns it on with the agreement;
//!   compressed messages are then inflated by [`Connection::receive_into`]
//!   into a buffer you size, and data frames you send are compressed
//!   straight into your output buffer.
//!
//! With `default-features = false` the crate needs neither `std` nor an
//! allocator.
//!
//! # RFC coverage and non-goals
//!
//! Covered: the framing of RFC 6455 §5 in both roles (masking direction,
//! reserved bits and opcodes, minimal lengths, control frame rules,
//! fragmentation with interleaved control frames), fail-fast UTF-8 (§8.1),
//! close codes and the close handshake (§5.5.1, §7), and the opening
//! handshake (§4) from raw HTTP/1.1 or pre-parsed parts, with RFC 8441
//! helpers, and permessage-deflate (RFC 7692). Not here: sockets, TLS,
//! timers (keep-alive pings and close timeouts are the caller's clock), and
//! extensions other than permessage-deflate.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs, unreachable_pub, missing_debug_implementations)]
#![warn(clippy::std_instead_of_core, clippy::alloc_instead_of_core)]

// `alloc` and `std` only add conveniences; the engine itself never allocates.
#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod close;
mod close_code;
pub mod codec;
mod config;
mod connection;
#[cfg(feature = "deflate")]
mod deflate;
mod error;
mod event;
mod frame;
pub mod handshake;
mod mask;
#[cfg(feature = "alloc")]
mod message;
#[cfg(feature = "alloc")]
mod prepared;
#[cfg(feature = "alloc")]
mod reader;
mod recv;
mod rules;
mod send;
mod status;
mod utf8;

pub use close::{check_close, MAX_CLOSE_REASON};
pub use close_code::CloseCode;
pub use config::{Config, Role};
pub use connection::{Connection, Eof, MaskKeySource, NoMasking, PayloadPiece};
pub use error::{BufferTooSmall, ProtocolError, ReceiveError, SendError, UsageError};
pub use event::{CloseFrame, ControlPayload, Event, MessageChunk, MessageKind, Received};
pub use frame::Opcode;
pub use handshake::{
    ClientHandshake, ClientHandshakeError, ClientRequest, HandshakeAccept, HandshakeError,
    HandshakeLimits, HandshakeRequest, HandshakeResponse, HandshakeWriteError, Headers, HttpHeader,
    NegotiatedHandshake, RequestHead, ServerHandshake, EMPTY_HTTP_HEADER,
};
#[cfg(feature = "deflate")]
pub use handshake::{DeflateAgreement, DeflateConfig};
#[cfg(feature = "alloc")]
pub use message::{Message, MessageAssembler};
#[cfg(feature = "alloc")]
pub use prepared::PreparedMessage;
#[cfg(feature = "alloc")]
pub use reader::{Incoming, MessageReader, DEFAULT_READ_SIZE};
pub use rules::ConnectionState;
pub use status::Status;

/// The README's code, compiled as a doctest so that it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
