//! The workload definitions of `shared/bench/WORKLOADS.md` (version 1):
//! the PRNGs, the payload generators, the frame encoding, every workload's
//! input and expected results, and the reference digests of §5, which
//! [`Workloads::generate`] asserts.

/// FNV-1a-64 (§1.1), used only to publish and check digests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fnv(pub u64);

impl Fnv {
    /// The digest of the empty string.
    pub const fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    /// Adds bytes to the digest.
    pub fn update(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }

    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> u64 {
        let mut h = Self::new();
        h.update(bytes);
        h.0
    }
}

impl Default for Fnv {
    fn default() -> Self {
        Self::new()
    }
}

/// xorshift64 (13, 7, 17), §1.2.
#[derive(Debug, Clone)]
pub struct XorShift64(u64);

/// The seed of the mask PRNG `M`.
pub const MASK_SEED: u64 = 0x9E37_79B9_7F4A_7C15;
/// The seed of the payload PRNG `P`.
pub const PAYLOAD_SEED: u64 = 0xD1B5_4A32_D192_ED03;

impl XorShift64 {
    /// A generator with a non-zero seed.
    pub const fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next output.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        let mut s = self.0;
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        self.0 = s;
        s
    }

    /// The next masking key: the four most significant bytes, big-endian.
    pub fn mask_key(&mut self) -> [u8; 4] {
        let x = self.next().to_be_bytes();
        [x[0], x[1], x[2], x[3]]
    }
}

/// The payload byte stream `B` (§1.3), drawn from `P`.
#[derive(Debug, Clone)]
pub struct ByteStream(XorShift64);

impl ByteStream {
    /// A fresh stream (a fresh `P`).
    pub const fn new() -> Self {
        Self(XorShift64::new(PAYLOAD_SEED))
    }

    /// The next `n` bytes (a multiple of 8).
    pub fn binary(&mut self, n: usize) -> Vec<u8> {
        assert_eq!(n % 8, 0, "sizes are multiples of 8");
        let mut out = Vec::with_capacity(n);
        for _ in 0..n / 8 {
            out.extend_from_slice(&self.0.next().to_le_bytes());
        }
        out
    }

    /// The next `n` bytes mapped to printable ASCII.
    pub fn ascii(&mut self, n: usize) -> Vec<u8> {
        let mut out = self.binary(n);
        for b in &mut out {
            *b = 0x20 + *b % 95;
        }
        out
    }
}

impl Default for ByteStream {
    fn default() -> Self {
        Self::new()
    }
}

/// Mixed UTF-8 text of exactly `n` bytes, drawn from `p` directly (§1.3).
pub fn mixed_text(p: &mut XorShift64, n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n);
    let mut utf8 = [0u8; 4];
    while out.len() < n {
        let r = p.next();
        let v = r >> 8;
        let mut c = r & 3;
        if c + 1 > (n - out.len()) as u64 {
            c = 0;
        }
        let cp = match c {
            0 => 0x20 + v % 95,
            1 => 0x80 + v % 0x780,
            2 => {
                let cp = 0x800 + v % 0xF000;
                if cp >= 0xD800 {
                    cp + 0x800
                } else {
                    cp
                }
            }
            _ => 0x10000 + v % 0x10_0000,
        };
        let ch = char::from_u32(cp as u32).expect("a scalar value");
        out.extend_from_slice(ch.encode_utf8(&mut utf8).as_bytes());
    }
    assert_eq!(out.len(), n);
    out
}

/// Continuation, text, binary, ping and pong opcodes.
pub mod opcode {
    /// Continuation.
    pub const CONT: u8 = 0x0;
    /// Text.
    pub const TEXT: u8 = 0x1;
    /// Binary.
    pub const BINARY: u8 = 0x2;
    /// Ping.
    pub const PING: u8 = 0x9;
    /// Pong.
    pub const PONG: u8 = 0xA;
}

/// Appends one frame with the minimal length encoding (§1.4).
pub fn encode_frame(
    out: &mut Vec<u8>,
    fin: bool,
    opcode: u8,
    key: Option<[u8; 4]>,
    payload: &[u8],
) {
    out.push(u8::from(fin) << 7 | opcode);
    let mask_bit = if key.is_some() { 0x80 } else { 0 };
    let n = payload.len();
    if n <= 125 {
        out.push(mask_bit | n as u8);
    } else if n <= 65535 {
        out.push(mask_bit | 126);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        out.push(mask_bit | 127);
        out.extend_from_slice(&(n as u64).to_be_bytes());
    }
    match key {
        Some(key) => {
            out.extend_from_slice(&key);
            out.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
        }
        None => out.extend_from_slice(payload),
    }
}

