//! A client and a server wired to each other in memory, driven by a random
//! sequence of API calls, with raw bytes injected now and then; in about
//! half the runs with permessage-deflate on both ends, at a random level,
//! windows and context takeover, agreed as a handshake would
//! (`DeflateConfig::offer` / `accept_offer` / `accept_response`). Checks:
//! - no panic; `consumed` never exceeds the input, and input always moves;
//!   receiving follows the documented loop (`while input is left or
//!   has_pending_events()`), with an inflate buffer of 1 byte to 64 KiB
//!   when deflate is on, and every call in it makes progress; an inflated
//!   chunk fits its buffer, and only deflate inflates;
//! - the state never goes backwards. Order: `Open` first; `CloseSent` and
//!   `CloseReceived` only from `Open`; `Closed` and `Failed` are final;
//! - once `Closed` or `Failed`: no events, every send fails, and
//!   `poll_transmit` gives only what was already queued: the Close, after
//!   the Pong owed to a Ping that came before the peer's Close;
//! - an error (usage or buffer) changes nothing: the connection's whole
//!   state (its `Debug` text, keys included) is the same and the output
//!   buffer still holds its sentinel; with ample room (`max_frame_len` of
//!   the payload; 262 for `poll_transmit`) there is no `BufferTooSmall`;
//! - after a `BufferTooSmall`, `required` is at most `max_frame_len`, the
//!   same call again asks for the same, and a call with exactly `required`
//!   bytes made from the state before the failures succeeds (writing
//!   exactly `required` bytes when nothing is compressed). With a buffer a
//!   few bytes short (`Room::Short`) the call is retried on the connection
//!   itself: it must write byte for byte what the call from the earlier
//!   state wrote and leave the same state, so a failed send has not moved
//!   the compressor's window or the masking keys, which `Debug` does not
//!   show in full;
//! - a successful send writes nothing past the frame, except that a
//!   compressed frame may use the rest of its worst case as scratch;
//! - `receive` without room to inflate, deflate on, is
//!   `Usage(NoInflateBuffer)` (or the sticky failure) and changes nothing:
//!   not the `Debug` state, not the input, and receiving the same bytes
//!   afterwards gives the same results as from a copy made before it;
//! - `enable_deflate` with the other role's agreement, or twice, is
//!   `DeflateMismatch`;
//! - the `_to_vec` sends append exactly the frame and keep what `out`
//!   held; on an error `out` and the connection are unchanged;
//! - every byte a machine writes (send_*, send_uncompressed, the _to_vec
//!   sends, start_frame + frame_payload, poll_transmit) parses as valid
//!   frames, masked exactly for the client, with nothing after its Close
//!   (`rfc6455_fuzz::Wire`); RSV1 only on the first frame of a message
//!   and only with deflate on; a `start_frame` header announces exactly
//!   the opcode, FIN and length asked for, without RSV1; the messages on
//!   its wire, compressed ones inflated by zlib (`flate2`, its window
//!   reset before each message when the writer agreed to
//!   no_context_takeover), are the ones the application sent;
//! - between honest peers (no injected bytes on that side) the receiver
//!   never fails except on its size limits, and its events are those on
//!   the sender's wire, in order (all of them once everything is delivered),
//!   with and without deflate.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use rfc6455::codec::FrameHeader;
use rfc6455::handshake::parse_extensions;
use rfc6455::{
    BufferTooSmall, CloseCode, Config, Connection, ConnectionState, DeflateAgreement,
    DeflateConfig, Eof, Event, MaskKeySource, MessageKind, NoMasking, Opcode, ProtocolError,
    ReceiveError, Role, SendError, Status, UsageError,
};
use rfc6455_fuzz::{Collector, Keys, Seen, Wire};
use std::fmt::Debug;

#[path = "ops/input.rs"]
mod input;
#[path = "ops/peer.rs"]
mod peer;
#[path = "ops/sends.rs"]
mod sends;

use input::*;
use peer::*;

fn close_code(code: Option<u16>, valid: bool) -> Option<CloseCode> {
    code.map(|c| match valid {
        true => CloseCode(VALID_CODES[usize::from(c) % VALID_CODES.len()]),
        false => CloseCode(c),
    })
}

fn side_of(op: &Op) -> Side {
    match op {
        Op::Receive(side, ..)
        | Op::SendText(side, ..)
        | Op::SendBinary(side, ..)
        | Op::Ping(side, ..)
        | Op::Pong(side, ..)
        | Op::PollTransmit(side, ..)
        | Op::Eof(side)
        | Op::SendFragment { side, .. }
        | Op::SendUncompressed { side, .. }
        | Op::Close { side, .. }
        | Op::StartFrame { side, .. }
        | Op::FramePayload { side, .. }
        | Op::ToVec { side, .. } => *side,
        Op::Deliver { to, .. } | Op::ReceiveNoRoom { to, .. } => *to,
    }
}

fn deliver<A: MaskKeySource + Debug + Clone, B: MaskKeySource + Debug + Clone>(
    to: &mut Peer<A>,
    from: &mut Peer<B>,
    max: u16,
    room: InflateRoom,
) {
    let n = usize::from(max).min(from.outbox.len());
    let bytes: Vec<u8> = from.outbox.drain(..n).collect();
    to.receive(bytes, room.size(), None);
}

