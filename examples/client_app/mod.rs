//! The parts of the interactive client (`examples/client.rs`): parsing
//! input lines, the command loop, each connection's threads, the opening
//! handshake, the open connection's engine loop, what is known about each
//! connection, and the console they all print to.

mod app;
mod command;
mod console;
mod handshake;
mod info;
mod session;
mod worker;

pub use app::run;
