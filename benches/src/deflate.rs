//! permessage-deflate workloads (not in WORKLOADS.md v1, which has none):
//! a JSON-like chat corpus, compressed by a server sending text messages
//! and inflated by a client reading them whole.
//!
//! - Z1: 20,000 chat events of about 160 bytes each, context takeover on
//!   (the default agreement), as a chat or a feed sends them.
//! - Z2: 256 messages of 64 KiB, each a batch of such events.
//!
//! Each run: compress every message with `send_text` into a sink (timed),
//! then read the sink back through a client's `MessageReader`, 64 KiB per
//! read (timed), checking every message. No peer measured here implements
//! permessage-deflate, so the reference row is the codec most Rust
//! WebSocket forks reach through `flate2`: `miniz_oxide`'s compressor at
//! the same level and window, sync-flushed per message, tail removed.

use std::time::{Duration, Instant};

use rfc6455::{
    ClientRequest, Config, Connection, DeflateAgreement, DeflateConfig, HandshakeAccept, Incoming,
    Message, MessageReader, ServerHandshake, Status, EMPTY_HTTP_HEADER,
};

use crate::spec::{XorShift64, PAYLOAD_SEED};
use crate::transport::read_into;

/// One deflate workload: its messages, all prepared before timing.
#[derive(Debug)]
pub struct DeflateWorkload {
    /// `Z1` or `Z2`.
    pub id: &'static str,
    /// What it is.
    pub title: &'static str,
    /// The text messages, in order.
    pub messages: Vec<String>,
}

impl DeflateWorkload {
    /// Payload bytes of all messages.
    pub fn payload(&self) -> u64 {
        self.messages.iter().map(|m| m.len() as u64).sum()
    }
}

/// Z1 or Z2.
pub fn workload(id: &str) -> DeflateWorkload {
    let mut p = XorShift64::new(PAYLOAD_SEED);
    match id {
        "Z1" => DeflateWorkload {
            id: "Z1",
            title: "deflate, small JSON: 20,000 chat events of about 160 bytes",
            messages: (0..20_000).map(|i| event(&mut p, i)).collect(),
        },
        _ => DeflateWorkload {
            id: "Z2",
            title: "deflate, large JSON: 256 messages of 64 KiB (batches of events)",
            messages: (0..256)
                .map(|batch| {
                    let mut text = String::from("[");
                    let mut i = batch * 1000;
                    while text.len() < 65_536 - 300 {
                        text.push_str(&event(&mut p, i));
                        text.push(',');
                        i += 1;
                    }
                    text.pop();
                    text.push(']');
                    text
                })
                .collect(),
        },
    }
}

/// One chat event as JSON: a few fixed keys, a user, a room, a sentence of
/// common words with a number or two, a timestamp.
fn event(p: &mut XorShift64, i: usize) -> String {
    const USERS: [&str; 8] = [
        "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
    ];
    const ROOMS: [&str; 4] = ["lobby", "general", "random", "support"];
    const WORDS: [&str; 24] = [
        "the", "a", "message", "is", "here", "now", "please", "check", "update", "deploy",
        "server", "client", "when", "will", "we", "meet", "today", "build", "green", "red",
        "thanks", "done", "ok", "why",
    ];
    let mut pick = |n: usize| (p.next() % n as u64) as usize;
    let mut text = String::new();
    for _ in 0..8 + pick(10) {
        text.push_str(WORDS[pick(WORDS.len())]);
        text.push(' ');
    }
    text.push_str(&pick(1000).to_string());
    format!(
        "{{\"type\":\"message\",\"id\":{i},\"room\":\"{}\",\"from\":\"{}\",\"text\":\"{}\",\"ts\":{}}}",
        ROOMS[pick(ROOMS.len())],
        USERS[pick(USERS.len())],
        text,
        1_764_000_000_000u64 + i as u64 * 37,
    )
}

