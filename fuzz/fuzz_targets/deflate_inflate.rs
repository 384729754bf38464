//! Arbitrary bytes as the compressed payload of messages sent to a server
//! that agreed to permessage-deflate, with a small message limit: the first
//! input byte picks the inflate buffer size and how the payload is cut into
//! frames. Checks: no panic; every inflated chunk fits the buffer; a
//! message never delivers more than the limit (a bomb fails with 1009 after
//! at most the limit); UTF-8 of inflated text is checked; after an error
//! nothing more comes out.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rfc6455::handshake::parse_extensions;
use rfc6455::{Config, Connection, DeflateConfig, Event, ProtocolError};

/// The message size limit: small, so that bombs reach it quickly.
const LIMIT: u64 = 64 * 1024;

/// A masked client frame (zero key) with `rsv1` as given.
fn frame(out: &mut Vec<u8>, fin: bool, opcode: u8, rsv1: bool, payload: &[u8]) {
    out.push(u8::from(fin) << 7 | u8::from(rsv1) << 6 | opcode);
    match payload.len() {
        n @ 0..=125 => out.push(0x80 | n as u8),
        n @ 126..=0xFFFF => {
            out.push(0x80 | 126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(0x80 | 127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(payload);
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, payload)) = data.split_first() else {
        return;
    };
    let offer = "permessage-deflate; client_max_window_bits";
    let agreement = DeflateConfig::default()
        .accept_offer(parse_extensions(offer.as_bytes()).filter_map(Result::ok))
        .expect("a valid offer");
    let mut config = Config::default();
    config.max_message_size = LIMIT;
    let mut server = Connection::server(config);
    server.enable_deflate(&agreement).expect("server agreement");

    // One text or binary message, in one to four frames.
    let text = flags & 0x80 != 0;
    let frames = usize::from(flags >> 5 & 0x3) + 1;
    let room = [1, 7, 100, 4096][usize::from(flags & 0x3)];
    let mut wire = Vec::new();
    let piece = payload.len().div_ceil(frames).max(1);
    let pieces: Vec<&[u8]> = if payload.is_empty() {
        vec![&[][..]]
    } else {
        payload.chunks(piece).collect()
    };
    for (i, chunk) in pieces.iter().enumerate() {
        let opcode = match (i, text) {
            (0, true) => 1,
            (0, false) => 2,
            _ => 0,
        };
        frame(&mut wire, i + 1 == pieces.len(), opcode, i == 0, chunk);
    }

    let mut inflated = vec![0u8; room];
    let mut start = 0;
    let mut delivered = 0u64;
    let mut failed: Option<ProtocolError> = None;
    let mut calls = 0usize;
    loop {
        calls += 1;
        assert!(calls < 10_000_000, "no progress");
        match server.receive_into(&mut wire[start..], &mut inflated) {
            Ok(received) => {
                assert!(failed.is_none(), "output after an error");
                start += received.consumed;
                let idle = received.consumed == 0 && received.event.is_none();
                if let Some(Event::Chunk(chunk)) = received.event {
                    assert!(chunk.inflated);
                    assert!(chunk.payload.len() <= room);
                    delivered += chunk.payload.len() as u64;
                    assert!(delivered <= LIMIT, "more than the limit came out");
                }
                if idle {
                    break;
                }
            }
            Err(error) => {
                let error = error
                    .protocol()
                    .expect("room was given: only the peer can fail");
                if let Some(first) = failed {
                    assert_eq!(first, error, "the error is sticky");
                    break;
                }
                failed = Some(error);
            }
        }
    }
    if failed.is_none() {
        assert_eq!(start, wire.len(), "all input used");
    }
});
