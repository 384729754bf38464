//! Test-side helpers for `tests/example_chat.rs`: start the `chat_server`
//! example on a free port, make raw HTTP requests, and drive WebSocket
//! clients built on this crate over blocking TCP. Every read has a timeout,
//! and the server is killed when its handle drops.
#![allow(dead_code)] // not every test uses every helper

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rfc6455::{
    ClientHandshakeError, ClientRequest, CloseCode, Config, Connection, Event, Message,
    MessageAssembler, Status, EMPTY_HTTP_HEADER,
};
use serde_json::Value;

use crate::common::examples::example;

/// How long any single wait may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The users and tokens every test server accepts. Dave's token needs
/// percent-encoding in a query string.
pub const TOKENS: &[(&str, &str)] = &[
    ("alice", "alice-secret"),
    ("bob", "bob-secret"),
    ("carol", "carol-secret"),
    ("dave", "d&ve tok%n"),
];

/// The token of `user` in [`TOKENS`].
pub fn token(user: &str) -> &'static str {
    TOKENS
        .iter()
        .find(|(name, _)| *name == user)
        .map(|(_, token)| *token)
        .expect("a test user")
}

/// A running `chat_server`, killed on drop.
pub struct ChatServer {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl ChatServer {
    /// Starts the server on a free loopback port with [`TOKENS`] and
    /// `extra` arguments, and reads its address from the first stdout line.
    pub fn start(extra: &[&str]) -> Self {
        // Built first if need be (`--test example_chat` does not build examples).
        let mut command = Command::new(example("chat_server"));
        command.args(["--listen", "127.0.0.1:0"]);
        for (user, token) in TOKENS {
            command.arg("--token").arg(format!("{user}={token}"));
        }
        let mut child = command
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chat_server");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("piped stdout");
        // A dead server closes stdout, so this cannot hang.
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the address line");
        let addr = line
            .trim()
            .rsplit("http://")
            .next()
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Self { child, addr }
    }

    /// `http://ADDR`, the server's own origin.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Connects a client with a Bearer token for `user`.
    pub fn client(&self, user: &str) -> ChatClient {
        let auth = format!("Bearer {}", token(user));
        ChatClient::connect(self.addr, "/ws", None, &[("Authorization", &auth)])
            .unwrap_or_else(|refused| panic!("{user} refused: {refused:?}"))
    }

    /// Whether the server process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for ChatServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A plain HTTP response, read to the end of the connection.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    /// Header lines, names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `request` as is and reads the response until the server closes
/// the connection (which it must, within the timeout).
pub fn raw_request(addr: SocketAddr, request: &str) -> HttpResponse {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    stream
        .read_to_end(&mut bytes)
        .expect("the server closes the connection after its answer");
    parse_response(&bytes)
}

fn parse_response(bytes: &[u8]) -> HttpResponse {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut response = httparse::Response::new(&mut headers);
    let httparse::Status::Complete(head_len) = response.parse(bytes).expect("an HTTP response")
    else {
        panic!("incomplete response: {:?}", String::from_utf8_lossy(bytes));
    };
    HttpResponse {
        status: response.code.expect("status"),
        headers: response
            .headers
            .iter()
            .map(|h| {
                let value = String::from_utf8_lossy(h.value).into_owned();
                (h.name.to_ascii_lowercase(), value)
            })
            .collect(),
        body: bytes[head_len..].to_vec(),
    }
}

/// What a client got from the server.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// A text message, exactly as sent.
    Text(String),
    /// A Pong, with its payload.
    Pong(Vec<u8>),
    /// The server's Close, with its code.
    Close(Option<u16>),
    /// The TCP connection ended.
    Eof,
}

/// A WebSocket client on this crate's engine, over blocking TCP.
pub struct ChatClient {
    stream: TcpStream,
    conn: Connection<Box<dyn FnMut() -> [u8; 4] + Send>>,
    input: Vec<u8>,
    assembler: MessageAssembler,
    events: VecDeque<Incoming>,
    eof: bool,
}

/// Mask keys from a seeded generator: the tests need no cryptography.
fn mask_keys(seed: u32) -> Box<dyn FnMut() -> [u8; 4] + Send> {
    let mut state = seed | 1;
    Box::new(move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state.to_be_bytes()
    })
}

