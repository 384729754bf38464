//! `tokio-websockets`, async on a current-thread tokio runtime: the
//! `WebSocketStream` as a `Stream` of whole messages (it validates text and
//! queues pongs, flushed as it goes and by the final `flush`), as a `Sink`
//! with `feed` per message and one `flush`, and `ServerBuilder::accept` for
//! the handshake.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use tokio::runtime::Runtime;
use tokio_websockets::{ClientBuilder, Limits, Message, ServerBuilder};

use crate::record::{Delivery, Responses};
use crate::spec::{DecodeWorkload, EncodeWorkload};
use crate::transport::MemStream;

/// Limits of at least 16 MiB.
fn limits() -> Limits {
    Limits::default().max_payload_len(Some(64 << 20))
}

/// Whole messages from `next()`.
pub fn decode(rt: &Runtime, w: &DecodeWorkload, d: &mut Delivery, sink: &mut Vec<u8>) -> Duration {
    rt.block_on(async {
        let start = Instant::now();
        let stream = MemStream::new(&w.input, sink);
        let mut ws = ServerBuilder::new().limits(limits()).serve(stream);
        let expected = w.messages.len();
        while d.count() < expected {
            let message = ws.next().await.expect("a message").expect("read");
            if let Some(text) = message.as_text() {
                d.message(true, text.as_bytes());
            } else if message.is_binary() {
                d.message(false, message.as_payload());
            } else if message.is_ping() {
                d.pings += 1;
            } else {
                panic!("unexpected message {message:?}");
            }
        }
        ws.flush().await.expect("flush");
        start.elapsed()
    })
}

/// E1's messages (text) sharing one `Bytes` buffer, cloned per run outside
/// the timed region; E2's are fresh unique buffers per run (see `fresh`).
pub fn prepare_text(w: &EncodeWorkload) -> Vec<Message> {
    let all = Bytes::copy_from_slice(&w.payloads);
    (0..w.count())
        .map(|i| Message::text(all.slice(i * w.message_len..(i + 1) * w.message_len)))
        .collect()
}

/// E2's messages: a fresh, uniquely owned buffer each, so that the client
/// masks in place without a copy (as the crate documents).
pub fn fresh_binary(w: &EncodeWorkload) -> Vec<Message> {
    w.messages()
        .map(|m| Message::binary(Bytes::from(m.to_vec())))
        .collect()
}

/// E1 (server) or E2 (client): `feed` every message, then `flush`.
pub fn encode(
    rt: &Runtime,
    w: &EncodeWorkload,
    messages: Vec<Message>,
    sink: &mut Vec<u8>,
) -> Duration {
    rt.block_on(async {
        let start = Instant::now();
        let stream = MemStream::new(&[], sink);
        if w.text {
            let mut ws = ServerBuilder::new().limits(limits()).serve(stream);
            for message in messages {
                ws.feed(message).await.expect("feed");
            }
            ws.flush().await.expect("flush");
        } else {
            let mut ws = ClientBuilder::new().limits(limits()).take_over(stream);
            for message in messages {
                ws.feed(message).await.expect("feed");
            }
            ws.flush().await.expect("flush");
        }
        start.elapsed()
    })
}

/// H1: `ServerBuilder::accept` on a fresh stream holding the request.
pub fn handshake(rt: &Runtime, request: &[u8], count: usize, r: &mut Responses) -> Duration {
    rt.block_on(async {
        let start = Instant::now();
        let builder = ServerBuilder::new().limits(limits());
        for _ in 0..count {
            let begin = r.bytes.len();
            let stream = MemStream::new(request, &mut r.bytes);
            let accepted = builder.accept(stream).await.expect("accept");
            black_box(&accepted);
            drop(accepted);
            r.end(begin);
        }
        start.elapsed()
    })
}
