//! permessage-deflate against an independent implementation: zlib's (in
//! Rust, `zlib-rs`, through `flate2`). Messages our connection compresses
//! (any level, window and context takeover, whole or fragmented, from
//! either end) come back identical from zlib's raw inflater, fed the
//! message's bytes plus the `00 00 ff ff` tail (RFC 7692 §7.2.2) and
//! keeping its window across messages only when the sender keeps its
//! context; and messages zlib compresses (raw deflate, sync flush, tail
//! removed, or ended with a final block, §7.2.3.4) come back identical from
//! our connection.
#![cfg(feature = "deflate")]

mod common;

use common::deflate::compressible;
use common::{counter_keys, frame};
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use proptest::prelude::*;
use rfc6455::handshake::parse_extensions;
use rfc6455::{
    Config, Connection, DeflateAgreement, DeflateConfig, Event, MaskKeySource, MessageKind, Opcode,
    Role,
};

const TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// One message: its kind, payload, fragment boundaries, and (for zlib's
/// side) whether it ends the DEFLATE stream with a final block.
#[derive(Debug, Clone)]
struct Message {
    kind: MessageKind,
    payload: Vec<u8>,
    cuts: Vec<usize>,
    final_block: bool,
}

fn message() -> impl Strategy<Value = Message> {
    (
        any::<bool>(),
        prop_oneof![4 => 0usize..300, 3 => 300usize..20_000, 1 => 20_000usize..100_000],
        any::<u64>(),
        proptest::collection::vec(any::<usize>(), 0..3),
        prop_oneof![4 => Just(false), 1 => Just(true)],
    )
        .prop_map(|(text, len, seed, cuts, final_block)| {
            let payload = compressible(text, len, seed);
            let mut cuts: Vec<usize> = cuts
                .into_iter()
                .filter(|_| !payload.is_empty())
                .map(|c| c % payload.len())
                .filter(|&c| c > 0)
                .collect();
            cuts.sort_unstable();
            cuts.dedup();
            let kind = if text {
                MessageKind::Text
            } else {
                MessageKind::Binary
            };
            Message {
                kind,
                payload,
                cuts,
                final_block,
            }
        })
}

/// The sender's wishes: level, window, context takeover.
fn sender_config() -> impl Strategy<Value = DeflateConfig> {
    (0u8..=9, 8u8..=15, any::<bool>()).prop_map(|(level, window, no_takeover)| {
        let mut config = DeflateConfig::default();
        config.level = level;
        config.max_window_bits = window;
        config.no_context_takeover = no_takeover;
        config
    })
}

/// The handshake between a client and a server with these configs.
fn negotiate(
    client: &DeflateConfig,
    server: &DeflateConfig,
) -> (DeflateAgreement, DeflateAgreement) {
    let offer = client.offer();
    let offers = parse_extensions(offer.as_str().as_bytes()).filter_map(Result::ok);
    let server_side = server.accept_offer(offers).expect("offer accepted");
    let response = server_side.response();
    let answer = parse_extensions(response.as_str().as_bytes())
        .next()
        .unwrap()
        .unwrap();
    (
        client.accept_response(&answer).expect("answer"),
        server_side,
    )
}

/// Evaluates `$body` with `$conn` a fresh connection of the agreement's
/// role, with deflate agreed as `$agreement` says.
macro_rules! with_connection {
    ($agreement:expr, |$conn:ident| $body:expr) => {{
        let agreement: &DeflateAgreement = $agreement;
        match agreement.role() {
            Role::Client => {
                let mut $conn = Connection::client(Config::default(), counter_keys(7));
                $conn.enable_deflate(agreement).unwrap();
                $body
            }
            Role::Server => {
                let mut $conn = Connection::server(Config::default());
                $conn.enable_deflate(agreement).unwrap();
                $body
            }
        }
    }};
}