impl ChatClient {
    /// Opens `target` (e.g. `/ws?token=…`) with an optional `Origin` and
    /// extra headers. A refusal comes back as the HTTP response, read to
    /// the end of the connection.
    pub fn connect(
        addr: SocketAddr,
        target: &str,
        origin: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Result<Self, HttpResponse> {
        let mut stream = TcpStream::connect(addr).expect("connect");
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        stream.set_nodelay(true).unwrap();
        let host = addr.to_string();
        let mut request = ClientRequest::new(&host, target).headers(headers);
        if let Some(origin) = origin {
            request = request.origin(origin);
        }
        let seed = addr.port() as u32 ^ target.len() as u32;
        let nonce = *b"chat test nonce!";
        let mut out = [0u8; 2048];
        let handshake = request.write(&nonce, &mut out).expect("request fits");
        stream.write_all(&out[..handshake.request_len()]).unwrap();
        let mut input = vec![0u8; 1 << 17];
        let mut filled = 0;
        loop {
            let n = stream
                .read(&mut input[filled..])
                .expect("handshake response");
            assert!(n > 0, "the server closed without an answer");
            filled += n;
            let mut headers = [EMPTY_HTTP_HEADER; 32];
            let response = match handshake.receive_response(&input[..filled], &mut headers) {
                Ok(Status::Complete(response)) => response,
                Ok(Status::Partial) => continue,
                Err(error) => panic!("not an HTTP response: {error:?}"),
            };
            match handshake.validate(&response) {
                Ok(_) => {
                    let head_len = response.head_len();
                    let leftover = filled - head_len;
                    input.copy_within(head_len..filled, 0);
                    let mut client = Self {
                        stream,
                        conn: Connection::client(Config::default(), mask_keys(seed)),
                        input,
                        assembler: MessageAssembler::new(),
                        events: VecDeque::new(),
                        eof: false,
                    };
                    client.feed(leftover);
                    return Ok(client);
                }
                Err(ClientHandshakeError::UnexpectedStatus(_)) => {
                    let mut rest = Vec::new();
                    stream
                        .read_to_end(&mut rest)
                        .expect("a refused client is disconnected");
                    let mut bytes = input[..filled].to_vec();
                    bytes.extend_from_slice(&rest);
                    return Err(parse_response(&bytes));
                }
                Err(error) => panic!("bad handshake response: {error:?}"),
            }
        }
    }

    /// Sends a text message.
    pub fn send_text(&mut self, text: &str) {
        let mut out = vec![0u8; text.len() + 14];
        let n = self.conn.send_text(text, &mut out).expect("send_text");
        self.stream.write_all(&out[..n]).expect("write");
    }

    /// Sends a JSON value as a text message.
    pub fn send_json(&mut self, value: &Value) {
        self.send_text(&value.to_string());
    }

    /// Sends a binary message.
    pub fn send_binary(&mut self, data: &[u8]) {
        let mut out = vec![0u8; data.len() + 14];
        let n = self.conn.send_binary(data, &mut out).expect("send_binary");
        self.stream.write_all(&out[..n]).expect("write");
    }

    /// Sends a Ping.
    pub fn send_ping(&mut self, payload: &[u8]) {
        let mut out = [0u8; 256];
        let n = self.conn.send_ping(payload, &mut out).expect("send_ping");
        self.stream.write_all(&out[..n]).expect("write");
    }

    /// Starts the close handshake with 1000.
    pub fn send_close(&mut self) {
        let mut out = [0u8; 256];
        let n = self
            .conn
            .send_close(Some(CloseCode::NORMAL), "bye", &mut out)
            .expect("send_close");
        self.stream.write_all(&out[..n]).expect("write");
    }

    /// `join`, `leave` and `message` requests.
    pub fn join(&mut self, room: &str) {
        self.send_json(&serde_json::json!({"type": "join", "room": room}));
    }

    pub fn leave(&mut self, room: &str) {
        self.send_json(&serde_json::json!({"type": "leave", "room": room}));
    }

    pub fn say(&mut self, room: &str, text: &str) {
        self.send_json(&serde_json::json!({"type": "message", "room": room, "text": text}));
    }

    /// The next thing from the server; panics after [`TIMEOUT`].
    pub fn next(&mut self) -> Incoming {
        self.next_within(TIMEOUT)
            .unwrap_or_else(|| panic!("nothing from the server within {TIMEOUT:?}"))
    }

    /// The next thing from the server, or `None` if nothing comes within
    /// `wait`.
    pub fn next_within(&mut self, wait: Duration) -> Option<Incoming> {
        let deadline = Instant::now() + wait;
        loop {
            if let Some(event) = self.events.pop_front() {
                return Some(event);
            }
            if self.eof {
                return Some(Incoming::Eof);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            self.stream.set_read_timeout(Some(left)).unwrap();
            match self.stream.read(&mut self.input) {
                Ok(0) => {
                    self.eof = true;
                    let _ = self.conn.receive_eof();
                }
                Ok(n) => self.feed(n),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                // A reset after the close handshake, or after being dropped.
                Err(_) => self.eof = true,
            }
        }
    }

    /// The next message, which must be text, exactly as sent.
    pub fn recv_raw(&mut self) -> String {
        match self.next() {
            Incoming::Text(text) => text,
            other => panic!("expected a text message, got {other:?}"),
        }
    }

    /// The next message, which must be JSON text.
    pub fn recv(&mut self) -> Value {
        parse_json(&self.recv_raw())
    }

    /// The next message whose `type` is `kind`, skipping others; panics
    /// after [`TIMEOUT`] even while other messages (ticks) keep coming.
    pub fn recv_type(&mut self, kind: &str) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next_within(left) {
                Some(Incoming::Text(text)) => {
                    let value = parse_json(&text);
                    if value["type"] == kind {
                        return value;
                    }
                }
                Some(other) => panic!("expected a {kind} message, got {other:?}"),
                None => panic!("no {kind} message within {TIMEOUT:?}"),
            }
        }
    }

