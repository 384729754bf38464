//! `MessageReader`'s memory, whatever the peer sends: its read buffer stays
//! within `max_message_size + read_size` and its inflate buffer within
//! `max_message_size + read_size` too (the bound in `MessageReader`'s
//! documentation), measured after every read. The floods are Pings and
//! empty continuation frames inside an open fragmented message, a header
//! announcing 16 MiB with no payload behind it, and a deflate bomb.
#![cfg(feature = "alloc")]

mod common;

use common::reader::read_through;
use common::{client_frame, prop_cases};
use proptest::prelude::*;
use rfc6455::{Config, Connection, Incoming, Message, MessageReader};

/// The documented bound on the read buffer.
fn read_bound(limit: u64, read_size: usize) -> usize {
    usize::try_from(limit).unwrap() + read_size
}

/// A Ping's payload: `len` bytes that depend on its index.
fn ping_payload(index: usize, len: usize) -> Vec<u8> {
    (0..len).map(|j| (index * 7 + j) as u8).collect()
}

/// One thing a peer sends between two fragments of a message.
#[derive(Debug, Clone, Copy)]
enum Filler {
    /// A Ping with this many payload bytes (at most 125).
    Ping(usize),
    /// An empty non-final continuation frame.
    Empty,
}

/// A binary message cut into `fragments`, with `flood` (repeated
/// `repeat` times) between every two of them. Returns the wire bytes,
/// the message, and the Pings' payload lengths in order.
fn flooded_message(
    fragments: &[Vec<u8>],
    flood: &[Filler],
    repeat: usize,
) -> (Vec<u8>, Vec<u8>, Vec<usize>) {
    let mut wire = Vec::new();
    let mut pings = Vec::new();
    for (i, fragment) in fragments.iter().enumerate() {
        let last = i + 1 == fragments.len();
        let opcode = if i == 0 { 2 } else { 0 };
        wire.extend(client_frame(last, opcode, fragment));
        if last {
            break;
        }
        for _ in 0..repeat {
            for filler in flood {
                match *filler {
                    Filler::Ping(len) => {
                        wire.extend(client_frame(true, 9, &ping_payload(pings.len(), len)));
                        pings.push(len);
                    }
                    Filler::Empty => wire.extend(client_frame(false, 0, &[])),
                }
            }
        }
    }
    (wire, fragments.concat(), pings)
}

/// Reads a flooded message with the connection's `max_message_size` set to
/// the message's length (the tightest limit it passes): every Ping and the
/// message come out right, and the capacity stays within the bound.
/// Returns the peak capacity.
fn read_flooded(
    fragments: &[Vec<u8>],
    flood: &[Filler],
    repeat: usize,
    reads: &[usize],
    read_size: usize,
) -> usize {
    let (wire, message, pings) = flooded_message(fragments, flood, repeat);
    let mut config = Config::default();
    config.max_message_size = message.len() as u64;
    let mut conn = Connection::server(config);
    let mut reader = MessageReader::with_read_size(read_size);
    let bound = read_bound(config.max_message_size, read_size);
    let (mut next_ping, mut messages) = (0, 0);
    let peak = read_through(
        &mut conn,
        &mut reader,
        &wire,
        reads,
        bound,
        |incoming| match incoming {
            Incoming::Ping(payload) => {
                let want = ping_payload(next_ping, pings[next_ping]);
                assert_eq!(payload.as_bytes(), &want[..], "ping {next_ping}");
                next_ping += 1;
            }
            Incoming::Message(Message::Binary(bytes)) => {
                assert_eq!(bytes, &message[..]);
                messages += 1;
            }
            other => panic!("unexpected {other:?}"),
        },
    )
    .expect("a valid stream");
    assert_eq!((next_ping, messages), (pings.len(), 1));
    peak
}

