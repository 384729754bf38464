//! A client and a server wired to each other in memory, driven by a random
//! sequence of API calls, with raw bytes injected now and then. Checks:
//! - no panic; `consumed` never exceeds the input, and input always moves;
//! - the state never goes backwards. Order: `Open` first; `CloseSent` and
//!   `CloseReceived` only from `Open`; `Closed` and `Failed` are final;
//! - once `Closed` or `Failed`: no events, every send fails, and
//!   `poll_transmit` gives only what was already queued: the Close, after
//!   the Pong owed to a Ping that came before the peer's Close;
//! - an error (usage or buffer) changes nothing: the connection's whole
//!   state (its `Debug` text, keys included) is the same and the output
//!   buffer still holds its sentinel; with ample room there is no
//!   `BufferTooSmall`;
//! - every byte a machine writes (send_*, start_frame + frame_payload,
//!   poll_transmit) parses as valid frames, masked exactly for the client,
//!   with nothing after its Close (`rfc6455_fuzz::Wire`), a `start_frame`
//!   header announces exactly the opcode, FIN and length asked for, and the
//!   messages on its wire are the ones the application sent;
//! - between honest peers (no injected bytes on that side) the receiver
//!   never fails except on its size limits, and its events are those on
//!   the sender's wire, in order (all of them once everything is delivered).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use rfc6455::codec::FrameHeader;
use rfc6455::{
    CloseCode, Config, Connection, ConnectionState, Eof, MaskKeySource, MessageKind, NoMasking,
    Opcode, ProtocolError, ReceiveError, Role, SendError, Status,
};
use rfc6455_fuzz::{Collector, Keys, Seen, Wire};
use std::fmt::Debug;

const SENTINEL: u8 = 0xA5;
const OPCODES: [Opcode; 6] = [
    Opcode::Continuation,
    Opcode::Text,
    Opcode::Binary,
    Opcode::Close,
    Opcode::Ping,
    Opcode::Pong,
];
const VALID_CODES: [u16; 6] = [1000, 1001, 1003, 1011, 3000, 4999];

#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Client,
    Server,
}

/// The output buffer for a call: enough for anything it may write, or a
/// given size (which may be too small).
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Room {
    Ample,
    Exactly(u8),
}

/// A `start_frame` payload length: mostly small, so that the frame can be
/// finished and the run goes on; sometimes anything; often zero, which
/// takes its own path.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum FrameLen {
    Small(u8),
    Any(u64),
    Zero,
}

#[derive(Arbitrary, Debug)]
enum Op {
    /// Raw bytes into one side's input, between the peer's frames.
    Receive(Side, Vec<u8>),
    SendText(Side, String, Room),
    SendBinary(Side, Vec<u8>, Room),
    /// `send_frame`; `opcode` indexes `OPCODES`.
    SendFragment {
        side: Side,
        opcode: u8,
        fin: bool,
        payload: Vec<u8>,
        room: Room,
    },
    Ping(Side, Vec<u8>, Room),
    Pong(Side, Vec<u8>, Room),
    /// `send_close`; `valid` picks the code from `VALID_CODES`.
    Close {
        side: Side,
        code: Option<u16>,
        valid: bool,
        reason: String,
        room: Room,
    },
    StartFrame {
        side: Side,
        opcode: u8,
        fin: bool,
        len: FrameLen,
        room: Room,
    },
    /// `frame_payload`, with the bytes shared (`&[u8]`, sent as they are) when `written`.
    FramePayload {
        side: Side,
        data: Vec<u8>,
        written: bool,
    },
    PollTransmit(Side, Room),
    /// End of stream reported to this side.
    Eof(Side),
    /// Moves up to `max` pending bytes from the other side to this one.
    Deliver {
        to: Side,
        max: u16,
    },
}

#[derive(Arbitrary, Debug)]
struct Input {
    client_replies: (bool, bool),
    server_replies: (bool, bool),
    ops: Vec<Op>,
}

/// The state order: may `from` be followed by `to`?
fn may_follow(from: ConnectionState, to: ConnectionState) -> bool {
    use ConnectionState::*;
    from == to
        || match from {
            Open => true,
            CloseSent | CloseReceived => matches!(to, Closed | Failed),
            _ => false, // Closed and Failed are final
        }
}

fn finished(state: ConnectionState) -> bool {
    matches!(state, ConnectionState::Closed | ConnectionState::Failed)
}

