//! Random message sequences as a peer frames them: text and binary
//! payloads of every length encoding, cut into fragments, with Pings
//! between the fragments, and the events a receiver must report.

use proptest::prelude::*;
use rfc6455::{MaskKeySource, MessageKind, Role};

use super::{counter_keys, frame, Seen};

/// One message as the peer frames it, with Pings between its fragments.
#[derive(Debug, Clone)]
pub struct WireMessage {
    pub kind: MessageKind,
    pub payload: Vec<u8>,
    /// Where the payload is cut into fragments (sorted, inside the payload).
    pub cuts: Vec<usize>,
    /// A Ping after each non-final fragment, when set.
    pub pings: bool,
}

pub fn payload_len() -> impl Strategy<Value = usize> {
    // Mostly small, with every length encoding and sometimes up to 200 KiB.
    prop_oneof![6 => 0usize..130, 3 => 126usize..70_000, 1 => 65_536usize..200 * 1024]
}

pub fn wire_message() -> impl Strategy<Value = WireMessage> {
    (
        any::<bool>(),
        payload_len(),
        proptest::collection::vec(any::<usize>(), 0..4),
        any::<bool>(),
        any::<u64>(),
    )
        .prop_map(|(text, len, cuts, pings, seed)| {
            let payload = if text {
                text_payload(len, seed)
            } else {
                binary_payload(len, seed)
            };
            let mut cuts: Vec<usize> = cuts
                .into_iter()
                .filter(|_| !payload.is_empty())
                .map(|c| c % payload.len())
                .collect();
            cuts.sort_unstable();
            cuts.dedup();
            let kind = if text {
                MessageKind::Text
            } else {
                MessageKind::Binary
            };
            WireMessage {
                kind,
                payload,
                cuts,
                pings,
            }
        })
}

pub fn binary_payload(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// Valid UTF-8 of exactly `len` bytes with 1- to 4-byte characters.
pub fn text_payload(len: usize, seed: u64) -> Vec<u8> {
    let chars = ['a', 'é', '€', '𝄞', ' ', 'ж'];
    let mut out = String::with_capacity(len);
    let mut i = seed as usize;
    while out.len() < len {
        let c = chars[i % chars.len()];
        i = i.wrapping_mul(31).wrapping_add(7);
        out.push(if out.len() + c.len_utf8() <= len {
            c
        } else {
            '.'
        });
    }
    out.into_bytes()
}

/// The fragments of a message: its payload cut at `cuts`.
pub fn fragments(message: &WireMessage) -> Vec<&[u8]> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for &cut in message.cuts.iter().filter(|&&c| c > 0) {
        pieces.push(&message.payload[start..cut]);
        start = cut;
    }
    pieces.push(&message.payload[start..]);
    pieces
}

/// Encodes messages as a peer in `sender_role` would, and the events a
/// receiver must report.
pub fn encode(messages: &[WireMessage], sender_role: Role) -> (Vec<u8>, Vec<Seen>) {
    let mut keys = counter_keys(99);
    let mut key = || (sender_role == Role::Client).then(|| keys.next_mask_key());
    let mut wire = Vec::new();
    let mut seen = Vec::new();
    let mut ping = 0u32;
    for message in messages {
        let pieces = fragments(message);
        for (i, piece) in pieces.iter().enumerate() {
            let opcode = match (i, message.kind) {
                (0, MessageKind::Text) => 1,
                (0, _) => 2,
                _ => 0,
            };
            let last = i + 1 == pieces.len();
            wire.extend(frame(last, opcode, key(), piece));
            if message.pings && !last {
                wire.extend(frame(true, 9, key(), &ping.to_be_bytes()));
                seen.push(Seen::Ping(ping.to_be_bytes().to_vec()));
                ping += 1;
            }
        }
        seen.push(Seen::Message(
            message.kind,
            message.payload.clone(),
            pieces.len(),
        ));
    }
    (wire, seen)
}
