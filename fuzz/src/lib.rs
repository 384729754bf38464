//! Helpers shared by the fuzz targets: a deterministic masking-key source,
//! normalised events, a checker for everything a connection writes (with
//! an independent inflater for permessage-deflate), and the stream driver
//! behind `server_stream` and `client_stream`.

use flate2::{Decompress, FlushDecompress, Status as ZlibStatus};
use rfc6455::codec::FrameHeader;
use rfc6455::{
    ClientRequest, CloseCode, Config, Connection, ConnectionState, DeflateAgreement, DeflateConfig,
    Event, HandshakeAccept, MaskKeySource, MessageKind, Opcode, ProtocolError, ReceiveError, Role,
    ServerHandshake, Status, EMPTY_HTTP_HEADER,
};

/// The RSV1 bit as `FrameHeader::rsv` holds it (bits 6-4 of the first
/// byte, RSV1 the highest).
const RSV1: u8 = 0b100;

/// A deterministic key source (an LCG). `Debug` and `Clone`, so that a
/// connection's whole state, keys included, can be compared by its `Debug`
/// text.
#[derive(Debug, Clone)]
pub struct Keys(pub u32);

impl MaskKeySource for Keys {
    fn next_mask_key(&mut self) -> [u8; 4] {
        self.0 = self.0.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        self.0.to_be_bytes()
    }
}

/// An event with its borrowed parts copied and message chunks joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    Message(MessageKind, Vec<u8>),
    Ping(Vec<u8>),
    Pong(Vec<u8>),
    Close(Option<u16>, String),
}

/// Joins message chunks into [`Seen::Message`]s and checks the chunk flags.
#[derive(Debug, Default)]
pub struct Collector {
    pub events: Vec<Seen>,
    /// The message in progress: its kind and bytes so far.
    pub partial: Option<(MessageKind, Vec<u8>)>,
}

impl Collector {
    pub fn push(&mut self, event: &Event<'_>) {
        match event {
            Event::Chunk(chunk) => {
                assert_eq!(
                    chunk.message_start,
                    self.partial.is_none(),
                    "message_start must mark exactly the first chunk of a message"
                );
                assert!(
                    !chunk.message_end || chunk.frame_end,
                    "message_end without frame_end"
                );
                let (kind, bytes) = self.partial.get_or_insert_with(|| (chunk.kind, Vec::new()));
                assert_eq!(*kind, chunk.kind, "chunk kind changed inside a message");
                bytes.extend_from_slice(chunk.payload);
                if chunk.message_end {
                    let (kind, bytes) = self.partial.take().unwrap();
                    if kind == MessageKind::Text {
                        assert!(
                            std::str::from_utf8(&bytes).is_ok(),
                            "invalid UTF-8 delivered"
                        );
                    }
                    self.events.push(Seen::Message(kind, bytes));
                }
            }
            Event::Ping(p) => self.events.push(Seen::Ping(p.to_vec())),
            Event::Pong(p) => self.events.push(Seen::Pong(p.to_vec())),
            Event::Close(c) => self
                .events
                .push(Seen::Close(c.code().map(|c| c.0), c.reason().to_owned())),
            _ => unreachable!("no other events exist"),
        }
    }
}

/// The `00 00 ff ff` tail a sender removes from each compressed message
/// (RFC 7692 §7.2.1) and a receiver puts back.
const DEFLATE_TAIL: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// A compressed message inflating to more than this is the writer's error:
/// the fuzz targets never send messages this large.
const MAX_INFLATED: usize = 1 << 20;

/// The receiving side of permessage-deflate as a peer would run it, with
/// zlib's inflater (`flate2` on `zlib-rs`), not the crate's.
pub struct Inflater {
    zlib: Decompress,
    /// The writer resets its compressor after every message.
    no_context_takeover: bool,
}

impl std::fmt::Debug for Inflater {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inflater")
            .field("no_context_takeover", &self.no_context_takeover)
            .finish_non_exhaustive()
    }
}

impl Inflater {
    /// An inflater for the messages of a writer that does (or does not)
    /// keep its window from one message to the next.
    pub fn new(no_context_takeover: bool) -> Self {
        Self {
            zlib: Decompress::new(false),
            no_context_takeover,
        }
    }