struct Peer<K> {
    conn: Connection<K>,
    /// Everything this side wrote, parsed.
    wire: Wire,
    /// Written bytes not yet delivered to the other side.
    outbox: Vec<u8>,
    /// Events this side received.
    received: Collector,
    /// Raw bytes were injected into this side's input.
    tainted: bool,
    got_eof: bool,
    failure: Option<ProtocolError>,
    state: ConnectionState,
    /// Whole data messages the application sent, and the one in progress.
    sent: Vec<Seen>,
    sending: Option<(MessageKind, Vec<u8>)>,
    /// The harness's view of a started frame: bytes still owed, and fin.
    owed: Option<(u64, bool)>,
}

impl<K: MaskKeySource + Debug> Peer<K> {
    fn new(conn: Connection<K>) -> Self {
        let role = conn.role();
        Self {
            conn,
            wire: Wire::new(role),
            outbox: Vec::new(),
            received: Collector::default(),
            tainted: false,
            got_eof: false,
            failure: None,
            state: ConnectionState::Open,
            sent: Vec::new(),
            sending: None,
            owed: None,
        }
    }

    fn check_state(&mut self) {
        let now = self.conn.state();
        assert!(
            may_follow(self.state, now),
            "state went {:?} -> {now:?}",
            self.state
        );
        self.state = now;
    }

    /// Bytes the connection wrote: checked, and queued for the peer.
    fn wrote(&mut self, bytes: &[u8]) {
        self.wire.push(bytes);
        self.outbox.extend_from_slice(bytes);
    }

    /// Runs one writing call with a sentinel-filled buffer; on error checks
    /// that nothing changed. Returns whether it wrote.
    fn write(
        &mut self,
        room: Room,
        ample: usize,
        call: impl FnOnce(&mut Connection<K>, &mut [u8]) -> Result<usize, SendError>,
    ) -> bool {
        let size = match room {
            Room::Ample => ample,
            Room::Exactly(n) => usize::from(n),
        };
        let mut out = vec![SENTINEL; size];
        let before = format!("{:?}", self.conn);
        let was_finished = finished(self.state);
        let result = call(&mut self.conn, &mut out);
        match result {
            Ok(n) => {
                assert!(!was_finished, "sent after {:?}", self.state);
                assert!(!self.wire.closed, "sent after our Close");
                assert!(
                    n <= size && out[n..].iter().all(|&b| b == SENTINEL),
                    "wrote past {n}"
                );
                self.wrote(&out[..n]);
            }
            Err(e) => {
                assert_eq!(
                    before,
                    format!("{:?}", self.conn),
                    "{e:?} changed the connection"
                );
                assert!(
                    out.iter().all(|&b| b == SENTINEL),
                    "{e:?} wrote into the buffer"
                );
                if let SendError::BufferTooSmall(b) = e {
                    assert!(b.required > size);
                    assert!(
                        !matches!(room, Room::Ample),
                        "ample room was too small: {e:?}"
                    );
                }
            }
        }
        self.check_state();
        result.is_ok()
    }

    /// Records a data frame the application sent (whole payload known).
    fn sent_data(&mut self, opcode: Opcode, fin: bool, payload: &[u8]) {
        match opcode {
            Opcode::Text => self.sending = Some((MessageKind::Text, payload.to_vec())),
            Opcode::Binary => self.sending = Some((MessageKind::Binary, payload.to_vec())),
            Opcode::Continuation => {
                let (_, bytes) = self.sending.as_mut().expect("a continuation was accepted");
                bytes.extend_from_slice(payload);
            }
            _ => return,
        }
        if fin {
            let (kind, bytes) = self.sending.take().unwrap();
            self.sent.push(Seen::Message(kind, bytes));
        }
    }

    fn poll_transmit(&mut self, room: Room) {
        let size = match room {
            Room::Ample => 262,
            Room::Exactly(n) => usize::from(n),
        };
        let mut out = vec![SENTINEL; size];
        let before = format!("{:?}", self.conn);
        let was_finished = finished(self.state);
        match self.conn.poll_transmit(&mut out) {
            Ok(n) => {
                assert!(out[n..].iter().all(|&b| b == SENTINEL), "wrote past {n}");
                let seen = self.wire.events.len();
                self.wrote(&out[..n]);
                assert!(
                    !self.wire.mid_frame() || self.owed.is_some(),
                    "half a frame"
                );
                if was_finished {
                    // Only replies queued before: the Close, after the Pong
                    // for a Ping that arrived before the peer's Close.
                    let new = &self.wire.events[seen..];
                    assert!(
                        matches!(
                            new,
                            [] | [Seen::Close(..)] | [Seen::Pong(_), Seen::Close(..)]
                        ),
                        "after {:?} poll_transmit sent {new:?}",
                        self.state
                    );
                }
            }
            Err(e) => {
                assert_eq!(
                    before,
                    format!("{:?}", self.conn),
                    "{e:?} changed the connection"
                );
                assert!(
                    out.iter().all(|&b| b == SENTINEL),
                    "{e:?} wrote into the buffer"
                );
                assert!(e.required > size && !matches!(room, Room::Ample));
            }
        }
        self.check_state();
    }