/// What the application must see of one message (§4's per-message check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageMeta {
    /// Payload length.
    pub len: u32,
    /// First payload byte (0 when empty).
    pub first: u8,
    /// Last payload byte (0 when empty).
    pub last: u8,
    /// Text (true) or binary.
    pub text: bool,
}

impl MessageMeta {
    /// The record of one payload.
    pub fn of(text: bool, payload: &[u8]) -> Self {
        Self {
            len: payload.len() as u32,
            first: payload.first().copied().unwrap_or(0),
            last: payload.last().copied().unwrap_or(0),
            text,
        }
    }
}

/// A decode workload (D1–D5): the input and what must come out of it.
#[derive(Debug)]
pub struct DecodeWorkload {
    /// "D1" … "D5".
    pub id: &'static str,
    /// One line of description.
    pub title: &'static str,
    /// The wire bytes, first frame first.
    pub input: Vec<u8>,
    /// Every message, in order.
    pub messages: Vec<MessageMeta>,
    /// Total payload bytes.
    pub payload_bytes: u64,
    /// FNV-1a-64 of the concatenated payloads.
    pub payload_fnv: u64,
    /// The exact expected output (D5's pongs); empty when none.
    pub output: Vec<u8>,
    /// Pings on the wire.
    pub pings: usize,
}

/// An encode workload (E1, E2): the messages, one after the other.
#[derive(Debug)]
pub struct EncodeWorkload {
    /// "E1" or "E2".
    pub id: &'static str,
    /// One line of description.
    pub title: &'static str,
    /// All payloads back to back.
    pub payloads: Vec<u8>,
    /// The size of every message.
    pub message_len: usize,
    /// Text (true) or binary messages.
    pub text: bool,
    /// E1's exact expected output; empty for E2 (masks vary).
    pub output: Vec<u8>,
}

impl EncodeWorkload {
    /// The messages, in order.
    pub fn messages(&self) -> std::slice::ChunksExact<'_, u8> {
        self.payloads.chunks_exact(self.message_len)
    }

    /// How many messages.
    pub fn count(&self) -> usize {
        self.payloads.len() / self.message_len
    }
}

/// The H1 request (493 bytes).
pub const H1_REQUEST: &str = "GET /chat HTTP/1.1\r\n\
Host: server.example.com\r\n\
Connection: Upgrade\r\n\
Pragma: no-cache\r\n\
Cache-Control: no-cache\r\n\
User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36\r\n\
Upgrade: websocket\r\n\
Origin: https://example.com\r\n\
Sec-WebSocket-Version: 13\r\n\
Accept-Encoding: gzip, deflate, br, zstd\r\n\
Accept-Language: en-US,en;q=0.9\r\n\
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\
\r\n";
/// H1's expected `Sec-WebSocket-Accept`.
pub const H1_ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
/// H1's number of handshakes.
pub const H1_COUNT: usize = 100_000;

/// L1's three 1 MiB buffers.
#[derive(Debug)]
pub struct LimitBuffers {
    /// binary(1 MiB) from a fresh `B`.
    pub binary: Vec<u8>,
    /// ASCII(1 MiB) from a fresh `B`.
    pub ascii: Vec<u8>,
    /// mixed text(1 MiB) from a fresh `P`.
    pub mixed: Vec<u8>,
}

/// L1's passes per repetition.
pub const L1_PASSES: usize = 64;
/// L1's buffer size.
pub const L1_SIZE: usize = 1 << 20;
/// L1's XOR key.
pub const L1_KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

fn decode(
    id: &'static str,
    title: &'static str,
    input: Vec<u8>,
    payloads: &[(bool, &[u8])],
    output: Vec<u8>,
    pings: usize,
) -> DecodeWorkload {
    let mut fnv = Fnv::new();
    let mut bytes = 0;
    let messages = payloads
        .iter()
        .map(|&(text, p)| {
            fnv.update(p);
            bytes += p.len() as u64;
            MessageMeta::of(text, p)
        })
        .collect();
    DecodeWorkload {
        id,
        title,
        input,
        messages,
        payload_bytes: bytes,
        payload_fnv: fnv.0,
        output,
        pings,
    }
}

