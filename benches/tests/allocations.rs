//! Allocation counts of the engine's hot paths, with a counting global
//! allocator: streaming receive (chunks, no assembler) and every way to
//! send make zero allocations per message, for messages of 0, 125, 126,
//! 64 KiB, 1 MiB and 16 MiB; whole-message delivery through
//! `MessageAssembler` makes at most one per message once warmed up (its
//! buffer is reused), and `MessageReader` none once its buffer has grown.
//! Compressed sends (permessage-deflate) allocate only while the compressor
//! warms up: its state on the first send, its buffers on the first message
//! of a larger size.
//!
//! All input is built before counting starts; the transport copies at most
//! 64 KiB per read into a buffer allocated beforehand, as in the benchmark.
//! Counts are per thread, so the tests may run in parallel.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use rfc6455::{
    Config, Connection, Event, Incoming, Message, MessageAssembler, MessageKind, MessageReader,
    Opcode,
};
use rfc6455_benches::spec::{
    encode_frame, mixed_text, opcode, ByteStream, XorShift64, MASK_SEED, PAYLOAD_SEED,
};
use rfc6455_benches::transport::{read_into, MAX_READ};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count_one() {
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
}

// SAFETY: every call is forwarded to the system allocator unchanged; the
// counter is a const-initialised thread-local without a destructor, which
// never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by this thread so far.
fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

/// Runs `f` and returns what it returned and the allocations it made.
fn counted<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let before = allocations();
    let out = f();
    (out, allocations() - before)
}

#[test]
fn the_counter_counts() {
    let (v, n) = counted(|| vec![1u8; 10]);
    assert_eq!(v.len(), 10);
    assert_eq!(n, 1);
}

const SIZES: [usize; 6] = [0, 125, 126, 64 << 10, 1 << 20, 16 << 20];

/// How many messages of each size (fewer of the largest: this runs in the
/// unoptimised test profile).
fn repeats(size: usize) -> usize {
    if size >= 16 << 20 {
        3
    } else {
        4
    }
}

/// Limits that admit the largest message (the defaults: 16 MiB frames).
fn config() -> Config {
    Config::default()
}

/// One message's payload: binary, or ASCII/mixed UTF-8 text.
fn payload(size: usize, text: bool, b: &mut ByteStream, p: &mut XorShift64) -> Vec<u8> {
    match (text, size % 8) {
        (false, 0) => b.binary(size),
        (false, _) => {
            let mut v = b.binary(size.div_ceil(8) * 8);
            v.truncate(size);
            v
        }
        (true, _) => mixed_text(p, size),
    }
}

type Expected = Vec<(MessageKind, usize, u8, u8)>;

/// Client-to-server input: for every size, `repeats(size)` messages
/// alternating binary (one frame) and mixed UTF-8 text; text messages of
/// 64 KiB and more are sent in 4 fragments with a ping after each
/// non-final one. Returns the input, each message's (kind, length, first
/// byte, last byte) and the number of pings.
fn client_input() -> (Vec<u8>, Expected, usize) {
    let mut b = ByteStream::new();
    let mut p = XorShift64::new(PAYLOAD_SEED);
    let mut m = XorShift64::new(MASK_SEED);
    let mut input = Vec::new();
    let mut expected = Vec::new();
    let mut pings = 0;
    for &size in &SIZES {
        for i in 0..repeats(size) {
            let text = i % 2 == 1;
            let data = payload(size, text, &mut b, &mut p);
            let kind = if text {
                MessageKind::Text
            } else {
                MessageKind::Binary
            };
            let op = if text { opcode::TEXT } else { opcode::BINARY };
            if text && size >= 64 << 10 {
                let quarter = size / 4;
                for (f, fragment) in data.chunks(quarter).enumerate() {
                    let code = if f == 0 { op } else { opcode::CONT };
                    encode_frame(&mut input, f == 3, code, Some(m.mask_key()), fragment);
                    if f < 3 {
                        encode_frame(&mut input, true, opcode::PING, Some(m.mask_key()), b"ping");
                        pings += 1;
                    }
                }
            } else {
                encode_frame(&mut input, true, op, Some(m.mask_key()), &data);
            }
            let first = data.first().copied().unwrap_or(0);
            let last = data.last().copied().unwrap_or(0);
            expected.push((kind, data.len(), first, last));
        }
    }
    (input, expected, pings)
}

/// Per message: kind, length, first and last byte, tallied without
/// allocating.
#[derive(Default)]
struct Tally {
    len: usize,
    first: u8,
    last: u8,
}

