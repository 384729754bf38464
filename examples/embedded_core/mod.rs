//! The engine as an embedded target runs it: no allocator, no `std`, every
//! byte of state in fixed-size values that can live on the stack or in a
//! `static`.
//!
//! This module is `#![no_std]`-clean (only `core` and `rfc6455` at
//! `default-features = false`): `tests/no-std-check` compiles this very file
//! into a `#![no_std]` staticlib. It owns:
//! - [`Transport`], the tiny blocking byte-pipe trait a board's TCP stack
//!   or UART driver implements;
//! - [`Buffers`], the two fixed buffers a connection's loop needs, and
//!   [`StateSizes`], what all of it costs in bytes;
//! - the server loop ([`serve`]): the HTTP upgrade parsed into a fixed
//!   header array, then every message echoed chunk by chunk, zero-copy;
//! - the client loop ([`Session`]): the upgrade request, then a [`Step`]
//!   script whose echoes are checked as they stream in;
//! - [`DemoRng`], the stand-in for a hardware RNG (masking keys, nonce).
//!
//! Messages of any size go through these buffers in O(1) memory: nothing
//! here ever holds a whole message.

mod client;
mod rng;
mod script;
mod server;
mod transport;

use core::fmt;

use rfc6455::{
    BufferTooSmall, ClientHandshakeError, CloseCode, Connection, HandshakeError,
    HandshakeWriteError, HttpHeader, ProtocolError, SendError, UsageError,
};

pub use client::Session;
pub use rng::DemoRng;
pub use script::{Outcome, Payload, Step, SCRIPT};
pub use server::{serve, ServerReport};
pub use transport::Transport;

/// Bytes read from the peer go here: the handshake head must fit in it,
/// frames of any size stream through it.
pub const INPUT_BUFFER: usize = 1024;

/// Bytes to the peer are built here: handshake heads, frame headers,
/// control frames (the automatic replies need at most 262) and a client's
/// payload, masked piece by piece.
pub const OUTPUT_BUFFER: usize = 512;

/// The most header lines a handshake head may have; more is refused with
/// 431 (server) or fails the handshake (client).
pub const MAX_HEADERS: usize = 16;

/// The two buffers of one connection's loop.
#[derive(Debug, Clone)]
pub struct Buffers {
    /// Bytes from the peer; see [`INPUT_BUFFER`].
    pub input: [u8; INPUT_BUFFER],
    /// Bytes for the peer; see [`OUTPUT_BUFFER`].
    pub output: [u8; OUTPUT_BUFFER],
}

impl Buffers {
    /// Zeroed buffers; `const`, so they can be a `static`.
    pub const fn new() -> Self {
        Self {
            input: [0; INPUT_BUFFER],
            output: [0; OUTPUT_BUFFER],
        }
    }
}

impl Default for Buffers {
    fn default() -> Self {
        Self::new()
    }
}

/// The bytes of state one connection's loop needs, all of it known at
/// compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateSizes {
    /// The `Connection` value (the whole protocol machine).
    pub connection: usize,
    /// [`Buffers::input`].
    pub input: usize,
    /// [`Buffers::output`].
    pub output: usize,
    /// The handshake's header array, `[HttpHeader; MAX_HEADERS]`: live only
    /// while the upgrade head is parsed.
    pub header_array: usize,
}

impl StateSizes {
    /// The sizes for a connection whose masking keys come from `K`
    /// (`rfc6455::NoMasking` for a server).
    pub const fn of<K>() -> Self {
        Self {
            connection: size_of::<Connection<K>>(),
            input: INPUT_BUFFER,
            output: OUTPUT_BUFFER,
            header_array: size_of::<[HttpHeader<'static>; MAX_HEADERS]>(),
        }
    }

    /// Everything together: the most the loop's state ever takes.
    pub const fn total(&self) -> usize {
        self.connection + self.input + self.output + self.header_array
    }
}

/// How a connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The close handshake completed; the peer's close code (`None` for an
    /// empty Close).
    Closed(Option<CloseCode>),
    /// The peer broke RFC 6455; our Close carrying the error's code (1002,
    /// 1007 or 1009) was sent.
    Failed(ProtocolError),
    /// The transport ended without a close handshake (reported as 1006).
    Abnormal,
    /// The server refused the upgrade request and sent this error's HTTP
    /// response (400, 405, 426 or 431).
    Refused(HandshakeError),
}

/// Why a loop stopped before its work was done.
///
/// A server loop only fails for the first three reasons: whatever the peer
/// does ends the connection as an [`Ending`] instead. A client loop expects
/// its echoes, so the peer's behaviour can fail it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopError<E> {
    /// The transport failed.
    Transport(E),
    /// A send call refused: a buffer here is too small, or this loop broke
    /// a rule of the engine.
    Send(SendError),
    /// A handshake head could not be written (too small an output buffer,
    /// or an invalid host or target).
    HandshakeWrite(HandshakeWriteError),
    /// The server's answer to the upgrade request is not acceptable.
    Handshake(ClientHandshakeError),
    /// The connection ended before the step was done.
    Ended(Ending),
    /// An echo (message or Pong) differs from what was sent, starting at
    /// this byte of its payload.
    Mismatch {
        /// The offset of the first byte that differs, or the length
        /// reached when the echo is too short or too long.
        offset: u64,
    },
}

impl<E> From<SendError> for LoopError<E> {
    fn from(error: SendError) -> Self {
        Self::Send(error)
    }
}

impl<E> From<UsageError> for LoopError<E> {
    fn from(error: UsageError) -> Self {
        Self::Send(error.into())
    }
}

impl<E> From<BufferTooSmall> for LoopError<E> {
    fn from(error: BufferTooSmall) -> Self {
        Self::Send(error.into())
    }
}

impl<E> From<HandshakeWriteError> for LoopError<E> {
    fn from(error: HandshakeWriteError) -> Self {
        Self::HandshakeWrite(error)
    }
}

impl<E> From<ClientHandshakeError> for LoopError<E> {
    fn from(error: ClientHandshakeError) -> Self {
        Self::Handshake(error)
    }
}

impl<E: fmt::Debug> fmt::Display for LoopError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Transport(error) => write!(f, "transport: {error:?}"),
            Self::Send(SendError::Usage(error)) => write!(f, "send refused: {error}"),
            Self::Send(SendError::BufferTooSmall(error)) => write!(f, "send refused: {error}"),
            Self::HandshakeWrite(error) => write!(f, "handshake not written: {error}"),
            Self::Handshake(error) => write!(f, "handshake failed: {error}"),
            Self::Ended(ending) => write!(f, "connection ended early: {ending:?}"),
            Self::Mismatch { offset } => write!(f, "echo differs at byte {offset}"),
        }
    }
}
