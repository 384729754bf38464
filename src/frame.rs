//! Frame headers (RFC 6455 §5.2): parsing from any prefix of the input, and
//! encoding into a caller buffer.
//!
//! This module knows the wire format only. Which frames are allowed at which
//! moment (fragmentation, masking direction, negotiated RSV bits) is decided
//! in `rules`.

use crate::error::{BufferTooSmall, ProtocolError};
use crate::status::Status;

/// The longest possible frame header: 2 bytes, a 64-bit length and a masking key.
pub const MAX_HEADER_LEN: usize = 14;

/// The largest payload a control frame may carry (RFC 6455 §5.5).
pub const MAX_CONTROL_PAYLOAD: usize = 125;

/// A frame's opcode (RFC 6455 §5.2, §11.8).
///
/// The reserved opcodes 0x3–0x7 and 0xB–0xF are not representable: parsing
/// them is a [`ProtocolError::ReservedOpcode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Opcode {
    /// 0x0: a continuation of a fragmented message.
    Continuation,
    /// 0x1: the first frame of a text message.
    Text,
    /// 0x2: the first frame of a binary message.
    Binary,
    /// 0x8: a connection close.
    Close,
    /// 0x9: a ping.
    Ping,
    /// 0xA: a pong.
    Pong,
}

impl Opcode {
    /// The opcode for a 4-bit value, or `None` for a reserved one.
    pub const fn from_u8(value: u8) -> Option<Self> {
        match value {
            0x0 => Some(Self::Continuation),
            0x1 => Some(Self::Text),
            0x2 => Some(Self::Binary),
            0x8 => Some(Self::Close),
            0x9 => Some(Self::Ping),
            0xA => Some(Self::Pong),
            _ => None,
        }
    }

    /// The 4-bit wire value.
    pub const fn as_u8(self) -> u8 {
        match self {
            Self::Continuation => 0x0,
            Self::Text => 0x1,
            Self::Binary => 0x2,
            Self::Close => 0x8,
            Self::Ping => 0x9,
            Self::Pong => 0xA,
        }
    }

    /// Whether this is a control opcode (Close, Ping, Pong): RFC 6455 §5.5.
    pub const fn is_control(self) -> bool {
        matches!(self, Self::Close | Self::Ping | Self::Pong)
    }
}

/// The RSV1 bit in [`FrameHeader::rsv`]: set on the first frame of a
/// message compressed with permessage-deflate (RFC 7692 §6).
pub(crate) const RSV1: u8 = 0b100;

/// A decoded frame header (RFC 6455 §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrameHeader {
    /// FIN: this is the final fragment of a message.
    pub fin: bool,
    /// RSV1, RSV2, RSV3 as the low three bits (RSV1 = `0b100`).
    pub rsv: u8,
    /// The opcode.
    pub opcode: Opcode,
    /// The masking key, present when the MASK bit is set.
    pub mask: Option<[u8; 4]>,
    /// The payload length in bytes.
    pub payload_len: u64,
}

impl FrameHeader {
    /// Parses a header from the start of `input`.
    ///
    /// Needing more bytes is [`Status::Partial`], not an error. The
    /// role-independent rules are checked here: reserved opcodes, non-minimal
    /// length encodings, a 64-bit length with its top bit set, and control
    /// frames that are fragmented or longer than 125 bytes.
    pub fn parse(input: &[u8]) -> Result<Status<(FrameHeader, usize)>, ProtocolError> {
        let (b0, b1) = match input {
            [b0, b1, ..] => (*b0, *b1),
            _ => return Ok(Status::Partial),
        };
        let opcode = Opcode::from_u8(b0 & 0x0F).ok_or(ProtocolError::ReservedOpcode(b0 & 0x0F))?;
        let fin = b0 & 0x80 != 0;
        let masked = b1 & 0x80 != 0;
        let len7 = b1 & 0x7F;
        if opcode.is_control() {
            // §5.5: "All control frames MUST have a payload length of 125
            // bytes or less and MUST NOT be fragmented."
            if !fin {
                return Err(ProtocolError::FragmentedControlFrame);
            }
            if usize::from(len7) > MAX_CONTROL_PAYLOAD {
                return Err(ProtocolError::ControlFrameTooLong);
            }
        }
        let len_bytes = match len7 {
            126 => 2,
            127 => 8,
            _ => 0,
        };
        let mask_at = 2 + len_bytes;
        let total = mask_at + if masked { 4 } else { 0 };
        if input.len() < total {
            return Ok(Status::Partial);
        }
        let payload_len = match len7 {
            126 => {
                let n = u16::from_be_bytes([input[2], input[3]]);
                // §5.2: "the minimal number of bytes MUST be used to encode the length"
                if n < 126 {
                    return Err(ProtocolError::NonMinimalLength);
                }
                u64::from(n)
            }
            127 => {
                let mut bytes = [0u8; 8];
                bytes.copy_from_slice(&input[2..10]);
                let n = u64::from_be_bytes(bytes);
                // §5.2: "the most significant bit MUST be 0"
                if n >> 63 != 0 {
                    return Err(ProtocolError::LengthTopBitSet);
                }
                if n <= 0xFFFF {
                    return Err(ProtocolError::NonMinimalLength);
                }
                n
            }
            n => u64::from(n),
        };
        // `total` bytes are present, so the key is there when `masked`.
        let mask = match input[mask_at..].first_chunk::<4>() {
            Some(key) if masked => Some(*key),
            _ => None,
        };
        let header = FrameHeader {
            fin,
            rsv: (b0 >> 4) & 0x7,
            opcode,
            mask,
            payload_len,
        };
        Ok(Status::Complete((header, total)))
    }

    /// How many bytes [`encode`](Self::encode) writes for this header.
    pub const fn encoded_len(&self) -> usize {
        let len_bytes = if self.payload_len <= 125 {
            0
        } else if self.payload_len <= 0xFFFF {
            2
        } else {
            8
        };
        2 + len_bytes + if self.mask.is_some() { 4 } else { 0 }
    }

    /// Writes the header into the front of `out` with the minimal length
    /// encoding, and returns how many bytes it wrote.
    ///
    /// `rsv` keeps its low three bits only, and a payload length must be
    /// below 2^63. When `out` is too small nothing is written.
    pub fn encode(&self, out: &mut [u8]) -> Result<usize, BufferTooSmall> {
        let required = self.encoded_len();
        let Some(out) = out.get_mut(..required) else {
            return Err(BufferTooSmall { required });
        };
        out[0] = (u8::from(self.fin) << 7) | ((self.rsv & 0x7) << 4) | self.opcode.as_u8();
        let mask_bit = if self.mask.is_some() { 0x80 } else { 0 };
        let len = self.payload_len & (u64::MAX >> 1);
        let at = if len <= 125 {
            out[1] = mask_bit | len as u8;
            2
        } else if len <= 0xFFFF {
            out[1] = mask_bit | 126;
            out[2..4].copy_from_slice(&(len as u16).to_be_bytes());
            4
        } else {
            out[1] = mask_bit | 127;
            out[2..10].copy_from_slice(&len.to_be_bytes());
            10
        };
        if let Some(key) = self.mask {
            out[at..at + 4].copy_from_slice(&key);
        }
        Ok(required)
    }
}
