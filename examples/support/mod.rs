//! Glue shared by the blocking examples: `ws://` URLs, OS randomness for
//! masking keys and nonces, and the handshake and echo loop over
//! `std::net::TcpStream`.
#![allow(dead_code)] // each example uses a different part of it

pub mod blocking;
pub mod random;
pub mod url;