#[test]
fn streaming_receive_makes_no_allocation() {
    let (input, expected, pings) = client_input();
    let mut buf = vec![0u8; MAX_READ];
    let mut tx = [0u8; 262];
    let mut got = Vec::with_capacity(expected.len());
    let mut pongs = 0usize;
    let ((), n) = counted(|| {
        let mut conn = Connection::server(config());
        let mut tally = Tally::default();
        let mut pos = 0;
        loop {
            let n = read_into(&input, &mut pos, &mut buf);
            if n == 0 {
                break;
            }
            let mut at = 0;
            while at < n {
                let received = conn.receive(&mut buf[at..n]).expect("valid input");
                at += received.consumed;
                if let Some(Event::Chunk(chunk)) = received.event {
                    if let (Some(&first), Some(&last)) =
                        (chunk.payload.first(), chunk.payload.last())
                    {
                        if tally.len == 0 {
                            tally.first = first;
                        }
                        tally.last = last;
                        tally.len += chunk.payload.len();
                    }
                    if chunk.message_end {
                        // Reserved beforehand: pushing does not allocate.
                        got.push((chunk.kind, tally.len, tally.first, tally.last));
                        tally = Tally::default();
                    }
                }
                let len = conn.poll_transmit(&mut tx).expect("262 bytes suffice");
                if len > 0 {
                    assert_eq!(&tx[..len], b"\x8a\x04ping");
                    pongs += 1;
                }
            }
        }
    });
    assert_eq!(got, expected, "every message, in order");
    assert_eq!(pongs, pings, "one pong per ping");
    assert_eq!(
        n,
        0,
        "streaming receive of {} messages allocated {n} times",
        got.len()
    );
}

#[test]
fn assembled_receive_makes_at_most_one_allocation_per_message_in_steady_state() {
    let (input, expected, _) = client_input();
    let mut buf = vec![0u8; MAX_READ];
    let mut tx = [0u8; 262];
    let mut conn = Connection::server(config());
    let mut assembler = MessageAssembler::new();
    let mut pos = 0;
    // Per message: (kind, len, first, last) and the allocations made while
    // it was being received.
    let mut got: Vec<((MessageKind, usize, u8, u8), u64)> = Vec::with_capacity(expected.len());
    let mut mark = allocations();
    loop {
        let n = read_into(&input, &mut pos, &mut buf);
        if n == 0 {
            break;
        }
        let mut at = 0;
        while at < n {
            let received = conn.receive(&mut buf[at..n]).expect("valid input");
            at += received.consumed;
            if let Some(Event::Chunk(chunk)) = received.event {
                if let Some(message) = assembler.push(chunk) {
                    let bytes = message.as_bytes();
                    let kind = match message {
                        Message::Text(_) => MessageKind::Text,
                        _ => MessageKind::Binary,
                    };
                    let record = (
                        kind,
                        bytes.len(),
                        bytes.first().copied().unwrap_or(0),
                        bytes.last().copied().unwrap_or(0),
                    );
                    let now = allocations();
                    got.push((record, now - mark));
                    mark = now;
                }
            }
            let _ = conn.poll_transmit(&mut tx).expect("262 bytes suffice");
        }
    }
    let records: Vec<_> = got.iter().map(|(r, _)| *r).collect();
    assert_eq!(records, expected, "every message, in order");
    // The first message of each size may grow the buffer; the rest reuse it.
    let steady: Vec<u64> = got.iter().map(|(_, n)| *n).collect();
    eprintln!("allocations per message (sizes {SIZES:?}, in order): {steady:?}");
    let mut i = 0;
    for &size in &SIZES {
        let per_size = &got[i..i + repeats(size)];
        for (j, (_, n)) in per_size.iter().enumerate().skip(1) {
            assert!(
                *n <= 1,
                "{size}-byte message {j}: {n} allocations (at most 1 in steady state)"
            );
        }
        i += repeats(size);
    }
}

