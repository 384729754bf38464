//! A blocking echo client: sends each line of stdin as a text message and
//! prints what comes back.
//!
//! ```text
//! cargo run --example echo_server &
//! echo hello | cargo run --example echo_client -- ws://127.0.0.1:9001
//! ```

mod support;

use std::io::{self, BufRead, Read, Write};
use std::time::Duration;

use rfc6455::{CloseCode, Config, Connection, Event, Message, MessageAssembler};
use support::blocking::{client_handshake, emit, READ_BUFFER};
use support::random::OsRandom;
use support::url::WsUrl;

fn main() -> io::Result<()> {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "ws://127.0.0.1:9001".to_string());
    let url = WsUrl::parse(&url).map_err(io::Error::other)?;
    let mut random = OsRandom::new()?;
    let mut input = vec![0u8; READ_BUFFER];
    let (mut stream, mut start, mut end, _) =
        client_handshake(&url, random.nonce(), &mut input, None)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut conn = Connection::client(Config::default(), random.into_mask_keys());
    let mut assembler = MessageAssembler::new();
    let mut out = Vec::new();

    let mut lines = io::stdin().lock().lines();
    let mut closing = false;
    loop {
        // Send the next line, or start the close handshake at end of input.
        if !closing {
            match lines.next().transpose()? {
                Some(line) => emit(&mut out, line.len() + 14, |buf| conn.send_text(&line, buf)),
                None => {
                    emit(&mut out, 256, |buf| {
                        conn.send_close(Some(CloseCode::NORMAL), "bye", buf)
                    });
                    closing = true;
                }
            }
            stream.write_all(&out)?;
            out.clear();
        }
        // Read until the echo (or the server's Close) arrives.
        let mut answered = false;
        while !answered {
            if start == end {
                (start, end) = (0, stream.read(&mut input)?);
                if end == 0 {
                    let eof = conn.receive_eof();
                    println!("connection closed ({eof:?})");
                    return Ok(());
                }
            }
            let received = conn
                .receive(&mut input[start..end])
                .map_err(io::Error::other)?;
            start += received.consumed;
            match received.event {
                Some(Event::Chunk(chunk)) => match assembler.push(chunk) {
                    Some(Message::Text(text)) => {
                        println!("< {text}");
                        answered = true;
                    }
                    Some(Message::Binary(bytes)) => {
                        println!("< {} binary bytes", bytes.len());
                        answered = true;
                    }
                    _ => {}
                },
                Some(Event::Close(frame)) => {
                    println!("server closed: {:?} {}", frame.code(), frame.reason());
                    answered = true;
                }
                _ => {}
            }
            emit(&mut out, 512, |buf| conn.poll_transmit(buf));
            stream.write_all(&out)?;
            out.clear();
        }
    }
}
