//! `rfc6455`, driven as its docs say: bytes from the transport into a
//! buffer, `receive` until consumed, `poll_transmit` after every call, and
//! frames written into an output buffer that is then written to the
//! transport.

use std::hint::black_box;
use std::time::{Duration, Instant};

use rfc6455::{
    Config, Connection, Event, HandshakeAccept, Incoming, Message, MessageChunk, MessageReader,
    Opcode, ServerHandshake, Status, EMPTY_HTTP_HEADER,
};

use crate::record::{ChunkTally, Delivery, Responses};
use crate::spec::{DecodeWorkload, EncodeWorkload, XorShift64};
use crate::transport::{read_into, MAX_READ};

/// Limits of at least 16 MiB (the defaults: 16 MiB frames, 64 MiB messages).
fn config() -> Config {
    let mut config = Config::default();
    config.max_frame_payload = 64 << 20;
    config.max_message_size = 64 << 20;
    config
}

/// Whole messages through `MessageReader`: the transport reads straight
/// into the reader's buffer, where each message is unmasked in place.
pub fn decode(w: &DecodeWorkload, d: &mut Delivery, sink: &mut Vec<u8>) -> Duration {
    let start = Instant::now();
    let mut conn = Connection::server(config());
    let mut reader = MessageReader::new();
    let mut tx = [0u8; 262];
    let mut pos = 0;
    let expected = w.messages.len();
    while d.count() < expected {
        let n = read_into(&w.input, &mut pos, reader.read_buf());
        assert!(n > 0, "input ended early");
        reader.filled(n);
        while let Some(incoming) = reader.next(&mut conn).expect("protocol error") {
            match incoming {
                Incoming::Message(message) => {
                    d.message(matches!(message, Message::Text(_)), message.as_bytes())
                }
                Incoming::Ping(_) => {
                    d.pings += 1;
                    let len = conn.poll_transmit(&mut tx).expect("262 bytes suffice");
                    sink.extend_from_slice(&tx[..len]);
                }
                other => panic!("unexpected event {other:?}"),
            }
        }
    }
    start.elapsed()
}

/// Chunks as they arrive, never holding a whole message (informational:
/// the streaming mode, which §4's "each whole" does not describe).
pub fn decode_streaming(w: &DecodeWorkload, d: &mut Delivery, sink: &mut Vec<u8>) -> Duration {
    let mut tally = ChunkTally::default();
    drive(w, d, sink, |d, chunk| {
        let text = chunk.kind == rfc6455::MessageKind::Text;
        tally.chunk(d, text, chunk.payload, chunk.message_end);
    })
}

/// The plain run loop: transport reads into one buffer, `receive` until
/// consumed, `poll_transmit` after every call; each message chunk goes to
/// `on_chunk`. Returns the time from constructing the connection to the
/// last expected message.
fn drive(
    w: &DecodeWorkload,
    d: &mut Delivery,
    sink: &mut Vec<u8>,
    mut on_chunk: impl FnMut(&mut Delivery, MessageChunk<'_>),
) -> Duration {
    let start = Instant::now();
    let mut conn = Connection::server(config());
    let mut buf = vec![0u8; MAX_READ];
    let mut tx = [0u8; 262];
    let mut pos = 0;
    let expected = w.messages.len();
    while d.count() < expected {
        let n = read_into(&w.input, &mut pos, &mut buf);
        assert!(n > 0, "input ended early");
        let mut at = 0;
        while at < n {
            let received = conn.receive(&mut buf[at..n]).expect("protocol error");
            at += received.consumed;
            match received.event {
                Some(Event::Chunk(chunk)) => on_chunk(d, chunk),
                Some(Event::Ping(_)) => d.pings += 1,
                Some(other) => panic!("unexpected event {other:?}"),
                None => {}
            }
            let len = conn.poll_transmit(&mut tx).expect("262 bytes suffice");
            sink.extend_from_slice(&tx[..len]);
        }
    }
    start.elapsed()
}

/// E1: `send_text` into a 64 KiB output buffer, written to the transport
/// whenever the next frame would not fit, and at the end.
pub fn encode_text(messages: &[&str], sink: &mut Vec<u8>) -> Duration {
    let start = Instant::now();
    let mut conn = Connection::server(config());
    let mut out = vec![0u8; MAX_READ];
    let mut at = 0;
    for text in messages {
        if out.len() - at < text.len() + 14 {
            sink.extend_from_slice(&out[..at]);
            at = 0;
        }
        at += conn.send_text(text, &mut out[at..]).expect("send_text");
    }
    sink.extend_from_slice(&out[..at]);
    start.elapsed()
}

/// The client's masking keys: the caller's RNG (here a xorshift seeded
/// from the clock).
pub(crate) fn keys() -> impl FnMut() -> [u8; 4] {
    let mut rng = XorShift64::new(clock_seed());
    move || rng.mask_key()
}

/// A non-zero seed from the wall clock.
pub(crate) fn clock_seed() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    (now.as_nanos() as u64) | 1
}

/// E2: `send_binary` (copy and mask in one pass) into an output buffer of
/// one frame, written to the transport after each frame.
pub fn encode_binary(w: &EncodeWorkload, sink: &mut Vec<u8>) -> Duration {
    let start = Instant::now();
    let mut conn = Connection::client(config(), keys());
    let mut out = vec![0u8; w.message_len + 14];
    for message in w.messages() {
        let len = conn.send_binary(message, &mut out).expect("send_binary");
        sink.extend_from_slice(&out[..len]);
    }
    start.elapsed()
}

/// E2 the zero-copy way: `start_frame` writes the header, `frame_payload`
/// masks the caller's (fresh, owned) payload in place, and both are
/// written to the transport.
pub fn encode_binary_in_place(fresh: &mut [Vec<u8>], sink: &mut Vec<u8>) -> Duration {
    let start = Instant::now();
    let mut conn = Connection::client(config(), keys());
    let mut header = [0u8; 14];
    for payload in fresh.iter_mut() {
        let len = conn
            .start_frame(Opcode::Binary, true, payload.len() as u64, &mut header)
            .expect("start_frame");
        conn.frame_payload(&mut payload[..]).expect("frame_payload");
        sink.extend_from_slice(&header[..len]);
        sink.extend_from_slice(payload);
    }
    start.elapsed()
}

/// H1: read the request from the transport, parse it, write the 101 and
/// create the connection.
pub fn handshake(request: &[u8], count: usize, r: &mut Responses) -> Duration {
    let start = Instant::now();
    let accept = HandshakeAccept::new();
    for _ in 0..count {
        let mut buf = [0u8; 1024];
        let n = read_into(request, &mut 0, &mut buf);
        let server = ServerHandshake::new();
        let mut headers = [EMPTY_HTTP_HEADER; 32];
        let request = match server.receive_request(&buf[..n], &mut headers) {
            Ok(Status::Complete(request)) => request,
            other => panic!("handshake: {other:?}"),
        };
        let mut out = [0u8; 512];
        let len = request.accept(&accept, &mut out).expect("accept");
        let begin = r.bytes.len();
        r.bytes.extend_from_slice(&out[..len]);
        r.end(begin);
        black_box(Connection::server(config()));
    }
    start.elapsed()
}
