//! An open connection: the engine between the socket and the user. It
//! handles one input at a time (a command, bytes, the end of the stream),
//! writes what the engine produces, bounds the close handshake in time, and
//! records and prints what happens (`connection N ...`) as it happens.

use std::io::{self, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rfc6455::{
    CloseCode, Connection, ConnectionState, Eof, Event, MaskKeySource, MessageAssembler,
    ReceiveError,
};

use super::console::Console;
use super::info::{lock, CloseRecord, ConnectionId, Direction, Payload, SharedInfo, Status};
use super::worker::{Input, Order};

/// How long the close handshake may take once a Close went either way,
/// including the server closing TCP (RFC 6455 §7.1.1: the client waits for
/// that, with a timeout of its own choosing).
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);
/// The reason of the Close that `quit` sends.
const QUIT_REASON: &str = "quit";

/// An open connection: the engine, the socket, and what is reported.
pub struct Session<K: MaskKeySource> {
    id: ConnectionId,
    stream: TcpStream,
    conn: Connection<K>,
    assembler: MessageAssembler,
    /// Bytes to write, gathered while handling one input.
    out: Vec<u8>,
    info: SharedInfo,
    console: Arc<Console>,
    /// When the close handshake must be over; set once a Close goes
    /// either way.
    close_deadline: Option<Instant>,
    /// How the connection ended: `Ok` for a clean close, or the error.
    outcome: Option<Result<(), String>>,
}

impl<K: MaskKeySource> Session<K> {
    /// A session for connection `conn` over `stream`, just opened.
    pub fn new(
        stream: TcpStream,
        conn: Connection<K>,
        info: SharedInfo,
        console: Arc<Console>,
    ) -> Self {
        let id = lock(&info).id;
        Self {
            id,
            stream,
            conn,
            assembler: MessageAssembler::new(),
            out: Vec::new(),
            info,
            console,
            close_deadline: None,
            outcome: None,
        }
    }

    /// Handles inputs until the connection ends, then closes the socket and
    /// reports how it ended.
    pub fn run(mut self, inputs: Receiver<Input>, leftover: Vec<u8>) {
        self.on_bytes(leftover);
        self.flush();
        while self.outcome.is_none() {
            match self.next_input(&inputs) {
                Some(Input::Order(order)) => self.on_order(order),
                Some(Input::Bytes(bytes)) => self.on_bytes(bytes),
                Some(Input::Eof) => self.on_eof(),
                Some(Input::ReadFailed(error)) => self.on_read_failed(error),
                Some(Input::Quit) => self.on_quit(),
                None => self.on_close_timeout(),
            }
            self.flush();
            if self.conn.state() != ConnectionState::Open && self.close_deadline.is_none() {
                self.close_deadline = Some(Instant::now() + CLOSE_TIMEOUT);
            }
            lock(&self.info).status = self.status();
        }
        // Ends the reader thread too.
        let _ = self.stream.shutdown(Shutdown::Both);
        let mut info = lock(&self.info);
        info.status = self.status();
        match self.outcome {
            Some(Err(error)) => {
                self.console
                    .notify(&format!("connection {} failed: {error}", self.id));
                info.error = Some(error);
            }
            _ => {
                let close = info
                    .close_received
                    .as_ref()
                    .map_or_else(|| "no Close from the server".into(), ToString::to_string);
                self.console
                    .notify(&format!("connection {} closed: {close}", self.id));
            }
        }
    }

    /// The next input, or `None` when the close handshake ran out of time.
    /// (The channel cannot disconnect: the command loop keeps a sender for
    /// as long as the process runs.)
    fn next_input(&self, inputs: &Receiver<Input>) -> Option<Input> {
        match self.close_deadline {
            None => inputs.recv().ok(),
            Some(deadline) => inputs
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .ok(),
        }
    }

    /// Where the connection stands, for `show`.
    fn status(&self) -> Status {
        match (&self.outcome, self.conn.state()) {
            (Some(Ok(())), _) => Status::Closed,
            (Some(Err(_)), _) | (None, ConnectionState::Failed) => Status::Failed,
            (None, ConnectionState::Open) => Status::Open,
            (None, _) => Status::Closing,
        }
    }

    /// A user command: encode the frame, or report why it cannot be sent.
    fn on_order(&mut self, order: Order) {
        let id = self.id;
        let conn = &mut self.conn;
        // The `_to_vec` sends grow the output as the frame needs.
        let sent = match &order {
            Order::Text(text) => conn.send_text_to_vec(text, &mut self.out),
            Order::Binary(bytes) => conn.send_binary_to_vec(bytes, &mut self.out),
            Order::Close(code, reason) => conn.send_close_to_vec(*code, reason, &mut self.out),
        };
        if let Err(error) = sent {
            let what = match order {
                Order::Close(..) => "close",
                _ => "send",
            };
            self.console
                .notify(&format!("connection {id} cannot {what}: {error}"));
            return;
        }
        let mut info = lock(&self.info);
        let line = match order {
            Order::Text(text) => info.record(Direction::Sent, Payload::Text(text)),
            Order::Binary(bytes) => info.record(Direction::Sent, Payload::Binary(bytes)),
            Order::Close(code, reason) => {
                let close = CloseRecord { code, reason };
                let line = format!(">> close: {close}");
                info.close_sent = Some(close);
                line
            }
        };
        self.console.notify(&format!("connection {id} {line}"));
    }

