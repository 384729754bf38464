//! A blocking WebSocket client on the engine, for tests that drive a server
//! example over loopback: the handshake, sends of every kind, and whole
//! incoming messages and control frames as owned values, every read bounded
//! by a timeout.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use rfc6455::{
    ClientRequest, CloseCode, Config, Connection, Incoming, Message, MessageReader, Opcode, Status,
    EMPTY_HTTP_HEADER,
};

use super::counter_keys;

/// What the server sent, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    Text(String),
    Binary(Vec<u8>),
    Ping(Vec<u8>),
    Pong(Vec<u8>),
    /// The server's Close: its code, if any, and reason.
    Close(Option<u16>, String),
    /// The server ended the TCP connection.
    Eof,
}

/// The keys a test client masks with: deterministic, never all zero.
type Keys = Box<dyn FnMut() -> [u8; 4] + Send>;

/// A connected, upgraded client.
pub struct WsClient {
    stream: TcpStream,
    pub conn: Connection<Keys>,
    reader: MessageReader,
    out: Vec<u8>,
}

impl WsClient {
    /// Connects to `address`, upgrades on `target` (with `headers` added to
    /// the request), and fails unless the server answers 101.
    pub fn connect(address: SocketAddr, target: &str, headers: &[(&str, &str)]) -> Self {
        let mut stream = TcpStream::connect(address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("read timeout");
        stream.set_nodelay(true).expect("nodelay");
        let host = address.to_string();
        let mut request = vec![0u8; 4096];
        let handshake = ClientRequest::new(&host, target)
            .headers(headers)
            .write(&[7; 16], &mut request)
            .expect("write the request");
        stream
            .write_all(&request[..handshake.request_len()])
            .expect("send the request");
        let mut reader = MessageReader::new();
        let mut head = vec![0u8; 8192];
        let mut filled = 0;
        loop {
            let n = stream.read(&mut head[filled..]).expect("read the response");
            assert!(n > 0, "the server closed during the handshake");
            filled += n;
            let mut fields = [EMPTY_HTTP_HEADER; 32];
            match handshake.receive_response(&head[..filled], &mut fields) {
                Ok(Status::Partial) => continue,
                Ok(Status::Complete(response)) => {
                    handshake.validate(&response).expect("a valid 101");
                    reader.push(&head[response.head_len()..filled]);
                    break;
                }
                Err(error) => panic!("bad response: {error}"),
            }
        }
        let keys: Keys = Box::new(counter_keys(11));
        Self {
            stream,
            conn: Connection::client(Config::default(), keys),
            reader,
            out: vec![0u8; 64],
        }
    }

    /// Sends one frame of any kind (messages, fragments, control frames).
    pub fn send_frame(&mut self, opcode: Opcode, fin: bool, payload: &[u8]) {
        self.out.resize(payload.len() + 14, 0);
        let len = self
            .conn
            .send_frame(opcode, fin, payload, &mut self.out)
            .expect("send_frame");
        self.stream.write_all(&self.out[..len]).expect("write");
    }

    pub fn send_text(&mut self, text: &str) {
        self.send_frame(Opcode::Text, true, text.as_bytes());
    }

    pub fn send_binary(&mut self, data: &[u8]) {
        self.send_frame(Opcode::Binary, true, data);
    }

    /// Starts the close handshake with `code`.
    pub fn send_close(&mut self, code: u16, reason: &str) {
        self.out.resize(256, 0);
        let len = self
            .conn
            .send_close(Some(CloseCode(code)), reason, &mut self.out)
            .expect("send_close");
        self.stream.write_all(&self.out[..len]).expect("write");
    }

    /// Writes raw bytes, bypassing the engine (to send what it never would).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("write");
    }

    /// The next message or control frame from the server, or `Eof`. Panics
    /// on a read timeout or a protocol error.
    pub fn next(&mut self) -> Received {
        loop {
            match self.reader.next(&mut self.conn).expect("server protocol") {
                Some(Incoming::Message(Message::Text(text))) => {
                    return Received::Text(text.to_owned())
                }
                Some(Incoming::Message(message)) => {
                    return Received::Binary(message.as_bytes().to_vec())
                }
                Some(Incoming::Ping(payload)) => {
                    self.flush();
                    return Received::Ping(payload.as_bytes().to_vec());
                }
                Some(Incoming::Pong(payload)) => {
                    return Received::Pong(payload.as_bytes().to_vec())
                }
                Some(Incoming::Close(frame)) => {
                    self.flush();
                    return Received::Close(frame.code().map(|c| c.0), frame.reason().to_owned());
                }
                Some(other) => panic!("unexpected {other:?}"),
                None => {}
            }
            match self.stream.read(self.reader.read_buf()) {
                Ok(0) => return Received::Eof,
                Ok(n) => self.reader.filled(n),
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => return Received::Eof,
                Err(e) => panic!("read: {e}"),
            }
        }
    }

    /// Writes what the engine queued (Pongs, the Close reply).
    fn flush(&mut self) {
        let mut buf = [0u8; 512];
        let len = self.conn.poll_transmit(&mut buf).expect("room");
        self.stream.write_all(&buf[..len]).expect("write");
    }
}