/// D1–D3: `count` single-frame messages of `n` bytes.
fn single_frames(
    id: &'static str,
    title: &'static str,
    count: usize,
    n: usize,
    text: bool,
) -> DecodeWorkload {
    let mut b = ByteStream::new();
    let mut m = XorShift64::new(MASK_SEED);
    let payloads: Vec<Vec<u8>> = (0..count)
        .map(|_| if text { b.ascii(n) } else { b.binary(n) })
        .collect();
    let mut input = Vec::with_capacity(count * (n + 14));
    let op = if text { opcode::TEXT } else { opcode::BINARY };
    for p in &payloads {
        encode_frame(&mut input, true, op, Some(m.mask_key()), p);
    }
    let refs: Vec<(bool, &[u8])> = payloads.iter().map(|p| (text, &p[..])).collect();
    decode(id, title, input, &refs, Vec::new(), 0)
}

/// D4 and D5: 1,000 fragmented 64 KiB mixed-text messages, with a ping
/// after every non-final fragment when `pings`.
fn fragmented(id: &'static str, title: &'static str, pings: bool) -> DecodeWorkload {
    let mut p = XorShift64::new(PAYLOAD_SEED);
    let mut m = XorShift64::new(MASK_SEED);
    let mut input = Vec::with_capacity(1000 * (16 * 4104 + 15 * 14));
    let mut output = Vec::new();
    let mut payloads = Vec::with_capacity(1000);
    let mut k: u64 = 0;
    for _ in 0..1000 {
        let message = mixed_text(&mut p, 65_536);
        for (f, fragment) in message.chunks_exact(4096).enumerate() {
            let op = if f == 0 { opcode::TEXT } else { opcode::CONT };
            encode_frame(&mut input, f == 15, op, Some(m.mask_key()), fragment);
            if pings && f < 15 {
                let data = k.to_be_bytes();
                encode_frame(&mut input, true, opcode::PING, Some(m.mask_key()), &data);
                encode_frame(&mut output, true, opcode::PONG, None, &data);
                k += 1;
            }
        }
        payloads.push(message);
    }
    let refs: Vec<(bool, &[u8])> = payloads.iter().map(|p| (true, &p[..])).collect();
    decode(id, title, input, &refs, output, k as usize)
}

/// Reference values of §5: (id, input length, input digest, payload digest).
const DECODE_REFERENCE: [(&str, usize, u64, u64); 5] = [
    ("D1", 2_200_000, 0x5b9c35cf5266e1eb, 0x439a1bbe0e225ee1),
    ("D2", 41_040_000, 0xd5879bef9515641d, 0x63860b0198a49574),
    ("D3", 67_109_760, 0xbc604dbfcf304ec3, 0x2364cd5859f4aaa9),
    ("D4", 65_664_000, 0x04caa6b8e640db3f, 0x474805653dd6a8a3),
    ("D5", 65_874_000, 0x1b634132d41bfbf0, 0x474805653dd6a8a3),
];

/// Generates one decode workload and asserts its §5 digests.
pub fn decode_workload(id: &str) -> DecodeWorkload {
    let w = match id {
        "D1" => single_frames(
            "D1",
            "small text: 16-byte ASCII text frames",
            100_000,
            16,
            true,
        ),
        "D2" => single_frames(
            "D2",
            "medium binary: 4096-byte binary frames",
            10_000,
            4096,
            false,
        ),
        "D3" => single_frames(
            "D3",
            "large binary: 1 MiB binary frames",
            64,
            1 << 20,
            false,
        ),
        "D4" => fragmented(
            "D4",
            "fragmented text: 64 KiB mixed UTF-8, 16 fragments",
            false,
        ),
        "D5" => fragmented("D5", "D4 + a ping after every non-final fragment", true),
        _ => panic!("no decode workload {id}"),
    };
    let &(_, len, input_fnv, payload_fnv) = DECODE_REFERENCE
        .iter()
        .find(|r| r.0 == id)
        .expect("a reference");
    assert_eq!(w.input.len(), len, "{id} input length");
    assert_eq!(Fnv::of(&w.input), input_fnv, "{id} input digest");
    assert_eq!(w.payload_fnv, payload_fnv, "{id} payload digest");
    if id == "D5" {
        assert_eq!(w.output.len(), 150_000, "D5 output length");
        assert_eq!(Fnv::of(&w.output), 0x5410754ec314a3b5, "D5 output digest");
        assert_eq!(w.pings, 15_000);
    }
    w
}

