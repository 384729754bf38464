//! The echo server on tokio, one task per connection: the loop a runtime
//! author writes around the engine. Read into the engine's buffer, feed the
//! engine, write what it emits before reading again (that is the
//! backpressure: a peer that does not read its echoes stops being read),
//! and close the socket when the engine says so.
//!
//! Whole messages come from a [`MessageReader`]: the socket reads straight
//! into its buffer, and each echo is written from there, header first, with
//! no copy of the payload. When the client offers permessage-deflate (every
//! browser does), it is accepted: messages arrive inflated, and echoes go
//! back compressed.
//!
//! ```text
//! cargo run --release --example tokio_echo -- 127.0.0.1:9003
//! ```

use std::io;

use rfc6455::codec::MAX_HEADER_LEN;
use rfc6455::{
    Config, Connection, ConnectionState, DeflateAgreement, DeflateConfig, HandshakeAccept,
    Incoming, MessageKind, MessageReader, Opcode, ServerHandshake, Status, EMPTY_HTTP_HEADER,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The longest request head read before the handshake gives up (the engine
/// answers 431 beyond its own limit, 8 KiB by default).
const MAX_HEAD: usize = 16 * 1024;

#[tokio::main]
async fn main() -> io::Result<()> {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:9003".to_string());
    let listener = TcpListener::bind(&address).await?;
    println!(
        "tokio echo server listening on ws://{}",
        listener.local_addr()?
    );
    loop {
        let (stream, _) = listener.accept().await?;
        tokio::spawn(async move {
            if let Err(error) = serve(stream).await {
                eprintln!("connection error: {error}");
            }
        });
    }
}

/// Runs one connection: the handshake, then echo until it ends.
async fn serve(mut stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut reader = MessageReader::new();
    let Some(deflate) = handshake(&mut stream, &mut reader).await? else {
        return Ok(()); // rejected, or the peer left
    };
    let mut conn = Connection::server(Config::default());
    if let Some(agreement) = deflate {
        conn.enable_deflate(&agreement).map_err(io::Error::other)?;
    }
    echo(&mut stream, &mut conn, &mut reader).await
}

/// Reads and answers the upgrade request, accepting permessage-deflate when
/// offered. Bytes that came after the request are left in `reader`. `None`
/// when the request was refused or the peer left; otherwise the deflate
/// agreement, if any.
async fn handshake(
    stream: &mut TcpStream,
    reader: &mut MessageReader,
) -> io::Result<Option<Option<DeflateAgreement>>> {
    let server = ServerHandshake::new();
    let mut head = vec![0u8; MAX_HEAD];
    let mut filled = 0;
    let mut response = [0u8; 1024];
    loop {
        let n = stream.read(&mut head[filled..]).await?;
        if n == 0 {
            return Ok(None);
        }
        filled += n;
        let mut headers = [EMPTY_HTTP_HEADER; 64];
        match server.receive_request(&head[..filled], &mut headers) {
            Ok(Status::Partial) if filled < head.len() => continue,
            Ok(Status::Partial) => return Ok(None), // the engine's 431 comes first
            Ok(Status::Complete(request)) => {
                let agreement = DeflateConfig::default().accept_offer(request.extensions());
                let accept = HandshakeAccept::new().deflate(agreement.as_ref());
                let len = request
                    .accept(&accept, &mut response)
                    .map_err(io::Error::other)?;
                stream.write_all(&response[..len]).await?;
                reader.push(&head[request.head_len()..filled]);
                return Ok(Some(agreement));
            }
            Err(error) => {
                // 400, 405, 426 or 431, with the reason in the body.
                let len = error
                    .write_response(&mut response)
                    .map_err(io::Error::other)?;
                stream.write_all(&response[..len]).await?;
                return Ok(None);
            }
        }
    }
}

/// Echoes of at most this many bytes are sent with one write, header and
/// payload together; longer ones are written from the reader's buffer.
const SMALL: usize = 4096;

/// Echoes every message until the connection ends.
async fn echo(
    stream: &mut TcpStream,
    conn: &mut Connection,
    reader: &mut MessageReader,
) -> io::Result<()> {
    let mut control = [0u8; 256];
    let mut small = [0u8; MAX_HEADER_LEN + SMALL];
    let mut compressed = Vec::new();
    loop {
        loop {
            match reader.next(conn) {
                Ok(Some(Incoming::Message(message))) => {
                    let opcode = match message.kind() {
                        MessageKind::Text => Opcode::Text,
                        MessageKind::Binary => Opcode::Binary,
                    };
                    let payload = message.as_bytes();
                    if conn.deflate_agreement().is_some() {
                        // permessage-deflate: the echo is compressed, so it
                        // cannot be written from the reader's buffer as is.
                        compressed.clear();
                        if conn
                            .send_frame_to_vec(opcode, true, payload, &mut compressed)
                            .is_err()
                        {
                            break; // closing: nothing more may be sent
                        }
                        stream.write_all(&compressed).await?;
                        flush(stream, conn, &mut control).await?;
                        continue;
                    }
                    let header = &mut small[..MAX_HEADER_LEN];
                    let Ok(len) = conn.start_frame(opcode, true, payload.len() as u64, header)
                    else {
                        break; // closing: nothing more may be sent
                    };
                    conn.frame_payload(payload).map_err(io::Error::other)?;
                    if payload.len() <= SMALL {
                        // One write for a small frame.
                        small[len..len + payload.len()].copy_from_slice(payload);
                        stream.write_all(&small[..len + payload.len()]).await?;
                    } else {
                        stream.write_all(&small[..len]).await?;
                        stream.write_all(payload).await?;
                    }
                }
                // Pings are answered and Closes replied to by the engine:
                // what it queued goes out below.
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(_) => break, // the failing Close is queued
            }
            flush(stream, conn, &mut control).await?;
        }
        flush(stream, conn, &mut control).await?;
        if conn.should_close_transport() {
            return stream.shutdown().await;
        }
        let n = match stream.read(reader.read_buf()).await {
            Ok(n) => n,
            // After the close handshake, a reset is the peer's way of closing.
            Err(e)
                if e.kind() == io::ErrorKind::ConnectionReset
                    && conn.state() == ConnectionState::Closed =>
            {
                0
            }
            Err(e) => return Err(e),
        };
        if n == 0 {
            let _ = conn.receive_eof();
            return Ok(());
        }
        reader.filled(n);
    }
}

/// Writes what the engine queued: the Pong to the latest Ping, our Close.
async fn flush(stream: &mut TcpStream, conn: &mut Connection, buf: &mut [u8]) -> io::Result<()> {
    while conn.wants_transmit() {
        let len = conn.poll_transmit(buf).map_err(io::Error::other)?;
        stream.write_all(&buf[..len]).await?;
    }
    Ok(())
}
