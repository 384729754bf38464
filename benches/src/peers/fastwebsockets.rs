//! `fastwebsockets`, async on a current-thread tokio runtime:
//! `FragmentCollector::read_frame` for whole messages (it validates text
//! and writes pongs itself), `write_frame` then `flush` to send, and the
//! handshake through its `upgrade` module on a hyper HTTP/1 connection,
//! the only server handshake it has.

use std::cell::RefCell;
use std::convert::Infallible;
use std::hint::black_box;
use std::rc::Rc;
use std::time::{Duration, Instant};

use fastwebsockets::{FragmentCollector, Frame, OpCode, Payload, Role, WebSocket};
use http_body_util::Empty;
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::runtime::Runtime;

use crate::record::{Delivery, Responses};
use crate::spec::{DecodeWorkload, EncodeWorkload};
use crate::transport::{MemStream, OwnedStream};

/// Whole messages from `FragmentCollector`; pings are answered inside and
/// not surfaced.
pub fn decode(rt: &Runtime, w: &DecodeWorkload, d: &mut Delivery, sink: &mut Vec<u8>) -> Duration {
    rt.block_on(async {
        let start = Instant::now();
        let stream = MemStream::new(&w.input, sink);
        let mut ws = WebSocket::after_handshake(stream, Role::Server);
        ws.set_max_message_size(64 << 20);
        ws.set_auto_pong(true);
        let mut ws = FragmentCollector::new(ws);
        let expected = w.messages.len();
        while d.count() < expected {
            let frame = ws.read_frame().await.expect("read_frame");
            match frame.opcode {
                OpCode::Text => d.message(true, &frame.payload),
                OpCode::Binary => d.message(false, &frame.payload),
                other => panic!("unexpected opcode {other:?}"),
            }
        }
        let mut ws = ws.into_inner();
        tokio::io::AsyncWriteExt::flush(&mut ws)
            .await
            .expect("flush");
        start.elapsed()
    })
}

/// E1: `write_frame(Frame::text(Payload::Borrowed))` per message, then `flush`.
pub fn encode_text(rt: &Runtime, w: &EncodeWorkload, sink: &mut Vec<u8>) -> Duration {
    rt.block_on(async {
        let start = Instant::now();
        let stream = MemStream::new(&[], sink);
        let mut ws = WebSocket::after_handshake(stream, Role::Server);
        for message in w.messages() {
            ws.write_frame(Frame::text(Payload::Borrowed(message)))
                .await
                .expect("write_frame");
        }
        ws.flush().await.expect("flush");
        start.elapsed()
    })
}

/// E2: the client masks in place, so each message is a fresh owned copy
/// (made outside the timed region) passed as `Payload::BorrowedMut`.
pub fn encode_binary(rt: &Runtime, fresh: &mut [Vec<u8>], sink: &mut Vec<u8>) -> Duration {
    rt.block_on(async {
        let start = Instant::now();
        let stream = MemStream::new(&[], sink);
        let mut ws = WebSocket::after_handshake(stream, Role::Client);
        for message in fresh.iter_mut() {
            ws.write_frame(Frame::binary(Payload::BorrowedMut(message)))
                .await
                .expect("write_frame");
        }
        ws.flush().await.expect("flush");
        start.elapsed()
    })
}

/// H1: hyper's HTTP/1 server on a fresh stream, a service that calls
/// `fastwebsockets::upgrade::upgrade`, then the upgrade future resolved to
/// a `WebSocket`. hyper needs `'static` I/O, so the stream owns its
/// output, recovered from the upgraded connection and appended to the sink.
pub fn handshake(rt: &Runtime, request: &[u8], count: usize, r: &mut Responses) -> Duration {
    let request = bytes::Bytes::copy_from_slice(request);
    rt.block_on(async {
        let start = Instant::now();
        for _ in 0..count {
            let io = TokioIo::new(OwnedStream::new(request.clone()));
            let pending = Rc::new(RefCell::new(None));
            let slot = pending.clone();
            let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
                let (response, upgrade) =
                    fastwebsockets::upgrade::upgrade(&mut req).expect("upgrade");
                *slot.borrow_mut() = Some(upgrade);
                async move { Ok::<Response<Empty<bytes::Bytes>>, Infallible>(response) }
            });
            hyper::server::conn::http1::Builder::new()
                .serve_connection(io, service)
                .with_upgrades()
                .await
                .expect("http1 connection");
            let upgrade = pending.borrow_mut().take().expect("an upgrade");
            let ws = upgrade.await.expect("upgraded");
            black_box(&ws);
            let upgraded = ws.into_inner().into_inner();
            let parts = upgraded
                .downcast::<TokioIo<OwnedStream>>()
                .expect("our stream");
            let begin = r.bytes.len();
            r.bytes.extend_from_slice(&parts.io.inner().out);
            r.end(begin);
        }
        start.elapsed()
    })
}