/// Generates one encode workload and asserts its §5 digests.
pub fn encode_workload(id: &str) -> EncodeWorkload {
    let mut b = ByteStream::new();
    let w = match id {
        "E1" => {
            let payloads: Vec<u8> = (0..100_000).flat_map(|_| b.ascii(16)).collect();
            let mut output = Vec::with_capacity(1_800_000);
            for p in payloads.chunks_exact(16) {
                encode_frame(&mut output, true, opcode::TEXT, None, p);
            }
            assert_eq!(output.len(), 1_800_000);
            assert_eq!(Fnv::of(&output), 0xc41d1ad23def2acd, "E1 output digest");
            assert_eq!(Fnv::of(&payloads), 0x439a1bbe0e225ee1, "E1 payload digest");
            assert_eq!(
                &payloads[..8],
                &[0x39, 0x4a, 0x38, 0x7d, 0x36, 0x4e, 0x63, 0x55]
            );
            EncodeWorkload {
                id: "E1",
                title: "encode small: server writes 16-byte text frames",
                payloads,
                message_len: 16,
                text: true,
                output,
            }
        }
        "E2" => {
            let mut payloads = Vec::with_capacity(64 << 20);
            for _ in 0..64 {
                payloads.extend_from_slice(&b.binary(1 << 20));
            }
            assert_eq!(Fnv::of(&payloads), 0x2364cd5859f4aaa9, "E2 payload digest");
            assert_eq!(&payloads[..4], &[0x19, 0xe8, 0x18, 0x5d]);
            EncodeWorkload {
                id: "E2",
                title: "encode large masked: client writes 1 MiB binary frames",
                payloads,
                message_len: 1 << 20,
                text: false,
                output: Vec::new(),
            }
        }
        _ => panic!("no encode workload {id}"),
    };
    w
}

/// Checks the H1 request against its §5 digest and returns it.
pub fn h1_request() -> &'static [u8] {
    let req = H1_REQUEST.as_bytes();
    assert_eq!(req.len(), 493, "H1 request length");
    assert_eq!(Fnv::of(req), 0x448eac5167d6a8be, "H1 request digest");
    req
}

/// Generates L1's buffers and asserts their §5 digests.
pub fn limit_buffers() -> LimitBuffers {
    let binary = ByteStream::new().binary(L1_SIZE);
    let ascii = ByteStream::new().ascii(L1_SIZE);
    let mixed = mixed_text(&mut XorShift64::new(PAYLOAD_SEED), L1_SIZE);
    assert_eq!(Fnv::of(&binary), 0x54dda7fb3a72ea31, "L1 binary digest");
    assert_eq!(Fnv::of(&ascii), 0x20bd7bf414a617d2, "L1 ASCII digest");
    assert_eq!(Fnv::of(&mixed), 0x2546e67042e27951, "L1 mixed digest");
    LimitBuffers {
        binary,
        ascii,
        mixed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prngs_match_the_spec() {
        let mut m = XorShift64::new(MASK_SEED);
        assert_eq!(
            [m.next(), m.next(), m.next()],
            [0xdc1b77ae0bf34dad, 0x64f0eeb9026e6076, 0x7b07ce91e5906136]
        );
        let mut p = XorShift64::new(PAYLOAD_SEED);
        assert_eq!(
            [p.next(), p.next(), p.next()],
            [0x9443ec755d18e819, 0x52ad046e1389ff89, 0xfce2a3d34e4c2e36]
        );
        assert_eq!(Fnv::of(b""), 0xcbf29ce484222325);
    }

    #[test]
    fn first_bytes_match_the_spec() {
        let d1 = decode_workload("D1");
        assert_eq!(
            &d1.input[..10],
            &[0x81, 0x90, 0xdc, 0x1b, 0x77, 0xae, 0xe5, 0x51, 0x4f, 0xd3]
        );
        assert_eq!(&d1.input[22..28], &[0x81, 0x90, 0x64, 0xf0, 0xee, 0xb9]);
        h1_request();
        limit_buffers();
        encode_workload("E1");
    }
}
