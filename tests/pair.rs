//! A client and a server machine driven against each other in memory:
//! every message kind and size class, fragmented or not, with pings
//! interleaved, and the close handshake in both directions.

mod common;

use common::{counter_keys, feed, Seen};
use rfc6455::{
    CloseCode, Config, Connection, ConnectionState, Eof, MaskKeySource, MessageKind, Opcode,
};

const SIZES: [usize; 6] = [0, 125, 126, 65535, 65536, 1 << 20];

/// Text of exactly `len` bytes with 1- to 4-byte characters.
fn text_of(len: usize) -> Vec<u8> {
    let mut s = String::new();
    let pieces = ["a", "é", "€", "𝄞", " ", "ß"];
    let mut i = 0;
    while s.len() < len {
        let piece = pieces[i % pieces.len()];
        i += 1;
        if s.len() + piece.len() <= len {
            s.push_str(piece);
        } else {
            s.push('.');
        }
    }
    s.into_bytes()
}

fn binary_of(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 + i / 251) as u8).collect()
}

/// Sends `payload` from `sender` as `fragments` frames with a ping after
/// each non-final one, and returns the bytes on the wire.
fn send_message<K: MaskKeySource>(
    sender: &mut Connection<K>,
    kind: MessageKind,
    payload: &[u8],
    fragments: usize,
) -> Vec<u8> {
    let mut wire = Vec::new();
    let mut out = vec![0u8; payload.len() + 64];
    let step = payload.len().div_ceil(fragments).max(1);
    let pieces: Vec<&[u8]> = if payload.is_empty() {
        vec![&[][..]; fragments]
    } else {
        payload.chunks(step).collect()
    };
    for (i, piece) in pieces.iter().enumerate() {
        let opcode = match (i, kind) {
            (0, MessageKind::Text) => Opcode::Text,
            (0, MessageKind::Binary) => Opcode::Binary,
            _ => Opcode::Continuation,
        };
        let fin = i + 1 == pieces.len();
        let n = sender.send_frame(opcode, fin, piece, &mut out).unwrap();
        wire.extend_from_slice(&out[..n]);
        if !fin {
            let n = sender
                .send_ping(&(i as u32).to_be_bytes(), &mut out)
                .unwrap();
            wire.extend_from_slice(&out[..n]);
        }
    }
    wire
}

fn expected(kind: MessageKind, payload: &[u8], fragments: usize) -> Vec<Seen> {
    let frames = if payload.is_empty() {
        fragments
    } else {
        payload.chunks(payload.len().div_ceil(fragments)).count()
    };
    let mut seen: Vec<Seen> = (0..frames - 1)
        .map(|i| Seen::Ping((i as u32).to_be_bytes().to_vec()))
        .collect();
    seen.push(Seen::Message(kind, payload.to_vec(), frames));
    seen
}

fn check_direction<A: MaskKeySource, B: MaskKeySource>(
    from: &mut Connection<A>,
    to: &mut Connection<B>,
) {
    for size in SIZES {
        for kind in [MessageKind::Text, MessageKind::Binary] {
            let payload = if kind == MessageKind::Text {
                text_of(size)
            } else {
                binary_of(size)
            };
            for fragments in [1, 3] {
                let wire = send_message(from, kind, &payload, fragments);
                let got = feed(to, &wire, &[wire.len() / 3, wire.len() / 2]);
                assert_eq!(got.error, None, "size {size} {kind:?} x{fragments}");
                assert!(
                    got.events == expected(kind, &payload, fragments),
                    "size {size} {kind:?} x{fragments}"
                );
                // Every ping was answered with a pong carrying its payload.
                let pongs = feed(from, &got.transmit, &[]);
                let want: Vec<Seen> = got
                    .events
                    .iter()
                    .filter_map(|e| match e {
                        Seen::Ping(p) => Some(Seen::Pong(p.clone())),
                        _ => None,
                    })
                    .collect();
                assert_eq!(pongs.events, want);
            }
        }
    }
}

#[test]
fn every_size_and_kind_goes_both_ways() {
    let mut client = Connection::client(Config::default(), counter_keys(1));
    let mut server = Connection::server(Config::default());
    check_direction(&mut client, &mut server);
    check_direction(&mut server, &mut client);
    assert_eq!(client.state(), ConnectionState::Open);
    assert_eq!(server.state(), ConnectionState::Open);
}

fn close_from<A: MaskKeySource, B: MaskKeySource>(
    closer: &mut Connection<A>,
    other: &mut Connection<B>,
) {
    let mut out = [0u8; 256];
    let n = closer
        .send_close(Some(CloseCode::GOING_AWAY), "bye", &mut out)
        .unwrap();
    assert_eq!(closer.state(), ConnectionState::CloseSent);
    // Data from the peer is still delivered while our Close is in flight.
    let m = other.send_text("late", &mut out[n..]).unwrap();
    let late = out[n..n + m].to_vec();
    let got = feed(other, &out[..n], &[]);
    assert_eq!(got.events, [Seen::Close(Some(1001), "bye".into())]);
    assert_eq!(other.state(), ConnectionState::Closed);
    let mut wire = late;
    wire.extend_from_slice(&got.transmit);
    let back = feed(closer, &wire, &[]);
    assert_eq!(
        back.events,
        [
            Seen::Message(MessageKind::Text, b"late".to_vec(), 1),
            Seen::Close(Some(1001), String::new())
        ]
    );
    assert_eq!(closer.state(), ConnectionState::Closed);
}

#[test]
fn client_initiated_close() {
    let mut client = Connection::client(Config::default(), counter_keys(2));
    let mut server = Connection::server(Config::default());
    close_from(&mut client, &mut server);
    // §7.1.1: the server closes the TCP connection first; the client waits.
    assert!(server.should_close_transport());
    assert!(!client.should_close_transport());
    assert_eq!(client.receive_eof(), Eof::Clean);
    assert!(client.should_close_transport());
}

#[test]
fn server_initiated_close() {
    let mut client = Connection::client(Config::default(), counter_keys(3));
    let mut server = Connection::server(Config::default());
    close_from(&mut server, &mut client);
    assert!(server.should_close_transport());
    assert!(!client.should_close_transport());
    assert_eq!(server.receive_eof(), Eof::Clean);
}

#[test]
fn eof_without_close_is_abnormal() {
    let mut server = Connection::server(Config::default());
    let eof = server.receive_eof();
    assert_eq!(eof, Eof::Abnormal);
    assert_eq!(eof.close_code(), Some(CloseCode::ABNORMAL));
    assert_eq!(server.state(), ConnectionState::Closed);
    assert!(server.should_close_transport());
}

#[test]
fn a_large_frame_streams_through_a_small_buffer() {
    // 1 MiB through 4 KiB reads: chunks come out as bytes arrive.
    let mut client = Connection::client(Config::default(), counter_keys(4));
    let mut server = Connection::server(Config::default());
    let payload = binary_of(1 << 20);
    let mut wire = vec![0u8; payload.len() + 14];
    let n = client.send_binary(&payload, &mut wire).unwrap();
    let mut received = Vec::new();
    let mut chunks = 0;
    for piece in wire[..n].chunks_mut(4096) {
        let mut pos = 0;
        while pos < piece.len() {
            let r = server.receive(&mut piece[pos..]).unwrap();
            pos += r.consumed;
            if let Some(rfc6455::Event::Chunk(chunk)) = r.event {
                assert!(chunk.payload.len() <= 4096);
                received.extend_from_slice(chunk.payload);
                chunks += 1;
            }
        }
    }
    assert_eq!(received, payload);
    assert!(chunks >= 256);
}