/// Each message's compressed payload (its frames' payloads joined), as
/// `conn` sends `messages`: whole with `send_text`/`send_binary`, or in
/// fragments with `send_frame`.
fn send_all<K: MaskKeySource>(conn: &mut Connection<K>, messages: &[Message]) -> Vec<Vec<u8>> {
    let mut out = vec![0u8; 256 << 10];
    let mut sent = Vec::new();
    for message in messages {
        let mut compressed = Vec::new();
        if message.cuts.is_empty() {
            let len = match message.kind {
                MessageKind::Text => {
                    conn.send_text(std::str::from_utf8(&message.payload).unwrap(), &mut out)
                }
                MessageKind::Binary => conn.send_binary(&message.payload, &mut out),
            }
            .expect("send");
            compressed.extend(frame_payload(&out[..len], true));
        } else {
            let ends = message.cuts.iter().copied().chain([message.payload.len()]);
            let mut start = 0;
            for (i, end) in ends.enumerate() {
                let opcode = match (i, message.kind) {
                    (0, MessageKind::Text) => Opcode::Text,
                    (0, _) => Opcode::Binary,
                    _ => Opcode::Continuation,
                };
                let fin = end == message.payload.len();
                let len = conn
                    .send_frame(opcode, fin, &message.payload[start..end], &mut out)
                    .expect("send");
                compressed.extend(frame_payload(&out[..len], i == 0));
                start = end;
            }
        }
        sent.push(compressed);
    }
    sent
}

/// The payload of one encoded frame, unmasked; checks RSV1 is set on a
/// message's first frame only.
fn frame_payload(frame: &[u8], first: bool) -> Vec<u8> {
    assert_eq!(frame[0] & 0x40 != 0, first, "RSV1 on the first frame only");
    let (len, mut at) = match frame[1] & 0x7f {
        126 => (u16::from_be_bytes([frame[2], frame[3]]) as usize, 4),
        127 => (
            u64::from_be_bytes(frame[2..10].try_into().unwrap()) as usize,
            10,
        ),
        len => (len as usize, 2),
    };
    let mask = (frame[1] & 0x80 != 0).then(|| {
        at += 4;
        [frame[at - 4], frame[at - 3], frame[at - 2], frame[at - 1]]
    });
    assert_eq!(frame.len(), at + len);
    let body = &frame[at..];
    match mask {
        Some(key) => body
            .iter()
            .enumerate()
            .map(|(i, b)| b ^ key[i % 4])
            .collect(),
        None => body.to_vec(),
    }
}

/// zlib's raw inflater: one message with its tail put back. (The windows
/// the sender keeps to are checked by the unit tests' ring inflater: zlib
/// does not refuse a distance beyond the window it was given.)
fn zlib_inflate(d: &mut Decompress, compressed: &[u8]) -> Vec<u8> {
    let mut input = compressed.to_vec();
    input.extend_from_slice(&TAIL);
    let mut buf = vec![0u8; 1 << 15];
    let (mut used, mut out) = (0, Vec::new());
    loop {
        let (before_in, before_out) = (d.total_in(), d.total_out());
        let status = d
            .decompress(&input[used..], &mut buf, FlushDecompress::Sync)
            .expect("zlib inflates our output");
        used += (d.total_in() - before_in) as usize;
        let wrote = (d.total_out() - before_out) as usize;
        out.extend_from_slice(&buf[..wrote]);
        if status == Status::StreamEnd || (used == input.len() && wrote < buf.len()) {
            break;
        }
    }
    assert_eq!(used, input.len(), "zlib used the whole message and tail");
    out
}

