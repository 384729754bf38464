//! `tungstenite`, synchronous, over the in-memory `Read + Write` stream:
//! `read()` for whole messages (it validates text and queues pongs, which
//! the next `read` or `flush` writes), `write()` then one `flush()` to send,
//! `accept()` for the handshake.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tungstenite::protocol::{Role, WebSocketConfig};
use tungstenite::{Message, Utf8Bytes, WebSocket};

use crate::record::{Delivery, Responses};
use crate::spec::{DecodeWorkload, EncodeWorkload};
use crate::transport::MemStream;

/// Limits of at least 16 MiB.
fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(64 << 20))
        .max_frame_size(Some(64 << 20))
}

/// Whole messages from `read()`.
pub fn decode(w: &DecodeWorkload, d: &mut Delivery, sink: &mut Vec<u8>) -> Duration {
    let start = Instant::now();
    let stream = MemStream::new(&w.input, sink);
    let mut ws = WebSocket::from_raw_socket(stream, Role::Server, Some(config()));
    let expected = w.messages.len();
    while d.count() < expected {
        match ws.read().expect("read") {
            Message::Text(text) => d.message(true, text.as_bytes()),
            Message::Binary(data) => d.message(false, &data),
            Message::Ping(_) => d.pings += 1,
            other => panic!("unexpected message {other:?}"),
        }
    }
    ws.flush().expect("flush");
    start.elapsed()
}

/// E1's or E2's messages as `Message` values sharing one `Bytes` buffer
/// (cloned per run, outside the timed region: each send consumes one).
pub fn prepare(w: &EncodeWorkload) -> Vec<Message> {
    let all = Bytes::copy_from_slice(&w.payloads);
    (0..w.count())
        .map(|i| {
            let part = all.slice(i * w.message_len..(i + 1) * w.message_len);
            if w.text {
                Message::Text(Utf8Bytes::try_from(part).expect("UTF-8"))
            } else {
                Message::Binary(part)
            }
        })
        .collect()
}

/// E1 (server) or E2 (client): `write()` every message, then `flush()`.
pub fn encode(w: &EncodeWorkload, messages: Vec<Message>, sink: &mut Vec<u8>) -> Duration {
    let role = if w.text { Role::Server } else { Role::Client };
    let start = Instant::now();
    let stream = MemStream::new(&[], sink);
    let mut ws = WebSocket::from_raw_socket(stream, role, Some(config()));
    for message in messages {
        ws.write(message).expect("write");
    }
    ws.flush().expect("flush");
    start.elapsed()
}

/// H1: `tungstenite::accept` on a fresh stream holding the request.
pub fn handshake(request: &[u8], count: usize, r: &mut Responses) -> Duration {
    let start = Instant::now();
    for _ in 0..count {
        let begin = r.bytes.len();
        let stream = MemStream::new(request, &mut r.bytes);
        let ws = tungstenite::accept_with_config(stream, Some(config())).expect("accept");
        black_box(&ws);
        drop(ws);
        r.end(begin);
    }
    start.elapsed()
}