/// `receive` without room to inflate: with deflate on, refused without a
/// change (even to the input), and the same bytes then delivered give
/// what they give a copy of the connection made before.
fn receive_no_room<A: MaskKeySource + Debug + Clone, B: MaskKeySource + Debug + Clone>(
    to: &mut Peer<A>,
    from: &mut Peer<B>,
    max: u16,
    room: InflateRoom,
) {
    if !to.deflate {
        // `receive` is the whole API then.
        return deliver(to, from, max, room);
    }
    let n = usize::from(max).min(from.outbox.len());
    let original = from.outbox[..n].to_vec();
    let mut bytes = original.clone();
    let mut twin = to.conn.clone();
    let before = format!("{:?}", to.conn);
    let result = to.conn.receive(&mut bytes).map(|r| r.consumed);
    let expected = match to.failure {
        Some(e) => ReceiveError::Protocol(e),
        None => ReceiveError::Usage(UsageError::NoInflateBuffer),
    };
    assert_eq!(result, Err(expected), "receive with deflate on and no room");
    assert_eq!(
        before,
        format!("{:?}", to.conn),
        "{expected:?} changed the connection"
    );
    assert_eq!(bytes, original, "{expected:?} changed the input");
    to.check_state();
    // Later behaviour, which `Debug` shows only in part: the connection
    // and its copy from before receive the bytes alike.
    let mut twin_trace = Trace::new();
    let mut twin_inflated = vec![0u8; room.size()];
    let mut pos = 0;
    while pos < bytes.len() || twin.has_pending_events() {
        match twin.receive_into(&mut bytes[pos..], &mut twin_inflated) {
            Ok(received) => {
                twin_trace.push(format!("{:?}", Ok::<_, ReceiveError>(received)));
                pos += received.consumed;
                if received.consumed == 0 && received.event.is_none() {
                    break;
                }
            }
            Err(e) => {
                twin_trace.push(format!("{:?}", Err::<(), _>(e)));
                break;
            }
        }
    }
    let mut trace = Trace::new();
    from.outbox.drain(..n);
    to.receive(original, room.size(), Some(&mut trace));
    assert_eq!(
        trace, twin_trace,
        "the refused receive changed what follows"
    );
    assert_eq!(format!("{:?}", to.conn), format!("{twin:?}"));
}

/// The end-of-run checks for one direction.
fn check_direction<A, B>(from: &Peer<A>, to: &Peer<B>) {
    let wire_messages: Vec<_> = from
        .wire
        .events
        .iter()
        .filter(|e| matches!(e, Seen::Message(..)))
        .cloned()
        .collect();
    assert_eq!(
        wire_messages, from.sent,
        "the wire does not carry what was sent"
    );
    if to.tainted {
        return;
    }
    let got = &to.received.events;
    assert!(
        from.wire.events.starts_with(got),
        "received {got:?}\nbut the wire had {:?}",
        from.wire.events
    );
    let all_delivered = from.outbox.is_empty() && !from.wire.mid_frame();
    if all_delivered && !to.got_eof && to.failure.is_none() {
        assert_eq!(
            got, &from.wire.events,
            "not everything delivered was received"
        );
    }
}

fn config((auto_pong, auto_close_reply): (bool, bool)) -> Config {
    let mut config = Config::default();
    config.auto_pong = auto_pong;
    config.auto_close_reply = auto_close_reply;
    config
}

/// The agreements of a client and a server with these settings, as their
/// opening handshake reaches them: the client's offer, the server's
/// choice and response, the client's check of it.
fn negotiate(setup: &DeflateSetup) -> (DeflateAgreement, DeflateAgreement) {
    let (client_config, server_config) = (setup.client.config(), setup.server.config());
    let offer = client_config.offer();
    let offers = parse_extensions(offer.as_str().as_bytes()).filter_map(Result::ok);
    let server = server_config
        .accept_offer(offers)
        .unwrap_or_else(|| panic!("a server declined {:?}", offer.as_str()));
    let response = server.response();
    let answer = parse_extensions(response.as_str().as_bytes())
        .next()
        .and_then(Result::ok)
        .unwrap_or_else(|| panic!("an unreadable response {:?}", response.as_str()));
    let client = client_config
        .accept_response(&answer)
        .unwrap_or_else(|e| panic!("a client refused {:?}: {e:?}", response.as_str()));
    // Each end compresses within what the other expects.
    assert!(client.compress_window_bits() <= server.peer_window_bits());
    assert!(server.compress_window_bits() <= client.peer_window_bits());
    assert!(!server.peer_no_context_takeover() || client.compress_no_context_takeover());
    assert!(!client.peer_no_context_takeover() || server.compress_no_context_takeover());
    (client, server)
}

fuzz_target!(|input: Input| {
    let mut client = Peer::new(Connection::client(config(input.client_replies), Keys(1)));
    let mut server: Peer<NoMasking> = Peer::new(Connection::server(config(input.server_replies)));
    if let Some(setup) = &input.deflate {
        let (client_side, server_side) = negotiate(setup);
        client.enable_deflate(&client_side, &server_side);
        server.enable_deflate(&server_side, &client_side);
    }
    for op in input.ops.into_iter().take(200) {
        match (&op, side_of(&op)) {
            (Op::Deliver { max, room, .. }, Side::Client) => {
                deliver(&mut client, &mut server, *max, *room)
            }
            (Op::Deliver { max, room, .. }, Side::Server) => {
                deliver(&mut server, &mut client, *max, *room)
            }
            (Op::ReceiveNoRoom { max, room, .. }, Side::Client) => {
                receive_no_room(&mut client, &mut server, *max, *room)
            }
            (Op::ReceiveNoRoom { max, room, .. }, Side::Server) => {
                receive_no_room(&mut server, &mut client, *max, *room)
            }
            (_, Side::Client) => client.apply(op),
            (_, Side::Server) => server.apply(op),
        }
    }
    check_direction(&client, &server);
    check_direction(&server, &client);
});
