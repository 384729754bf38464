//! The connection: one fixed-size value per WebSocket that glues the
//! decoder (`recv`), the encoder (`send`) and the rules (`rules`) together,
//! and documents the call loop.

#[cfg(feature = "deflate")]
mod deflate;

use crate::close::{check_close, parse_close_payload};
use crate::frame::{FrameHeader, Opcode};
use crate::recv::{Decoded, Receiver};
use crate::rules::{self, FrameInMessage, Lifecycle};
use crate::send::{self, OwedPayload, Sender};
use crate::{
    apply_mask, BufferTooSmall, CloseCode, CloseFrame, Config, ConnectionState, ControlPayload,
    Event, MessageKind, ProtocolError, Received, Role, SendError, UsageError, Utf8Validator,
};

/// Where a client's masking keys come from (RFC 6455 §5.3: "The masking key
/// needs to be unpredictable; thus, the masking key MUST be derived from a
/// strong source of entropy").
///
/// The crate has no RNG: the caller supplies one. Any
/// `FnMut() -> [u8; 4]` closure is a source.
pub trait MaskKeySource {
    /// The key for the next frame.
    fn next_mask_key(&mut self) -> [u8; 4];
}

impl<F: FnMut() -> [u8; 4]> MaskKeySource for F {
    fn next_mask_key(&mut self) -> [u8; 4] {
        self()
    }
}

/// The key source of a server connection, which never masks. It cannot be
/// built outside the crate, so it cannot be handed to a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoMasking(());

impl MaskKeySource for NoMasking {
    fn next_mask_key(&mut self) -> [u8; 4] {
        [0; 4]
    }
}

/// How the transport's end of stream relates to the close handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Eof {
    /// The peer's Close had arrived: a clean end (RFC 6455 §7.1.4).
    Clean,
    /// The stream ended without the peer's Close: the connection closed
    /// abnormally, which applications report as 1006 (§7.1.5).
    Abnormal,
}

impl Eof {
    /// The close code to report: `None` for a clean end, 1006 otherwise.
    pub const fn close_code(&self) -> Option<CloseCode> {
        match self {
            Self::Clean => None,
            Self::Abnormal => Some(CloseCode::ABNORMAL),
        }
    }
}

