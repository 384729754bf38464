//! One connection's threads. The connection thread runs the handshake and
//! then the session (`session.rs`), which owns the socket's writing side
//! and the engine; a reader thread turns what the socket gives into inputs
//! on the same channel the user's commands arrive on, so the connection
//! thread waits in one place for either and never polls.

use std::io::{self, Read};
use std::net::TcpStream;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread::{self, JoinHandle};

use rfc6455::{CloseCode, Config, Connection};

use super::command::ConnectTarget;
use super::console::Console;
use super::handshake::{self, Opened};
use super::info::{lock, ConnectionId, ConnectionInfo, SharedInfo, Status};
use super::session::Session;
use crate::support::random::OsRandom;

/// The reader thread's buffer. Frames of any size stream through it.
const READ_BUFFER: usize = 64 * 1024;

/// Something for the connection thread to do.
#[derive(Debug)]
pub enum Input {
    /// A command from the user.
    Order(Order),
    /// Bytes from the server.
    Bytes(Vec<u8>),
    /// The server ended the TCP stream.
    Eof,
    /// Reading from the socket failed.
    ReadFailed(io::Error),
    /// The client is quitting: close with 1000 unless a Close went either
    /// way already.
    Quit,
}

/// A user command for one connection. Orders sent while the connection is
/// still connecting wait for the handshake.
#[derive(Debug, Clone)]
pub enum Order {
    /// Send a text message.
    Text(String),
    /// Send a binary message.
    Binary(Vec<u8>),
    /// Start the close handshake (already checked by the command parser).
    Close(Option<CloseCode>, String),
}

/// The command loop's hold on one connection.
#[derive(Debug)]
pub struct Handle {
    /// The metadata the connection's thread keeps up to date.
    pub info: SharedInfo,
    inputs: Sender<Input>,
    thread: JoinHandle<()>,
}

impl Handle {
    /// Starts connection `id` to `target` in the background.
    pub fn spawn(id: ConnectionId, target: ConnectTarget, console: Arc<Console>) -> Self {
        let info = SharedInfo::new(
            ConnectionInfo::new(id, target.uri.clone(), target.protocols.clone()).into(),
        );
        let (inputs, receiver) = mpsc::channel();
        let thread = {
            let (info, inputs) = (info.clone(), inputs.clone());
            thread::spawn(move || run(target, info, inputs, receiver, console))
        };
        Self {
            info,
            inputs,
            thread,
        }
    }

    /// Hands `order` to the connection thread; `false` if it has ended.
    pub fn order(&self, order: Order) -> bool {
        self.inputs.send(Input::Order(order)).is_ok()
    }

    /// Asks the connection to close because the client is quitting. A
    /// connection that has ended needs nothing.
    pub fn quit(&self) {
        let _ = self.inputs.send(Input::Quit);
    }

    /// Whether the connection's thread has ended.
    pub fn is_finished(&self) -> bool {
        self.thread.is_finished()
    }
}

/// The connection thread: the handshake, then the session.
fn run(
    target: ConnectTarget,
    info: SharedInfo,
    inputs: Sender<Input>,
    receiver: Receiver<Input>,
    console: Arc<Console>,
) {
    let id = lock(&info).id;
    let opened = OsRandom::new()
        .map_err(|e| handshake::Failure {
            message: format!("no randomness for the handshake: {e}"),
            server: None,
        })
        .and_then(|mut random| {
            let opened = handshake::open(&target.url, &target.protocols, random.nonce())?;
            Ok((opened, random))
        });
    let (opened, random) = match opened {
        Ok(opened) => opened,
        Err(failure) => {
            let mut info = lock(&info);
            info.status = Status::Failed;
            info.server = failure.server;
            info.error = Some(failure.message.clone());
            console.notify(&format!("connection {id} failed: {}", failure.message));
            return;
        }
    };
    let Opened {
        stream,
        leftover,
        server,
    } = opened;
    {
        let mut info = lock(&info);
        info.status = Status::Open;
        info.server = server.server;
        info.protocol = server.protocol;
        info.extensions = server.extensions;
    }
    console.notify(&format!("connection {id} open"));
    match stream.try_clone() {
        Ok(reading) => {
            thread::spawn(move || read_socket(reading, inputs));
        }
        Err(e) => {
            let _ = inputs.send(Input::ReadFailed(e));
        }
    }
    let conn = Connection::client(Config::default(), random.into_mask_keys());
    Session::new(stream, conn, info, console).run(receiver, leftover);
}

/// The reader thread: forwards everything the socket gives until it ends.
fn read_socket(mut stream: TcpStream, inputs: Sender<Input>) {
    let mut buffer = vec![0u8; READ_BUFFER];
    loop {
        let input = match stream.read(&mut buffer) {
            Ok(0) => Input::Eof,
            Ok(n) => Input::Bytes(buffer[..n].to_vec()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => Input::ReadFailed(e),
        };
        let last = !matches!(input, Input::Bytes(_));
        // A closed channel means the connection thread is done.
        if inputs.send(input).is_err() || last {
            return;
        }
    }
}