    fn start_frame(&mut self, opcode: Opcode, fin: bool, len: u64, room: Room) {
        let mut header = None;
        let wrote = self.write(room, 14, |c, out| {
            let result = c.start_frame(opcode, fin, len, out);
            if let Ok(n) = result {
                header = Some(FrameHeader::parse(&out[..n]));
            }
            result
        });
        if let Some(parsed) = header {
            // The header announces exactly the frame that was asked for.
            match parsed {
                Ok(Status::Complete((h, used))) => {
                    assert_eq!(
                        (h.opcode, h.fin, h.payload_len),
                        (opcode, fin, len),
                        "{h:?}"
                    );
                    assert_eq!(used, h.encoded_len());
                }
                other => panic!("start_frame({opcode:?}, {fin}, {len}) wrote {other:?}"),
            }
        }
        if wrote {
            self.owed = (len > 0).then_some((len, fin));
            self.sent_data(opcode, fin && len == 0, &[]);
        }
    }

    fn frame_payload(&mut self, mut data: Vec<u8>, written: bool) {
        let original = data.clone();
        let before = format!("{:?}", self.conn);
        let result = if written {
            self.conn.frame_payload(&data)
        } else {
            self.conn.frame_payload(&mut data)
        };
        match result {
            // An empty chunk is accepted whatever is owed, and changes nothing.
            Ok(()) if data.is_empty() => {
                assert_eq!(
                    before,
                    format!("{:?}", self.conn),
                    "an empty chunk changed state"
                );
            }
            Ok(()) => {
                let (remaining, fin) = self.owed.expect("payload accepted with no frame started");
                let n = data.len() as u64;
                assert!(n <= remaining, "accepted {n} bytes, {remaining} owed");
                if self.conn.role() == Role::Server {
                    assert_eq!(data, original, "a server must not change the payload");
                }
                self.wrote(&data);
                if let Some((_, bytes)) = self.sending.as_mut() {
                    bytes.extend_from_slice(&original);
                }
                self.owed = (n < remaining).then_some((remaining - n, fin));
                if self.owed.is_none() && fin {
                    self.sent_data(Opcode::Continuation, true, &[]);
                }
            }
            Err(e) => {
                assert_eq!(
                    before,
                    format!("{:?}", self.conn),
                    "{e:?} changed the connection"
                );
                assert_eq!(data, original, "{e:?} changed the payload");
            }
        }
        self.check_state();
    }

    fn eof(&mut self) {
        let peer_closed = matches!(self.received.events.last(), Some(Seen::Close(..)));
        let eof = self.conn.receive_eof();
        let clean = peer_closed && self.failure.is_none();
        assert_eq!(eof == Eof::Clean, clean, "{eof:?}");
        self.got_eof = true;
        self.check_state();
    }

    /// Feeds bytes to this side until all are consumed or it fails.
    fn receive(&mut self, mut bytes: Vec<u8>) {
        let mut pos = 0;
        while pos < bytes.len() {
            let len = bytes.len() - pos;
            let was_finished = finished(self.state);
            match self.conn.receive(&mut bytes[pos..]) {
                Ok(received) => {
                    assert!(received.consumed <= len, "consumed more than given");
                    assert!(
                        received.consumed > 0 || received.event.is_some(),
                        "no progress"
                    );
                    assert!(self.failure.is_none(), "read after failing");
                    pos += received.consumed;
                    if let Some(event) = &received.event {
                        assert!(!was_finished, "event after {:?}: {event:?}", self.state);
                        let after_close =
                            matches!(self.received.events.last(), Some(Seen::Close(..)));
                        assert!(!after_close, "event after the peer's Close: {event:?}");
                        self.received.push(event);
                    }
                }
                Err(ReceiveError::Usage(e)) => panic!("receive broke a rule: {e}"),
                Err(ReceiveError::Protocol(e)) => {
                    if let Some(first) = self.failure {
                        assert_eq!(first, e, "the error changed");
                    }
                    let limit = matches!(
                        e,
                        ProtocolError::FrameTooLarge | ProtocolError::MessageTooLarge
                    );
                    assert!(
                        self.tainted || limit,
                        "an honest peer's stream failed: {e:?}"
                    );
                    self.failure = Some(e);
                    assert_eq!(
                        self.conn.receive(&mut bytes[pos..]).err(),
                        Some(ReceiveError::Protocol(e)),
                        "not sticky"
                    );
                    self.check_state();
                    assert_eq!(self.state, ConnectionState::Failed);
                    return;
                }
            }
            self.check_state();
        }
    }