/// One WebSocket connection, in either role, from the open state on.
///
/// It holds no heap memory and does no I/O: the caller owns the socket and
/// the buffers. Method names say which way data flows:
/// - input: [`receive`](Self::receive) (bytes from the peer) and
///   [`receive_eof`](Self::receive_eof);
/// - commands: `send_*`, [`start_frame`](Self::start_frame) (they write
///   frames into a buffer the caller gives);
/// - output: [`poll_transmit`](Self::poll_transmit) (the automatic Pong and
///   Close replies);
/// - getters: [`state`](Self::state),
///   [`should_close_transport`](Self::should_close_transport), …
///
/// # The call loop
///
/// 1. Read bytes from the transport into your buffer.
/// 2. Call [`receive`](Self::receive) on the unread part until it is all
///    consumed, handling each event as it comes.
/// 3. **After every `receive` call, drain [`poll_transmit`](Self::poll_transmit)
///    and write what it gives.** This is how Pongs and Close replies go out.
/// 4. Send your own messages with `send_*` whenever you like, writing the
///    bytes they produce in the order you got them.
/// 5. When [`should_close_transport`](Self::should_close_transport) says so,
///    close the socket. On end of stream call
///    [`receive_eof`](Self::receive_eof).
///
/// ```no_run
/// use std::io::{Read, Write};
/// use rfc6455::{Config, Connection, Event, Opcode};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // The handshake is done; `socket` carries WebSocket frames now.
/// let mut socket = std::net::TcpStream::connect("127.0.0.1:9001")?;
/// let mut conn = Connection::server(Config::default());
/// let (mut input, mut output) = ([0u8; 8192], [0u8; 8192 + 14]);
/// loop {
///     let n = socket.read(&mut input)?;
///     if n == 0 {
///         let _eof = conn.receive_eof(); // Clean, or Abnormal (1006)
///         break;
///     }
///     let mut pos = 0;
///     while pos < n {
///         let received = conn.receive(&mut input[pos..n])?; // Err: peer broke the rules
///         pos += received.consumed;
///         if let Some(Event::Message(chunk)) = received.event {
///             // Echo each chunk back as a fragment of the same message.
///             let opcode = match (chunk.message_start, chunk.kind) {
///                 (false, _) => Opcode::Continuation,
///                 (true, rfc6455::MessageKind::Text) => Opcode::Text,
///                 (true, rfc6455::MessageKind::Binary) => Opcode::Binary,
///             };
///             let len = conn.send_frame(opcode, chunk.message_end, chunk.payload, &mut output)?;
///             socket.write_all(&output[..len])?;
///         }
///         let len = conn.poll_transmit(&mut output)?; // Pongs, Close replies
///         socket.write_all(&output[..len])?;
///     }
///     if conn.should_close_transport() {
///         break;
///     }
/// }
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// `receive` returns a [`ProtocolError`] when the peer breaks RFC 6455. The
/// error is fatal and sticky: the failing Close is already queued for
/// `poll_transmit`, and every later `receive` returns the same error.
/// Commands return a [`SendError`]: a [`UsageError`] when the call breaks a
/// rule, or [`BufferTooSmall`]; either way nothing was written and the
/// connection is unchanged.
#[derive(Debug, Clone)]
pub struct Connection<K = NoMasking> {
    role: Role,
    config: Config,
    /// The RSV bits that negotiated extensions define (RSV1 with deflate).
    allowed_rsv: u8,
    lifecycle: Lifecycle,
    receiver: Receiver,
    sender: Sender,
    keys: K,
    /// permessage-deflate, once enabled.
    #[cfg(feature = "deflate")]
    deflate: Option<alloc::boxed::Box<crate::deflate::DeflateSession>>,
}

impl Connection<NoMasking> {
    /// A server connection in the open state, for use after the handshake
    /// (or when a runtime did the handshake itself: a hyper upgrade, or
    /// HTTP/2 extended CONNECT, RFC 8441).
    pub fn server(config: Config) -> Self {
        Self::new(Role::Server, config, NoMasking(()))
    }
}

impl<K: MaskKeySource> Connection<K> {
    /// A client connection in the open state. Every frame it sends is
    /// masked with a fresh key from `keys`.
    pub fn client(config: Config, keys: K) -> Self {
        Self::new(Role::Client, config, keys)
    }

    fn new(role: Role, config: Config, keys: K) -> Self {
        Self {
            role,
            config,
            allowed_rsv: 0,
            lifecycle: Lifecycle::default(),
            receiver: Receiver::new(),
            sender: Sender::new(),
            keys,
            #[cfg(feature = "deflate")]
            deflate: None,
        }
    }

    /// This end's role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The settings the connection was made with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Where the connection stands in its lifetime.
    pub fn state(&self) -> ConnectionState {
        self.lifecycle.state()
    }

    /// The protocol error that failed the connection, if one did.
    pub fn error(&self) -> Option<ProtocolError> {
        self.lifecycle.failure()
    }

    /// Whether [`poll_transmit`](Self::poll_transmit) has bytes to give.
    pub fn wants_transmit(&self) -> bool {
        self.sender.owed.is_none() && self.sender.has_queued()
    }

    /// Whether the caller should now close the transport: the connection
    /// has failed, or the close handshake is over and, for a client, the
    /// server has closed its side (RFC 6455 §7.1.1: the server closes the
    /// TCP connection first; a client waits for that, with a timeout of its
    /// own choosing). Always `false` while replies wait in `poll_transmit`.
    pub fn should_close_transport(&self) -> bool {
        self.lifecycle.transport_closable(self.role) && !self.sender.has_queued()
    }

