//! The receiving half's decoder: header bytes gathered across calls,
//! data payload streamed in place, control payload collected whole.
//!
//! It applies the per-frame rules (masking, fragmentation, limits, UTF-8)
//! as bytes arrive, and hands complete control frames to the connection,
//! which owns the replies and the close handshake.

use crate::frame::{FrameHeader, Opcode, MAX_CONTROL_PAYLOAD, MAX_HEADER_LEN, RSV1};
use crate::mask::apply_mask;
use crate::rules;
use crate::status::Status;
use crate::utf8::Utf8Validator;
use crate::{Config, ControlPayload, MessageChunk, MessageKind, ProtocolError, Role};

/// What one decoding step produced.
pub(crate) enum Decoded<'a> {
    /// A piece of a data message; `true` when the message is compressed
    /// (RSV1 on its first frame), so the piece is DEFLATE data.
    Data(MessageChunk<'a>, bool),
    /// A whole control frame, unmasked.
    Control(Opcode, ControlPayload),
}

/// Where the decoder is inside the current frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameState {
    /// Between frames, or inside a header (its first bytes are kept in
    /// `Receiver::header`).
    Header,
    /// Inside a data frame's payload.
    Data(DataFrame),
    /// Inside a control frame's payload, collected in `Receiver::control`.
    Control {
        opcode: Opcode,
        len: u8,
        have: u8,
        mask: Option<[u8; 4]>,
    },
}

/// The progress through one data frame's payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DataFrame {
    remaining: u64,
    mask: Option<[u8; 4]>,
    /// The payload offset modulo 4, where unmasking resumes.
    offset: u8,
    fin: bool,
    kind: MessageKind,
    starts_message: bool,
    /// The message is compressed: its UTF-8 is checked after inflating.
    compressed: bool,
}

/// The fast path for the commonest frame of all: a whole, short, final
/// text or binary frame, masked as the role requires, with no message in
/// progress and the whole frame in the input. Every rule trivially holds
/// for it; anything else takes the general path, which reports errors.
#[derive(Debug, Clone, Copy)]
struct SmallFrame {
    kind: MessageKind,
    header_len: usize,
    payload_len: usize,
    mask: Option<[u8; 4]>,
}

impl SmallFrame {
    #[inline(always)]
    fn find(bytes: &[u8], role: Role, config: &Config) -> Option<Self> {
        let (kind, b1) = match bytes {
            // FIN set, RSV clear, opcode text or binary.
            [0x81, b1, ..] => (MessageKind::Text, *b1),
            [0x82, b1, ..] => (MessageKind::Binary, *b1),
            _ => return None,
        };
        let payload_len = usize::from(b1 & 0x7F);
        let masked = b1 & 0x80 != 0;
        if payload_len > 125 || masked != (role == Role::Server) {
            return None;
        }
        let limit = config.max_frame_payload.min(config.max_message_size);
        if payload_len as u64 > limit {
            return None;
        }
        let header_len = if masked { 6 } else { 2 };
        if bytes.len() < header_len + payload_len {
            return None;
        }
        let mask = match bytes[2..].first_chunk::<4>() {
            Some(key) if masked => Some(*key),
            _ => None,
        };
        Some(Self {
            kind,
            header_len,
            payload_len,
            mask,
        })
    }

    /// Unmasks and validates the payload: the whole message.
    #[inline(always)]
    fn deliver(self, payload: &mut [u8]) -> Result<MessageChunk<'_>, ProtocolError> {
        if let Some(key) = self.mask {
            apply_mask(payload, key, 0);
        }
        if self.kind == MessageKind::Text {
            let mut utf8 = Utf8Validator::new();
            utf8.feed(payload)
                .and_then(|()| utf8.finish())
                .map_err(|_| ProtocolError::InvalidUtf8)?;
        }
        Ok(MessageChunk {
            kind: self.kind,
            payload,
            message_start: true,
            frame_end: true,
            message_end: true,
            inflated: false,
        })
    }
}

/// How many payload bytes of `frame` the next `available` input bytes hold.
fn available_payload(frame: &DataFrame, available: usize) -> usize {
    usize::try_from(frame.remaining).map_or(available, |r| r.min(available))
}