    fn apply(&mut self, op: Op) {
        match op {
            Op::Receive(_, bytes) => {
                self.tainted = true;
                self.receive(bytes);
            }
            Op::SendText(_, text, room) => {
                if self.write(room, text.len() + 14, |c, out| c.send_text(&text, out)) {
                    self.sent
                        .push(Seen::Message(MessageKind::Text, text.into_bytes()));
                }
            }
            Op::SendBinary(_, data, room) => {
                if self.write(room, data.len() + 14, |c, out| c.send_binary(&data, out)) {
                    self.sent.push(Seen::Message(MessageKind::Binary, data));
                }
            }
            Op::SendFragment {
                opcode,
                fin,
                payload,
                room,
                ..
            } => {
                let opcode = OPCODES[usize::from(opcode) % OPCODES.len()];
                let ample = payload.len() + 14;
                if self.write(room, ample, |c, out| {
                    c.send_frame(opcode, fin, &payload, out)
                }) {
                    self.sent_data(opcode, fin, &payload);
                }
            }
            Op::Ping(_, payload, room) => {
                self.write(room, payload.len() + 14, |c, out| {
                    c.send_ping(&payload, out)
                });
            }
            Op::Pong(_, payload, room) => {
                self.write(room, payload.len() + 14, |c, out| {
                    c.send_pong(&payload, out)
                });
            }
            Op::Close {
                code,
                valid,
                reason,
                room,
                ..
            } => {
                let code = code.map(|c| match valid {
                    true => CloseCode(VALID_CODES[usize::from(c) % VALID_CODES.len()]),
                    false => CloseCode(c),
                });
                let ample = reason.len() + 16;
                self.write(room, ample, |c, out| c.send_close(code, &reason, out));
            }
            Op::StartFrame {
                opcode,
                fin,
                len,
                room,
                ..
            } => {
                let opcode = OPCODES[usize::from(opcode) % OPCODES.len()];
                let len = match len {
                    FrameLen::Small(n) => u64::from(n),
                    FrameLen::Any(n) => n,
                    FrameLen::Zero => 0,
                };
                self.start_frame(opcode, fin, len, room);
            }
            Op::FramePayload { data, written, .. } => self.frame_payload(data, written),
            Op::PollTransmit(_, room) => self.poll_transmit(room),
            Op::Eof(_) => self.eof(),
            Op::Deliver { .. } => unreachable!("handled with both peers"),
        }
    }
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
        | Op::Close { side, .. }
        | Op::StartFrame { side, .. }
        | Op::FramePayload { side, .. } => *side,
        Op::Deliver { to, .. } => *to,
    }
}

fn deliver<A: MaskKeySource + Debug, B: MaskKeySource + Debug>(
    to: &mut Peer<A>,
    from: &mut Peer<B>,
    max: u16,
) {
    let n = usize::from(max).min(from.outbox.len());
    let bytes: Vec<u8> = from.outbox.drain(..n).collect();
    to.receive(bytes);
}

/// The end-of-run checks for one direction.
fn check_direction<A: MaskKeySource + Debug, B: MaskKeySource + Debug>(
    from: &Peer<A>,
    to: &Peer<B>,
) {
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

fuzz_target!(|input: Input| {
    let mut client = Peer::new(Connection::client(config(input.client_replies), Keys(1)));
    let mut server: Peer<NoMasking> = Peer::new(Connection::server(config(input.server_replies)));
    for op in input.ops.into_iter().take(200) {
        match (&op, side_of(&op)) {
            (Op::Deliver { max, .. }, Side::Client) => deliver(&mut client, &mut server, *max),
            (Op::Deliver { max, .. }, Side::Server) => deliver(&mut server, &mut client, *max),
            (_, Side::Client) => client.apply(op),
            (_, Side::Server) => server.apply(op),
        }
    }
    check_direction(&client, &server);
    check_direction(&server, &client);
});
