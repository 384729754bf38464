//! rfc6455: a sans-IO WebSocket protocol engine.
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
mod config;
mod connection;
mod error;
mod event;
mod frame;
// HANDSHAKE-MERGE mod handshake;
mod mask;
#[cfg(feature = "alloc")]
mod message;
mod recv;
mod rules;
mod send;
mod utf8;

pub use close::{CloseCode, MAX_CLOSE_REASON};
pub use config::{Config, Role};
pub use connection::{Connection, Eof, MaskKeySource, NoMasking};
pub use error::{BufferTooSmall, ProtocolError, SendError, UsageError};
pub use event::{CloseFrame, ControlPayload, Event, MessageChunk, MessageKind, Received};
pub use frame::{FrameHeader, HeaderStatus, Opcode, MAX_CONTROL_PAYLOAD, MAX_HEADER_LEN};
// HANDSHAKE-MERGE pub use handshake::*;
pub use mask::apply_mask;
#[cfg(feature = "alloc")]
pub use message::{Message, MessageAssembler};
pub use rules::ConnectionState;
pub use utf8::{InvalidUtf8, Utf8Validator};
