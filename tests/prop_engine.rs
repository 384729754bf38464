//! Property tests for the engine: any valid frame sequence decodes the same
//! whatever the split; any sequence of application actions round-trips
//! between a client and a server, close handshake included; arbitrary bytes
//! never panic and give events or one sticky error, with nothing emitted
//! after the end.

mod common;

use common::wire::{encode, fragments, wire_message, WireMessage};
use common::{counter_keys, every_byte, feed, prop_cases, Outcome, Seen};
use proptest::prelude::*;
use rfc6455::{
    CloseCode, Config, Connection, ConnectionState, MaskKeySource, MessageKind, Opcode, Role,
};

/// Decodes `bytes` cut at `cuts` with a fresh connection in `role`.
fn decode(role: Role, bytes: &[u8], cuts: &[usize]) -> (Outcome, ConnectionState) {
    match role {
        Role::Server => {
            let mut conn = Connection::server(Config::default());
            (feed(&mut conn, bytes, cuts), conn.state())
        }
        Role::Client => {
            let mut conn = Connection::client(Config::default(), counter_keys(5));
            (feed(&mut conn, bytes, cuts), conn.state())
        }
    }
}

fn role() -> impl Strategy<Value = Role> {
    prop_oneof![Just(Role::Client), Just(Role::Server)]
}

fn sorted_cuts(len: usize, raw: Vec<usize>) -> Vec<usize> {
    let mut cuts: Vec<usize> = raw
        .into_iter()
        .map(|c| if len == 0 { 0 } else { c % len })
        .collect();
    cuts.sort_unstable();
    cuts
}

/// An application action for the round trip.
#[derive(Debug, Clone)]
enum Action {
    Text(String),
    Binary(Vec<u8>),
    /// A text or binary message sent as fragments cut at these points.
    Fragmented(MessageKind, Vec<u8>, Vec<usize>),
    Ping(Vec<u8>),
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        any::<String>().prop_map(Action::Text),
        proptest::collection::vec(any::<u8>(), 0..2000).prop_map(Action::Binary),
        (
            any::<String>(),
            proptest::collection::vec(any::<usize>(), 0..4)
        )
            .prop_map(|(s, cuts)| {
                let len = s.len();
                Action::Fragmented(MessageKind::Text, s.into_bytes(), sorted_cuts(len, cuts))
            }),
        (
            proptest::collection::vec(any::<u8>(), 0..3000),
            proptest::collection::vec(any::<usize>(), 0..4)
        )
            .prop_map(|(b, cuts)| {
                let len = b.len();
                Action::Fragmented(MessageKind::Binary, b, sorted_cuts(len, cuts))
            }),
        proptest::collection::vec(any::<u8>(), 0..=125).prop_map(Action::Ping),
    ]
}

fn close_code() -> impl Strategy<Value = u16> {
    prop_oneof![1000u16..=1003, 1007u16..=1014, 3000u16..=4999]
}

/// Sends `actions` then a Close from `sender`; returns the wire bytes and
/// what the receiver must see.
fn perform<K: MaskKeySource>(
    sender: &mut Connection<K>,
    actions: &[Action],
    code: u16,
    reason: &str,
) -> (Vec<u8>, Vec<Seen>) {
    let mut wire = Vec::new();
    let mut seen = Vec::new();
    let mut out = vec![0u8; 4096];
    for action in actions {
        match action {
            Action::Text(text) => {
                let n = sender.send_text(text, &mut out).unwrap();
                wire.extend_from_slice(&out[..n]);
                seen.push(Seen::Message(
                    MessageKind::Text,
                    text.as_bytes().to_vec(),
                    1,
                ));
            }
            Action::Binary(data) => {
                let n = sender.send_binary(data, &mut out).unwrap();
                wire.extend_from_slice(&out[..n]);
                seen.push(Seen::Message(MessageKind::Binary, data.clone(), 1));
            }
            Action::Fragmented(kind, payload, cuts) => {
                let message = WireMessage {
                    kind: *kind,
                    payload: payload.clone(),
                    cuts: cuts.clone(),
                    pings: false,
                };
                let pieces = fragments(&message);
                for (i, piece) in pieces.iter().enumerate() {
                    let opcode = match (i, kind) {
                        (0, MessageKind::Text) => Opcode::Text,
                        (0, _) => Opcode::Binary,
                        _ => Opcode::Continuation,
                    };
                    let n = sender
                        .send_frame(opcode, i + 1 == pieces.len(), piece, &mut out)
                        .unwrap();
                    wire.extend_from_slice(&out[..n]);
                }
                seen.push(Seen::Message(*kind, payload.clone(), pieces.len()));
            }
            Action::Ping(payload) => {
                let n = sender.send_ping(payload, &mut out).unwrap();
                wire.extend_from_slice(&out[..n]);
                seen.push(Seen::Ping(payload.clone()));
            }
        }
    }
    let n = sender
        .send_close(Some(CloseCode(code)), reason, &mut out)
        .unwrap();
    wire.extend_from_slice(&out[..n]);
    seen.push(Seen::Close(Some(code), reason.to_string()));
    (wire, seen)
}

