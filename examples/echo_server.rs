//! A blocking echo server, one thread per connection: every text and binary
//! message comes back unchanged.
//!
//! ```text
//! cargo run --release --example echo_server -- 127.0.0.1:9001
//! ```

mod support;

use std::net::{TcpListener, TcpStream};
use std::{env, io, thread};

use rfc6455::{Config, Connection, DeflateConfig};
use support::blocking::{echo, server_handshake, READ_BUFFER};

fn main() -> io::Result<()> {
    let address = env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:9001".to_string());
    let listener = TcpListener::bind(&address)?;
    println!("echo server listening on ws://{}", listener.local_addr()?);
    for stream in listener.incoming() {
        let stream = stream?;
        thread::spawn(move || {
            if let Err(error) = serve(stream) {
                eprintln!("connection error: {error}");
            }
        });
    }
    Ok(())
}

/// Runs one connection: the handshake, then echo until it ends.
fn serve(mut stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut input = vec![0u8; READ_BUFFER];
    let deflate = DeflateConfig::default();
    let Some((start, end, agreement)) = server_handshake(&mut stream, &mut input, Some(&deflate))?
    else {
        return Ok(()); // rejected, or the peer left
    };
    let mut conn = Connection::server(Config::default());
    if let Some(agreement) = agreement {
        conn.enable_deflate(&agreement).map_err(io::Error::other)?;
    }
    echo(&mut stream, &mut conn, &mut input, start, end)
}