    /// The client is quitting: a clean close, unless one is under way.
    fn on_quit(&mut self) {
        if self.conn.state() == ConnectionState::Open {
            self.on_order(Order::Close(
                Some(CloseCode::NORMAL),
                QUIT_REASON.to_string(),
            ));
        }
    }

    /// Bytes from the server: feed them all to the engine, recording each
    /// whole message and the server's Close, and queue the engine's replies.
    fn on_bytes(&mut self, mut bytes: Vec<u8>) {
        let mut pos = 0;
        while pos < bytes.len() {
            let received = match self.conn.receive(&mut bytes[pos..]) {
                Ok(received) => received,
                Err(ReceiveError::Usage(error)) => {
                    self.outcome = Some(Err(format!("this client broke a rule: {error}")));
                    break;
                }
                Err(ReceiveError::Protocol(error)) => {
                    // The failing Close is queued: it goes out below.
                    lock(&self.info).close_sent.get_or_insert(CloseRecord {
                        code: Some(error.close_code()),
                        reason: error.as_str().to_owned(),
                    });
                    self.outcome = Some(Err(format!(
                        "protocol error from the server: {error} (we closed with {})",
                        error.close_code()
                    )));
                    break;
                }
            };
            pos += received.consumed;
            match received.event {
                Some(Event::Chunk(chunk)) => {
                    let message = self.assembler.push(chunk).map(Payload::from_message);
                    if let Some(payload) = message {
                        let line = lock(&self.info).record(Direction::Received, payload);
                        self.console
                            .notify(&format!("connection {} {line}", self.id));
                    }
                }
                Some(Event::Close(frame)) => {
                    let close = CloseRecord {
                        code: frame.code(),
                        reason: frame.reason().to_owned(),
                    };
                    let line = format!("<< close: {close}");
                    lock(&self.info).close_received = Some(close);
                    self.console
                        .notify(&format!("connection {} {line}", self.id));
                }
                _ => {} // Pings are answered by the engine; Pongs need nothing.
            }
            // After every receive: the automatic Pong and Close replies.
            self.queue_replies();
        }
        self.queue_replies();
    }

    /// The server ended the TCP stream.
    fn on_eof(&mut self) {
        self.outcome = Some(match self.conn.receive_eof() {
            Eof::Clean => Ok(()),
            _ => Err("the server ended the TCP connection without a close handshake (1006)".into()),
        });
    }

    /// Reading failed. Once the close handshake is over, a reset is just
    /// the server's way of closing.
    fn on_read_failed(&mut self, error: io::Error) {
        if self.conn.state() == ConnectionState::Closed
            && error.kind() == io::ErrorKind::ConnectionReset
        {
            self.on_eof();
        } else {
            let _ = self.conn.receive_eof();
            self.outcome = Some(Err(format!("read failed: {error}")));
        }
    }

    /// The close handshake ran out of time. If both Close frames went
    /// through, only the server's TCP close is missing: that is still a
    /// clean close, and we close TCP ourselves.
    fn on_close_timeout(&mut self) {
        self.outcome = Some(if self.conn.state() == ConnectionState::Closed {
            let _ = self.conn.receive_eof();
            Ok(())
        } else {
            let _ = self.conn.receive_eof();
            Err(format!(
                "the close handshake did not finish within {} s",
                CLOSE_TIMEOUT.as_secs()
            ))
        });
    }

    /// Moves the engine's automatic replies into the output.
    fn queue_replies(&mut self) {
        let _ = self.conn.poll_transmit_to_vec(&mut self.out);
    }

    /// Writes the gathered output, and ends the connection when the engine
    /// says the transport should close (after a protocol error).
    fn flush(&mut self) {
        if !self.out.is_empty() {
            if let Err(error) = self.stream.write_all(&self.out) {
                if self.outcome.is_none() {
                    self.outcome = Some(Err(format!("write failed: {error}")));
                }
            }
            self.out.clear();
        }
        if self.outcome.is_none() && self.conn.should_close_transport() {
            // The engine asks for it only after a failure or at the end of
            // the stream, which set the outcome already; this is a guard.
            self.outcome = Some(match self.conn.error() {
                Some(error) => Err(format!("protocol error: {error}")),
                None => Ok(()),
            });
        }
    }
}
