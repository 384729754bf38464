//! permessage-deflate end to end between our client and our server: the
//! offer, the answer and the check of the answer pick the parameters, then
//! any sequence of messages (whole, fragmented, uncompressed, with Pings
//! between fragments) under any agreed window and context takeover,
//! received through input cut anywhere and inflated into buffers of any
//! size, comes out as sent.
#![cfg(feature = "deflate")]

mod common;

use common::counter_keys;
use common::deflate::{compressible, negotiate};
use proptest::prelude::*;
use rfc6455::{
    Config, Connection, DeflateConfig, Event, Incoming, MaskKeySource, MessageKind, MessageReader,
    Opcode, ReceiveError,
};

/// One message as the application sends it.
#[derive(Debug, Clone)]
struct Outgoing {
    kind: MessageKind,
    payload: Vec<u8>,
    /// Fragment boundaries (empty: one frame).
    cuts: Vec<usize>,
    compressed: bool,
    ping_between: bool,
}

fn outgoing() -> impl Strategy<Value = Outgoing> {
    (
        any::<bool>(),
        prop_oneof![4 => 0usize..300, 3 => 300usize..20_000, 1 => 20_000usize..150_000],
        any::<u64>(),
        proptest::collection::vec(any::<usize>(), 0..3),
        prop_oneof![5 => Just(true), 1 => Just(false)],
        any::<bool>(),
    )
        .prop_map(|(text, len, seed, cuts, compressed, ping_between)| {
            let payload = compressible(text, len, seed);
            let mut cuts: Vec<usize> = cuts
                .into_iter()
                .filter(|_| !payload.is_empty())
                .map(|c| c % payload.len())
                .filter(|&c| c > 0)
                .collect();
            cuts.sort_unstable();
            cuts.dedup();
            Outgoing {
                kind: if text {
                    MessageKind::Text
                } else {
                    MessageKind::Binary
                },
                payload,
                cuts,
                compressed,
                ping_between,
            }
        })
}

/// Both ends' wishes.
fn deflate_config() -> impl Strategy<Value = DeflateConfig> {
    (0u8..=9, 8u8..=15, 8u8..=15, any::<bool>(), any::<bool>()).prop_map(
        |(level, max_window_bits, peer_max_window_bits, no_takeover, peer_no_takeover)| {
            let mut config = DeflateConfig::default();
            config.level = level;
            config.max_window_bits = max_window_bits;
            config.peer_max_window_bits = peer_max_window_bits;
            config.no_context_takeover = no_takeover;
            config.peer_no_context_takeover = peer_no_takeover;
            config
        },
    )
}

/// Encodes `messages` as `conn` sends them.
fn send_all<K: MaskKeySource>(conn: &mut Connection<K>, messages: &[Outgoing]) -> Vec<u8> {
    let mut wire = Vec::new();
    let mut out = vec![0u8; 64];
    for message in messages {
        let mut start = 0;
        let ends: Vec<usize> = message
            .cuts
            .iter()
            .copied()
            .chain([message.payload.len()])
            .collect();
        for (i, &end) in ends.iter().enumerate() {
            let opcode = match (i, message.kind) {
                (0, MessageKind::Text) => Opcode::Text,
                (0, _) => Opcode::Binary,
                _ => Opcode::Continuation,
            };
            let fin = i + 1 == ends.len();
            let piece = &message.payload[start..end];
            loop {
                let sent = if message.compressed {
                    conn.send_frame(opcode, fin, piece, &mut out)
                } else {
                    conn.send_uncompressed(opcode, fin, piece, &mut out)
                };
                match sent {
                    Ok(len) => {
                        wire.extend_from_slice(&out[..len]);
                        break;
                    }
                    // Too small: grow and try again, as a caller would.
                    Err(rfc6455::SendError::BufferTooSmall(e)) => out.resize(e.required, 0),
                    Err(e) => panic!("send: {e}"),
                }
            }
            if !fin && message.ping_between {
                let len = conn.send_ping(b"p", &mut out).expect("ping");
                wire.extend_from_slice(&out[..len]);
            }
            start = end;
        }
    }
    wire
}

/// Whole messages as received: kind and payload.
type Messages = Vec<(MessageKind, Vec<u8>)>;

