//! `embedded-websocket`, its framing codec (`WebSocket::read`/`write`) over
//! in-memory buffers, in the loop of its `Framer` helper, which cannot be
//! used as is with ≤64 KiB transport reads. Two limitations of 0.9.5 force
//! the application to hand `read` whole frames in some cases:
//!
//! - a frame header that straddles two reads fails with
//!   `ReadFrameIncomplete` (the `Framer` returns that error);
//! - a frame split across reads is resumed through a continuation state that
//!   is cleared only when the frame has FIN set and that clears the
//!   message's opcode when it is: a split non-final fragment, a split final
//!   fragment (`UnexpectedContinuationFrame`) or a split ping in the middle
//!   of a fragmented message (same error later) break the stream.
//!
//! So before each frame the loop below peeks at its header and, unless it is
//! a whole-message (FIN) text or binary frame, which `read` does resume
//! correctly, first gathers the whole frame in the read buffer (at most
//! 4 KiB here). `read` unmasks into a 16 MiB message buffer (its size
//! limit); text is validated by the application, as the `Framer` does, with
//! `core::str::from_utf8`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use embedded_websocket::{
    WebSocketClient, WebSocketReceiveMessageType as Recv, WebSocketSendMessageType as Send,
    WebSocketServer, WebSocketState,
};

use crate::record::{Delivery, Responses};
use crate::spec::{DecodeWorkload, EncodeWorkload, XorShift64};
use crate::transport::{read_into, MAX_READ};

/// The client's RNG, as `rand_core` wants it.
struct Rng(XorShift64);

