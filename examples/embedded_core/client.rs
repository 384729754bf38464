//! The client loop: the upgrade request, then one [`Step`] at a time, each
//! message sent as one frame masked piece by piece in the output buffer,
//! and each echo checked chunk by chunk as it arrives.

use rfc6455::{
    ClientRequest, Config, Connection, Event, MaskKeySource, MessageKind, Opcode, ReceiveError,
    Status, EMPTY_HTTP_HEADER,
};

use super::transport::{flush_replies, read, write_all};
use super::{Buffers, Ending, LoopError, Outcome, Payload, Step, Transport, MAX_HEADERS};

/// An open client connection over a borrowed transport and buffers.
pub struct Session<'s, T, K> {
    transport: &'s mut T,
    buffers: &'s mut Buffers,
    conn: Connection<K>,
    /// The unread input is `buffers.input[start..end]`.
    start: usize,
    end: usize,
}

impl<'s, T: Transport, K: MaskKeySource> Session<'s, T, K> {
    /// Sends the upgrade request for `target` on `host`, with the key made
    /// from `nonce`, and checks the server's answer (RFC 6455 §4.1). Every
    /// frame after that is masked with a key from `keys`.
    pub fn connect(
        transport: &'s mut T,
        buffers: &'s mut Buffers,
        host: &str,
        target: &str,
        nonce: &[u8; 16],
        keys: K,
    ) -> Result<Self, LoopError<T::Error>> {
        let handshake = ClientRequest::new(host, target).write(nonce, &mut buffers.output)?;
        let request = buffers.output.get(..handshake.request_len());
        write_all(transport, request.unwrap_or_default())?;
        let mut filled = 0;
        loop {
            let Some(room) = buffers.input.get_mut(filled..).filter(|r| !r.is_empty()) else {
                return Err(rfc6455::ClientHandshakeError::HeadTooLarge.into());
            };
            let n = read(transport, room)?;
            if n == 0 {
                return Err(LoopError::Ended(Ending::Abnormal));
            }
            filled += n;
            let mut headers = [EMPTY_HTTP_HEADER; MAX_HEADERS];
            let head = buffers.input.get(..filled).unwrap_or_default();
            if let Status::Complete(response) = handshake.receive_response(head, &mut headers)? {
                handshake.validate(&response)?;
                let head_len = response.head_len();
                // The bytes after the head are already frames: keep them.
                buffers.input.copy_within(head_len..filled, 0);
                return Ok(Self {
                    transport,
                    buffers,
                    conn: Connection::client(Config::default(), keys),
                    start: 0,
                    end: filled - head_len,
                });
            }
        }
    }

    /// The connection, for its state and size.
    pub fn connection(&self) -> &Connection<K> {
        &self.conn
    }

    /// Runs one step: sends, then waits for and checks the answer.
    pub fn run(&mut self, step: &Step<'_>) -> Result<Outcome, LoopError<T::Error>> {
        match *step {
            Step::Message(kind, payload) => {
                self.send_message(kind, payload)?;
                self.await_echo(kind, payload)
            }
            Step::Ping(payload) => {
                let len = self.conn.send_ping(payload, &mut self.buffers.output)?;
                self.write_output(len)?;
                self.await_pong(payload)
            }
            Step::Close(code, reason) => {
                let len = self
                    .conn
                    .send_close(Some(code), reason, &mut self.buffers.output)?;
                self.write_output(len)?;
                self.await_close()
            }
        }
    }

    /// Sends a message as one frame of any length: the header first, then
    /// the payload one output buffer at a time, masked in place.
    fn send_message(
        &mut self,
        kind: MessageKind,
        payload: Payload<'_>,
    ) -> Result<(), LoopError<T::Error>> {
        let opcode = match kind {
            MessageKind::Text => Opcode::Text,
            MessageKind::Binary => Opcode::Binary,
        };
        let output = &mut self.buffers.output;
        let header_len = self
            .conn
            .start_frame(opcode, true, payload.len() as u64, output)?;
        write_all(self.transport, output.get(..header_len).unwrap_or_default())?;
        let mut sent = 0;
        while sent < payload.len() {
            let room = output.len();
            let piece = &mut output[..(payload.len() - sent).min(room)];
            payload.copy_to(sent, piece);
            self.conn.frame_payload(&mut *piece)?;
            write_all(self.transport, piece)?;
            sent += piece.len();
        }
        Ok(())
    }

