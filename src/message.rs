//! Whole-message delivery (behind `alloc`): chunks from a connection put
//! back together into messages, with one reusable buffer per connection.
//!
//! The size limit is the connection's `max_message_size`, enforced at each
//! frame header before anything is buffered.

use alloc::vec::Vec;

use crate::{MessageChunk, MessageKind};

/// A whole message, borrowed from the input (when it arrived in one chunk)
/// or from the assembler's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Message<'m> {
    /// A text message, valid UTF-8.
    Text(&'m str),
    /// A binary message.
    Binary(&'m [u8]),
}

impl<'m> Message<'m> {
    /// The payload bytes.
    pub fn as_bytes(&self) -> &'m [u8] {
        match self {
            Self::Text(text) => text.as_bytes(),
            Self::Binary(bytes) => bytes,
        }
    }

    /// The message's type.
    pub fn kind(&self) -> MessageKind {
        match self {
            Self::Text(_) => MessageKind::Text,
            Self::Binary(_) => MessageKind::Binary,
        }
    }

    pub(crate) fn new(kind: MessageKind, bytes: &'m [u8]) -> Option<Self> {
        match kind {
            // The connection validated the text already; a failure here can
            // only mean chunks from different messages were mixed. The check
            // is what turns bytes into `&str` without `unsafe`, so it takes
            // the fastest validator at hand.
            MessageKind::Text => as_str(bytes).map(Self::Text),
            MessageKind::Binary => Some(Self::Binary(bytes)),
        }
    }
}

/// `bytes` as text, if valid.
#[cfg(feature = "simdutf8")]
fn as_str(bytes: &[u8]) -> Option<&str> {
    // Short text is done before the SIMD code is even dispatched to.
    if bytes.len() < 64 {
        core::str::from_utf8(bytes).ok()
    } else {
        simdutf8::basic::from_utf8(bytes).ok()
    }
}

/// `bytes` as text, if valid.
#[cfg(not(feature = "simdutf8"))]
fn as_str(bytes: &[u8]) -> Option<&str> {
    core::str::from_utf8(bytes).ok()
}

/// Puts message chunks back together.
///
/// A message that arrives in a single chunk is handed back without a copy;
/// others are gathered in one buffer that is reused from message to message,
/// so steady-state delivery does not allocate.
///
/// ```
/// use rfc6455::{Config, Connection, Event, Message, MessageAssembler};
///
/// let mut server = Connection::server(Config::default());
/// let mut assembler = MessageAssembler::new();
/// // "Hel" + "lo", masked (RFC 6455 §5.7 fragments, masked here for a server).
/// let mut input = [0x01, 0x83, 0, 0, 0, 0, b'H', b'e', b'l', 0x80, 0x82, 0, 0, 0, 0, b'l', b'o'];
/// let mut pos = 0;
/// let mut got = None;
/// while pos < input.len() {
///     let received = server.receive(&mut input[pos..]).unwrap();
///     pos += received.consumed;
///     if let Some(Event::Chunk(chunk)) = received.event {
///         if let Some(Message::Text(text)) = assembler.push(chunk) {
///             got = Some(text.to_owned());
///         }
///     }
/// }
/// assert_eq!(got.as_deref(), Some("Hello"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct MessageAssembler {
    buffer: Vec<u8>,
    kind: Option<MessageKind>,
}

impl MessageAssembler {
    /// An assembler with an empty buffer.
    pub const fn new() -> Self {
        Self {
            buffer: Vec::new(),
            kind: None,
        }
    }

    /// Adds the next chunk from a connection; returns the message it ends.
    ///
    /// Chunks must come from one connection, in order. A chunk that does
    /// not continue the current message starts over.
    pub fn push<'m, 'a: 'm>(&'m mut self, chunk: MessageChunk<'a>) -> Option<Message<'m>> {
        if chunk.message_start {
            self.buffer.clear();
            self.kind = Some(chunk.kind);
            if chunk.message_end {
                self.kind = None;
                return Message::new(chunk.kind, chunk.payload);
            }
        } else if self.kind != Some(chunk.kind) {
            return None;
        }
        self.buffer.extend_from_slice(chunk.payload);
        if !chunk.message_end {
            return None;
        }
        self.kind = None;
        Message::new(chunk.kind, &self.buffer)
    }

    /// The bytes of the message in progress so far.
    pub fn pending(&self) -> &[u8] {
        &self.buffer
    }

    /// Frees the buffer's memory (it grows to the largest message seen).
    pub fn shrink(&mut self) {
        self.buffer = Vec::new();
    }
}
