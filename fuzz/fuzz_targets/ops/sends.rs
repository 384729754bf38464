//! The `ops` target's writing operations on a peer: every send, into a
//! buffer of the size the input asks for, with the checks that a refused
//! call changed nothing and that a retry with `required` bytes succeeds.

use super::*;

impl<K: MaskKeySource + Debug + Clone> Peer<K> {
    /// One writing call into a sentinel-filled buffer of `size` bytes. On
    /// an error, checks that nothing changed; `bound` is the call's worst
    /// case, which `required` never exceeds and past which nothing is
    /// written.
    pub(super) fn try_call(
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
    pub(super) fn attempt(
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
    pub(super) fn write(
        &mut self,
        room: Room,
        bound: usize,
        exact: bool,
        call: impl WriteCall<K>,
    ) -> bool {
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
    pub(super) fn sent_data(&mut self, opcode: Opcode, fin: bool, payload: &[u8]) {
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
    pub(super) fn transmitted(&mut self, bytes: &[u8], was_finished: bool) {
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

    pub(super) fn poll_transmit(&mut self, room: Room) {
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
    pub(super) fn append_to_vec(&mut self, send: VecSend, prefix: u8) {
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

    pub(super) fn start_frame(&mut self, opcode: Opcode, fin: bool, len: u64, room: Room) {
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

    pub(super) fn frame_payload(&mut self, mut data: Vec<u8>, written: bool) {
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
}
