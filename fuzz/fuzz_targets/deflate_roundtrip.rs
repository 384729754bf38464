//! Arbitrary messages compressed by a server under arbitrary
//! permessage-deflate settings (level 0-9, window 8-15 bits, context kept
//! or not), sent whole or in fragments. Checks: every message comes back
//! intact through a client's `MessageReader`, through zlib's inflater
//! (`flate2`), and through an inflater that keeps exactly the agreed window
//! (2^bits bytes) across messages, which fails on any back-reference
//! reaching further than the window.
#![no_main]

use libfuzzer_sys::fuzz_target;
use miniz_oxide::inflate::core::inflate_flags::{
    TINFL_FLAG_HAS_MORE_INPUT, TINFL_FLAG_IGNORE_ADLER32,
};
use miniz_oxide::inflate::core::{decompress, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;
use rfc6455::{Config, Connection, DeflateConfig, Incoming, MessageReader, Opcode};
use rfc6455_fuzz::{negotiate, Inflater};

/// Inflates messages through a ring of exactly the agreed window.
struct Ring {
    state: Box<DecompressorOxide>,
    ring: Vec<u8>,
    pos: usize,
}

impl Ring {
    /// One message's compressed payload (tail stripped); `None` if the
    /// stream is invalid within this window.
    fn message(&mut self, compressed: &[u8]) -> Option<Vec<u8>> {
        let mut input = compressed.to_vec();
        input.extend_from_slice(&[0, 0, 0xff, 0xff]);
        let mask = self.ring.len() - 1;
        let (mut at, mut out) = (0, Vec::new());
        loop {
            let flags = TINFL_FLAG_IGNORE_ADLER32 | TINFL_FLAG_HAS_MORE_INPUT;
            let (status, used, wrote) = decompress(
                &mut self.state,
                &input[at..],
                &mut self.ring,
                self.pos,
                flags,
            );
            out.extend((0..wrote).map(|i| self.ring[(self.pos + i) & mask]));
            self.pos = (self.pos + wrote) & mask;
            at += used;
            match status {
                TINFLStatus::HasMoreOutput => {}
                TINFLStatus::NeedsMoreInput if at < input.len() => {}
                TINFLStatus::NeedsMoreInput => return Some(out),
                _ => return None,
            }
        }
    }
}

/// Payloads of the unmasked server frames in `wire`, concatenated per
/// message.
fn message_payloads(wire: &[u8]) -> Vec<Vec<u8>> {
    let (mut at, mut messages, mut current) = (0, Vec::new(), Vec::new());
    while at < wire.len() {
        let fin = wire[at] & 0x80 != 0;
        let (len, header) = match wire[at + 1] & 0x7f {
            126 => (
                usize::from(u16::from_be_bytes([wire[at + 2], wire[at + 3]])),
                4,
            ),
            127 => {
                let bytes: [u8; 8] = wire[at + 2..at + 10].try_into().unwrap();
                (u64::from_be_bytes(bytes) as usize, 10)
            }
            n => (usize::from(n), 2),
        };
        current.extend_from_slice(&wire[at + header..at + header + len]);
        at += header + len;
        if fin {
            messages.push(std::mem::take(&mut current));
        }
    }
    messages
}

fuzz_target!(|data: &[u8]| {
    let Some((&[level, window, flags], rest)) = data.split_first_chunk::<3>() else {
        return;
    };
    let bits = 8 + window % 8;
    let mut server_config = DeflateConfig::new();
    server_config.level = level % 10;
    server_config.max_window_bits = bits;
    server_config.no_context_takeover = flags & 1 != 0;
    // Negotiated through the handshake's bytes, as a real pair would.
    let (client_side, server_side) = negotiate(&DeflateConfig::new(), &server_config);
    let mut server = Connection::server(Config::default());
    server.enable_deflate(&server_side).unwrap();
    let mut client = Connection::client(Config::default(), || [0, 0, 0, 0]);
    client.enable_deflate(&client_side).unwrap();

    // Messages: the rest split at 0xff bytes; each is sent whole or in
    // fragments of a size taken from the flags.
    let fragment = [0, 1, 7, 300][usize::from(flags >> 1 & 3)];
    let messages: Vec<&[u8]> = rest.split(|&b| b == 0xff).collect();
    let mut wire = Vec::new();
    let mut out = vec![0u8; 2 * rest.len() + 1024];
    for message in &messages {
        if fragment == 0 || message.len() <= fragment {
            let n = server.send_binary(message, &mut out).unwrap();
            wire.extend_from_slice(&out[..n]);
        } else {
            let mut pieces = message.chunks(fragment).enumerate().peekable();
            while let Some((i, piece)) = pieces.next() {
                let opcode = if i == 0 {
                    Opcode::Binary
                } else {
                    Opcode::Continuation
                };
                let fin = pieces.peek().is_none();
                let n = server.send_frame(opcode, fin, piece, &mut out).unwrap();
                wire.extend_from_slice(&out[..n]);
            }
        }
    }

    let mut reader = MessageReader::new();
    let mut at = 0;
    let mut got = 0;
    while got < messages.len() {
        let buf = reader.read_buf();
        let n = buf.len().min(wire.len() - at).min(1000);
        assert!(n > 0, "the wire ended before message {got}");
        buf[..n].copy_from_slice(&wire[at..at + n]);
        at += n;
        reader.filled(n);
        while let Some(incoming) = reader.next(&mut client).expect("our own output is valid") {
            match incoming {
                Incoming::Message(message) => {
                    assert_eq!(message.as_bytes(), messages[got], "message {got}");
                    got += 1;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    let mut ring = Ring {
        state: Box::new(DecompressorOxide::new()),
        ring: vec![0; 1 << bits],
        pos: 0,
    };
    let mut zlib = Inflater::new(server_config.no_context_takeover);
    for (i, compressed) in message_payloads(&wire).iter().enumerate() {
        assert_eq!(zlib.message(compressed), messages[i], "zlib, message {i}");
        if server_config.no_context_takeover {
            ring = Ring {
                state: Box::new(DecompressorOxide::new()),
                ring: vec![0; 1 << bits],
                pos: 0,
            };
        }
        let inflated = ring.message(compressed);
        assert_eq!(
            inflated.as_deref(),
            Some(messages[i]),
            "window {bits}, message {i}"
        );
    }
});
