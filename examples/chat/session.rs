//! One client connection after its handshake: a reader thread (this one)
//! that feeds the engine and hands whole messages to the registry, and a
//! writer thread that owns every write to the socket.
//!
//! The two share the engine's `Connection` behind a mutex. Only the writer
//! decides what goes on the wire and writes it, in that order: for each
//! queued broadcast it asks the connection first (`send_prepared`), so a
//! connection whose Close is queued or sent never gets data after it. The
//! reader never writes; when the engine has automatic replies (Pong,
//! Close) it queues a `Flush` for the writer.
//!
//! The writer's queue is bounded. Broadcasts are queued without waiting;
//! a client whose queue is full is too slow to keep up and is disconnected,
//! and nobody else waits for it.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use rfc6455::{
    Config, Connection, ConnectionState, Incoming, Message, MessageReader, PreparedMessage,
};

use super::http::Upgrade;
use super::rooms::{ClientId, Registry};

/// The largest message a client may send; a bigger one closes the
/// connection with 1009 (RFC 6455 §7.4.1).
pub const MAX_MESSAGE: u64 = 64 * 1024;
/// How many frames may wait for a slow client before it is dropped.
pub const OUTBOX_CAPACITY: usize = 256;
/// The least room offered to each read; the reader's buffer grows to
/// hold a whole message (up to `MAX_MESSAGE`) on top.
const READ_BUFFER: usize = 16 * 1024;
/// How long one write may block before the client counts as gone.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long to wait for the peer to finish after the close handshake or a
/// failure, reading and discarding what it still sends.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// What the writer thread is asked to do.
#[derive(Debug)]
pub enum Outgoing {
    /// Send a message encoded once for everyone who gets it.
    Message(Arc<PreparedMessage>),
    /// Write the engine's automatic replies (Pong, Close).
    Flush,
}

/// The sending end of one client's writer queue.
#[derive(Debug, Clone)]
pub struct Outbox {
    queue: SyncSender<Outgoing>,
    socket: Arc<TcpStream>,
}

impl Outbox {
    /// Queues a message without waiting; see [`push`](Self::push).
    pub fn send(&self, message: Arc<PreparedMessage>) {
        self.push(Outgoing::Message(message));
    }

    /// Queues `item` without waiting. If the queue is full the client is
    /// not keeping up: its socket is shut down, which ends both of its
    /// threads, and the registry forgets it when its reader exits.
    pub fn push(&self, item: Outgoing) {
        match self.queue.try_send(item) {
            Ok(()) | Err(TrySendError::Disconnected(_)) => {}
            Err(TrySendError::Full(_)) => {
                let _ = self.socket.shutdown(Shutdown::Both);
            }
        }
    }
}

/// The engine's settings for chat clients: small messages only.
pub fn connection_config() -> Config {
    let mut config = Config::default();
    config.max_message_size = MAX_MESSAGE;
    config.max_frame_payload = MAX_MESSAGE;
    config
}

/// Runs a client whose handshake is done until it disconnects. The
/// upgrade's `leftover` holds the bytes that followed the handshake: frames
/// already. With permessage-deflate, messages arrive inflated (the reader
/// handles it), replies go out compressed, and broadcasts, encoded once for
/// everyone, go out uncompressed, as RFC 7692 allows for any message.
pub fn run(stream: TcpStream, upgrade: Upgrade, registry: &Registry) -> io::Result<()> {
    let Upgrade {
        user,
        leftover,
        deflate,
    } = upgrade;
    let leftover = &leftover[..];
    stream.set_read_timeout(None)?;
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    let mut engine = Connection::server(connection_config());
    if let Some(agreement) = deflate {
        engine
            .enable_deflate(&agreement)
            .map_err(io::Error::other)?;
    }
    let conn = Arc::new(Mutex::new(engine));
    let (queue, items) = sync_channel(OUTBOX_CAPACITY);
    let outbox = Outbox {
        queue,
        socket: Arc::new(stream.try_clone()?),
    };
    let writer = {
        let (socket, conn) = (stream.try_clone()?, Arc::clone(&conn));
        thread::spawn(move || write_loop(socket, &conn, items))
    };
    let id = registry.connect(user, outbox.clone());
    let mut reader = Reader {
        stream,
        conn: &conn,
        outbox,
        registry,
        id,
    };
    let result = reader.run(leftover);
    // Out of every room at once, so the others hear of it now.
    if let Some(gone) = registry.disconnect(id) {
        eprintln!(
            "client {id} ({}) left: {} messages sent, was in {:?}",
            gone.user, gone.sent, gone.rooms
        );
    }
    let result = match result {
        Ok(Ending::Closing) => reader.drain(),
        Ok(Ending::PeerGone) => Ok(()),
        Err(error) => Err(error),
    };
    // Nothing more is read; wake the writer if it is stuck on a dead peer.
    let _ = reader.stream.shutdown(Shutdown::Both);
    drop(reader);
    let _ = writer.join();
    result
}

fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    conn.lock().unwrap_or_else(|e| e.into_inner())
}

/// The writer thread: takes items in order, lets the connection decide,
/// writes. Ends when every outbox is dropped, the socket fails, or the
/// engine says the transport should close.
fn write_loop(mut socket: TcpStream, conn: &Mutex<Connection>, items: Receiver<Outgoing>) {
    // Two control frames at most: a Pong and a Close (see `poll_transmit`).
    let mut replies = [0u8; 262];
    for item in items {
        let bytes: &[u8] = match &item {
            // Refused once our Close is queued: the frame is dropped.
            Outgoing::Message(message) => lock(conn).send_prepared(message).unwrap_or_default(),
            Outgoing::Flush => {
                let len = lock(conn).poll_transmit(&mut replies).unwrap_or(0);
                &replies[..len]
            }
        };
        if socket.write_all(bytes).is_err() {
            let _ = socket.shutdown(Shutdown::Both);
            return;
        }
        if lock(conn).should_close_transport() {
            // The server closes TCP first (RFC 6455 §7.1.1). Only the write
            // side: the reader keeps draining, so that unread input does not
            // turn our close into a reset that could destroy the Close frame.
            let _ = socket.shutdown(Shutdown::Write);
            return;
        }
    }
}

/// The reader's side of one client.
struct Reader<'r> {
    stream: TcpStream,
    conn: &'r Mutex<Connection>,
    outbox: Outbox,
    registry: &'r Registry,
    id: ClientId,
}

/// How the reading ended.
enum Ending {
    /// The transport ended.
    PeerGone,
    /// The close handshake is under way or the peer broke the protocol:
    /// the writer sends our Close, and the rest of the input is drained.
    Closing,
}

/// What one batch of input produced, handled after the engine's lock is
/// released.
#[derive(Default)]
struct Batch {
    texts: Vec<String>,
    binaries: usize,
    /// The close handshake started or the connection failed: read no more.
    finished: bool,
}

impl Reader<'_> {
    /// Reads until the peer leaves, the close handshake starts or the peer
    /// breaks the protocol.
    fn run(&mut self, leftover: &[u8]) -> io::Result<Ending> {
        let mut reader = MessageReader::with_read_size(READ_BUFFER);
        reader.push(leftover);
        loop {
            let batch = self.feed(&mut reader);
            for text in &batch.texts {
                self.registry.handle_text(self.id, text);
            }
            for _ in 0..batch.binaries {
                self.registry
                    .refuse(self.id, "binary_not_supported", "send JSON text messages");
            }
            if batch.finished {
                return Ok(Ending::Closing);
            }
            match self.stream.read(reader.read_buf()) {
                Ok(0) => {
                    let _ = lock(self.conn).receive_eof();
                    return Ok(Ending::PeerGone);
                }
                Ok(n) => reader.filled(n),
                Err(error) => {
                    let _ = lock(self.conn).receive_eof();
                    return Err(error);
                }
            }
        }
    }

    /// Gives the bytes read so far to the engine, collecting whole messages.
    fn feed(&mut self, reader: &mut MessageReader) -> Batch {
        let mut batch = Batch::default();
        let mut conn = lock(self.conn);
        loop {
            match reader.next(&mut conn) {
                Ok(Some(Incoming::Message(Message::Text(text)))) => {
                    batch.texts.push(text.to_string());
                }
                Ok(Some(Incoming::Message(_))) => batch.binaries += 1,
                // Pings and Closes: the engine has queued the replies.
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(error) => {
                    // Its Close (1002, 1007 or 1009) is queued: flushed below.
                    eprintln!("client {}: {error}", self.id);
                    break;
                }
            }
        }
        if conn.wants_transmit() {
            self.outbox.push(Outgoing::Flush);
        }
        batch.finished = conn.state() != ConnectionState::Open;
        batch
    }

    /// After the close handshake or a failure: reads and discards until the
    /// peer closes, for at most `CLOSE_TIMEOUT` in all.
    fn drain(&mut self) -> io::Result<()> {
        let deadline = Instant::now() + CLOSE_TIMEOUT;
        let mut sink = [0u8; 4096];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            self.stream.set_read_timeout(Some(left))?;
            if !matches!(self.stream.read(&mut sink), Ok(n) if n > 0) {
                break;
            }
        }
        let _ = lock(self.conn).receive_eof();
        Ok(())
    }
}
