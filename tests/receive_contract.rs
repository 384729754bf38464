//! The receive contract with permessage-deflate on:
//! - inflated bytes can outgrow the `inflated` buffer and wait inside after
//!   the input is used up; `has_pending_events` says so, and the documented
//!   loop (`while pos < n || conn.has_pending_events()`) hands out every
//!   message whatever the room and however the input is cut;
//! - receiving without room to inflate into is the caller's mistake: a
//!   `UsageError` that consumes nothing, queues nothing and changes
//!   nothing, never a Close to the peer.
#![cfg(feature = "deflate")]

mod common;

use common::counter_keys;
use common::deflate::{compressible, negotiate};
use proptest::prelude::*;
use rfc6455::{
    Config, Connection, ConnectionState, DeflateConfig, Event, MaskKeySource, MessageKind,
    ReceiveError, UsageError,
};

/// A client and a server with the default permessage-deflate agreement.
fn pair() -> (Connection<impl MaskKeySource>, Connection) {
    let (client_side, server_side) =
        negotiate(&DeflateConfig::default(), &DeflateConfig::default());
    let mut client = Connection::client(Config::default(), counter_keys(9));
    let mut server = Connection::server(Config::default());
    client.enable_deflate(&client_side).unwrap();
    server.enable_deflate(&server_side).unwrap();
    (client, server)
}

/// Text that compresses well: about `len` bytes of words.
fn words(len: usize, seed: u64) -> String {
    String::from_utf8(compressible(true, len, seed)).unwrap()
}

/// What the client's sends put on the wire, as one message each.
fn wire_of(client: &mut Connection<impl MaskKeySource>, messages: &[String]) -> Vec<u8> {
    let mut wire = Vec::new();
    for message in messages {
        client.send_text_to_vec(message, &mut wire).unwrap();
    }
    wire
}

/// Receives `wire`, read in pieces ending at `cuts`, with the documented
/// loop and `room` bytes to inflate into; returns the text messages.
/// Checks after each read that nothing waits inside.
fn documented_loop(
    server: &mut Connection,
    wire: &[u8],
    cuts: &[usize],
    room: usize,
) -> Vec<String> {
    let mut input = wire.to_vec();
    let mut inflated = vec![0u8; room];
    let mut messages = Vec::new();
    let mut current = Vec::new();
    let mut start = 0;
    for end in cuts.iter().copied().chain([wire.len()]) {
        let (mut pos, n) = (start, end);
        while pos < n || server.has_pending_events() {
            let received = server
                .receive_into(&mut input[pos..n], &mut inflated)
                .expect("valid input");
            pos += received.consumed;
            if let Some(Event::Chunk(chunk)) = received.event {
                assert_eq!(chunk.kind, MessageKind::Text);
                assert!(chunk.payload.len() <= room);
                current.extend_from_slice(chunk.payload);
                if chunk.message_end {
                    messages.push(String::from_utf8(std::mem::take(&mut current)).unwrap());
                }
            }
        }
        assert!(!server.has_pending_events());
        start = end;
    }
    messages
}

#[test]
fn inflated_bytes_wait_inside_after_the_input_is_used_up() {
    let (mut client, mut server) = pair();
    let message = words(100_000, 1);
    let mut wire = wire_of(&mut client, std::slice::from_ref(&message));
    assert!(wire.len() < 20_000, "compressible: {} bytes", wire.len());

    // Every input byte is consumed long before the message is out.
    let mut inflated = [0u8; 4096];
    let mut got = Vec::new();
    let mut pos = 0;
    while pos < wire.len() {
        let received = server
            .receive_into(&mut wire[pos..], &mut inflated)
            .unwrap();
        pos += received.consumed;
        if let Some(Event::Chunk(chunk)) = received.event {
            got.extend_from_slice(chunk.payload);
        }
    }
    assert!(got.len() < message.len(), "all out already: {}", got.len());
    assert!(server.has_pending_events(), "the rest waits inside");

    // The rest comes out with no input, a buffer's worth per call.
    let mut calls = 0;
    let mut ended = false;
    while server.has_pending_events() {
        calls += 1;
        let received = server.receive_into(&mut [], &mut inflated).unwrap();
        assert_eq!(received.consumed, 0);
        if let Some(Event::Chunk(chunk)) = received.event {
            got.extend_from_slice(chunk.payload);
            ended = chunk.message_end;
        }
    }
    assert!(ended, "the message ended");
    assert_eq!(got, message.as_bytes());
    assert!(calls <= message.len() / inflated.len() + 2, "{calls} calls");
}

#[test]
fn receiving_without_room_is_a_usage_error_that_changes_nothing() {
    let (mut client, mut server) = pair();
    let message = words(5000, 2);
    let mut wire = wire_of(&mut client, std::slice::from_ref(&message));
    let mut ping = [0x89, 0x80, 1, 2, 3, 4];
    let before = format!("{server:?}");
    for input in [&mut wire[..], &mut ping[..], &mut []] {
        assert_eq!(
            server.receive(input).err(),
            Some(ReceiveError::Usage(UsageError::NoInflateBuffer))
        );
        assert_eq!(
            server.receive_into(input, &mut []).err(),
            Some(ReceiveError::Usage(UsageError::NoInflateBuffer))
        );
    }
    assert_eq!(format!("{server:?}"), before, "the connection changed");
    assert!(!server.wants_transmit(), "something reached the peer");
    assert_eq!(server.state(), ConnectionState::Open);
    assert_eq!(server.error(), None);
    // With room, the same input reads as if the mistake never happened.
    assert_eq!(documented_loop(&mut server, &wire, &[], 1000), [message]);
}

#[test]
fn nothing_is_pending_once_the_connection_failed() {
    let (client_side, server_side) =
        negotiate(&DeflateConfig::default(), &DeflateConfig::default());
    let mut client = Connection::client(Config::default(), counter_keys(9));
    client.enable_deflate(&client_side).unwrap();
    let mut wire = wire_of(&mut client, &[words(100_000, 3)]);
    // The frame is within the limit; the message, once inflated, is not:
    // the connection fails while inflated bytes wait inside.
    let mut config = Config::default();
    config.max_message_size = wire.len() as u64 + 100;
    let mut server = Connection::server(config);
    server.enable_deflate(&server_side).unwrap();
    let mut inflated = [0u8; 64];
    let mut pos = 0;
    let error = loop {
        match server.receive_into(&mut wire[pos..], &mut inflated) {
            Ok(received) => pos += received.consumed,
            Err(error) => break error,
        }
    };
    assert_eq!(
        error,
        ReceiveError::Protocol(rfc6455::ProtocolError::MessageTooLarge)
    );
    // The documented loop ends: the failure is sticky and nothing waits.
    assert!(!server.has_pending_events());
    assert_eq!(
        server.receive_into(&mut [], &mut inflated).err(),
        Some(error)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::prop_cases(64)))]

    #[test]
    fn the_documented_loop_hands_out_every_message(
        sizes in proptest::collection::vec(0usize..40_000, 1..5),
        seed in any::<u64>(),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
        room in prop_oneof![1usize..64, 64usize..8192],
    ) {
        let (mut client, mut server) = pair();
        let messages: Vec<String> =
            sizes.iter().enumerate().map(|(i, &len)| words(len, seed ^ i as u64)).collect();
        let wire = wire_of(&mut client, &messages);
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (wire.len() + 1)).collect();
        cuts.sort_unstable();
        prop_assert_eq!(documented_loop(&mut server, &wire, &cuts, room), messages);
    }
}
