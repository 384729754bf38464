//! Messages encoded once and sent on many server connections (behind
//! `alloc`): the frame bytes are built up front, and each connection only
//! checks that it may send a message now.
//!
//! A server never masks (RFC 6455 §5.1), so a server frame's bytes do not
//! depend on the connection: a broadcast to a thousand clients needs one
//! encoding, not a thousand. A client masks every frame with a fresh key,
//! so there is no client counterpart.

use alloc::boxed::Box;
use alloc::vec::Vec;

use crate::frame::{FrameHeader, Opcode};
use crate::{Connection, MessageKind, NoMasking, UsageError};

/// A whole text or binary message, encoded once as a single unmasked
/// frame, to send the same bytes on any number of server connections.
///
/// Build it with [`text`](Self::text) or [`binary`](Self::binary), share it
/// (wrap it in an `Arc` to hand it to other threads), and send it with
/// [`Connection::send_prepared`], which checks that the connection may send
/// a message now and hands back the frame's bytes to write. Nothing is
/// copied per connection.
///
/// ```
/// use rfc6455::{CloseCode, Config, Connection, PreparedMessage, UsageError};
///
/// let message = PreparedMessage::text("hello, everyone");
/// let mut alice = Connection::server(Config::default());
/// let mut bob = Connection::server(Config::default());
///
/// // The same bytes for every connection: write them to each socket.
/// let to_alice = alice.send_prepared(&message)?;
/// let to_bob = bob.send_prepared(&message)?;
/// assert_eq!(to_alice, to_bob);
/// assert_eq!(to_alice, b"\x81\x0fhello, everyone");
///
/// // A connection that has sent its Close gets nothing more (RFC 6455 §5.5.1).
/// let mut out = [0u8; 16];
/// let _close = bob.send_close(Some(CloseCode::NORMAL), "", &mut out)?;
/// assert_eq!(bob.send_prepared(&message), Err(UsageError::AlreadyClosing));
/// # Ok::<(), Box<dyn core::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PreparedMessage {
    /// The whole frame: header, then payload.
    frame: Box<[u8]>,
    header_len: u8,
    kind: MessageKind,
}

impl PreparedMessage {
    /// Encodes a text message. `&str` is valid UTF-8 already (§8.1), so no
    /// connection needs to check it again.
    pub fn text(text: &str) -> Self {
        Self::encode(MessageKind::Text, text.as_bytes())
    }

    /// Encodes a binary message.
    pub fn binary(data: &[u8]) -> Self {
        Self::encode(MessageKind::Binary, data)
    }

    fn encode(kind: MessageKind, payload: &[u8]) -> Self {
        let header = FrameHeader {
            fin: true,
            rsv: 0,
            opcode: match kind {
                MessageKind::Text => Opcode::Text,
                MessageKind::Binary => Opcode::Binary,
            },
            mask: None,
            payload_len: payload.len() as u64,
        };
        let header_len = header.encoded_len();
        let mut frame = Vec::with_capacity(header_len + payload.len());
        frame.resize(header_len, 0);
        // Sized by `encoded_len` just above, so this cannot fail.
        let written = header.encode(&mut frame).unwrap_or(header_len);
        frame.truncate(written);
        frame.extend_from_slice(payload);
        Self {
            frame: frame.into_boxed_slice(),
            // An unmasked header is 2, 4 or 10 bytes.
            header_len: written as u8,
            kind,
        }
    }

    /// The message's type.
    pub fn kind(&self) -> MessageKind {
        self.kind
    }

    /// The bytes on the wire: the frame header, then the payload.
    pub fn frame(&self) -> &[u8] {
        &self.frame
    }

    /// The payload alone.
    pub fn payload(&self) -> &[u8] {
        &self.frame[usize::from(self.header_len)..]
    }
}