    /// Waits for the echo of a message and checks it as it streams in.
    fn await_echo(
        &mut self,
        kind: MessageKind,
        payload: Payload<'_>,
    ) -> Result<Outcome, LoopError<T::Error>> {
        let (mut matched, mut frames) = (0, 0);
        self.await_event(|event| match event {
            Event::Chunk(chunk) if chunk.kind != kind => Verdict::Mismatch(matched as u64),
            Event::Chunk(chunk) => {
                if let Err(offset) = payload.check(matched, chunk.payload) {
                    return Verdict::Mismatch(offset);
                }
                matched += chunk.payload.len();
                frames += u32::from(chunk.frame_end);
                match (chunk.message_end, matched == payload.len()) {
                    (false, _) => Verdict::Wait,
                    (true, true) => Verdict::Done(Outcome::Echoed {
                        kind,
                        bytes: matched,
                        frames,
                    }),
                    (true, false) => Verdict::Mismatch(matched as u64),
                }
            }
            Event::Close(frame) => Verdict::Closed(frame.code()),
            _ => Verdict::Wait, // Pings are answered by the engine
        })
    }

    /// Waits for the Pong that answers our Ping.
    fn await_pong(&mut self, payload: &[u8]) -> Result<Outcome, LoopError<T::Error>> {
        self.await_event(|event| match event {
            Event::Pong(pong) => match Payload::Bytes(payload).check(0, &pong) {
                Ok(()) if pong.len() == payload.len() => {
                    Verdict::Done(Outcome::Ponged { bytes: pong.len() })
                }
                Ok(()) => Verdict::Mismatch(pong.len() as u64),
                Err(offset) => Verdict::Mismatch(offset),
            },
            Event::Chunk(_) => Verdict::Mismatch(0),
            Event::Close(frame) => Verdict::Closed(frame.code()),
            _ => Verdict::Wait,
        })
    }

    /// Waits for the server's Close, then for it to close the transport
    /// (RFC 6455 §7.1.1: the server closes the TCP connection first).
    fn await_close(&mut self) -> Result<Outcome, LoopError<T::Error>> {
        let code = self.await_event(|event| match event {
            Event::Close(frame) => Verdict::Done(frame.code()),
            _ => Verdict::Wait, // echoes still in flight
        })?;
        // After the peer's Close the engine reads nothing: drain to the end.
        // A device bounds this wait with a timer of its own (§7.1.1 leaves
        // the timeout to the client); the host transports time reads out.
        while read(self.transport, &mut self.buffers.input)? > 0 {}
        let eof = self.conn.receive_eof();
        Ok(Outcome::Closed { code, eof })
    }

    /// Reads and hands each event to `judge` until it gives a verdict,
    /// writing the automatic replies after every `receive`. A protocol
    /// error or the end of the stream ends the connection.
    fn await_event<R>(
        &mut self,
        mut judge: impl FnMut(Event<'_>) -> Verdict<R>,
    ) -> Result<R, LoopError<T::Error>> {
        loop {
            if self.start == self.end {
                let n = read(self.transport, &mut self.buffers.input)?;
                if n == 0 {
                    let _ = self.conn.receive_eof();
                    return Err(LoopError::Ended(Ending::Abnormal));
                }
                (self.start, self.end) = (0, n);
            }
            let unread = &mut self.buffers.input[self.start..self.end];
            let received = match self.conn.receive(unread) {
                Ok(received) => received,
                Err(ReceiveError::Usage(error)) => return Err(error.into()),
                Err(ReceiveError::Protocol(error)) => {
                    // Our Close with the error's code is queued.
                    self.flush()?;
                    return Err(LoopError::Ended(Ending::Failed(error)));
                }
            };
            self.start += received.consumed;
            let verdict = received.event.map(&mut judge);
            self.flush()?;
            match verdict {
                None | Some(Verdict::Wait) => {}
                Some(Verdict::Done(result)) => return Ok(result),
                Some(Verdict::Mismatch(offset)) => return Err(LoopError::Mismatch { offset }),
                Some(Verdict::Closed(code)) => return Err(LoopError::Ended(Ending::Closed(code))),
            }
        }
    }

    /// Writes the automatic replies the engine has queued.
    fn flush(&mut self) -> Result<(), LoopError<T::Error>> {
        flush_replies(self.transport, &mut self.conn, &mut self.buffers.output)
    }

    /// Writes the first `len` bytes of the output buffer.
    fn write_output(&mut self, len: usize) -> Result<(), LoopError<T::Error>> {
        write_all(
            self.transport,
            self.buffers.output.get(..len).unwrap_or_default(),
        )
    }
}

/// What a waiting step makes of one event.
enum Verdict<R> {
    /// Not the answer yet: keep reading.
    Wait,
    /// The answer, checked.
    Done(R),
    /// The answer differs from what was sent, from this payload offset.
    Mismatch(u64),
    /// The server closed the connection first, with this code.
    Closed(Option<rfc6455::CloseCode>),
}
