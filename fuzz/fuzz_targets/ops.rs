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
/// Room for everything `poll_transmit` writes (two control frames).
const TRANSMIT_ROOM: usize = 262;

#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Client,
    Server,
}

/// The output buffer for a call: enough for anything it may write
/// (`max_frame_len`), a given size (which may be too small), or `k` bytes
/// short of what the call requires, as a first call with no room says
/// (`Short(0)`: exactly enough).
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Room {
    Ample,
    Exactly(u8),
    Short(u8),
}

/// The buffer a receive inflates into, with deflate on: 1 to 256 bytes,
/// or 1 byte to 64 KiB.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum InflateRoom {
    Small(u8),
    Any(u16),
}

impl InflateRoom {
    fn size(self) -> usize {
        match self {
            Self::Small(n) => usize::from(n) + 1,
            Self::Any(n) => usize::from(n) + 1,
        }
    }
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

/// One end's permessage-deflate settings, mapped into their ranges.
#[derive(Arbitrary, Debug, Clone, Copy)]
struct DeflateSide {
    level: u8,
    max_window_bits: u8,
    peer_max_window_bits: u8,
    no_context_takeover: bool,
    peer_no_context_takeover: bool,
}

impl DeflateSide {
    fn config(self) -> DeflateConfig {
        let mut config = DeflateConfig::new();
        config.level = self.level % 10;
        config.max_window_bits = 8 + self.max_window_bits % 8;
        config.peer_max_window_bits = 8 + self.peer_max_window_bits % 8;
        config.no_context_takeover = self.no_context_takeover;
        config.peer_no_context_takeover = self.peer_no_context_takeover;
        config
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
struct DeflateSetup {
    client: DeflateSide,
    server: DeflateSide,
}

/// A call of the `_to_vec` family.
#[derive(Arbitrary, Debug)]
enum VecSend {
    Text(String),
    Binary(Vec<u8>),
    /// `send_frame_to_vec`; `opcode` indexes `OPCODES`.
    Frame {
        opcode: u8,
        fin: bool,
        payload: Vec<u8>,
    },
    Close {
        code: Option<u16>,
        valid: bool,
        reason: String,
    },
    PollTransmit,
}

#[derive(Arbitrary, Debug)]
enum Op {
    /// Raw bytes into one side's input, between the peer's frames.
    Receive(Side, Vec<u8>, InflateRoom),
    /// `receive` (no room to inflate) with up to `max` of the bytes the
    /// other side wrote; with deflate on it must refuse and change
    /// nothing, and the bytes are then delivered with `room`; without
    /// deflate it is a `Deliver`.
    ReceiveNoRoom {
        to: Side,
        max: u16,
        room: InflateRoom,
    },
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
    /// `send_uncompressed`; `opcode` indexes `OPCODES`.
    SendUncompressed {
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
    /// A `_to_vec` call appending to a vector already holding `prefix`
    /// bytes.
    ToVec {
        side: Side,
        send: VecSend,
        prefix: u8,
    },
    /// End of stream reported to this side.
    Eof(Side),
    /// Moves up to `max` pending bytes from the other side to this one.
    Deliver {
        to: Side,
        max: u16,
        room: InflateRoom,
    },
}

#[derive(Arbitrary, Debug)]
struct Input {
    deflate: Option<DeflateSetup>,
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

fn all_sentinel(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b == SENTINEL)
}

/// What a writing call is: `send_*`, `start_frame` or `poll_transmit`
/// into the buffer it is given.
trait WriteCall<K>: FnMut(&mut Connection<K>, &mut [u8]) -> Result<usize, SendError> {}
impl<K, F: FnMut(&mut Connection<K>, &mut [u8]) -> Result<usize, SendError>> WriteCall<K> for F {}

/// What one receive loop produced, call by call (for comparing two
/// connections that should behave alike).
type Trace = Vec<String>;

struct Peer<K> {
    conn: Connection<K>,
    /// permessage-deflate is on.
    deflate: bool,
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

impl<K: MaskKeySource + Debug + Clone> Peer<K> {
    fn new(conn: Connection<K>) -> Self {
        let role = conn.role();
        Self {
            conn,
            deflate: false,
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

    /// Turns permessage-deflate on with this end's agreement; `other` is
    /// the peer's, which must be refused.
    fn enable_deflate(&mut self, agreement: &DeflateAgreement, other: &DeflateAgreement) {
        let before = format!("{:?}", self.conn);
        assert_eq!(
            self.conn.enable_deflate(other),
            Err(UsageError::DeflateMismatch),
            "the other role's agreement was taken"
        );
        assert_eq!(before, format!("{:?}", self.conn));
        self.conn
            .enable_deflate(agreement)
            .expect("deflate enabled");
        assert_eq!(self.conn.deflate_agreement(), Some(agreement));
        let before = format!("{:?}", self.conn);
        assert_eq!(
            self.conn.enable_deflate(agreement),
            Err(UsageError::DeflateMismatch),
            "deflate enabled twice"
        );
        assert_eq!(before, format!("{:?}", self.conn));
        self.deflate = true;
        self.wire
            .enable_deflate(agreement.compress_no_context_takeover());
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

    /// One writing call into a sentinel-filled buffer of `size` bytes. On
    /// an error, checks that nothing changed; `bound` is the call's worst
    /// case, which `required` never exceeds and past which nothing is
    /// written.
    fn try_call(
        &mut self,
        size: usize,
        bound: usize,
        call: &mut impl WriteCall<K>,
    ) -> (Result<usize, SendError>, Vec<u8>) {
        let mut out = vec![SENTINEL; size];
        let before = format!("{:?}", self.conn);
        let result = call(&mut self.conn, &mut out);
        match result {
            Ok(n) => {
                assert!(n <= size, "wrote {n} bytes into {size}");
                assert!(
                    all_sentinel(out.get(bound.max(n)..).unwrap_or_default()),
                    "wrote past the worst case {bound}"
                );
            }
            Err(e) => {
                assert_eq!(
                    before,
                    format!("{:?}", self.conn),
                    "{e:?} changed the connection"
                );
                assert!(all_sentinel(&out), "{e:?} wrote into the buffer");
                if let SendError::BufferTooSmall(b) = e {
                    assert!(b.required > size, "{e:?} with {size} bytes");
                    assert!(b.required <= bound, "{e:?} above the worst case {bound}");
                }
            }
        }
        (result, out)
    }

    /// Runs one writing call into a buffer sized by `room` (`bound` bytes
    /// when ample) and checks the buffer contract. `exact`: the call writes
    /// exactly what it requires (nothing compressed). Returns the buffer
    /// and the length written, if the call (or its retry) succeeded.
    fn attempt(
        &mut self,
        room: Room,
        bound: usize,
        exact: bool,
        mut call: impl WriteCall<K>,
    ) -> Option<(Vec<u8>, usize)> {
        // The state before any attempt, to run the call from again.
        let twin = (!matches!(room, Room::Ample)).then(|| self.conn.clone());
        let size = match room {
            Room::Ample => bound,
            Room::Exactly(n) => usize::from(n),
            Room::Short(k) => match self.try_call(0, bound, &mut call) {
                (Ok(n), out) => return Some((out, n)),
                (Err(SendError::BufferTooSmall(b)), _) => b.required.saturating_sub(usize::from(k)),
                (Err(SendError::Usage(_)), _) => 0,
            },
        };
        let (result, out) = self.try_call(size, bound, &mut call);
        let required = match result {
            Ok(n) => return Some((out, n)),
            Err(SendError::Usage(_)) => return None,
            Err(SendError::BufferTooSmall(BufferTooSmall { required })) => required,
        };
        assert!(
            !matches!(room, Room::Ample),
            "ample room ({bound}) was too small: {required}"
        );
        // Stable: the same call asks for the same again.
        let (again, _) = self.try_call(size, bound, &mut call);
        assert_eq!(again, result, "required changed");
        // Exactly `required` bytes suffice, from the state before.
        let mut twin = twin.expect("cloned for a short room");
        let mut twin_out = vec![SENTINEL; required];
        let n = call(&mut twin, &mut twin_out)
            .unwrap_or_else(|e| panic!("{required} bytes, as required, gave {e:?}"));
        assert!(n <= required, "wrote {n} of {required}");
        if exact {
            assert_eq!(n, required, "required is not the frame's length");
        }
        if !matches!(room, Room::Short(_)) {
            return None;
        }
        // The retry here writes what the call from the earlier state did:
        // the failures moved neither the compressor nor the keys.
        let (retry, out) = self.try_call(required, bound, &mut call);
        assert_eq!(retry, Ok(n), "the retry differs from the earlier state's");
        assert_eq!(out, twin_out, "the retry wrote other bytes");
        assert_eq!(
            format!("{:?}", self.conn),
            format!("{twin:?}"),
            "the retry left another state"
        );
        Some((out, n))
    }

    /// Runs one sending call; see [`attempt`](Self::attempt). Returns
    /// whether it wrote.
    fn write(&mut self, room: Room, bound: usize, exact: bool, call: impl WriteCall<K>) -> bool {
        let was_finished = finished(self.state);
        let closed = self.wire.closed;
        let written = self.attempt(room, bound, exact, call);
        if let Some((out, n)) = &written {
            assert!(!was_finished, "sent after {:?}", self.state);
            assert!(!closed, "sent after our Close");
            self.wrote(&out[..*n]);
            assert!(
                all_sentinel(&out[*n..]) || self.wire.last_compressed,
                "wrote past {n}"
            );
        }
        self.check_state();
        written.is_some()
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

    /// Bytes `poll_transmit` gave.
    fn transmitted(&mut self, bytes: &[u8], was_finished: bool) {
        let seen = self.wire.events.len();
        self.wrote(bytes);
        assert!(
            !self.wire.mid_frame() || self.owed.is_some(),
            "half a frame"
        );
        if was_finished {
            // Only replies queued before: the Close, after the Pong for a
            // Ping that arrived before the peer's Close.
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

    fn poll_transmit(&mut self, room: Room) {
        let was_finished = finished(self.state);
        let written = self.attempt(room, TRANSMIT_ROOM, true, |c, out| {
            c.poll_transmit(out).map_err(SendError::from)
        });
        if let Some((out, n)) = written {
            assert!(all_sentinel(&out[n..]), "wrote past {n}");
            self.transmitted(&out[..n], was_finished);
        }
        self.check_state();
    }

    /// A `_to_vec` call onto `prefix` bytes already in the vector.
    fn append_to_vec(&mut self, send: VecSend, prefix: u8) {
        let prefix = usize::from(prefix);
        let mut out = vec![SENTINEL; prefix];
        let before = format!("{:?}", self.conn);
        let was_finished = finished(self.state);
        let closed = self.wire.closed;
        let (result, bound) = match &send {
            VecSend::Text(text) => (
                self.conn.send_text_to_vec(text, &mut out),
                self.conn.max_frame_len(text.len()),
            ),
            VecSend::Binary(data) => (
                self.conn.send_binary_to_vec(data, &mut out),
                self.conn.max_frame_len(data.len()),
            ),
            VecSend::Frame {
                opcode,
                fin,
                payload,
            } => {
                let opcode = OPCODES[usize::from(*opcode) % OPCODES.len()];
                (
                    self.conn.send_frame_to_vec(opcode, *fin, payload, &mut out),
                    self.conn.max_frame_len(payload.len()),
                )
            }
            VecSend::Close {
                code,
                valid,
                reason,
            } => (
                self.conn
                    .send_close_to_vec(close_code(*code, *valid), reason, &mut out),
                self.conn.max_frame_len(reason.len() + 2),
            ),
            VecSend::PollTransmit => (Ok(self.conn.poll_transmit_to_vec(&mut out)), TRANSMIT_ROOM),
        };
        assert!(
            all_sentinel(&out[..prefix.min(out.len())]),
            "out's bytes changed"
        );
        match result {
            Ok(n) => {
                assert_eq!(out.len(), prefix + n, "the vector grew by other than {n}");
                assert!(n <= bound, "{n} bytes, above the worst case {bound}");
                let bytes = &out[prefix..];
                if let VecSend::PollTransmit = send {
                    self.transmitted(bytes, was_finished);
                } else {
                    assert!(!was_finished, "sent after {:?}", self.state);
                    assert!(!closed, "sent after our Close");
                    self.wrote(bytes);
                }
                match send {
                    VecSend::Text(text) => self
                        .sent
                        .push(Seen::Message(MessageKind::Text, text.into_bytes())),
                    VecSend::Binary(data) => {
                        self.sent.push(Seen::Message(MessageKind::Binary, data))
                    }
                    VecSend::Frame {
                        opcode,
                        fin,
                        payload,
                    } => {
                        let opcode = OPCODES[usize::from(opcode) % OPCODES.len()];
                        self.sent_data(opcode, fin, &payload);
                    }
                    VecSend::Close { .. } | VecSend::PollTransmit => {}
                }
            }
            Err(e) => {
                assert_eq!(out.len(), prefix, "{e:?} changed the vector");
                assert_eq!(
                    before,
                    format!("{:?}", self.conn),
                    "{e:?} changed the connection"
                );
            }
        }
        self.check_state();
    }

    fn start_frame(&mut self, opcode: Opcode, fin: bool, len: u64, room: Room) {
        let mut header = None;
        let wrote = self.write(room, 14, true, |c, out| {
            let result = c.start_frame(opcode, fin, len, out);
            if let Ok(n) = result {
                header = Some(FrameHeader::parse(&out[..n]));
            }
            result
        });
        if let Some(parsed) = header {
            // The header announces exactly the frame that was asked for,
            // uncompressed.
            match parsed {
                Ok(Status::Complete((h, used))) => {
                    assert_eq!(
                        (h.opcode, h.fin, h.payload_len, h.rsv),
                        (opcode, fin, len, 0),
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

    /// Feeds bytes to this side, inflating into `room` bytes with deflate
    /// on, in the documented loop: while input is left or events wait
    /// inside, or until it fails. With `trace`, records every call's result.
    fn receive(&mut self, mut bytes: Vec<u8>, room: usize, mut trace: Option<&mut Trace>) {
        let mut inflated = vec![0u8; if self.deflate { room } else { 0 }];
        let mut pos = 0;
        while pos < bytes.len() || self.conn.has_pending_events() {
            assert!(
                self.deflate || pos < bytes.len(),
                "pending events without deflate"
            );
            let len = bytes.len() - pos;
            let was_finished = finished(self.state);
            let result = if self.deflate {
                self.conn.receive_into(&mut bytes[pos..], &mut inflated)
            } else {
                self.conn.receive(&mut bytes[pos..])
            };
            if let Some(trace) = trace.as_deref_mut() {
                trace.push(format!("{result:?}"));
            }
            match result {
                Ok(received) => {
                    assert!(received.consumed <= len, "consumed more than given");
                    assert!(
                        received.consumed > 0
                            || received.event.is_some()
                            || (len == 0 && !self.conn.has_pending_events()),
                        "no progress"
                    );
                    assert!(self.failure.is_none(), "read after failing");
                    pos += received.consumed;
                    if let Some(event) = &received.event {
                        assert!(!was_finished, "event after {:?}: {event:?}", self.state);
                        let after_close =
                            matches!(self.received.events.last(), Some(Seen::Close(..)));
                        assert!(!after_close, "event after the peer's Close: {event:?}");
                        if let Event::Chunk(chunk) = event {
                            assert!(
                                !chunk.inflated || (self.deflate && chunk.payload.len() <= room),
                                "inflated {} bytes into {room} (deflate {})",
                                chunk.payload.len(),
                                self.deflate
                            );
                        }
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
                    let sticky = Some(ReceiveError::Protocol(e));
                    assert_eq!(
                        self.conn
                            .receive_into(&mut bytes[pos..], &mut inflated)
                            .err(),
                        sticky,
                        "not sticky"
                    );
                    assert_eq!(
                        self.conn.receive(&mut bytes[pos..]).err(),
                        sticky,
                        "not sticky"
                    );
                    assert!(
                        !self.conn.has_pending_events(),
                        "pending events after failing"
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
            Op::Receive(_, bytes, room) => {
                self.tainted = true;
                self.receive(bytes, room.size(), None);
            }
            Op::SendText(_, text, room) => {
                let bound = self.conn.max_frame_len(text.len());
                let exact = !self.deflate;
                if self.write(room, bound, exact, |c, out| c.send_text(&text, out)) {
                    self.sent
                        .push(Seen::Message(MessageKind::Text, text.into_bytes()));
                }
            }
            Op::SendBinary(_, data, room) => {
                let bound = self.conn.max_frame_len(data.len());
                let exact = !self.deflate;
                if self.write(room, bound, exact, |c, out| c.send_binary(&data, out)) {
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
                let bound = self.conn.max_frame_len(payload.len());
                let exact = !self.deflate || opcode.is_control();
                if self.write(room, bound, exact, |c, out| {
                    c.send_frame(opcode, fin, &payload, out)
                }) {
                    self.sent_data(opcode, fin, &payload);
                }
            }
            Op::SendUncompressed {
                opcode,
                fin,
                payload,
                room,
                ..
            } => {
                let opcode = OPCODES[usize::from(opcode) % OPCODES.len()];
                let bound = self.conn.max_frame_len(payload.len());
                if self.write(room, bound, true, |c, out| {
                    c.send_uncompressed(opcode, fin, &payload, out)
                }) {
                    assert!(!self.wire.last_compressed, "send_uncompressed compressed");
                    self.sent_data(opcode, fin, &payload);
                }
            }
            Op::Ping(_, payload, room) => {
                let bound = self.conn.max_frame_len(payload.len());
                self.write(room, bound, true, |c, out| c.send_ping(&payload, out));
            }
            Op::Pong(_, payload, room) => {
                let bound = self.conn.max_frame_len(payload.len());
                self.write(room, bound, true, |c, out| c.send_pong(&payload, out));
            }
            Op::Close {
                code,
                valid,
                reason,
                room,
                ..
            } => {
                let code = close_code(code, valid);
                let bound = self.conn.max_frame_len(reason.len() + 2);
                self.write(room, bound, true, |c, out| c.send_close(code, &reason, out));
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
            Op::ToVec { send, prefix, .. } => self.append_to_vec(send, prefix),
            Op::Eof(_) => self.eof(),
            Op::Deliver { .. } | Op::ReceiveNoRoom { .. } => {
                unreachable!("handled with both peers")
            }
        }
    }
}

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