    /// One whole message's compressed payload, inflated with its tail put
    /// back. Panics unless zlib uses all of it without error and without
    /// reaching a final block.
    pub fn message(&mut self, compressed: &[u8]) -> Vec<u8> {
        if self.no_context_takeover {
            // The window must not be needed: start afresh.
            self.zlib.reset(false);
        }
        let mut input = Vec::with_capacity(compressed.len() + 4);
        input.extend_from_slice(compressed);
        input.extend_from_slice(&DEFLATE_TAIL);
        let mut out = Vec::with_capacity(compressed.len() * 4 + 64);
        let mut used = 0;
        loop {
            if out.len() == out.capacity() {
                out.reserve(out.len() + 64);
            }
            let before = self.zlib.total_in();
            let status = self
                .zlib
                .decompress_vec(&input[used..], &mut out, FlushDecompress::Sync)
                .unwrap_or_else(|e| {
                    panic!("zlib cannot inflate what the connection compressed ({e}): {compressed:02x?}")
                });
            used += (self.zlib.total_in() - before) as usize;
            assert!(
                status != ZlibStatus::StreamEnd,
                "a compressed message holds a final block: {compressed:02x?}"
            );
            assert!(
                out.len() <= MAX_INFLATED,
                "a compressed message inflates too far"
            );
            if used == input.len() && out.len() < out.capacity() {
                return out;
            }
        }
    }
}

/// Parses everything one connection writes, in order, and checks that it
/// is a sequence of valid frames for its role: masked exactly when the
/// writer is a client, RSV bits clear (but RSV1 on the first frame of a
/// compressed message once permessage-deflate is on), control frames final
/// and short, fragments in order, text valid UTF-8, Close payloads valid,
/// and nothing after a Close. A compressed message is inflated by an
/// independent [`Inflater`]. `events` is what the peer should see.
#[derive(Debug)]
pub struct Wire {
    masked: bool,
    buf: Vec<u8>,
    /// The message in progress: its kind, its payload so far, and whether
    /// it is compressed.
    message: Option<(MessageKind, Vec<u8>, bool)>,
    inflater: Option<Inflater>,
    pub closed: bool,
    /// The latest complete frame was a data frame of a compressed message.
    pub last_compressed: bool,
    pub events: Vec<Seen>,
}

impl Wire {
    pub fn new(writer: Role) -> Self {
        Self {
            masked: writer == Role::Client,
            buf: Vec::new(),
            message: None,
            inflater: None,
            closed: false,
            last_compressed: false,
            events: Vec::new(),
        }
    }

    /// The writer turned permessage-deflate on; it resets its compressor
    /// after every message when `no_context_takeover`.
    pub fn enable_deflate(&mut self, no_context_takeover: bool) {
        self.inflater = Some(Inflater::new(no_context_takeover));
    }

    /// Whether bytes of an unfinished frame are waiting.
    pub fn mid_frame(&self) -> bool {
        !self.buf.is_empty()
    }

    /// Appends bytes the connection wrote and checks every frame they complete.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        loop {
            let (header, used) = match FrameHeader::parse(&self.buf) {
                Ok(Status::Complete((h, used))) => (h, used),
                Ok(Status::Partial) => return,
                Err(e) => panic!(
                    "connection wrote an invalid header ({e:?}): {:02x?}",
                    self.buf
                ),
            };
            let Some(end) = usize::try_from(header.payload_len)
                .ok()
                .and_then(|len| used.checked_add(len))
            else {
                return; // never completes
            };
            if self.buf.len() < end {
                return;
            }
            let mut payload = self.buf[used..end].to_vec();
            self.buf.drain(..end);
            if let Some(key) = header.mask {
                rfc6455::codec::apply_mask(&mut payload, key, 0);
            }
            self.frame(&header, payload);
        }
    }

    fn frame(&mut self, header: &FrameHeader, payload: Vec<u8>) {
        assert!(!self.closed, "a frame after our Close: {header:?}");
        assert_eq!(
            header.mask.is_some(),
            self.masked,
            "wrong masking for the role"
        );
        // RSV1 marks a compressed message, on its first frame only (RFC
        // 7692 §6.1); the other bits are never set.
        let starts_message = matches!(header.opcode, Opcode::Text | Opcode::Binary);
        let rsv1_allowed = self.inflater.is_some() && starts_message;
        assert!(
            header.rsv == 0 || (header.rsv == RSV1 && rsv1_allowed),
            "RSV bits {:#x} set on {header:?} (deflate {})",
            header.rsv,
            if self.inflater.is_some() { "on" } else { "off" }
        );
        self.last_compressed = false;
        let kind = match header.opcode {
            Opcode::Continuation => {
                let Some((kind, bytes, compressed)) = self.message.as_mut() else {
                    panic!("continuation with no message in progress");
                };
                bytes.extend_from_slice(&payload);
                self.last_compressed = *compressed;
                *kind
            }
            Opcode::Text | Opcode::Binary => {
                assert!(
                    self.message.is_none(),
                    "new message while one is in progress"
                );
                let kind = if header.opcode == Opcode::Text {
                    MessageKind::Text
                } else {
                    MessageKind::Binary
                };
                let compressed = header.rsv == RSV1;
                self.message = Some((kind, payload, compressed));
                self.last_compressed = compressed;
                kind
            }
            Opcode::Ping => return self.events.push(Seen::Ping(payload)),
            Opcode::Pong => return self.events.push(Seen::Pong(payload)),
            Opcode::Close => {
                let close = parse_close(&payload).expect("connection wrote an invalid Close");
                self.closed = true;
                return self.events.push(close);
            }
        };
        if header.fin {
            let (_, mut bytes, compressed) = self.message.take().unwrap();
            if compressed {
                let inflater = self.inflater.as_mut().expect("RSV1 only with deflate");
                bytes = inflater.message(&bytes);
            }
            if kind == MessageKind::Text {
                assert!(
                    std::str::from_utf8(&bytes).is_ok(),
                    "connection wrote invalid text"
                );
            }
            self.events.push(Seen::Message(kind, bytes));
        }
    }
}

