//! Shared test harness: drive a connection with input cut at chosen points,
//! collect normalised events, and pair a client with a server in memory.
#![allow(dead_code)] // each test binary uses a different part of it

#[cfg(feature = "deflate")]
pub mod deflate;
pub mod examples;
#[cfg(feature = "alloc")]
pub mod reader;
pub mod wire;
#[cfg(feature = "alloc")]
pub mod ws_client;

use rfc6455::{Connection, Event, MaskKeySource, MessageKind, ProtocolError, ReceiveError};

/// A deterministic key source: keys from a counter, never all zero.
pub fn counter_keys(seed: u32) -> impl FnMut() -> [u8; 4] + Clone {
    let mut state = seed;
    move || {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        state.to_be_bytes()
    }
}

/// An event with its borrowed parts copied, and message chunks joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// A whole message: kind, payload, number of frames it came in.
    Message(MessageKind, Vec<u8>, usize),
    Ping(Vec<u8>),
    Pong(Vec<u8>),
    Close(Option<u16>, String),
}

/// What feeding a byte stream produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub events: Vec<Seen>,
    /// Everything `poll_transmit` produced.
    pub transmit: Vec<u8>,
    pub error: Option<ProtocolError>,
}

/// Feeds `bytes` to `conn` in pieces ending at `cuts` (sorted offsets),
/// draining `poll_transmit` after every call, until the end or an error.
pub fn feed<K: MaskKeySource>(conn: &mut Connection<K>, bytes: &[u8], cuts: &[usize]) -> Outcome {
    let mut input = bytes.to_vec();
    let mut events = Vec::new();
    let mut transmit = Vec::new();
    let mut partial: Option<(MessageKind, Vec<u8>, usize)> = None;
    let mut out = [0u8; 512];
    let mut start = 0;
    let ends = cuts
        .iter()
        .copied()
        .filter(|&c| c > 0 && c < bytes.len())
        .chain([bytes.len()]);
    for end in ends {
        if end <= start {
            continue;
        }
        let mut pos = start;
        loop {
            let received = match conn.receive(&mut input[pos..end]) {
                Ok(r) => r,
                Err(ReceiveError::Usage(e)) => panic!("the harness broke a rule: {e}"),
                Err(ReceiveError::Protocol(e)) => {
                    let n = conn.poll_transmit(&mut out).unwrap();
                    transmit.extend_from_slice(&out[..n]);
                    return Outcome {
                        events,
                        transmit,
                        error: Some(e),
                    };
                }
            };
            pos += received.consumed;
            match received.event {
                Some(Event::Chunk(chunk)) => {
                    let entry = partial.get_or_insert_with(|| (chunk.kind, Vec::new(), 0));
                    assert_eq!(entry.0, chunk.kind);
                    entry.1.extend_from_slice(chunk.payload);
                    entry.2 += usize::from(chunk.frame_end);
                    if chunk.message_end {
                        let (kind, data, frames) = partial.take().unwrap();
                        events.push(Seen::Message(kind, data, frames));
                    }
                }
                Some(Event::Ping(p)) => events.push(Seen::Ping(p.to_vec())),
                Some(Event::Pong(p)) => events.push(Seen::Pong(p.to_vec())),
                Some(Event::Close(c)) => {
                    events.push(Seen::Close(c.code().map(|c| c.0), c.reason().to_owned()))
                }
                Some(_) => unreachable!("no other events exist"),
                None => {}
            }
            let n = conn.poll_transmit(&mut out).unwrap();
            transmit.extend_from_slice(&out[..n]);
            if pos == end && received.event.is_none() {
                break;
            }
        }
        start = end;
    }
    Outcome {
        events,
        transmit,
        error: None,
    }
}

/// Every offset: one byte at a time.
pub fn every_byte(len: usize) -> Vec<usize> {
    (1..len).collect()
}

/// Encodes a frame as a peer would, with the minimal length encoding.
pub fn frame(fin: bool, opcode: u8, mask: Option<[u8; 4]>, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![(u8::from(fin) << 7) | opcode];
    let mask_bit = if mask.is_some() { 0x80 } else { 0 };
    let len = payload.len();
    if len <= 125 {
        out.push(mask_bit | len as u8);
    } else if len <= 0xFFFF {
        out.push(mask_bit | 126);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(mask_bit | 127);
        out.extend_from_slice(&(len as u64).to_be_bytes());
    }
    match mask {
        Some(key) => {
            out.extend_from_slice(&key);
            out.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
        }
        None => out.extend_from_slice(payload),
    }
    out
}

/// A masked frame, as a client sends it (fixed key).
pub fn client_frame(fin: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
    frame(fin, opcode, Some([0x37, 0xfa, 0x21, 0x3d]), payload)
}

/// Joins HTTP head lines with CRLF and ends the head with an empty line.
pub fn http_head(lines: &[&str]) -> Vec<u8> {
    let mut out = String::new();
    for line in lines {
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// The number of proptest cases: `PROPTEST_CASES` when set higher, else `min`.
pub fn prop_cases(min: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(min, |n: u32| n.max(min))
}
