//! The Autobahn testsuite's client driver: asks the fuzzing server how many
//! cases there are, runs each one as an echo client, then asks it to write
//! its reports.
//!
//! ```text
//! cargo run --release --example autobahn_client -- ws://127.0.0.1:9002 rfc6455
//! ```

mod support;

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use rfc6455::{Config, Connection, DeflateConfig, Event, Message, MessageAssembler};
use support::blocking::{client_handshake, echo, READ_BUFFER};
use support::random::OsRandom;
use support::url::WsUrl;

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let base = args
        .next()
        .unwrap_or_else(|| "ws://127.0.0.1:9002".to_string());
    let agent = args.next().unwrap_or_else(|| "rfc6455".to_string());
    let count = case_count(&base)?;
    println!("{count} cases");
    for case in 1..=count {
        let url = format!("{base}/runCase?case={case}&agent={agent}");
        if let Err(error) = run_echo(&url) {
            eprintln!("case {case}: {error}");
        }
    }
    run_echo(&format!("{base}/updateReports?agent={agent}"))?;
    println!("reports updated");
    Ok(())
}

/// An open client connection and its read buffer.
struct Session<K> {
    stream: TcpStream,
    conn: Connection<K>,
    input: Vec<u8>,
    /// The unread bytes are `input[start..end]`.
    start: usize,
    end: usize,
}

/// Opens a client connection to `url`, offering permessage-deflate when
/// `deflate` (the fuzzing server's 12.* and 13.* cases answer the offer).
fn open(url: &str, deflate: bool) -> io::Result<Session<impl FnMut() -> [u8; 4]>> {
    let url = WsUrl::parse(url).map_err(io::Error::other)?;
    let mut random = OsRandom::new()?;
    let mut input = vec![0u8; READ_BUFFER];
    let config = DeflateConfig::default();
    let offer = deflate.then_some(&config);
    let (stream, start, end, agreement) =
        client_handshake(&url, random.nonce(), &mut input, offer)?;
    // A client waits for the server to close TCP (RFC 6455 §7.1.1), but not forever.
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut conn = Connection::client(Config::default(), random.into_mask_keys());
    if let Some(agreement) = agreement {
        conn.enable_deflate(&agreement).map_err(io::Error::other)?;
    }
    Ok(Session {
        stream,
        conn,
        input,
        start,
        end,
    })
}

fn run_echo(url: &str) -> io::Result<()> {
    let mut s = open(url, true)?;
    echo(&mut s.stream, &mut s.conn, &mut s.input, s.start, s.end)
}

/// Reads the one text message `/getCaseCount` sends.
fn case_count(base: &str) -> io::Result<u32> {
    let mut s = open(&format!("{base}/getCaseCount"), false)?;
    let mut assembler = MessageAssembler::new();
    let mut count = None;
    loop {
        while s.start < s.end {
            let received = s
                .conn
                .receive(&mut s.input[s.start..s.end])
                .map_err(io::Error::other)?;
            s.start += received.consumed;
            match received.event {
                Some(Event::Chunk(chunk)) => {
                    if let Some(Message::Text(text)) = assembler.push(chunk) {
                        count = text.trim().parse().ok();
                    }
                }
                Some(Event::Close(_)) => {
                    let mut out = [0u8; 512];
                    let n = s.conn.poll_transmit(&mut out).map_err(io::Error::other)?;
                    s.stream.write_all(&out[..n])?;
                    return count.ok_or_else(|| io::Error::other("no case count"));
                }
                _ => {}
            }
        }
        (s.start, s.end) = (0, s.stream.read(&mut s.input)?);
        if s.end == 0 {
            return count.ok_or_else(|| io::Error::other("no case count"));
        }
    }
}
