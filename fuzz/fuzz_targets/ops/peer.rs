//! The `ops` target's peer: one connection with everything the harness
//! knows of it, receiving and the operations applied to it (the writing
//! ones are in `sends.rs`).

use super::*;

/// The state order: may `from` be followed by `to`?
pub(super) fn may_follow(from: ConnectionState, to: ConnectionState) -> bool {
    use ConnectionState::*;
    from == to
        || match from {
            Open => true,
            CloseSent | CloseReceived => matches!(to, Closed | Failed),
            _ => false, // Closed and Failed are final
        }
}

pub(super) fn finished(state: ConnectionState) -> bool {
    matches!(state, ConnectionState::Closed | ConnectionState::Failed)
}

pub(super) fn all_sentinel(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b == SENTINEL)
}

/// What a writing call is: `send_*`, `start_frame` or `poll_transmit`
/// into the buffer it is given.
pub(super) trait WriteCall<K>:
    FnMut(&mut Connection<K>, &mut [u8]) -> Result<usize, SendError>
{
}
impl<K, F: FnMut(&mut Connection<K>, &mut [u8]) -> Result<usize, SendError>> WriteCall<K> for F {}

/// What one receive loop produced, call by call (for comparing two
/// connections that should behave alike).
pub(super) type Trace = Vec<String>;

pub(super) struct Peer<K> {
    pub(super) conn: Connection<K>,
    /// permessage-deflate is on.
    pub(super) deflate: bool,
    /// Everything this side wrote, parsed.
    pub(super) wire: Wire,
    /// Written bytes not yet delivered to the other side.
    pub(super) outbox: Vec<u8>,
    /// Events this side received.
    pub(super) received: Collector,
    /// Raw bytes were injected into this side's input.
    pub(super) tainted: bool,
    pub(super) got_eof: bool,
    pub(super) failure: Option<ProtocolError>,
    pub(super) state: ConnectionState,
    /// Whole data messages the application sent, and the one in progress.
    pub(super) sent: Vec<Seen>,
    pub(super) sending: Option<(MessageKind, Vec<u8>)>,
    /// The harness's view of a started frame: bytes still owed, and fin.
    pub(super) owed: Option<(u64, bool)>,
}

impl<K: MaskKeySource + Debug + Clone> Peer<K> {
    pub(super) fn new(conn: Connection<K>) -> Self {
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
    pub(super) fn enable_deflate(
        &mut self,
        agreement: &DeflateAgreement,
        other: &DeflateAgreement,
    ) {
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

    pub(super) fn check_state(&mut self) {
        let now = self.conn.state();
        assert!(
            may_follow(self.state, now),
            "state went {:?} -> {now:?}",
            self.state
        );
        self.state = now;
    }

    /// Bytes the connection wrote: checked, and queued for the peer.
    pub(super) fn wrote(&mut self, bytes: &[u8]) {
        self.wire.push(bytes);
        self.outbox.extend_from_slice(bytes);
    }

    pub(super) fn eof(&mut self) {
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
    pub(super) fn receive(
        &mut self,
        mut bytes: Vec<u8>,
        room: usize,
        mut trace: Option<&mut Trace>,
    ) {
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

    pub(super) fn apply(&mut self, op: Op) {
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