fn round_trip<A: MaskKeySource, B: MaskKeySource>(
    from: &mut Connection<A>,
    to: &mut Connection<B>,
    actions: &[Action],
    code: u16,
    reason: &str,
    cuts: Vec<usize>,
) -> Result<(), TestCaseError> {
    let (wire, want) = perform(from, actions, code, reason);
    prop_assert_eq!(from.state(), ConnectionState::CloseSent);
    let got = feed(to, &wire, &sorted_cuts(wire.len(), cuts));
    prop_assert_eq!(got.error, None);
    prop_assert!(got.events == want, "receiver saw something else");
    prop_assert_eq!(to.state(), ConnectionState::Closed);
    // The replies: a Pong per Ping, in order, then the echoed Close.
    let back = feed(from, &got.transmit, &[]);
    let mut replies: Vec<Seen> = want
        .iter()
        .filter_map(|e| match e {
            Seen::Ping(p) => Some(Seen::Pong(p.clone())),
            _ => None,
        })
        .collect();
    replies.push(Seen::Close(Some(code), String::new()));
    prop_assert_eq!(back.events, replies);
    prop_assert_eq!(from.state(), ConnectionState::Closed);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(prop_cases(256)))]

    /// 1. Split invariance: whole, cut anywhere, and one byte at a time.
    #[test]
    fn split_invariance(messages in proptest::collection::vec(wire_message(), 1..6), sender in role(), cuts in proptest::collection::vec(any::<usize>(), 0..30)) {
        let receiver_role = if sender == Role::Client { Role::Server } else { Role::Client };
        let (wire, want) = encode(&messages, sender);
        let run = |cuts: &[usize]| decode(receiver_role, &wire, cuts);
        let whole = run(&[]);
        prop_assert_eq!(whole.0.error, None);
        prop_assert!(whole.0.events == want, "whole input decoded to something else");
        let cut = run(&sorted_cuts(wire.len(), cuts));
        prop_assert!(cut == whole, "a split changed the outcome");
        // One byte at a time is slow in debug builds: keep it to inputs under 64 KiB.
        if wire.len() < 64 * 1024 {
            prop_assert!(run(&every_byte(wire.len())) == whole, "byte-at-a-time changed the outcome");
        }
    }

    /// 2. Round trip both ways, with the close handshake completing.
    #[test]
    fn round_trip_client_to_server(actions in proptest::collection::vec(action(), 0..12), code in close_code(), reason in "[a-zA-Zé€ ]{0,30}", cuts in proptest::collection::vec(any::<usize>(), 0..12)) {
        let mut client = Connection::client(Config::default(), counter_keys(3));
        let mut server = Connection::server(Config::default());
        round_trip(&mut client, &mut server, &actions, code, &reason, cuts)?;
        prop_assert!(server.should_close_transport());
    }

    #[test]
    fn round_trip_server_to_client(actions in proptest::collection::vec(action(), 0..12), code in close_code(), reason in "[a-zA-Zé€ ]{0,30}", cuts in proptest::collection::vec(any::<usize>(), 0..12)) {
        let mut client = Connection::client(Config::default(), counter_keys(4));
        let mut server = Connection::server(Config::default());
        round_trip(&mut server, &mut client, &actions, code, &reason, cuts)?;
        prop_assert!(server.should_close_transport());
        prop_assert!(!client.should_close_transport());
    }

    /// 6. Robustness: arbitrary bytes give events or one sticky error, and
    /// nothing is emitted once the machine has failed or closed.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096), client in any::<bool>(), cuts in proptest::collection::vec(any::<usize>(), 0..8)) {
        let cuts = sorted_cuts(bytes.len(), cuts);
        if client {
            robust(Connection::client(Config::default(), counter_keys(8)), &bytes, &cuts)?;
        } else {
            robust(Connection::server(Config::default()), &bytes, &cuts)?;
        }
    }
}

fn robust<K: MaskKeySource>(
    mut conn: Connection<K>,
    bytes: &[u8],
    cuts: &[usize],
) -> Result<(), TestCaseError> {
    let outcome = feed(&mut conn, bytes, cuts);
    // A Close event is the last event.
    if let Some(i) = outcome
        .events
        .iter()
        .position(|e| matches!(e, Seen::Close(..)))
    {
        prop_assert_eq!(i + 1, outcome.events.len());
    }
    let mut more = b"\x81\x85\x01\x02\x03\x04hello\x89\x80\x01\x02\x03\x04".to_vec();
    match outcome.error {
        Some(error) => {
            prop_assert_eq!(conn.state(), ConnectionState::Failed);
            prop_assert_eq!(conn.receive(&mut more), Err(error.into()));
            let mut out = [0u8; 512];
            prop_assert_eq!(conn.poll_transmit(&mut out), Ok(0));
            prop_assert!(conn.should_close_transport());
        }
        None if matches!(
            conn.state(),
            ConnectionState::Closed | ConnectionState::CloseReceived
        ) =>
        {
            let len = more.len();
            let received = conn.receive(&mut more).unwrap();
            prop_assert_eq!((received.consumed, received.event), (len, None));
            let mut out = [0u8; 512];
            prop_assert_eq!(conn.poll_transmit(&mut out), Ok(0));
        }
        None => {}
    }
    Ok(())
}
