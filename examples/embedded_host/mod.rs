//! The host side of the embedded example: the two transports the no_std
//! loop runs over here, an in-memory pipe and loopback TCP. On a board,
//! its network stack's socket takes their place.
#![allow(dead_code)] // the example and the tests each use a different part

pub mod pipe;
pub mod tcp;