/// The receive-side decoder of one connection.
#[derive(Debug, Clone)]
pub(crate) struct Receiver {
    frame: FrameState,
    header: [u8; MAX_HEADER_LEN],
    header_len: u8,
    control: [u8; MAX_CONTROL_PAYLOAD],
    /// The incoming message in progress, and its length so far.
    message: Option<MessageKind>,
    message_len: u64,
    /// The message in progress is compressed (RSV1 on its first frame).
    compressed: bool,
    utf8: Utf8Validator,
}

impl Receiver {
    pub(crate) const fn new() -> Self {
        Self {
            frame: FrameState::Header,
            header: [0; MAX_HEADER_LEN],
            header_len: 0,
            control: [0; MAX_CONTROL_PAYLOAD],
            message: None,
            message_len: 0,
            compressed: false,
            utf8: Utf8Validator::new(),
        }
    }

    /// The payload bytes of the current data frame not received yet.
    pub(crate) fn data_remaining(&self) -> u64 {
        match self.frame {
            FrameState::Data(frame) => frame.remaining,
            _ => 0,
        }
    }

    /// Decodes from the front of `input` until one item is complete or the
    /// input is used up. Returns the bytes used and the item, if any.
    #[inline(always)] // one caller, on the path of every message
    pub(crate) fn decode<'a>(
        &mut self,
        input: &'a mut [u8],
        role: Role,
        config: &Config,
        allowed_rsv: u8,
    ) -> Result<(usize, Option<Decoded<'a>>), ProtocolError> {
        let mut consumed = 0;
        loop {
            match self.frame {
                FrameState::Header => {
                    let rest = &input[consumed..];
                    if rest.is_empty() {
                        return Ok((consumed, None));
                    }
                    let idle = self.header_len == 0 && self.message.is_none();
                    if let Some(small) =
                        idle.then(|| SmallFrame::find(rest, role, config)).flatten()
                    {
                        let end = consumed + small.header_len + small.payload_len;
                        let payload = &mut input[consumed + small.header_len..end];
                        return Ok((end, Some(Decoded::Data(small.deliver(payload)?, false))));
                    }
                    let Some((header, used)) = self.read_header(rest)? else {
                        return Ok((input.len(), None));
                    };
                    consumed += used;
                    if let Some(control) = self.start_frame(&header, role, config, allowed_rsv)? {
                        return Ok((consumed, Some(control)));
                    }
                    if let FrameState::Data(frame) = self.frame {
                        // Deliver at once what the input holds of the payload
                        // (possibly nothing: an empty frame is reported too).
                        let n = available_payload(&frame, input.len() - consumed);
                        let chunk = self.data_chunk(frame, &mut input[consumed..consumed + n])?;
                        let compressed = frame.compressed;
                        return Ok((consumed + n, Some(Decoded::Data(chunk, compressed))));
                    }
                }
                FrameState::Data(frame) => {
                    let n = available_payload(&frame, input.len() - consumed);
                    if n == 0 {
                        return Ok((consumed, None));
                    }
                    let chunk = self.data_chunk(frame, &mut input[consumed..consumed + n])?;
                    return Ok((consumed + n, Some(Decoded::Data(chunk, frame.compressed))));
                }
                FrameState::Control {
                    opcode,
                    len,
                    have,
                    mask,
                } => {
                    let rest = &input[consumed..];
                    let want = usize::from(len - have);
                    let take = want.min(rest.len());
                    let start = usize::from(have);
                    self.control[start..start + take].copy_from_slice(&rest[..take]);
                    consumed += take;
                    if take < want {
                        self.frame = FrameState::Control {
                            opcode,
                            len,
                            have: have + take as u8,
                            mask,
                        };
                        return Ok((consumed, None));
                    }
                    let payload = &mut self.control[..usize::from(len)];
                    if let Some(key) = mask {
                        apply_mask(payload, key, 0);
                    }
                    self.frame = FrameState::Header;
                    return Ok((
                        consumed,
                        Some(Decoded::Control(opcode, ControlPayload::copy_from(payload))),
                    ));
                }
            }
        }
    }

    /// Parses a header from `rest`, using and refilling the bytes kept from
    /// earlier calls. `None`: all of `rest` was kept and more is needed.
    fn read_header(&mut self, rest: &[u8]) -> Result<Option<(FrameHeader, usize)>, ProtocolError> {
        let have = usize::from(self.header_len);
        if have == 0 {
            // Fast path: the whole header is usually in the input.
            return match FrameHeader::parse(rest)? {
                Status::Complete((header, used)) => Ok(Some((header, used))),
                Status::Partial => {
                    // `rest` is shorter than a header, so it fits.
                    self.header[..rest.len()].copy_from_slice(rest);
                    self.header_len = rest.len() as u8;
                    Ok(None)
                }
            };
        }
        let take = (MAX_HEADER_LEN - have).min(rest.len());
        self.header[have..have + take].copy_from_slice(&rest[..take]);
        match FrameHeader::parse(&self.header[..have + take])? {
            Status::Complete((header, len)) => {
                self.header_len = 0;
                Ok(Some((header, len - have)))
            }
            Status::Partial => {
                self.header_len = (have + take) as u8;
                Ok(None)
            }
        }
    }

    /// Applies the rules to a new header and enters its payload. Returns a
    /// control frame at once when it has no payload.
    fn start_frame<'a>(
        &mut self,
        header: &FrameHeader,
        role: Role,
        config: &Config,
        allowed_rsv: u8,
    ) -> Result<Option<Decoded<'a>>, ProtocolError> {
        rules::check_received_header(role, allowed_rsv, header)?;
        if header.opcode.is_control() {
            // parse() has bounded control payloads to 125 bytes.
            let len = header.payload_len as u8;
            if len == 0 {
                return Ok(Some(Decoded::Control(header.opcode, ControlPayload::EMPTY)));
            }
            self.frame = FrameState::Control {
                opcode: header.opcode,
                len,
                have: 0,
                mask: header.mask,
            };
            return Ok(None);
        }
        let frame = rules::received_data_frame(self.message, header.opcode)?;
        // RFC 7692 §6: RSV1 marks a compressed message on its first frame
        // only (`check_received_header` allowed it at all).
        let compressed = if frame.starts_message {
            header.rsv & RSV1 != 0
        } else if header.rsv & RSV1 != 0 {
            return Err(ProtocolError::ReservedBitsSet(header.rsv));
        } else {
            self.compressed
        };
        if header.payload_len > config.max_frame_payload {
            return Err(ProtocolError::FrameTooLarge);
        }
        let before = if frame.starts_message {
            0
        } else {
            self.message_len
        };
        let total = before.saturating_add(header.payload_len);
        if total > config.max_message_size {
            return Err(ProtocolError::MessageTooLarge);
        }
        self.message = Some(frame.kind);
        self.message_len = total;
        self.compressed = compressed;
        self.frame = FrameState::Data(DataFrame {
            remaining: header.payload_len,
            mask: header.mask,
            offset: 0,
            fin: header.fin,
            kind: frame.kind,
            starts_message: frame.starts_message,
            compressed,
        });
        Ok(None)
    }

    /// Unmasks and validates the next piece of the current data frame, and
    /// advances past it.
    #[inline(always)] // on the path of every message; two call sites
    fn data_chunk<'a>(
        &mut self,
        frame: DataFrame,
        chunk: &'a mut [u8],
    ) -> Result<MessageChunk<'a>, ProtocolError> {
        let DataFrame {
            remaining,
            mask,
            offset,
            fin,
            kind,
            starts_message,
            compressed,
        } = frame;
        if let Some(key) = mask {
            apply_mask(chunk, key, usize::from(offset));
        }
        // Compressed text is checked once inflated, by the connection.
        let text = kind == MessageKind::Text && !compressed;
        if text {
            self.utf8
                .feed(chunk)
                .map_err(|_| ProtocolError::InvalidUtf8)?;
        }
        let remaining = remaining - chunk.len() as u64;
        let frame_end = remaining == 0;
        let message_end = frame_end && fin;
        if message_end {
            if text {
                // §8.1: the whole message must be valid UTF-8.
                self.utf8.finish().map_err(|_| ProtocolError::InvalidUtf8)?;
            }
            self.message = None;
        }
        self.frame = if frame_end {
            FrameState::Header
        } else {
            let offset = ((usize::from(offset) + chunk.len()) % 4) as u8;
            FrameState::Data(DataFrame {
                remaining,
                offset,
                starts_message: false,
                ..frame
            })
        };
        Ok(MessageChunk {
            kind,
            payload: chunk,
            message_start: starts_message,
            frame_end,
            message_end,
            inflated: false,
        })
    }
}