impl rand_core::RngCore for Rng {
    fn next_u32(&mut self) -> u32 {
        self.0.next() as u32
    }
    fn next_u64(&mut self) -> u64 {
        self.0.next()
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let x = self.0.next().to_le_bytes();
            chunk.copy_from_slice(&x[..chunk.len()]);
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

/// The length of the frame at the start of `buf`, once its whole header is
/// there, and whether `read` needs all of it at once (see the module docs).
fn peek_frame(buf: &[u8]) -> Option<(usize, bool)> {
    let (&b0, &b1) = (buf.first()?, buf.get(1)?);
    let masked = if b1 & 0x80 != 0 { 4 } else { 0 };
    let (ext, payload) = match b1 & 0x7f {
        126 => (
            2,
            u64::from(u16::from_be_bytes(buf.get(2..4)?.try_into().ok()?)),
        ),
        127 => (8, u64::from_be_bytes(buf.get(2..10)?.try_into().ok()?)),
        n => (0, u64::from(n)),
    };
    let header = 2 + ext + masked;
    if buf.len() < header {
        return None; // `read` needs the whole header, key included
    }
    let whole_message = b0 & 0x80 != 0 && matches!(b0 & 0x0f, 1 | 2);
    Some((header + payload as usize, !whole_message))
}

/// Whole messages assembled by `read` in a 16 MiB buffer.
pub fn decode(w: &DecodeWorkload, d: &mut Delivery, sink: &mut Vec<u8>) -> Duration {
    let start = Instant::now();
    let mut ws = WebSocketServer::new_server();
    ws.state = WebSocketState::Open; // the handshake is done
    let mut read_buf = vec![0u8; MAX_READ];
    let mut frame_buf = vec![0u8; 16 << 20];
    let mut write_buf = [0u8; 256];
    let (mut pos, mut at, mut filled) = (0, 0, 0);
    let mut frame_left = 0; // bytes of the current frame not yet read
    let mut cursor = 0; // message bytes so far in frame_buf
    let expected = w.messages.len();
    while d.count() < expected {
        if frame_left == 0 {
            let ready = match peek_frame(&read_buf[at..filled]) {
                Some((len, whole)) if !whole || filled - at >= len => Some(len),
                Some((len, _)) if len > read_buf.len() => panic!("a {len}-byte control frame"),
                _ => None,
            };
            match ready {
                Some(len) => frame_left = len,
                None => {
                    // Keep the unread start of the frame, read more.
                    read_buf.copy_within(at..filled, 0);
                    filled -= at;
                    at = 0;
                    let n = read_into(&w.input, &mut pos, &mut read_buf[filled..]);
                    assert!(n > 0, "input ended early");
                    filled += n;
                    continue;
                }
            }
        } else if at == filled {
            filled = read_into(&w.input, &mut pos, &mut read_buf);
            at = 0;
            assert!(filled > 0, "input ended early");
        }
        let r = match ws.read(&read_buf[at..filled], &mut frame_buf[cursor..]) {
            Ok(r) => r,
            Err(e) => panic!("read: {e:?}"),
        };
        at += r.len_from;
        frame_left -= r.len_from;
        match r.message_type {
            Recv::Text | Recv::Binary => {
                cursor += r.len_to;
                if r.end_of_message {
                    let message = &frame_buf[..cursor];
                    let text = r.message_type == Recv::Text;
                    if text {
                        assert!(core::str::from_utf8(message).is_ok(), "invalid UTF-8");
                    }
                    d.message(text, message);
                    cursor = 0;
                }
            }
            Recv::Ping => {
                let payload = &frame_buf[cursor..cursor + r.len_to];
                let len = ws
                    .write(Send::Pong, true, payload, &mut write_buf)
                    .expect("pong");
                sink.extend_from_slice(&write_buf[..len]);
                d.pings += 1;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    start.elapsed()
}

/// E1: `write` into a 64 KiB output buffer, written to the transport when
/// the next frame would not fit, and at the end.
pub fn encode_text(w: &EncodeWorkload, sink: &mut Vec<u8>) -> Duration {
    let start = Instant::now();
    let mut ws = WebSocketServer::new_server();
    ws.state = WebSocketState::Open;
    let mut out = vec![0u8; MAX_READ];
    let mut at = 0;
    for message in w.messages() {
        if out.len() - at < message.len() + 14 {
            sink.extend_from_slice(&out[..at]);
            at = 0;
        }
        at += ws
            .write(Send::Text, true, message, &mut out[at..])
            .expect("write");
    }
    sink.extend_from_slice(&out[..at]);
    start.elapsed()
}

/// E2: the client's `write` (copy and mask in one pass) into an output
/// buffer of one frame, written to the transport after each frame.
pub fn encode_binary(w: &EncodeWorkload, sink: &mut Vec<u8>) -> Duration {
    let start = Instant::now();
    let mut ws = WebSocketClient::new_client(Rng(XorShift64::new(super::ours::clock_seed())));
    ws.state = WebSocketState::Open;
    let mut out = vec![0u8; w.message_len + 14];
    for message in w.messages() {
        let len = ws
            .write(Send::Binary, true, message, &mut out)
            .expect("write");
        sink.extend_from_slice(&out[..len]);
    }
    start.elapsed()
}

/// H1: read the request from the transport, parse it with `httparse`, pass
/// the headers to `read_http_header`, and `server_accept`.
pub fn handshake(request: &[u8], count: usize, r: &mut Responses) -> Duration {
    let start = Instant::now();
    for _ in 0..count {
        let mut buf = [0u8; 1024];
        let n = read_into(request, &mut 0, &mut buf);
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut parsed = httparse::Request::new(&mut headers);
        assert!(parsed.parse(&buf[..n]).expect("HTTP").is_complete());
        let context =
            embedded_websocket::read_http_header(parsed.headers.iter().map(|h| (h.name, h.value)))
                .expect("headers")
                .expect("a WebSocket request");
        let mut ws = WebSocketServer::new_server();
        let mut out = [0u8; 512];
        let len = ws
            .server_accept(&context.sec_websocket_key, None, &mut out)
            .expect("server_accept");
        let begin = r.bytes.len();
        r.bytes.extend_from_slice(&out[..len]);
        r.end(begin);
        black_box(&ws);
    }
    start.elapsed()
}