    /// Reads bytes from the peer.
    ///
    /// Consumes from the front of `input` until one event is complete or
    /// the input is used up; call again with the unconsumed rest. Partial
    /// frames are kept inside the machine, so consumed bytes are never
    /// needed again, and a frame may be larger than any buffer: its payload
    /// comes out in chunks as it arrives. Masked payload is unmasked in
    /// place, which is why `input` is mutable.
    ///
    /// After the peer's Close (or a failure), input is consumed and ignored.
    #[must_use = "the consumed count and the event must be handled"]
    #[inline]
    pub fn receive<'a>(&mut self, input: &'a mut [u8]) -> Result<Received<'a>, ProtocolError> {
        self.receive_into(input, &mut [])
    }

    /// [`receive`](Self::receive), with room for inflated data: once
    /// permessage-deflate is on ([`enable_deflate`](Self::enable_deflate)),
    /// a compressed message comes out in chunks inflated into `inflated`
    /// (marked [`MessageChunk::inflated`](crate::MessageChunk::inflated)),
    /// each at most `inflated.len()` bytes, its UTF-8 and its inflated size
    /// checked as it comes out. While inflated bytes wait for room, calls
    /// consume no input: keep calling with room until they stop.
    ///
    /// Other messages are unmasked in place in `input`, as with `receive`.
    #[must_use = "the consumed count and the event must be handled"]
    #[inline]
    pub fn receive_into<'a>(
        &mut self,
        input: &'a mut [u8],
        inflated: &'a mut [u8],
    ) -> Result<Received<'a>, ProtocolError> {
        if let Some(error) = self.lifecycle.failure() {
            return Err(error);
        }
        if !self.lifecycle.reading() {
            return Ok(Received {
                consumed: input.len(),
                event: None,
            });
        }
        #[cfg(feature = "deflate")]
        if self.inflate_pending_more() {
            let chunk = self.inflate_pending(inflated)?;
            // Nothing came out and nothing waits: on to the input.
            if chunk.is_some() || self.inflate_pending_more() {
                let event = chunk.map(|chunk| chunk.event(inflated));
                return Ok(Received { consumed: 0, event });
            }
        }
        #[cfg(not(feature = "deflate"))]
        let _ = inflated;
        match self
            .receiver
            .decode(input, self.role, &self.config, self.allowed_rsv)
        {
            Ok((consumed, None)) => Ok(Received {
                consumed,
                event: None,
            }),
            #[cfg(feature = "deflate")]
            Ok((consumed, Some(Decoded::Data(chunk, true)))) => {
                let chunk = self.inflate_chunk(chunk, inflated)?;
                let event = chunk.map(|chunk| chunk.event(inflated));
                Ok(Received { consumed, event })
            }
            Ok((consumed, Some(Decoded::Data(chunk, compressed)))) => {
                // RSV1 is allowed only where deflate is compiled in and agreed.
                debug_assert!(!compressed);
                Ok(Received {
                    consumed,
                    event: Some(Event::Message(chunk)),
                })
            }
            Ok((consumed, Some(Decoded::Control(opcode, payload)))) => {
                let event = self.on_control(opcode, payload)?;
                Ok(Received {
                    consumed,
                    event: Some(event),
                })
            }
            Err(error) => Err(self.fail(error)),
        }
    }

    /// How many payload bytes of the data frame being received are still to
    /// come: 0 between frames and inside control frames.
    ///
    /// A reader can use it to make room for the rest of a frame. It is what
    /// the peer announced (within `max_frame_payload`), so allocate from it
    /// only under a limit of your own.
    pub fn incoming_frame_remaining(&self) -> u64 {
        self.receiver.data_remaining()
    }

    /// Reports that the transport reached end of stream.
    pub fn receive_eof(&mut self) -> Eof {
        // Nothing can be written any more either.
        self.sender.pong = None;
        if self.lifecycle.on_transport_end() && self.lifecycle.failure().is_none() {
            Eof::Clean
        } else {
            Eof::Abnormal
        }
    }

    /// Writes the queued automatic replies (Pong, Close) into `out` and
    /// returns how many bytes to send; `Ok(0)` when there are none.
    ///
    /// All of them or nothing: at most two control frames, so 262 bytes
    /// always suffice. Nothing is written while a frame started with
    /// [`start_frame`](Self::start_frame) still owes payload.
    #[must_use = "the returned bytes must be written to the transport"]
    pub fn poll_transmit(&mut self, out: &mut [u8]) -> Result<usize, BufferTooSmall> {
        if !self.wants_transmit() {
            return Ok(0);
        }
        let masked = self.role == Role::Client;
        let keys = &mut self.keys;
        self.sender
            .write_queued(out, masked, || keys.next_mask_key())
    }

    /// Sends a whole text message as one frame.
    #[must_use = "the returned bytes must be written to the transport"]
    #[inline]
    pub fn send_text(&mut self, text: &str, out: &mut [u8]) -> Result<usize, SendError> {
        self.send(Opcode::Text, true, text.as_bytes(), true, out)
    }

    /// Sends a whole binary message as one frame.
    #[must_use = "the returned bytes must be written to the transport"]
    #[inline]
    pub fn send_binary(&mut self, data: &[u8], out: &mut [u8]) -> Result<usize, SendError> {
        self.send(Opcode::Binary, true, data, false, out)
    }

    /// Sends a Ping. The payload is at most 125 bytes.
    #[must_use = "the returned bytes must be written to the transport"]
    pub fn send_ping(&mut self, payload: &[u8], out: &mut [u8]) -> Result<usize, SendError> {
        self.send(Opcode::Ping, true, payload, false, out)
    }

    /// Sends an unsolicited Pong (a heartbeat, RFC 6455 §5.5.3). It never
    /// replaces the automatic reply to a Ping, which stays queued.
    #[must_use = "the returned bytes must be written to the transport"]
    pub fn send_pong(&mut self, payload: &[u8], out: &mut [u8]) -> Result<usize, SendError> {
        self.send(Opcode::Pong, true, payload, false, out)
    }

    /// Starts (or, after the peer's Close, answers) the close handshake.
    ///
    /// `code` must be one an endpoint may send (1000–1003, 1007–1014,
    /// 3000–4999); `None` sends an empty Close, which cannot carry a
    /// reason. The reason is at most 123 bytes. Nothing may be sent after.
    #[must_use = "the returned bytes must be written to the transport"]
    pub fn send_close(
        &mut self,
        code: Option<CloseCode>,
        reason: &str,
        out: &mut [u8],
    ) -> Result<usize, SendError> {
        check_close(code, reason)?;
        let payload = send::close_payload(code, reason.as_bytes());
        self.send(Opcode::Close, true, &payload, false, out)
    }

    /// Sends one frame of any kind: the way to fragment a message (§5.4).
    ///
    /// A message starts with a `Text` or `Binary` frame and goes on with
    /// `Continuation` frames; the frame with `fin` set ends it. Control
    /// frames may go between fragments. Text fragments may split code
    /// points, but the message as a whole must be valid UTF-8.
    #[must_use = "the returned bytes must be written to the transport"]
    pub fn send_frame(
        &mut self,
        opcode: Opcode,
        fin: bool,
        payload: &[u8],
        out: &mut [u8],
    ) -> Result<usize, SendError> {
        if opcode == Opcode::Close {
            let (code, reason) = parse_close_payload(payload).map_err(|e| match e {
                ProtocolError::InvalidCloseReason => UsageError::InvalidUtf8,
                ProtocolError::InvalidCloseCode(code) => UsageError::InvalidCloseCode(code),
                _ => UsageError::InvalidCloseCode(0),
            })?;
            check_close(code, reason)?;
        }
        self.send(opcode, fin, payload, false, out)
    }

    /// [`send_frame`](Self::send_frame) for a data frame that is never
    /// compressed, even with permessage-deflate on: RFC 7692 lets a sender
    /// leave any message uncompressed (already compressed media, or bytes
    /// sent to many connections). The message's later fragments are then
    /// uncompressed too, whichever call sends them. Without deflate it is
    /// `send_frame`.
    #[must_use = "the returned bytes must be written to the transport"]
    pub fn send_uncompressed(
        &mut self,
        opcode: Opcode,
        fin: bool,
        payload: &[u8],
        out: &mut [u8],
    ) -> Result<usize, SendError> {
        if opcode.is_control() {
            return Err(UsageError::NotADataFrame.into());
        }
        self.send_maybe_compressed(opcode, fin, payload, false, false, out)
    }

    /// Writes only the header of a data frame whose `payload_len` bytes the
    /// caller then sends from its own memory, without a copy.
    ///
    /// With permessage-deflate on, such a frame is sent uncompressed (its
    /// length must be known up front), and so is the rest of its message.
    ///
    /// Pass the payload through [`frame_payload`](Self::frame_payload)
    /// (which masks it in place for a client) or, for a server,
    /// [`payload_written`](Self::payload_written), before writing it. Until
    /// the last byte is accounted for, no other frame can be sent and
    /// `poll_transmit` holds its replies back. Control frames are sent whole
    /// with the `send_*` calls instead.
    #[must_use = "the returned bytes must be written to the transport"]
    pub fn start_frame(
        &mut self,
        opcode: Opcode,
        fin: bool,
        payload_len: u64,
        out: &mut [u8],
    ) -> Result<usize, SendError> {
        if opcode.is_control() {
            return Err(UsageError::NotADataFrame.into());
        }
        if payload_len >> 63 != 0 {
            return Err(UsageError::PayloadTooLarge.into());
        }
        let frame = self.check_send(opcode, fin, payload_len)?;
        #[cfg(feature = "deflate")]
        self.compresses(frame.is_some_and(|f| f.starts_message), false)?;
        let masked = self.role == Role::Client;
        let probe = FrameHeader {
            fin,
            rsv: 0,
            opcode,
            mask: masked.then_some([0; 4]),
            payload_len,
        };
        let required = probe.encoded_len();
        if out.len() < required {
            return Err(BufferTooSmall { required }.into());
        }
        let mut utf8 = match frame {
            Some(f) if f.kind == MessageKind::Text && f.starts_message => Utf8Validator::new(),
            _ => self.sender.utf8,
        };
        let is_text = matches!(frame, Some(f) if f.kind == MessageKind::Text);
        if is_text && fin && payload_len == 0 {
            // An empty final frame ends the message now: check it before
            // anything is written.
            utf8.finish().map_err(|_| UsageError::InvalidUtf8)?;
        }
        let mask = masked.then(|| self.keys.next_mask_key());
        let header = FrameHeader { mask, ..probe };
        let written = header.encode(out)?;
        self.commit(opcode, fin, frame, utf8);
        if payload_len > 0 {
            let kind = frame.map(|f| f.kind);
            self.sender.owed = Some(OwedPayload {
                remaining: payload_len,
                mask,
                offset: 0,
                fin,
                kind,
            });
        }
        Ok(written)
    }

    /// Accounts for the next piece of a started frame's payload and, for a
    /// client, masks it in place. Write `chunk` to the transport after this.
    /// An empty chunk is always accepted and changes nothing, so the payload
    /// of an empty frame may be "written" like any other.
    pub fn frame_payload(&mut self, chunk: &mut [u8]) -> Result<(), UsageError> {
        if chunk.is_empty() {
            return Ok(());
        }
        let (owed, utf8) = self.check_owed(chunk)?;
        if let Some(key) = owed.mask {
            apply_mask(chunk, key, usize::from(owed.offset));
        }
        self.advance_owed(owed, chunk.len(), utf8);
        Ok(())
    }

    /// Accounts for the next piece of a started frame's payload, sent as
    /// it is. Servers only: a client must mask with
    /// [`frame_payload`](Self::frame_payload). An empty chunk is accepted
    /// and changes nothing.
    pub fn payload_written(&mut self, chunk: &[u8]) -> Result<(), UsageError> {
        if self.role == Role::Client {
            return Err(UsageError::MaskRequired);
        }
        if chunk.is_empty() {
            return Ok(());
        }
        let (owed, utf8) = self.check_owed(chunk)?;
        self.advance_owed(owed, chunk.len(), utf8);
        Ok(())
    }

    fn check_owed(&self, chunk: &[u8]) -> Result<(OwedPayload, Utf8Validator), UsageError> {
        let owed = self.sender.owed.ok_or(UsageError::PayloadOverrun)?;
        if chunk.len() as u64 > owed.remaining {
            return Err(UsageError::PayloadOverrun);
        }
        let mut utf8 = self.sender.utf8;
        if owed.kind == Some(MessageKind::Text) {
            utf8.feed(chunk).map_err(|_| UsageError::InvalidUtf8)?;
            if owed.fin && chunk.len() as u64 == owed.remaining {
                utf8.finish().map_err(|_| UsageError::InvalidUtf8)?;
            }
        }
        Ok((owed, utf8))
    }

    fn advance_owed(&mut self, owed: OwedPayload, n: usize, utf8: Utf8Validator) {
        let remaining = owed.remaining - n as u64;
        let offset = ((usize::from(owed.offset) + n) % 4) as u8;
        self.sender.owed = (remaining > 0).then_some(OwedPayload {
            remaining,
            offset,
            ..owed
        });
        self.sender.utf8 = utf8;
    }

    /// The checks every outgoing frame passes; for a data frame, where it
    /// stands in its message.
    fn check_send(
        &self,
        opcode: Opcode,
        fin: bool,
        payload_len: u64,
    ) -> Result<Option<FrameInMessage>, UsageError> {
        self.lifecycle.check_can_send()?;
        if self.sender.owed.is_some() {
            return Err(UsageError::PayloadPending);
        }
        if !opcode.is_control() {
            return rules::sent_data_frame(self.sender.message, opcode).map(Some);
        }
        // §5.5: "All control frames MUST have a payload length of 125 bytes
        // or less and MUST NOT be fragmented."
        if !fin {
            Err(UsageError::FragmentedControlFrame)
        } else if payload_len > crate::frame::MAX_CONTROL_PAYLOAD as u64 {
            Err(UsageError::ControlPayloadTooLong)
        } else {
            Ok(None)
        }
    }

    #[inline(always)]
    fn send(
        &mut self,
        opcode: Opcode,
        fin: bool,
        payload: &[u8],
        known_text: bool,
        out: &mut [u8],
    ) -> Result<usize, SendError> {
        self.send_maybe_compressed(opcode, fin, payload, known_text, true, out)
    }

    /// Sends one frame; with permessage-deflate on, a data frame is
    /// compressed when `may_compress` and its message is. Inlined into
    /// each `send_*`: a short frame's whole path is then a few dozen
    /// instructions (benchmark E1).
    #[inline(always)]
    fn send_maybe_compressed(
        &mut self,
        opcode: Opcode,
        fin: bool,
        payload: &[u8],
        known_text: bool,
        may_compress: bool,
        out: &mut [u8],
    ) -> Result<usize, SendError> {
        let frame = self.check_send(opcode, fin, payload.len() as u64)?;
        let mut utf8 = self.sender.utf8;
        if let Some(
            f @ FrameInMessage {
                kind: MessageKind::Text,
                ..
            },
        ) = frame
        {
            if f.starts_message {
                utf8 = Utf8Validator::new();
            }
            if !known_text {
                utf8.feed(payload).map_err(|_| UsageError::InvalidUtf8)?;
            }
            if fin {
                utf8.finish().map_err(|_| UsageError::InvalidUtf8)?;
            }
        }
        #[cfg(feature = "deflate")]
        if let (Some(frame), true) = (frame, self.deflate.is_some()) {
            if self.compresses(frame.starts_message, may_compress)? {
                return self.send_compressed(opcode, fin, payload, frame, utf8, out);
            }
        }
        #[cfg(not(feature = "deflate"))]
        let _ = may_compress;
        let masked = self.role == Role::Client;
        let required = send::frame_len(payload.len() as u64, masked);
        if out.len() < required {
            return Err(BufferTooSmall { required }.into());
        }
        let mask = masked.then(|| self.keys.next_mask_key());
        let written = send::write_frame(opcode, fin, payload, mask, out)?;
        self.commit(opcode, fin, frame, utf8);
        Ok(written)
    }

    /// Checks and records a whole message sent as one final frame whose
    /// bytes were encoded elsewhere (`PreparedMessage`): the rules of
    /// `send_text` and `send_binary`, without the encoding.
    #[cfg(feature = "alloc")]
    pub(crate) fn record_whole_message(
        &mut self,
        kind: MessageKind,
        payload_len: u64,
    ) -> Result<(), UsageError> {
        let opcode = match kind {
            MessageKind::Text => Opcode::Text,
            MessageKind::Binary => Opcode::Binary,
        };
        let frame = self.check_send(opcode, true, payload_len)?;
        self.commit(opcode, true, frame, Utf8Validator::new());
        Ok(())
    }

    /// Records a frame that has been written.
    fn commit(
        &mut self,
        opcode: Opcode,
        fin: bool,
        frame: Option<FrameInMessage>,
        utf8: Utf8Validator,
    ) {
        if let Some(frame) = frame {
            self.sender.message = (!fin).then_some(frame.kind);
            self.sender.utf8 = utf8;
            #[cfg(feature = "deflate")]
            self.note_sent_frame(fin);
        }
        if opcode == Opcode::Close {
            // Nothing may follow our Close, not even a queued Pong.
            self.sender.pong = None;
            self.lifecycle.on_close_sent();
        }
    }

    /// Handles a complete control frame from the peer.
    fn on_control(
        &mut self,
        opcode: Opcode,
        payload: ControlPayload,
    ) -> Result<Event<'static>, ProtocolError> {
        match opcode {
            Opcode::Ping => {
                // §5.5.2: "Upon receipt of a Ping frame, an endpoint MUST send
                // a Pong frame in response, unless it already received a
                // Close frame." A newer Ping replaces an unanswered one
                // (§5.5.3 allows answering only the most recent).
                if self.config.auto_pong && !self.lifecycle.close_sent() {
                    self.sender.pong = Some(payload);
                }
                Ok(Event::Ping(payload))
            }
            Opcode::Close => {
                let (code, reason) = match parse_close_payload(&payload) {
                    Ok(parsed) => parsed,
                    Err(error) => return Err(self.fail(error)),
                };
                let frame = CloseFrame::new(code, reason);
                self.lifecycle.on_close_received();
                // §5.5.1: "If an endpoint receives a Close frame and did not
                // previously send a Close frame, the endpoint MUST send a
                // Close frame in response. ... it typically echos the status
                // code it received."
                if self.config.auto_close_reply && !self.lifecycle.close_sent() {
                    self.sender.queue_close(code, "");
                    self.lifecycle.on_close_sent();
                }
                Ok(Event::Close(frame))
            }
            // The decoder hands over control opcodes only.
            _ => Ok(Event::Pong(payload)),
        }
    }

    /// Fails the connection (§7.1.7): queues our Close with the error's
    /// code unless one was sent, and makes the error sticky.
    fn fail(&mut self, error: ProtocolError) -> ProtocolError {
        if !self.lifecycle.close_sent() {
            self.sender
                .queue_close(Some(error.close_code()), error.as_str());
            self.lifecycle.on_close_sent();
        }
        self.sender.pong = None;
        self.lifecycle.on_failure(error);
        error
    }
}