/// Receives `wire` in pieces ending at `cuts`, inflating into `room`
/// bytes at a time; returns the whole messages and the Ping count.
fn receive_all<K: MaskKeySource>(
    conn: &mut Connection<K>,
    wire: &[u8],
    cuts: &[usize],
    room: usize,
) -> Result<(Messages, usize), ReceiveError> {
    let mut input = wire.to_vec();
    let mut inflated = vec![0u8; room];
    let mut messages = Vec::new();
    let mut current: Option<(MessageKind, Vec<u8>)> = None;
    let mut pings = 0;
    let mut start = 0;
    for end in cuts.iter().copied().chain([wire.len()]) {
        // Until a call uses nothing and gives nothing: with deflate, inflated
        // bytes may still wait for room after the input is used up.
        loop {
            let received = conn.receive_into(&mut input[start..end], &mut inflated)?;
            start += received.consumed;
            let idle = received.consumed == 0 && received.event.is_none();
            match received.event {
                Some(Event::Chunk(chunk)) => {
                    assert!(!chunk.inflated || chunk.payload.len() <= room);
                    if chunk.message_start {
                        assert!(current.is_none(), "a message started inside another");
                        current = Some((chunk.kind, Vec::new()));
                    }
                    let (kind, bytes) = current.as_mut().expect("chunk of a message");
                    assert_eq!(*kind, chunk.kind);
                    bytes.extend_from_slice(chunk.payload);
                    if chunk.message_end {
                        messages.push(current.take().expect("message"));
                    }
                }
                Some(Event::Ping(_)) => pings += 1,
                Some(other) => panic!("unexpected {other:?}"),
                None => {}
            }
            if idle {
                break;
            }
        }
        assert_eq!(start, end, "all input used");
    }
    Ok((messages, pings))
}

/// Reads `wire` through a `MessageReader`, `read` bytes per read.
fn read_all<K: MaskKeySource>(conn: &mut Connection<K>, wire: &[u8], read: usize) -> Messages {
    let mut reader = MessageReader::with_read_size(read);
    let mut messages = Vec::new();
    let mut pos = 0;
    while pos < wire.len() {
        let room = reader.read_buf();
        let n = read.min(room.len()).min(wire.len() - pos);
        room[..n].copy_from_slice(&wire[pos..pos + n]);
        reader.filled(n);
        pos += n;
        while let Some(incoming) = reader.next(conn).expect("valid input") {
            if let Incoming::Message(message) = incoming {
                messages.push((message.kind(), message.as_bytes().to_vec()));
            }
        }
    }
    messages
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::prop_cases(64)))]

    #[test]
    fn a_message_reader_inflates_whole_messages(
        client_config in deflate_config(),
        server_config in deflate_config(),
        messages in proptest::collection::vec(outgoing(), 1..5),
        read in 1usize..70_000,
    ) {
        let (client_side, server_side) = negotiate(&client_config, &server_config);
        let mut client = Connection::client(Config::default(), counter_keys(4));
        let mut server = Connection::server(Config::default());
        client.enable_deflate(&client_side).unwrap();
        server.enable_deflate(&server_side).unwrap();
        let want: Messages = messages.iter().map(|m| (m.kind, m.payload.clone())).collect();
        let wire = send_all(&mut client, &messages);
        prop_assert_eq!(read_all(&mut server, &wire, read), want);
    }

    #[test]
    fn messages_round_trip_in_both_directions(
        client_config in deflate_config(),
        server_config in deflate_config(),
        messages in proptest::collection::vec(outgoing(), 1..6),
        cuts in proptest::collection::vec(any::<usize>(), 0..20),
        room in prop_oneof![1usize..16, 16usize..5000, Just(65_536)],
    ) {
        let (client_side, server_side) = negotiate(&client_config, &server_config);

        let mut client = Connection::client(Config::default(), counter_keys(3));
        let mut server = Connection::server(Config::default());
        client.enable_deflate(&client_side).unwrap();
        server.enable_deflate(&server_side).unwrap();

        let want: Messages =
            messages.iter().map(|m| (m.kind, m.payload.clone())).collect();
        let pings = messages.iter().filter(|m| m.ping_between).map(|m| m.cuts.len()).sum::<usize>();

        let wire = send_all(&mut client, &messages);
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (wire.len() + 1)).collect();
        cuts.sort_unstable();
        let got = receive_all(&mut server, &wire, &cuts, room).expect("server receives");
        prop_assert_eq!(&got.0, &want);
        prop_assert_eq!(got.1, pings);

        let wire = send_all(&mut server, &messages);
        let got = receive_all(&mut client, &wire, &[], room).expect("client receives");
        prop_assert_eq!(&got.0, &want);
    }
}