/// Both ends' agreement (client's, server's) with the default
/// configuration (context takeover, 32 KiB windows, level 6), negotiated
/// through the handshake's bytes.
pub fn agreements() -> (DeflateAgreement, DeflateAgreement) {
    let config = DeflateConfig::default();
    let mut request = [0u8; 512];
    let handshake = ClientRequest::new("example.com", "/")
        .deflate(&config)
        .write(&[0; 16], &mut request)
        .expect("a valid request");
    let mut headers = [EMPTY_HTTP_HEADER; 16];
    let offer = ServerHandshake::new()
        .receive_request(&request[..handshake.request_len()], &mut headers)
        .ok()
        .and_then(Status::complete)
        .expect("a complete, valid request");
    let server_side = config
        .accept_offer(offer.extensions())
        .expect("every valid offer is accepted");
    let mut response = [0u8; 512];
    let n = offer
        .accept(&HandshakeAccept::new().deflate(&server_side), &mut response)
        .expect("a valid answer");
    let mut headers = [EMPTY_HTTP_HEADER; 16];
    let answer = handshake
        .receive_response(&response[..n], &mut headers)
        .ok()
        .and_then(Status::complete)
        .expect("a complete response");
    let client_side = handshake
        .validate(&answer)
        .and_then(|negotiated| negotiated.deflate(&config))
        .expect("a valid answer")
        .expect("the offer was accepted");
    (client_side, server_side)
}

/// A server compresses every message into `sink`. Returns the time.
pub fn compress(w: &DeflateWorkload, sink: &mut Vec<u8>) -> Duration {
    let (_, server_side) = agreements();
    sink.clear();
    let start = Instant::now();
    let mut server = Connection::server(Config::default());
    server.enable_deflate(&server_side).expect("deflate");
    let mut out = vec![0u8; 70 * 1024];
    for message in &w.messages {
        let len = server.send_text(message, &mut out).expect("send_text");
        sink.extend_from_slice(&out[..len]);
    }
    start.elapsed()
}

/// The reference: `miniz_oxide` compresses every message (level 6, 32 KiB
/// window, context kept, sync flush, tail removed) into `sink`, without
/// framing. Returns the time.
pub fn compress_reference(w: &DeflateWorkload, sink: &mut Vec<u8>) -> Duration {
    use miniz_oxide::deflate::core::{CompressionStrategy, CompressorOxide};
    use miniz_oxide::deflate::stream::deflate;
    use miniz_oxide::{DataFormat, MZFlush};

    sink.clear();
    let start = Instant::now();
    let mut state = Box::new(CompressorOxide::with_params(
        DataFormat::Raw,
        DeflateConfig::default().level,
        CompressionStrategy::Default,
        15,
    ));
    let mut out = vec![0u8; 70 * 1024];
    for message in &w.messages {
        let mut input = message.as_bytes();
        loop {
            let r = deflate(&mut state, input, &mut out, MZFlush::Sync);
            sink.extend_from_slice(&out[..r.bytes_written]);
            input = &input[r.bytes_consumed..];
            if input.is_empty() && r.bytes_written < out.len() {
                break;
            }
        }
        sink.truncate(sink.len() - 4);
    }
    start.elapsed()
}

/// A client reads `wire` back whole through a `MessageReader`. Returns the
/// time; panics unless every message matches.
pub fn decompress(w: &DeflateWorkload, wire: &[u8]) -> Duration {
    let (client_side, _) = agreements();
    let start = Instant::now();
    let mut client = Connection::client(Config::default(), || [1, 2, 3, 4]);
    client.enable_deflate(&client_side).expect("deflate");
    let mut reader = MessageReader::new();
    let mut pos = 0;
    let mut got = 0;
    while got < w.messages.len() {
        let n = read_into(wire, &mut pos, reader.read_buf());
        assert!(n > 0, "input ended early");
        reader.filled(n);
        while let Some(incoming) = reader.next(&mut client).expect("valid stream") {
            match incoming {
                Incoming::Message(Message::Text(text)) => {
                    assert_eq!(text.len(), w.messages[got].len());
                    got += 1;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    start.elapsed()
}

/// The full check: every message inflates to exactly what was sent.
pub fn check(w: &DeflateWorkload, wire: &[u8]) {
    let (client_side, _) = agreements();
    let mut client = Connection::client(Config::default(), || [1, 2, 3, 4]);
    client.enable_deflate(&client_side).expect("deflate");
    let mut reader = MessageReader::new();
    let mut pos = 0;
    let mut got = 0;
    while pos < wire.len() {
        let n = read_into(wire, &mut pos, reader.read_buf());
        reader.filled(n);
        while let Some(Incoming::Message(message)) = reader.next(&mut client).expect("valid") {
            assert_eq!(message.as_bytes(), w.messages[got].as_bytes());
            got += 1;
        }
    }
    assert_eq!(got, w.messages.len());
}
