//! A multi-room chat server on the engine: a browser page at `/`, the
//! WebSocket at `/ws` with token auth and an origin check, JSON messages,
//! rooms with join and leave notices, a `ticker` room that gets the clock
//! once a second, and broadcasts encoded once for all their recipients.
//!
//! ```text
//! cargo run --example chat_server -- --listen 127.0.0.1:8080 --token alice=secret1 --token bob=secret2
//! ```
//!
//! Then open `http://127.0.0.1:8080/?token=secret1` in a browser. The first
//! line on stdout is the address, so `--listen 127.0.0.1:0` (a free port)
//! works for scripts and tests.
//!
//! Blocking `std` threads: one accept loop, a reader and a writer thread
//! per client, a ticker thread, and a room registry behind a mutex. The
//! parts live in `examples/chat/`.

mod chat;

use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;
use std::{env, io, process, thread};

use chat::auth::Policy;
use chat::options::Options;
use chat::rooms::Registry;
use chat::{http, session};

fn main() -> io::Result<()> {
    let options = match Options::parse(env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            process::exit(2);
        }
    };
    let listener = TcpListener::bind(options.listen)?;
    let address = listener.local_addr()?;
    let policy = Arc::new(Policy::new(options.tokens, &options.origins, address));
    let registry = Arc::new(Registry::new());
    // The first line on stdout: scripts and tests read the port from it.
    println!("chat server listening on http://{address}");
    eprintln!(
        "open http://{address}/?token=TOKEN in a browser; the WebSocket is ws://{address}{}",
        http::WS_PATH
    );

    let ticker = Arc::clone(&registry);
    thread::spawn(move || loop {
        thread::sleep(Duration::from_secs(1));
        ticker.tick();
    });

    for stream in listener.incoming() {
        let stream = match stream {
            Ok(stream) => stream,
            // Out of descriptors or a connection reset before accept: the
            // server goes on.
            Err(error) => {
                eprintln!("accept failed: {error}");
                continue;
            }
        };
        let (policy, registry) = (Arc::clone(&policy), Arc::clone(&registry));
        thread::spawn(move || {
            if let Err(error) = serve(stream, &policy, &registry) {
                eprintln!("connection error: {error}");
            }
        });
    }
    Ok(())
}

/// Runs one TCP connection: an HTTP request, and the chat if it was a
/// WebSocket upgrade.
fn serve(mut stream: TcpStream, policy: &Policy, registry: &Registry) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let Some(upgrade) = http::serve_request(&mut stream, policy)? else {
        return Ok(()); // answered over HTTP, or the peer left
    };
    session::run(stream, upgrade, registry)
}