    /// Asserts that nothing arrives for `wait`.
    pub fn expect_silence(&mut self, wait: Duration) {
        if let Some(event) = self.next_within(wait) {
            panic!("expected nothing, got {event:?}");
        }
    }

    /// Reads until the connection ends; returns the close code seen, if any.
    pub fn close_code_then_eof(&mut self) -> Option<u16> {
        let mut code = None;
        loop {
            match self.next() {
                Incoming::Close(c) => code = c,
                Incoming::Eof => return code,
                _ => {}
            }
        }
    }

    /// Closes the TCP connection without a close handshake.
    pub fn drop_tcp(self) {
        let _ = self.stream.shutdown(Shutdown::Both);
    }

    /// Feeds `input[..n]` to the engine, queueing events and writing its
    /// automatic replies.
    fn feed(&mut self, n: usize) {
        let mut pos = 0;
        while pos < n {
            let received = self
                .conn
                .receive(&mut self.input[pos..n])
                .expect("the server keeps the protocol");
            pos += received.consumed;
            match received.event {
                Some(Event::Chunk(chunk)) => match self.assembler.push(chunk) {
                    Some(Message::Text(text)) => {
                        self.events.push_back(Incoming::Text(text.to_string()));
                    }
                    Some(other) => panic!("unexpected message {other:?}"),
                    None => {}
                },
                Some(Event::Pong(payload)) => {
                    self.events.push_back(Incoming::Pong(payload.to_vec()))
                }
                Some(Event::Close(frame)) => self
                    .events
                    .push_back(Incoming::Close(frame.code().map(|c| c.0))),
                _ => {}
            }
            let mut out = [0u8; 512];
            let len = self.conn.poll_transmit(&mut out).expect("room for replies");
            // The server may be gone already; the test reads what came.
            let _ = self.stream.write_all(&out[..len]);
        }
    }
}

/// Joins `room` (empty until now) with each client in turn, and waits
/// until every member so far has seen each join notice. Joins from
/// different connections race on the server; this makes the order known,
/// and leaves every client with its notices read.
pub fn join_in_turn(clients: &mut [&mut ChatClient], room: &str) {
    for newcomer in 0..clients.len() {
        clients[newcomer].join(room);
        for member in clients[..=newcomer].iter_mut() {
            let notice = member.recv_type("join");
            assert_eq!(notice["room"], room);
            let members = notice["members"].as_array().map(Vec::len);
            assert_eq!(members, Some(newcomer + 1), "{notice}");
        }
    }
}

/// Parses a message from the server, which must be JSON.
fn parse_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:?}"))
}
