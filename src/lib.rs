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

mod error;
mod handshake;

pub use error::BufferTooSmall;
pub use handshake::*;
