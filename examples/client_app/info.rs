//! What is known about one connection, shared between its thread (which
//! writes it) and the command loop (which prints it for `show` and `list`),
//! and how each piece is displayed.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rfc6455::{CloseCode, Message};

/// A connection's number, as printed by `connect`.
pub type ConnectionId = usize;

/// A connection's metadata behind a lock, shared by its threads and the
/// command loop.
pub type SharedInfo = Arc<Mutex<ConnectionInfo>>;

/// Locks `info`. A thread that panicked while holding the lock left the
/// metadata readable, so a poisoned lock is used as it is.
pub fn lock(info: &SharedInfo) -> MutexGuard<'_, ConnectionInfo> {
    info.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Where a connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// TCP connect and the opening handshake are under way.
    Connecting,
    /// The handshake succeeded; messages flow both ways.
    Open,
    /// A Close has been sent or received; the handshake is not over.
    Closing,
    /// The close handshake completed and the TCP connection ended.
    Closed,
    /// The connection could not open, or ended without a clean close.
    Failed,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connecting => "connecting",
            Self::Open => "open",
            Self::Closing => "closing",
            Self::Closed => "closed",
            Self::Failed => "failed",
        })
    }
}

/// A message's content, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// A text message.
    Text(String),
    /// A binary message.
    Binary(Vec<u8>),
}

impl Payload {
    /// Copies a message the assembler put together.
    pub fn from_message(message: Message<'_>) -> Self {
        match message {
            Message::Text(text) => Self::Text(text.to_owned()),
            other => Self::Binary(other.as_bytes().to_vec()),
        }
    }
}

impl fmt::Display for Payload {
    /// Text as it is (control characters escaped, so that one message stays
    /// on one line); binary as hex bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text(text) => f.write_str(&one_line(text)),
            Self::Binary(bytes) => {
                write!(f, "(binary, {} bytes)", bytes.len())?;
                for byte in bytes {
                    write!(f, " {byte:02x}")?;
                }
                Ok(())
            }
        }
    }
}

/// Which way a message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From us to the server: `>>`.
    Sent,
    /// From the server to us: `<<`.
    Received,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sent => ">>",
            Self::Received => "<<",
        })
    }
}

/// One message in the connection's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Sent or received.
    pub direction: Direction,
    /// What it carried.
    pub payload: Payload,
}

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.direction, self.payload)
    }
}

/// A Close frame's content: the code (none for an empty Close) and reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseRecord {
    /// The status code; `None` when the frame had no payload.
    pub code: Option<CloseCode>,
    /// The reason text, possibly empty.
    pub reason: String,
}

impl fmt::Display for CloseRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            // RFC 6455 §7.1.5: an empty Close is reported as 1005.
            None => write!(f, "no status code (1005)"),
            Some(code) => write!(f, "code {code}, reason \"{}\"", one_line(&self.reason)),
        }
    }
}

/// Everything `show` prints about one connection.
#[derive(Debug, Clone)]
pub struct ConnectionInfo {
    /// The number `connect` gave it.
    pub id: ConnectionId,
    /// The URI as the user typed it.
    pub uri: String,
    /// The subprotocols offered with `--protocol`.
    pub offered_protocols: Vec<String>,
    /// Where it stands.
    pub status: Status,
    /// The server's `Server` header, when it sent one (also on a rejected
    /// handshake).
    pub server: Option<String>,
    /// The subprotocol the server chose.
    pub protocol: Option<String>,
    /// The extensions the server accepted, as it wrote them.
    pub extensions: Vec<String>,
    /// The Close we sent.
    pub close_sent: Option<CloseRecord>,
    /// The Close the server sent.
    pub close_received: Option<CloseRecord>,
    /// Why the connection failed, when it did.
    pub error: Option<String>,
    /// Every data message, in order.
    pub messages: Vec<Record>,
}

impl ConnectionInfo {
    /// A connection that is just starting.
    pub fn new(id: ConnectionId, uri: String, offered_protocols: Vec<String>) -> Self {
        Self {
            id,
            uri,
            offered_protocols,
            status: Status::Connecting,
            server: None,
            protocol: None,
            extensions: Vec::new(),
            close_sent: None,
            close_received: None,
            error: None,
            messages: Vec::new(),
        }
    }

    /// Adds a message to the log and returns its line (`>> ...`).
    pub fn record(&mut self, direction: Direction, payload: Payload) -> String {
        let record = Record { direction, payload };
        let line = record.to_string();
        self.messages.push(record);
        line
    }

    /// The one line `list` prints.
    pub fn summary(&self) -> String {
        let count = self.messages.len();
        let plural = if count == 1 { "" } else { "s" };
        format!(
            "{} {} {} ({count} message{plural})",
            self.id, self.status, self.uri
        )
    }

    /// The lines `show` prints.
    pub fn show(&self) -> Vec<String> {
        let none = || "-".to_string();
        let offered = if self.offered_protocols.is_empty() {
            String::new()
        } else {
            format!(" (offered: {})", self.offered_protocols.join(", "))
        };
        let protocol = self.protocol.clone().unwrap_or_else(none) + &offered;
        let extensions = if self.extensions.is_empty() {
            none()
        } else {
            self.extensions.join(", ")
        };
        let mut lines = vec![
            format!("connection {}", self.id),
            field("uri", &self.uri),
            field("status", &self.status.to_string()),
            field("server", self.server.as_deref().unwrap_or("-")),
            field("subprotocol", &protocol),
            field("extensions", &extensions),
        ];
        if let Some(close) = &self.close_sent {
            lines.push(field("close sent", &close.to_string()));
        }
        if let Some(close) = &self.close_received {
            lines.push(field("close received", &close.to_string()));
        }
        if let Some(error) = &self.error {
            lines.push(field("error", error));
        }
        lines.push(field("messages", &self.messages.len().to_string()));
        lines.extend(self.messages.iter().map(|record| format!("    {record}")));
        lines
    }
}

/// One `show` line: an indented, aligned label and its value.
fn field(label: &str, value: &str) -> String {
    format!("  {:<16}{value}", format!("{label}:"))
}

/// `text` with control characters (newlines, tabs...) escaped, so that it
/// prints on one line. Everything else, non-ASCII included, stays as it is.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}
