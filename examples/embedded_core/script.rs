//! What the client loop does and checks: a script of steps (messages, a
//! Ping, the Close), payloads that can be generated and checked piece by
//! piece, and the outcome of each step.

use rfc6455::{CloseCode, Eof, MessageKind};

use super::INPUT_BUFFER;

/// The size of the script's large message: sixteen input buffers, sent as
/// one frame and checked as it streams back.
pub const LARGE_MESSAGE: usize = 16 * INPUT_BUFFER;

/// The exchange the example runs: text, binary, a message larger than the
/// buffers, a Ping, and a clean close with 1000.
pub const SCRIPT: [Step<'static>; 5] = [
    Step::Message(
        MessageKind::Text,
        Payload::Bytes("hello from a heapless loop: héllo wörld ✓".as_bytes()),
    ),
    Step::Message(
        MessageKind::Binary,
        Payload::Bytes(&[0, 1, 2, 0x7f, 0xfe, 0xff]),
    ),
    Step::Message(MessageKind::Binary, Payload::Pattern(LARGE_MESSAGE)),
    Step::Ping(b"are you there?"),
    Step::Close(CloseCode::NORMAL, "done"),
];

/// One step of the client's exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    /// Send a message; the same message must come back.
    Message(MessageKind, Payload<'a>),
    /// Send a Ping; a Pong with the same payload must come back.
    Ping(&'a [u8]),
    /// Start the close handshake; the server must answer and then close
    /// the transport.
    Close(CloseCode, &'a str),
}

/// A message payload that never has to be in memory whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload<'a> {
    /// These bytes (valid UTF-8 for a text message).
    Bytes(&'a [u8]),
    /// This many bytes of a fixed pattern, made as they are sent and
    /// compared as they come back: a message far larger than any buffer.
    /// Binary messages only (the pattern is not UTF-8).
    Pattern(usize),
}

impl Payload<'_> {
    /// The payload length.
    pub fn len(&self) -> usize {
        match self {
            Self::Bytes(bytes) => bytes.len(),
            Self::Pattern(len) => *len,
        }
    }

    /// Copies the payload bytes from `offset` on into `out`, as many as fit.
    pub fn copy_to(&self, offset: usize, out: &mut [u8]) {
        match self {
            Self::Bytes(bytes) => {
                let rest = bytes.get(offset..).unwrap_or_default();
                let n = rest.len().min(out.len());
                out[..n].copy_from_slice(&rest[..n]);
            }
            Self::Pattern(_) => {
                for (i, byte) in out.iter_mut().enumerate() {
                    *byte = pattern_byte(offset + i);
                }
            }
        }
    }

    /// Checks that `chunk` is the payload from `offset` on. On a mismatch,
    /// returns the offset of the first byte that differs.
    pub fn check(&self, offset: usize, chunk: &[u8]) -> Result<(), u64> {
        let first_wrong = match self {
            Self::Bytes(bytes) => {
                let expected = bytes.get(offset..).unwrap_or_default();
                chunk
                    .iter()
                    .zip(expected)
                    .position(|(got, want)| got != want)
                    .or((chunk.len() > expected.len()).then_some(expected.len()))
            }
            Self::Pattern(len) => chunk
                .iter()
                .enumerate()
                .position(|(i, got)| offset + i >= *len || *got != pattern_byte(offset + i)),
        };
        match first_wrong {
            Some(i) => Err((offset + i) as u64),
            None => Ok(()),
        }
    }
}

/// Byte `i` of [`Payload::Pattern`]: a multiplicative hash, so no run of
/// 256 bytes repeats and a misplaced chunk cannot pass for the right one.
fn pattern_byte(i: usize) -> u8 {
    ((i as u32).wrapping_mul(0x9E37_79B1) >> 24) as u8
}

/// What a completed step observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The message came back byte for byte.
    Echoed {
        /// Its type, as sent.
        kind: MessageKind,
        /// Its payload length.
        bytes: usize,
        /// How many frames the echo took.
        frames: u32,
    },
    /// The Pong came back with the Ping's payload.
    Ponged {
        /// The payload length.
        bytes: usize,
    },
    /// The server answered our Close and then closed the transport.
    Closed {
        /// The code in the server's Close.
        code: Option<CloseCode>,
        /// How the transport's end relates to the close handshake.
        eof: Eof,
    },
}