/// zlib's raw compressor: one message, sync-flushed with its tail removed,
/// or finished with a final block and a byte of padding.
fn zlib_compress(c: &mut Compress, payload: &[u8], final_block: bool) -> Vec<u8> {
    let flush = if final_block {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    let start = c.total_in();
    let mut out = Vec::new();
    loop {
        out.reserve(payload.len() / 2 + 64);
        let used = (c.total_in() - start) as usize;
        let status = c.compress_vec(&payload[used..], &mut out, flush).unwrap();
        let done = (c.total_in() - start) as usize == payload.len();
        if status == Status::StreamEnd || (!final_block && done && out.len() < out.capacity()) {
            break;
        }
    }
    if final_block {
        // §7.2.1 appends an empty stored block and removes 4 bytes of it.
        out.push(0x00);
    } else {
        assert!(out.ends_with(&TAIL), "a sync flush ends with the tail");
        out.truncate(out.len() - 4);
    }
    out
}

/// The messages `wire` carries, received by `conn` through input cut at
/// `cuts`, inflated into `room` bytes at a time.
fn receive_all<K: MaskKeySource>(
    conn: &mut Connection<K>,
    wire: &[u8],
    cuts: &[usize],
    room: usize,
) -> Vec<(MessageKind, Vec<u8>)> {
    let mut input = wire.to_vec();
    let mut inflated = vec![0u8; room];
    let (mut messages, mut current, mut start) = (Vec::new(), Vec::new(), 0);
    for end in cuts.iter().copied().chain([wire.len()]) {
        loop {
            let received = conn
                .receive_into(&mut input[start..end], &mut inflated)
                .expect("our connection inflates zlib's output");
            start += received.consumed;
            let idle = received.consumed == 0 && received.event.is_none();
            if let Some(Event::Chunk(chunk)) = received.event {
                current.extend_from_slice(chunk.payload);
                if chunk.message_end {
                    messages.push((chunk.kind, std::mem::take(&mut current)));
                }
            }
            if idle {
                break;
            }
        }
    }
    assert_eq!(start, wire.len(), "all input used");
    messages
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::prop_cases(32)))]

    #[test]
    fn zlib_inflates_what_our_connection_compresses(
        config in sender_config(),
        from_client in any::<bool>(),
        messages in proptest::collection::vec(message(), 1..6),
    ) {
        let other = DeflateConfig::default();
        let (client_side, server_side) = if from_client {
            negotiate(&config, &other)
        } else {
            negotiate(&other, &config)
        };
        let agreement = if from_client { client_side } else { server_side };
        let fresh = || Decompress::new(false);
        let mut zlib = fresh();
        for (message, compressed) in messages.iter().zip(with_connection!(&agreement, |sender| send_all(&mut sender, &messages))) {
            if agreement.compress_no_context_takeover() {
                // The window must not be needed: zlib starts afresh.
                zlib = fresh();
            }
            prop_assert_eq!(&zlib_inflate(&mut zlib, &compressed), &message.payload);
        }
    }

    #[test]
    fn our_connection_inflates_what_zlib_compresses(
        level in 0u32..=9,
        window in 9u8..=15,
        peer_no_takeover in any::<bool>(),
        to_client in any::<bool>(),
        messages in proptest::collection::vec(message(), 1..6),
        cuts in proptest::collection::vec(any::<usize>(), 0..20),
        room in prop_oneof![1usize..16, 16usize..5000, Just(65_536)],
    ) {
        // Our end asks zlib's to reset its context, or not.
        let mut ours = DeflateConfig::default();
        ours.peer_no_context_takeover = peer_no_takeover;
        let (client_side, server_side) = if to_client {
            negotiate(&ours, &DeflateConfig::default())
        } else {
            negotiate(&DeflateConfig::default(), &ours)
        };
        let agreement = if to_client { client_side } else { server_side };
        prop_assert_eq!(agreement.peer_no_context_takeover(), peer_no_takeover);
        let fresh = || Compress::new_with_window_bits(Compression::new(level), false, window);
        let mut zlib = fresh();
        let mut wire = Vec::new();
        // A server's frames from zlib's client are masked.
        let mask = (!to_client).then_some([0x12, 0x34, 0x56, 0x78]);
        for message in &messages {
            let compressed = zlib_compress(&mut zlib, &message.payload, message.final_block);
            if peer_no_takeover || message.final_block {
                zlib = fresh();
            }
            let mut cuts: Vec<usize> = message
                .cuts
                .iter()
                .map(|&c| c * compressed.len() / message.payload.len())
                .collect();
            cuts.dedup();
            let ends: Vec<usize> = cuts.into_iter().chain([compressed.len()]).collect();
            let mut start = 0;
            for (i, &end) in ends.iter().enumerate() {
                let opcode = match (i, message.kind) {
                    (0, MessageKind::Text) => 0x1,
                    (0, _) => 0x2,
                    _ => 0x0,
                };
                let mut bytes = frame(i + 1 == ends.len(), opcode, mask, &compressed[start..end]);
                if i == 0 {
                    bytes[0] |= 0x40; // RSV1: compressed
                }
                wire.extend_from_slice(&bytes);
                start = end;
            }
        }
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (wire.len() + 1)).collect();
        cuts.sort_unstable();
        let want: Vec<(MessageKind, Vec<u8>)> =
            messages.iter().map(|m| (m.kind, m.payload.clone())).collect();
        let got = with_connection!(&agreement, |receiver| receive_all(&mut receiver, &wire, &cuts, room));
        prop_assert_eq!(got, want);
    }
}
