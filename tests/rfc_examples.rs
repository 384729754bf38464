//! The RFC 6455 §5.7 examples, byte for byte, in both directions.

mod common;

use common::{every_byte, feed, Seen};
use rfc6455::{Config, Connection, MessageKind, Opcode};

const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];
const HELLO_UNMASKED: [u8; 7] = [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
const HELLO_MASKED: [u8; 11] = [
    0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
];
const FRAGMENTS: [u8; 9] = [0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f];
const PING_UNMASKED: [u8; 7] = [0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];
const PONG_MASKED: [u8; 11] = [
    0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
];

fn client() -> Connection<impl FnMut() -> [u8; 4]> {
    Connection::client(Config::default(), || KEY)
}

fn text(s: &str, frames: usize) -> Seen {
    Seen::Message(MessageKind::Text, s.as_bytes().to_vec(), frames)
}

#[test]
fn unmasked_hello_is_what_a_server_sends_and_a_client_reads() {
    let mut out = [0u8; 16];
    let n = Connection::server(Config::default())
        .send_text("Hello", &mut out)
        .unwrap();
    assert_eq!(&out[..n], HELLO_UNMASKED);
    for cuts in [vec![], every_byte(7)] {
        let got = feed(&mut client(), &HELLO_UNMASKED, &cuts);
        assert_eq!(got.events, [text("Hello", 1)]);
        assert_eq!(got.error, None);
    }
}

#[test]
fn masked_hello_is_what_a_client_sends_and_a_server_reads() {
    let mut out = [0u8; 16];
    let n = client().send_text("Hello", &mut out).unwrap();
    assert_eq!(&out[..n], HELLO_MASKED);
    for cuts in [vec![], every_byte(11)] {
        let got = feed(
            &mut Connection::server(Config::default()),
            &HELLO_MASKED,
            &cuts,
        );
        assert_eq!(got.events, [text("Hello", 1)]);
    }
}

#[test]
fn fragmented_hello() {
    let mut server = Connection::server(Config::default());
    let mut out = [0u8; 16];
    let n = server
        .send_frame(Opcode::Text, false, b"Hel", &mut out)
        .unwrap();
    let m = server
        .send_frame(Opcode::Continuation, true, b"lo", &mut out[n..])
        .unwrap();
    assert_eq!(&out[..n + m], FRAGMENTS);
    for cuts in [vec![], vec![5], every_byte(9)] {
        let got = feed(&mut client(), &FRAGMENTS, &cuts);
        assert_eq!(got.events, [text("Hello", 2)]);
    }
}

#[test]
fn ping_is_answered_by_the_masked_pong() {
    let mut out = [0u8; 16];
    let n = Connection::server(Config::default())
        .send_ping(b"Hello", &mut out)
        .unwrap();
    assert_eq!(&out[..n], PING_UNMASKED);
    // A client that receives the ping answers with the RFC's masked pong.
    let got = feed(&mut client(), &PING_UNMASKED, &[]);
    assert_eq!(got.events, [Seen::Ping(b"Hello".to_vec())]);
    assert_eq!(got.transmit, PONG_MASKED);
    let got = feed(
        &mut Connection::server(Config::default()),
        &PONG_MASKED,
        &[],
    );
    assert_eq!(got.events, [Seen::Pong(b"Hello".to_vec())]);
}

#[test]
fn binary_256_bytes_uses_the_16_bit_length() {
    let payload: Vec<u8> = (0..=255u8).collect();
    let mut out = vec![0u8; 300];
    let n = Connection::server(Config::default())
        .send_binary(&payload, &mut out)
        .unwrap();
    assert_eq!(out[..4], [0x82, 0x7E, 0x01, 0x00]);
    assert_eq!(&out[4..n], &payload[..]);
    let got = feed(&mut client(), &out[..n], &[3, 100]);
    assert_eq!(got.events, [Seen::Message(MessageKind::Binary, payload, 1)]);
}

#[test]
fn binary_64_kib_uses_the_64_bit_length() {
    let payload: Vec<u8> = (0..65536u32).map(|i| (i * 7) as u8).collect();
    let mut out = vec![0u8; 65536 + 10];
    let n = Connection::server(Config::default())
        .send_binary(&payload, &mut out)
        .unwrap();
    assert_eq!(
        out[..10],
        [0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00]
    );
    assert_eq!(&out[10..n], &payload[..]);
    let got = feed(&mut client(), &out[..n], &[1, 9, 10, 4096]);
    assert_eq!(got.events, [Seen::Message(MessageKind::Binary, payload, 1)]);
}
