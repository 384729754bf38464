//! An interactive WebSocket client: a command loop on stdin that keeps
//! several connections open at once, sends messages, runs close handshakes
//! and shows what happened on each connection.
//!
//! ```text
//! cargo run --example echo_server     # in one terminal
//! cargo run --example client          # in another, then:
//! > connect ws://127.0.0.1:9001/
//! created connection 1
//! connection 1 open
//! > send 1 hello
//! connection 1 >> hello
//! connection 1 << hello
//! > quit
//! ```
//!
//! Commands come one per line, from a terminal (with a prompt) or from a
//! pipe (no prompt; every line flushed as it is printed). `help` lists them.
//! Each connection runs on its own threads; what they report is printed as
//! it happens, prefixed `connection N`.

mod client_app;
mod support;

fn main() {
    client_app::run();
}
