//! `MessageReader` against the plain receive loop: any message sequence,
//! read in pieces of any size, comes out as the same messages and control
//! frames, and the buffers stay within `max_message_size` plus a read
//! (here the largest message's length plus the read size), after every
//! read.
#![cfg(feature = "alloc")]

mod common;

use common::reader::read_through;
use common::wire::{encode, wire_message};
use common::{counter_keys, prop_cases, Seen};
use proptest::prelude::*;
use rfc6455::{
    Config, Connection, Incoming, MaskKeySource, Message, MessageReader, ProtocolError,
    ReceiveError, Role,
};

/// Reads `wire` through a reader, `reads` giving each read's length (cycled),
/// as a socket would fill `read_buf`, checking after each read that the
/// reader's capacity is at most `bound`. Returns what came out.
fn read_all<K: MaskKeySource>(
    conn: &mut Connection<K>,
    reader: &mut MessageReader,
    wire: &[u8],
    reads: &[usize],
    bound: usize,
) -> Result<Vec<Seen>, ReceiveError> {
    let mut seen = Vec::new();
    read_through(conn, reader, wire, reads, bound, |incoming| {
        seen.push(match incoming {
            Incoming::Message(message) => {
                let bytes = message.as_bytes().to_vec();
                if let Message::Text(text) = message {
                    assert_eq!(text.as_bytes(), &bytes[..]);
                }
                Seen::Message(message.kind(), bytes, 0)
            }
            Incoming::Ping(payload) => Seen::Ping(payload.as_bytes().to_vec()),
            Incoming::Pong(payload) => Seen::Pong(payload.as_bytes().to_vec()),
            Incoming::Close(frame) => {
                Seen::Close(frame.code().map(|code| code.0), frame.reason().to_owned())
            }
            other => panic!("unexpected {other:?}"),
        })
    })?;
    Ok(seen)
}

/// The expected events without frame counts, which the reader does not give.
fn without_frame_counts(seen: Vec<Seen>) -> Vec<Seen> {
    seen.into_iter()
        .map(|event| match event {
            Seen::Message(kind, bytes, _) => Seen::Message(kind, bytes, 0),
            other => other,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(prop_cases(256)))]

    #[test]
    fn same_messages_as_the_receive_loop(
        messages in proptest::collection::vec(wire_message(), 1..6),
        client_sends in any::<bool>(),
        reads in proptest::collection::vec(1usize..100_000, 1..8),
        read_size in 1usize..70_000,
    ) {
        let sender = if client_sends { Role::Client } else { Role::Server };
        let (wire, want) = encode(&messages, sender);
        let mut reader = MessageReader::with_read_size(read_size);
        // The tightest limit the messages pass: the bound is then the
        // largest message plus the read size (reads longer than the read
        // size use room the buffer already had).
        let largest = messages.iter().map(|m| m.payload.len()).max().unwrap_or(0);
        let mut config = Config::default();
        config.max_message_size = largest as u64;
        let bound = largest + read_size;
        let got = if client_sends {
            read_all(&mut Connection::server(config), &mut reader, &wire, &reads, bound)
        } else {
            read_all(&mut Connection::client(config, counter_keys(1)), &mut reader, &wire, &reads, bound)
        };
        prop_assert_eq!(got, Ok(without_frame_counts(want)));
    }
}

#[test]
fn a_protocol_error_stops_the_reader_with_the_connections_error() {
    let mut conn = Connection::server(Config::default());
    let mut reader = MessageReader::new();
    // An unmasked frame from a client.
    reader.push(&[0x81, 0x01, b'a']);
    let error = ReceiveError::Protocol(ProtocolError::UnmaskedFrame);
    assert_eq!(reader.next(&mut conn), Err(error));
    assert_eq!(reader.next(&mut conn), Err(error));
}

#[test]
fn shrink_gives_back_memory_after_a_large_message() {
    let mut conn = Connection::server(Config::default());
    let mut reader = MessageReader::with_read_size(1024);
    let payload = vec![7u8; 1 << 20];
    reader.push(&common::client_frame(true, 2, &payload));
    match reader.next(&mut conn) {
        Ok(Some(Incoming::Message(message))) => assert_eq!(message.as_bytes(), &payload[..]),
        other => panic!("{other:?}"),
    }
    assert!(reader.capacity() >= 1 << 20);
    reader.shrink();
    assert!(reader.capacity() <= 1024, "{}", reader.capacity());
}