impl Connection<NoMasking> {
    /// Sends a message encoded once with [`PreparedMessage`]: checks that
    /// this connection may send a whole message now, records it, and
    /// returns the frame's bytes to write to the transport.
    ///
    /// The checks are those of [`send_text`](Self::send_text): no Close sent
    /// yet ([`UsageError::AlreadyClosing`]), not failed or ended
    /// ([`UsageError::Closed`]), no fragmented message of ours in progress
    /// ([`UsageError::MessageInProgress`]) and no payload owed to
    /// [`start_frame`](Self::start_frame) ([`UsageError::PayloadPending`]).
    /// On error nothing is recorded and nothing must be written. There is no
    /// output buffer, so the buffer-too-small case of the other `send_*`
    /// calls cannot happen.
    ///
    /// Server connections only: a client masks each frame with its own key
    /// (RFC 6455 §5.3), so its bytes cannot be shared.
    #[must_use = "the returned bytes must be written to the transport"]
    pub fn send_prepared<'m>(
        &mut self,
        message: &'m PreparedMessage,
    ) -> Result<&'m [u8], UsageError> {
        self.record_whole_message(message.kind, message.payload().len() as u64)?;
        Ok(message.frame())
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec;

    use super::*;
    use crate::{CloseCode, Config, Event, ProtocolError, SendError};

    fn server() -> Connection {
        Connection::server(Config::default())
    }

    #[test]
    fn frames_match_send_text_and_send_binary_at_every_length_encoding() {
        for len in [0, 1, 125, 126, 127, 65_535, 65_536, 70_000] {
            let text = "x".repeat(len);
            let data = vec![0xA5u8; len];
            let mut out = vec![0u8; len + 14];

            let prepared = PreparedMessage::text(&text);
            let n = server().send_text(&text, &mut out).unwrap();
            assert_eq!(prepared.frame(), &out[..n], "text, {len} bytes");
            assert_eq!(prepared.payload(), text.as_bytes());
            assert_eq!(prepared.kind(), MessageKind::Text);

            let prepared = PreparedMessage::binary(&data);
            let n = server().send_binary(&data, &mut out).unwrap();
            assert_eq!(prepared.frame(), &out[..n], "binary, {len} bytes");
            assert_eq!(prepared.payload(), &data[..]);
            assert_eq!(prepared.kind(), MessageKind::Binary);
        }
    }

    #[test]
    fn a_client_receives_the_prepared_frame_as_one_message() {
        let message = PreparedMessage::text("héllo");
        let mut bytes = server().send_prepared(&message).unwrap().to_vec();
        let len = bytes.len();
        let mut client = Connection::client(Config::default(), || [1, 2, 3, 4]);
        let received = client.receive(&mut bytes).unwrap();
        assert_eq!(received.consumed, len);
        match received.event {
            Some(Event::Chunk(chunk)) => {
                assert!(chunk.message_start && chunk.message_end);
                assert_eq!(chunk.kind, MessageKind::Text);
                assert_eq!(chunk.payload, "héllo".as_bytes());
            }
            other => panic!("expected a message, got {other:?}"),
        }
    }

    #[test]
    fn the_connection_stays_usable_after_a_prepared_message() {
        let mut conn = server();
        let message = PreparedMessage::binary(b"\x00\x01");
        for _ in 0..3 {
            assert_eq!(conn.send_prepared(&message).unwrap(), b"\x82\x02\x00\x01");
        }
        // The message is complete: a continuation has nothing to continue,
        // and a new fragmented message may start.
        let mut out = [0u8; 16];
        assert_eq!(
            conn.send_frame(Opcode::Continuation, true, b"", &mut out),
            Err(SendError::Usage(UsageError::NoMessageInProgress))
        );
        assert_eq!(conn.send_frame(Opcode::Text, false, b"a", &mut out), Ok(3));
    }

    #[test]
    fn refused_after_our_close() {
        let mut conn = server();
        let mut out = [0u8; 16];
        let _ = conn
            .send_close(Some(CloseCode::GOING_AWAY), "", &mut out)
            .unwrap();
        let message = PreparedMessage::text("late");
        assert_eq!(
            conn.send_prepared(&message),
            Err(UsageError::AlreadyClosing)
        );
    }

    #[test]
    fn refused_after_the_peers_close_is_answered() {
        let mut conn = server();
        // A masked Close (1000) from the client, with a zero key.
        let mut close = [0x88, 0x82, 0, 0, 0, 0, 0x03, 0xE8];
        let _ = conn.receive(&mut close).unwrap();
        assert_eq!(
            conn.send_prepared(&PreparedMessage::text("late")),
            Err(UsageError::AlreadyClosing)
        );
    }

    #[test]
    fn refused_after_a_protocol_error() {
        let mut conn = server();
        // An unmasked frame from a client fails the connection (§5.1).
        let mut unmasked = [0x81, 0x00];
        assert_eq!(
            conn.receive(&mut unmasked).map(|r| r.consumed),
            Err(ProtocolError::UnmaskedFrame.into())
        );
        assert_eq!(
            conn.send_prepared(&PreparedMessage::text("late")),
            Err(UsageError::Closed)
        );
    }

    #[test]
    fn refused_inside_a_fragmented_message_without_changing_it() {
        let mut conn = server();
        let mut out = [0u8; 16];
        assert_eq!(conn.send_frame(Opcode::Text, false, b"a", &mut out), Ok(3));
        assert_eq!(
            conn.send_prepared(&PreparedMessage::binary(b"b")),
            Err(UsageError::MessageInProgress)
        );
        // The fragmented message goes on as before.
        assert_eq!(
            conn.send_frame(Opcode::Continuation, true, b"c", &mut out),
            Ok(3)
        );
    }

    #[test]
    fn refused_while_a_started_frame_owes_payload() {
        let mut conn = server();
        let mut out = [0u8; 16];
        assert_eq!(conn.start_frame(Opcode::Binary, true, 2, &mut out), Ok(2));
        let message = PreparedMessage::text("x");
        assert_eq!(
            conn.send_prepared(&message),
            Err(UsageError::PayloadPending)
        );
        conn.frame_payload(&b"ab"[..]).unwrap();
        assert_eq!(conn.send_prepared(&message).unwrap(), b"\x81\x01x");
    }
}