#[test]
fn message_reader_makes_no_allocation_in_steady_state() {
    let (input, expected, pings) = client_input();
    let mut tx = [0u8; 262];
    let mut conn = Connection::server(config());
    let mut reader = MessageReader::new();
    let mut pos = 0;
    let mut pongs = 0;
    // Per message: (kind, len, first, last) and the allocations made while
    // it was being received.
    let mut got: Vec<((MessageKind, usize, u8, u8), u64)> = Vec::with_capacity(expected.len());
    let mut mark = allocations();
    loop {
        let n = read_into(&input, &mut pos, reader.read_buf());
        if n == 0 {
            break;
        }
        reader.filled(n);
        while let Some(incoming) = reader.next(&mut conn).expect("valid input") {
            match incoming {
                Incoming::Message(message) => {
                    let bytes = message.as_bytes();
                    let record = (
                        message.kind(),
                        bytes.len(),
                        bytes.first().copied().unwrap_or(0),
                        bytes.last().copied().unwrap_or(0),
                    );
                    let now = allocations();
                    got.push((record, now - mark));
                    mark = now;
                }
                Incoming::Ping(_) => {
                    let len = conn.poll_transmit(&mut tx).expect("262 bytes suffice");
                    assert_eq!(&tx[..len], b"\x8a\x04ping");
                    pongs += 1;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    let records: Vec<_> = got.iter().map(|(r, _)| *r).collect();
    assert_eq!(records, expected, "every message, in order");
    assert_eq!(pongs, pings, "one pong per ping");
    // The first message of each size may grow the buffer; the rest reuse it.
    let mut i = 0;
    for &size in &SIZES {
        for (j, (_, n)) in got[i..i + repeats(size)].iter().enumerate().skip(1) {
            assert_eq!(*n, 0, "{size}-byte message {j}: {n} allocations");
        }
        i += repeats(size);
    }
}

#[test]
fn sending_makes_no_allocation() {
    let mut b = ByteStream::new();
    let mut p = XorShift64::new(PAYLOAD_SEED);
    // Built beforehand: payloads, owned copies to mask in place, output.
    let binaries: Vec<Vec<u8>> = SIZES
        .iter()
        .map(|&s| payload(s, false, &mut b, &mut p))
        .collect();
    let texts: Vec<String> = SIZES
        .iter()
        .map(|&s| String::from_utf8(payload(s, true, &mut b, &mut p)).expect("UTF-8"))
        .collect();
    let mut in_place = binaries.clone();
    let mut out = vec![0u8; (16 << 20) + 14];
    let mut rng = XorShift64::new(0x1234_5678_9abc_def1);
    let (total, n) = counted(|| {
        let mut server = Connection::server(config());
        let mut client = Connection::client(config(), move || rng.mask_key());
        let mut total = 0;
        for _round in 0..2 {
            for (data, text) in binaries.iter().zip(&texts) {
                total += server.send_binary(data, &mut out).expect("send_binary");
                total += server.send_text(text, &mut out).expect("send_text");
                total += client.send_binary(data, &mut out).expect("send_binary");
                total += client.send_text(text, &mut out).expect("send_text");
                // Fragmented, with a ping in the middle.
                let half = data.len() / 2;
                total += client
                    .send_frame(Opcode::Binary, false, &data[..half], &mut out)
                    .expect("send_frame");
                total += client.send_ping(b"ping", &mut out).expect("send_ping");
                total += client
                    .send_frame(Opcode::Continuation, true, &data[half..], &mut out)
                    .expect("send_frame");
            }
            // Zero copy: header, then the caller's payload masked in place.
            for payload in in_place.iter_mut() {
                let mut header = [0u8; 14];
                total += client
                    .start_frame(Opcode::Binary, true, payload.len() as u64, &mut header)
                    .expect("start_frame");
                if !payload.is_empty() {
                    // Nothing is owed after an empty frame's header.
                    client.frame_payload(&mut *payload).expect("frame_payload");
                }
                total += payload.len();
            }
        }
        total
    });
    assert!(total > 2 * 4 * (17 << 20), "every message was written");
    assert_eq!(n, 0, "sending allocated {n} times");
}

#[test]
fn compressed_sending_allocates_only_while_warming_up() {
    const DEFLATE_SIZES: [usize; 6] = [0, 125, 126, 4 << 10, 64 << 10, 1 << 20];
    let mut b = ByteStream::new();
    let mut p = XorShift64::new(PAYLOAD_SEED);
    let texts: Vec<String> = DEFLATE_SIZES
        .iter()
        .map(|&s| String::from_utf8(payload(s, true, &mut b, &mut p)).expect("UTF-8"))
        .collect();
    let mut out = vec![0u8; (2 << 20) + 14];
    let (_, server_side) = rfc6455_benches::deflate::agreements();
    let mut server = Connection::server(config());
    server.enable_deflate(&server_side).expect("deflate");
    for text in &texts {
        // Per size: the first message may allocate, the next three may not.
        let mut counts = Vec::with_capacity(4);
        for _ in 0..4 {
            let (len, n) = counted(|| server.send_text(text, &mut out).expect("send_text"));
            assert!(len > 1, "a frame was written");
            counts.push(n);
        }
        assert_eq!(
            &counts[1..],
            &[0, 0, 0],
            "{}-byte compressed messages: allocations per message {counts:?}",
            text.len()
        );
    }
}