/// A Close payload as the peer should report it, or `None` if invalid.
pub fn parse_close(payload: &[u8]) -> Option<Seen> {
    match payload {
        [] => Some(Seen::Close(None, String::new())),
        [_] => None,
        [hi, lo, reason @ ..] => {
            let code = u16::from_be_bytes([*hi, *lo]);
            if !CloseCode(code).is_valid_on_wire() {
                return None;
            }
            let reason = std::str::from_utf8(reason).ok()?;
            Some(Seen::Close(Some(code), reason.to_owned()))
        }
    }
}

/// What one run over a byte stream produced.
#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
    pub events: Vec<Seen>,
    pub transmit: Vec<u8>,
    pub error: Option<ProtocolError>,
}

/// The config of a stream target's connection, from the input's first byte:
/// bit 3 sets small size limits, bit 4 turns the automatic replies off.
pub fn stream_config(flags: u8) -> Config {
    let mut config = Config::default();
    if flags & 0x08 != 0 {
        config.max_frame_payload = 300;
        config.max_message_size = 700;
    }
    if flags & 0x10 != 0 {
        config.auto_pong = false;
        config.auto_close_reply = false;
    }
    config
}

/// Feeds `stream` to a fresh connection in the pieces ending at `cuts`,
/// checking the per-call invariants, and returns what it produced.
pub fn feed(role: Role, config: Config, stream: &[u8], cuts: &[usize]) -> Outcome {
    match role {
        Role::Server => feed_conn(Connection::server(config), stream, cuts),
        Role::Client => feed_conn(Connection::client(config, Keys(7)), stream, cuts),
    }
}

/// What a `receive` call did that calls for an automatic reply.
enum Cause {
    Nothing,
    Ping(Vec<u8>),
    Close(Option<u16>),
    Failed(ProtocolError),
}

