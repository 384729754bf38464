//! `soketto`, async (futures I/O traits) on a current-thread tokio runtime:
//! `Receiver::receive_data` appends whole messages to a reused `Vec` (it
//! answers pings itself, and does not validate text: the application does,
//! with `core::str::from_utf8`), `Sender::send_*` then `flush`, and
//! `handshake::Server` for the handshake.

use std::hint::black_box;
use std::time::{Duration, Instant};

use soketto::connection::{Builder, Mode};
use soketto::handshake::server::Response;
use soketto::Data;
use tokio::runtime::Runtime;

use crate::record::{Delivery, Responses};
use crate::spec::DecodeWorkload;
use crate::transport::MemStream;

fn builder(stream: MemStream<'_>, mode: Mode) -> Builder<MemStream<'_>> {
    let mut builder = Builder::new(stream, mode);
    builder.set_max_message_size(64 << 20);
    builder.set_max_frame_size(64 << 20);
    builder
}

/// Whole messages from `receive_data`, text validated by the application.
pub fn decode(rt: &Runtime, w: &DecodeWorkload, d: &mut Delivery, sink: &mut Vec<u8>) -> Duration {
    rt.block_on(async {
        let start = Instant::now();
        let stream = MemStream::new(&w.input, sink);
        let (_sender, mut receiver) = builder(stream, Mode::Server).finish();
        let mut message = Vec::new();
        let expected = w.messages.len();
        while d.count() < expected {
            message.clear();
            match receiver.receive_data(&mut message).await.expect("receive") {
                Data::Text(_) => {
                    assert!(core::str::from_utf8(&message).is_ok(), "invalid UTF-8");
                    d.message(true, &message);
                }
                Data::Binary(_) => d.message(false, &message),
            }
        }
        start.elapsed()
    })
}

/// E1: `send_text` per message, then `flush`.
pub fn encode_text(rt: &Runtime, texts: &[&str], sink: &mut Vec<u8>) -> Duration {
    rt.block_on(async {
        let start = Instant::now();
        let stream = MemStream::new(&[], sink);
        let (mut sender, _receiver) = builder(stream, Mode::Server).finish();
        for text in texts {
            sender.send_text(text).await.expect("send_text");
        }
        sender.flush().await.expect("flush");
        start.elapsed()
    })
}

/// E2: `send_binary_mut` (masks in place, "one copy fewer" than
/// `send_binary`) on fresh owned copies made outside the timed region.
pub fn encode_binary(rt: &Runtime, fresh: &mut [Vec<u8>], sink: &mut Vec<u8>) -> Duration {
    rt.block_on(async {
        let start = Instant::now();
        let stream = MemStream::new(&[], sink);
        let (mut sender, _receiver) = builder(stream, Mode::Client).finish();
        for message in fresh.iter_mut() {
            sender
                .send_binary_mut(&mut message[..])
                .await
                .expect("send_binary_mut");
        }
        sender.flush().await.expect("flush");
        start.elapsed()
    })
}

/// H1: `handshake::Server` on a fresh stream: `receive_request`,
/// `send_response(Accept)`, then the connection built.
pub fn handshake(rt: &Runtime, request: &[u8], count: usize, r: &mut Responses) -> Duration {
    rt.block_on(async {
        let start = Instant::now();
        for _ in 0..count {
            let begin = r.bytes.len();
            {
                let stream = MemStream::new(request, &mut r.bytes);
                let mut server = soketto::handshake::Server::new(stream);
                let key = server.receive_request().await.expect("request").key();
                let accept = Response::Accept {
                    key,
                    protocol: None,
                };
                server.send_response(&accept).await.expect("response");
                let connection = server.into_builder().finish();
                black_box(&connection);
            }
            r.end(begin);
        }
        start.elapsed()
    })
}
