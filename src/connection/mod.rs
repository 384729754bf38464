//! The connection: one fixed-size value per WebSocket that glues the
//! decoder (`recv`), the encoder (`send`), the rules (`rules`) and the
//! extension stage (permessage-deflate, or nothing) together, and
//! documents the call loop. Its commands are in `commands.rs`.

mod commands;

pub use commands::PayloadPiece;
#[cfg(feature = "deflate")]
mod deflate;
#[cfg(not(feature = "deflate"))]
mod plain;
#[cfg(feature = "alloc")]
mod to_vec;

#[cfg(feature = "deflate")]
use deflate::Extensions;
#[cfg(not(feature = "deflate"))]
use plain::Extensions;

use crate::close::parse_close_payload;
use crate::frame::Opcode;
use crate::recv::{Decoded, Receiver};
use crate::rules::Lifecycle;
use crate::send::Sender;
use crate::{
    BufferTooSmall, CloseCode, CloseFrame, Config, ConnectionState, ControlPayload, Event,
    ProtocolError, ReceiveError, Received, Role, UsageError,
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
/// 2. Call [`receive_into`](Self::receive_into) on the unread part **while
///    input is left or [`has_pending_events`](Self::has_pending_events)**,
///    handling each event as it comes. (With permessage-deflate, inflated
///    bytes can wait inside after the input is used up.)
/// 3. **After every receive call, drain [`poll_transmit`](Self::poll_transmit)
///    and write what it gives.** This is how Pongs and Close replies go out.
/// 4. Send your own messages with `send_*` whenever you like, writing the
///    bytes they produce in the order you got them. A buffer of
///    [`max_frame_len`](Self::max_frame_len) bytes is always enough.
/// 5. When [`should_close_transport`](Self::should_close_transport) says so,
///    close the socket. On end of stream call
///    [`receive_eof`](Self::receive_eof).
///
/// The same loop is right with and without permessage-deflate:
///
/// ```no_run
/// use std::io::{Read, Write};
/// use rfc6455::{Config, Connection, Event, Opcode};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // The handshake is done; `socket` carries WebSocket frames now.
/// let mut socket = std::net::TcpStream::connect("127.0.0.1:9001")?;
/// let mut conn = Connection::server(Config::default());
/// let (mut input, mut inflated) = (vec![0u8; 8192], vec![0u8; 8192]);
/// let mut output = vec![0u8; conn.max_frame_len(8192)];
/// loop {
///     let n = socket.read(&mut input)?;
///     if n == 0 {
///         let _eof = conn.receive_eof(); // Clean, or Abnormal (1006)
///         break;
///     }
///     let mut pos = 0;
///     while pos < n || conn.has_pending_events() {
///         let received = conn.receive_into(&mut input[pos..n], &mut inflated)?;
///         pos += received.consumed;
///         if let Some(Event::Chunk(chunk)) = received.event {
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
/// Receiving returns a [`ReceiveError`]. [`ReceiveError::Protocol`] means
/// the peer broke RFC 6455: the error is fatal and sticky, the failing
/// Close is already queued for `poll_transmit`, and every later receive
/// returns the same error. [`ReceiveError::Usage`] means the call broke a
/// rule (no room to inflate into with permessage-deflate on): nothing was
/// consumed and nothing changed.
/// Commands return a [`SendError`](crate::SendError): a [`UsageError`] when
/// the call breaks a rule, or [`BufferTooSmall`] with the exact size the
/// call needs; either way nothing was written and the connection is
/// unchanged (not even a compressor's window or the next masking key).
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
    /// What negotiated extensions (permessage-deflate) keep: nothing until
    /// one is enabled. Zero-sized, and never read, without `deflate`.
    #[cfg_attr(not(feature = "deflate"), allow(dead_code))]
    extensions: Extensions,
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
            extensions: Extensions::default(),
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

    /// Whether [`receive_into`](Self::receive_into) has events to give
    /// without new input: with permessage-deflate on, a compressed
    /// message's inflated bytes can outgrow the `inflated` buffer and wait
    /// inside for the next calls, even after the input is used up.
    ///
    /// The receive loop runs while input is left **or** this is true (see
    /// [the call loop](Self#the-call-loop)); a call with room always makes
    /// progress, so the loop ends. Always `false` without permessage-deflate,
    /// and once the connection has failed or stopped reading.
    pub fn has_pending_events(&self) -> bool {
        // Nothing more comes out once the connection failed or stopped
        // reading (the peer's Close, the end of the stream).
        self.lifecycle.reading() && self.extension_has_pending_events()
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

    /// Reads bytes from the peer: [`receive_into`](Self::receive_into)
    /// with no room for inflated data, for connections without
    /// permessage-deflate (with it on, this call is a
    /// [`UsageError::NoInflateBuffer`] that changes nothing).
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
    pub fn receive<'a>(&mut self, input: &'a mut [u8]) -> Result<Received<'a>, ReceiveError> {
        self.receive_into(input, &mut [])
    }

    /// Reads bytes from the peer, in every configuration: as
    /// [`receive`](Self::receive), with room for inflated data. Once
    /// permessage-deflate is on ([`enable_deflate`](Self::enable_deflate))
    /// `inflated` must not be empty: a compressed message comes out in
    /// chunks inflated into it (marked
    /// [`MessageChunk::inflated`](crate::MessageChunk::inflated)), each at
    /// most `inflated.len()` bytes, its UTF-8 and its inflated size checked
    /// as it comes out. Inflated bytes that do not fit wait inside, and
    /// [`has_pending_events`](Self::has_pending_events) says so: keep
    /// calling, with empty input if need be, while it is true.
    ///
    /// Other messages are unmasked in place in `input`, as with `receive`.
    ///
    /// # Errors
    /// [`ReceiveError::Protocol`] when the peer broke the protocol (fatal;
    /// the failing Close is queued); [`ReceiveError::Usage`] when deflate is
    /// on and `inflated` is empty (nothing consumed, nothing changed).
    #[must_use = "the consumed count and the event must be handled"]
    #[inline]
    pub fn receive_into<'a>(
        &mut self,
        input: &'a mut [u8],
        inflated: &'a mut [u8],
    ) -> Result<Received<'a>, ReceiveError> {
        if let Some(error) = self.lifecycle.failure() {
            return Err(error.into());
        }
        if inflated.is_empty() && self.inflates() {
            return Err(UsageError::NoInflateBuffer.into());
        }
        if !self.lifecycle.reading() {
            return Ok(Received {
                consumed: input.len(),
                event: None,
            });
        }
        if self.extension_has_pending_events() {
            let chunk = self.inflate_pending(inflated)?;
            // Nothing came out and nothing waits: on to the input.
            if chunk.is_some() || self.extension_has_pending_events() {
                let event = chunk.map(|chunk| chunk.event(inflated));
                return Ok(Received { consumed: 0, event });
            }
        }
        match self
            .receiver
            .decode(input, self.role, &self.config, self.allowed_rsv)
        {
            Ok((consumed, None)) => Ok(Received {
                consumed,
                event: None,
            }),
            Ok((consumed, Some(Decoded::Data(chunk, true)))) => {
                // RSV1: a compressed message, which the stage inflates.
                let chunk = self.inflate_chunk(chunk, inflated)?;
                let event = chunk.map(|chunk| chunk.event(inflated));
                Ok(Received { consumed, event })
            }
            Ok((consumed, Some(Decoded::Data(chunk, false)))) => Ok(Received {
                consumed,
                event: Some(Event::Chunk(chunk)),
            }),
            Ok((consumed, Some(Decoded::Control(opcode, payload)))) => {
                let event = self.on_control(opcode, payload)?;
                Ok(Received {
                    consumed,
                    event: Some(event),
                })
            }
            Err(error) => Err(self.fail(error).into()),
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