fn feed_conn<K: MaskKeySource>(mut conn: Connection<K>, stream: &[u8], cuts: &[usize]) -> Outcome {
    let config = *conn.config();
    let mut input = stream.to_vec();
    let mut events = Collector::default();
    let mut wire = Wire::new(conn.role());
    let mut transmit = Vec::new();
    let mut error = None;
    let mut peer_closed = false;
    let mut out = [0u8; 300];
    let mut start = 0;
    let ends = cuts
        .iter()
        .copied()
        .filter(|&c| c > 0 && c < stream.len())
        .chain([stream.len()]);
    'pieces: for end in ends {
        if end <= start {
            continue;
        }
        let mut pos = start;
        while pos < end {
            let len = end - pos;
            let cause = match conn.receive(&mut input[pos..end]) {
                Ok(received) => {
                    assert!(received.consumed <= len, "consumed more than given");
                    assert!(
                        received.consumed > 0 || received.event.is_some(),
                        "no progress on {len} bytes"
                    );
                    pos += received.consumed;
                    match &received.event {
                        None => Cause::Nothing,
                        Some(event) => {
                            assert!(!peer_closed, "event after the peer's Close: {event:?}");
                            events.push(event);
                            match event {
                                Event::Ping(p) => Cause::Ping(p.to_vec()),
                                Event::Close(c) => {
                                    peer_closed = true;
                                    Cause::Close(c.code().map(|c| c.0))
                                }
                                _ => Cause::Nothing,
                            }
                        }
                    }
                }
                Err(ReceiveError::Usage(e)) => {
                    panic!("a receive without deflate broke a rule: {e}")
                }
                Err(ReceiveError::Protocol(e)) => {
                    assert!(!peer_closed, "failure after the peer's Close: {e:?}");
                    assert_eq!(conn.error(), Some(e));
                    assert_eq!(conn.state(), ConnectionState::Failed);
                    error = Some(e);
                    Cause::Failed(e)
                }
            };
            let n = conn
                .poll_transmit(&mut out)
                .expect("262 bytes always suffice");
            let before = wire.events.len();
            wire.push(&out[..n]);
            transmit.extend_from_slice(&out[..n]);
            let replies = &wire.events[before..];
            // The automatic replies, checked against what caused them. The
            // stream targets send nothing, so no Close of ours came before.
            let expected = match cause {
                Cause::Ping(payload) if config.auto_pong => vec![Seen::Pong(payload)],
                Cause::Close(code) if config.auto_close_reply => {
                    vec![Seen::Close(code, String::new())]
                }
                Cause::Failed(e) => vec![Seen::Close(Some(e.close_code().0), e.as_str().into())],
                _ => vec![],
            };
            assert_eq!(replies, expected, "wrong automatic replies");
            if let Some(e) = error {
                // Sticky: the same error again, nothing more to send.
                let again = Some(ReceiveError::Protocol(e));
                assert_eq!(conn.receive(&mut input[pos..end]).err(), again);
                assert_eq!(conn.receive(&mut [0x81, 0x80, 1, 2, 3, 4]).err(), again);
                assert_eq!(conn.poll_transmit(&mut out), Ok(0));
                assert!(conn.should_close_transport());
                break 'pieces;
            }
        }
        start = end;
    }
    assert!(!wire.mid_frame(), "poll_transmit wrote part of a frame");
    Outcome {
        events: events.events,
        transmit,
        error,
    }
}

/// The stream targets' input: byte 0 holds flags (bits 0-2: how many cut
/// bytes follow, 7 meaning one byte at a time; bits 3-4: see
/// [`stream_config`]); each cut byte is the length of the next piece; the
/// rest is the byte stream.
pub fn split_input(data: &[u8]) -> Option<(Config, Vec<usize>, &[u8])> {
    let (&flags, rest) = data.split_first()?;
    let ncuts = usize::from(flags & 0x07);
    if rest.len() < ncuts {
        return None;
    }
    let (cut_bytes, stream) = rest.split_at(ncuts);
    let mut cuts = Vec::new();
    let mut at = 0;
    for &c in cut_bytes {
        at += usize::from(c);
        cuts.push(at);
    }
    if flags & 0x07 == 0x07 {
        // Every byte on its own: the harshest split.
        cuts = (1..stream.len()).collect();
    }
    Some((stream_config(flags), cuts, stream))
}

/// The body of `server_stream` and `client_stream`.
pub fn stream_target(role: Role, data: &[u8]) {
    let Some((config, cuts, stream)) = split_input(data) else {
        return;
    };
    let split = feed(role, config, stream, &cuts);
    let whole = feed(role, config, stream, &[]);
    assert_eq!(split, whole, "split and whole runs differ");
}

/// The permessage-deflate agreements a client configured with `client` and
/// a server configured with `server` reach, negotiated through the
/// handshake's bytes as a real pair would: (client's, server's).
pub fn negotiate(
    client: &DeflateConfig,
    server: &DeflateConfig,
) -> (DeflateAgreement, DeflateAgreement) {
    let mut request = [0u8; 512];
    let handshake = ClientRequest::new("example.com", "/")
        .deflate(client)
        .write(&[0; 16], &mut request)
        .expect("a valid request");
    let mut headers = [EMPTY_HTTP_HEADER; 16];
    let offer = ServerHandshake::new()
        .receive_request(&request[..handshake.request_len()], &mut headers)
        .ok()
        .and_then(Status::complete)
        .expect("a complete, valid request");
    let server_side = server
        .accept_offer(offer.extensions())
        .expect("every valid offer is accepted");
    let mut response = [0u8; 512];
    let n = offer
        .accept(&HandshakeAccept::new().deflate(&server_side), &mut response)
        .expect("a valid answer");
    let mut headers = [EMPTY_HTTP_HEADER; 16];
    let answer = handshake
        .receive_response(&response[..n], &mut headers)
        .ok()
        .and_then(Status::complete)
        .expect("a complete response");
    let client_side = handshake
        .validate(&answer)
        .and_then(|negotiated| negotiated.deflate(client))
        .expect("a valid answer")
        .expect("the offer was accepted");
    (client_side, server_side)
}