/// The flood's size in MB: `READER_FLOOD_MB`, default 20.
fn flood_mb() -> usize {
    std::env::var("READER_FLOOD_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
}

#[test]
fn megabytes_of_pings_inside_a_one_byte_message_stay_within_the_bound() {
    // Pings of 125 bytes (131 on the wire) and an empty continuation.
    let flood = [Filler::Ping(125), Filler::Empty, Filler::Ping(3)];
    let per_round = 131 + 6 + 9;
    let repeat = flood_mb() * 1_000_000 / per_round;
    let reads = [65_536, 1, 7, 131, 4096, 100_000, 13, 65_535];
    let peak = read_flooded(&[vec![0x5a], vec![]], &flood, repeat, &reads, 64 * 1024);
    println!("peak capacity {peak}");
}

#[test]
fn a_header_announcing_16_mib_grows_nothing_before_its_payload() {
    let read_size = rfc6455::DEFAULT_READ_SIZE;
    let mut conn = Connection::server(Config::default());
    let mut reader = MessageReader::new();
    // A small message first, so the buffer is in use.
    reader.push(&client_frame(true, 2, b"warm"));
    assert!(matches!(
        reader.next(&mut conn),
        Ok(Some(Incoming::Message(_)))
    ));
    assert_eq!(reader.next(&mut conn), Ok(None));

    // A masked binary header announcing 16 MiB, and 10 bytes of it.
    let len: u64 = 16 << 20;
    let mut wire = vec![0x82, 0x80 | 127];
    wire.extend_from_slice(&len.to_be_bytes());
    wire.extend_from_slice(&[0; 4]);
    wire.extend_from_slice(&[1; 10]);
    let room = reader.read_buf();
    room[..wire.len()].copy_from_slice(&wire);
    let before = reader.capacity();
    assert!(before <= 2 * read_size, "{before}");
    reader.filled(wire.len());
    assert_eq!(reader.next(&mut conn), Ok(None));
    assert_eq!(reader.pending(), &[1; 10]);
    assert_eq!(reader.capacity(), before, "grew on the announced length");

    // Then 1 MiB of it, a read at a time: growth follows the bytes.
    let mut arrived = 10;
    while arrived < 1 << 20 {
        let room = reader.read_buf();
        let n = room.len().min(read_size);
        room[..n].fill(1);
        reader.filled(n);
        arrived += n;
        assert_eq!(reader.next(&mut conn), Ok(None));
        assert_eq!(reader.pending().len(), arrived);
        assert!(
            reader.capacity() <= 2 * (arrived + read_size),
            "capacity {} for {arrived} bytes",
            reader.capacity()
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(prop_cases(64)))]

    #[test]
    fn floods_between_fragments_stay_within_the_bound(
        fragments in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 2..5),
        first in 1usize..3000,
        flood in proptest::collection::vec(
            prop_oneof![3 => (0usize..=125).prop_map(Filler::Ping), 1 => Just(Filler::Empty)],
            1..8,
        ),
        repeat in 1usize..400,
        reads in proptest::collection::vec(1usize..20_000, 1..6),
        read_size in 1usize..9000,
    ) {
        let mut fragments = fragments;
        // The first fragment is never empty, and sometimes long.
        fragments[0].resize(first, 0x42);
        read_flooded(&fragments, &flood, repeat, &reads, read_size);
    }
}

#[cfg(feature = "deflate")]
mod bomb {
    use super::*;
    use common::deflate::one_mib_of_zeros;
    use rfc6455::handshake::parse_extensions;
    use rfc6455::DeflateConfig;
    use std::sync::OnceLock;

    /// A client's compressed binary frame (zero mask key) inflating to
    /// 64 MiB of zeros.
    fn bomb() -> &'static [u8] {
        static WIRE: OnceLock<Vec<u8>> = OnceLock::new();
        WIRE.get_or_init(|| {
            let block = one_mib_of_zeros();
            let mut payload = block.repeat(64);
            payload.truncate(payload.len() - 4);
            let mut wire = vec![0xc2, 0x80 | 127];
            wire.extend_from_slice(&(payload.len() as u64).to_be_bytes());
            wire.extend_from_slice(&[0; 4]);
            wire.extend_from_slice(&payload);
            wire
        })
    }

    /// A server with permessage-deflate and the given message limit.
    fn deflating_server(limit: u64) -> Connection {
        let offer = "permessage-deflate; client_max_window_bits";
        let agreement = DeflateConfig::default()
            .accept_offer(parse_extensions(offer.as_bytes()).filter_map(Result::ok))
            .unwrap();
        let mut config = Config::default();
        config.max_message_size = limit;
        let mut server = Connection::server(config);
        server.enable_deflate(&agreement).unwrap();
        server
    }

    /// Reads the bomb: it fails with `MessageTooLarge`, the read buffer
    /// (no message lives in it) stays at one read, and the inflate buffer
    /// within `limit + read_size`.
    fn read_bomb(limit: u64, read_size: usize, reads: &[usize]) {
        let mut server = deflating_server(limit);
        let mut reader = MessageReader::with_read_size(read_size);
        let bound = read_size + read_bound(limit, read_size);
        let result = read_through(&mut server, &mut reader, bomb(), reads, bound, |incoming| {
            panic!("unexpected {incoming:?}")
        });
        assert_eq!(
            result,
            Err(rfc6455::ReceiveError::Protocol(
                rfc6455::ProtocolError::MessageTooLarge
            ))
        );
    }

    #[test]
    fn a_bomb_through_the_reader_stays_within_the_limit_and_a_read() {
        read_bomb(4 << 20, rfc6455::DEFAULT_READ_SIZE, &[65_536]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(prop_cases(24)))]

        #[test]
        fn bombs_stay_within_the_bound(
            limit in 1u64..(1 << 20),
            reads in proptest::collection::vec(1usize..20_000, 1..4),
            read_size in 1usize..70_000,
        ) {
            read_bomb(limit, read_size, &reads);
        }
    }
}
