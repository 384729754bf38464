//! The `ops` target's input: the operations, the buffer sizes and the
//! permessage-deflate setup that `arbitrary` draws.

use super::*;

pub(super) const SENTINEL: u8 = 0xA5;
pub(super) const OPCODES: [Opcode; 6] = [
    Opcode::Continuation,
    Opcode::Text,
    Opcode::Binary,
    Opcode::Close,
    Opcode::Ping,
    Opcode::Pong,
];
pub(super) const VALID_CODES: [u16; 6] = [1000, 1001, 1003, 1011, 3000, 4999];
/// Room for everything `poll_transmit` writes (two control frames).
pub(super) const TRANSMIT_ROOM: usize = 262;

#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Client,
    Server,
}

/// The output buffer for a call: enough for anything it may write
/// (`max_frame_len`), a given size (which may be too small), or `k` bytes
/// short of what the call requires, as a first call with no room says
/// (`Short(0)`: exactly enough).
#[derive(Arbitrary, Debug, Clone, Copy)]
pub(super) enum Room {
    Ample,
    Exactly(u8),
    Short(u8),
}

/// The buffer a receive inflates into, with deflate on: 1 to 256 bytes,
/// or 1 byte to 64 KiB.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub(super) enum InflateRoom {
    Small(u8),
    Any(u16),
}

impl InflateRoom {
    pub(super) fn size(self) -> usize {
        match self {
            Self::Small(n) => usize::from(n) + 1,
            Self::Any(n) => usize::from(n) + 1,
        }
    }
}

/// A `start_frame` payload length: mostly small, so that the frame can be
/// finished and the run goes on; sometimes anything; often zero, which
/// takes its own path.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub(super) enum FrameLen {
    Small(u8),
    Any(u64),
    Zero,
}

/// One end's permessage-deflate settings, mapped into their ranges.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub(super) struct DeflateSide {
    pub(super) level: u8,
    pub(super) max_window_bits: u8,
    pub(super) peer_max_window_bits: u8,
    pub(super) no_context_takeover: bool,
    pub(super) peer_no_context_takeover: bool,
}

impl DeflateSide {
    pub(super) fn config(self) -> DeflateConfig {
        let mut config = DeflateConfig::new();
        config.level = self.level % 10;
        config.max_window_bits = 8 + self.max_window_bits % 8;
        config.peer_max_window_bits = 8 + self.peer_max_window_bits % 8;
        config.no_context_takeover = self.no_context_takeover;
        config.peer_no_context_takeover = self.peer_no_context_takeover;
        config
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub(super) struct DeflateSetup {
    pub(super) client: DeflateSide,
    pub(super) server: DeflateSide,
}

/// A call of the `_to_vec` family.
#[derive(Arbitrary, Debug)]
pub(super) enum VecSend {
    Text(String),
    Binary(Vec<u8>),
    /// `send_frame_to_vec`; `opcode` indexes `OPCODES`.
    Frame {
        opcode: u8,
        fin: bool,
        payload: Vec<u8>,
    },
    Close {
        code: Option<u16>,
        valid: bool,
        reason: String,
    },
    PollTransmit,
}

#[derive(Arbitrary, Debug)]
pub(super) enum Op {
    /// Raw bytes into one side's input, between the peer's frames.
    Receive(Side, Vec<u8>, InflateRoom),
    /// `receive` (no room to inflate) with up to `max` of the bytes the
    /// other side wrote; with deflate on it must refuse and change
    /// nothing, and the bytes are then delivered with `room`; without
    /// deflate it is a `Deliver`.
    ReceiveNoRoom {
        to: Side,
        max: u16,
        room: InflateRoom,
    },
    SendText(Side, String, Room),
    SendBinary(Side, Vec<u8>, Room),
    /// `send_frame`; `opcode` indexes `OPCODES`.
    SendFragment {
        side: Side,
        opcode: u8,
        fin: bool,
        payload: Vec<u8>,
        room: Room,
    },
    /// `send_uncompressed`; `opcode` indexes `OPCODES`.
    SendUncompressed {
        side: Side,
        opcode: u8,
        fin: bool,
        payload: Vec<u8>,
        room: Room,
    },
    Ping(Side, Vec<u8>, Room),
    Pong(Side, Vec<u8>, Room),
    /// `send_close`; `valid` picks the code from `VALID_CODES`.
    Close {
        side: Side,
        code: Option<u16>,
        valid: bool,
        reason: String,
        room: Room,
    },
    StartFrame {
        side: Side,
        opcode: u8,
        fin: bool,
        len: FrameLen,
        room: Room,
    },
    /// `frame_payload`, with the bytes shared (`&[u8]`, sent as they are) when `written`.
    FramePayload {
        side: Side,
        data: Vec<u8>,
        written: bool,
    },
    PollTransmit(Side, Room),
    /// A `_to_vec` call appending to a vector already holding `prefix`
    /// bytes.
    ToVec {
        side: Side,
        send: VecSend,
        prefix: u8,
    },
    /// End of stream reported to this side.
    Eof(Side),
    /// Moves up to `max` pending bytes from the other side to this one.
    Deliver {
        to: Side,
        max: u16,
        room: InflateRoom,
    },
}

#[derive(Arbitrary, Debug)]
pub(super) struct Input {
    pub(super) deflate: Option<DeflateSetup>,
    pub(super) client_replies: (bool, bool),
    pub(super) server_replies: (bool, bool),
    pub(super) ops: Vec<Op>,
}
