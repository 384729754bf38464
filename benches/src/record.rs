//! What the application saw, and the checks of WORKLOADS.md §4.

use crate::spec::{DecodeWorkload, EncodeWorkload, Fnv, MessageMeta, H1_ACCEPT};

/// The messages one decode run delivered to the application.
///
/// Recording a message pushes one 12-byte record into a vector reserved
/// beforehand, the same small cost for every implementation; the payload
/// digest is computed only in the warm-up run (`full`).
#[derive(Debug)]
pub struct Delivery {
    /// Compute the payload digest (the warm-up run).
    pub full: bool,
    /// Every delivered message.
    pub messages: Vec<MessageMeta>,
    /// Payload bytes delivered.
    pub bytes: u64,
    /// Digest of the concatenated payloads (full runs only).
    pub fnv: Fnv,
    /// Pings surfaced to the application, where they are.
    pub pings: usize,
}

impl Delivery {
    /// A recorder for up to `capacity` messages.
    pub fn new(capacity: usize) -> Self {
        Self {
            full: false,
            messages: Vec::with_capacity(capacity),
            bytes: 0,
            fnv: Fnv::new(),
            pings: 0,
        }
    }

    /// Empties the recorder for the next run.
    pub fn reset(&mut self, full: bool) {
        self.full = full;
        self.messages.clear();
        self.bytes = 0;
        self.fnv = Fnv::new();
        self.pings = 0;
    }

    /// Records one whole message.
    #[inline]
    pub fn message(&mut self, text: bool, payload: &[u8]) {
        self.messages.push(MessageMeta::of(text, payload));
        self.bytes += payload.len() as u64;
        if self.full {
            self.fnv.update(payload);
        }
    }

    /// How many messages so far.
    #[inline]
    pub fn count(&self) -> usize {
        self.messages.len()
    }
}

/// Builds a message's record from its chunks, for the streaming mode that
/// never holds a whole message.
#[derive(Debug, Default)]
pub struct ChunkTally {
    len: u32,
    first: u8,
    last: u8,
}

impl ChunkTally {
    /// Adds one chunk; on the message's last chunk, records the message.
    #[inline]
    pub fn chunk(&mut self, d: &mut Delivery, text: bool, payload: &[u8], end: bool) {
        if let (Some(&first), Some(&last)) = (payload.first(), payload.last()) {
            if self.len == 0 {
                self.first = first;
            }
            self.last = last;
            self.len += payload.len() as u32;
            if d.full {
                d.fnv.update(payload);
            }
        }
        if end {
            d.messages.push(MessageMeta {
                len: self.len,
                first: self.first,
                last: self.last,
                text,
            });
            d.bytes += u64::from(self.len);
            *self = Self::default();
        }
    }
}

/// §4 for D1–D5: count, bytes, every message's record (each run), the
/// payload digest and the exact output (warm-up).
pub fn check_decode(w: &DecodeWorkload, d: &Delivery, output: &[u8]) -> Result<(), String> {
    if d.messages.len() != w.messages.len() {
        return Err(format!(
            "{} messages delivered, {} expected",
            d.messages.len(),
            w.messages.len()
        ));
    }
    if d.bytes != w.payload_bytes {
        return Err(format!(
            "{} payload bytes, {} expected",
            d.bytes, w.payload_bytes
        ));
    }
    if let Some(i) = (0..w.messages.len()).find(|&i| d.messages[i] != w.messages[i]) {
        return Err(format!(
            "message {i}: got {:?}, expected {:?}",
            d.messages[i], w.messages[i]
        ));
    }
    if d.pings != 0 && d.pings != w.pings {
        return Err(format!(
            "{} pings surfaced, {} on the wire",
            d.pings, w.pings
        ));
    }
    if output.len() != w.output.len() {
        return Err(format!(
            "{} output bytes, {} expected",
            output.len(),
            w.output.len()
        ));
    }
    if d.full {
        if d.fnv.0 != w.payload_fnv {
            return Err(format!(
                "payload digest {:016x}, expected {:016x}",
                d.fnv.0, w.payload_fnv
            ));
        }
        if output != w.output {
            return Err("output differs from the expected pongs".into());
        }
    }
    Ok(())
}

/// §4 for E1 and E2. E1: the exact bytes (warm-up) or length and a sample
/// (timed runs). E2: 64 masked frames whose unmasked payloads equal the
/// messages (warm-up), or their headers (timed runs).
pub fn check_encode(w: &EncodeWorkload, output: &[u8], full: bool) -> Result<(), String> {
    if !w.output.is_empty() {
        if output.len() != w.output.len() {
            return Err(format!(
                "{} output bytes, {} expected",
                output.len(),
                w.output.len()
            ));
        }
        let same = if full {
            output == w.output
        } else {
            output[..4096] == w.output[..4096]
                && output[output.len() - 4096..] == w.output[w.output.len() - 4096..]
        };
        return if same {
            Ok(())
        } else {
            Err("output differs from the expected frames".into())
        };
    }
    let n = w.message_len;
    let frame = 14 + n;
    if output.len() != w.count() * frame {
        return Err(format!(
            "{} output bytes, {} expected",
            output.len(),
            w.count() * frame
        ));
    }
    let mut header = vec![0x82, 0xff];
    header.extend_from_slice(&(n as u64).to_be_bytes());
    for (i, (f, msg)) in output.chunks_exact(frame).zip(w.messages()).enumerate() {
        if f[..10] != header[..] {
            return Err(format!("frame {i}: header {:02x?}", &f[..10]));
        }
        if full {
            let key = [f[10], f[11], f[12], f[13]];
            let same = f[14..]
                .iter()
                .zip(msg)
                .enumerate()
                .all(|(j, (b, m))| b ^ key[j % 4] == *m);
            if !same {
                return Err(format!("frame {i}: unmasked payload differs"));
            }
        }
    }
    Ok(())
}

/// §4 for H1, one response: status 101, the three headers, no extension.
pub fn check_response(response: &[u8]) -> Result<(), String> {
    if !response.starts_with(b"HTTP/1.1 101 ") {
        return Err(format!(
            "status line: {:?}",
            String::from_utf8_lossy(&response[..response.len().min(40)])
        ));
    }
    if !response.ends_with(b"\r\n\r\n") {
        return Err("head does not end with CR LF CR LF".into());
    }
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut parsed = httparse::Response::new(&mut headers);
    match parsed.parse(response) {
        Ok(httparse::Status::Complete(n)) if n == response.len() => {}
        other => return Err(format!("unparsable response: {other:?}")),
    }
    let value = |name: &str| {
        parsed
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_owned())
    };
    if value("Sec-WebSocket-Accept").as_deref() != Some(H1_ACCEPT) {
        return Err(format!(
            "Sec-WebSocket-Accept: {:?}",
            value("Sec-WebSocket-Accept")
        ));
    }
    let is = |name: &str, want: &str| value(name).is_some_and(|v| v.eq_ignore_ascii_case(want));
    if !is("Upgrade", "websocket") || !is("Connection", "Upgrade") {
        return Err(format!(
            "Upgrade: {:?}, Connection: {:?}",
            value("Upgrade"),
            value("Connection")
        ));
    }
    if value("Sec-WebSocket-Extensions").is_some() {
        return Err("an extension was negotiated".into());
    }
    Ok(())
}

/// The responses of one H1 run, appended back to back, with their lengths.
#[derive(Debug)]
pub struct Responses {
    /// The responses, back to back.
    pub bytes: Vec<u8>,
    /// The length of each.
    pub lens: Vec<u32>,
}

impl Responses {
    /// A recorder for `count` responses of a few hundred bytes each.
    pub fn new(count: usize) -> Self {
        Self {
            bytes: crate::transport::prepared_sink(count * 512),
            lens: Vec::with_capacity(count),
        }
    }

    /// Empties the recorder for the next run.
    pub fn reset(&mut self) {
        self.bytes.clear();
        self.lens.clear();
    }

    /// Marks the end of a response that was appended to `bytes`.
    #[inline]
    pub fn end(&mut self, start: usize) {
        self.lens.push((self.bytes.len() - start) as u32);
    }

    /// §4: every response (warm-up), or their count and total size (timed
    /// runs, against the warm-up's `total`).
    pub fn check(&self, count: usize, full: bool, total: &mut usize) -> Result<(), String> {
        if self.lens.len() != count {
            return Err(format!("{} responses, {count} expected", self.lens.len()));
        }
        let sum: usize = self.lens.iter().map(|&n| n as usize).sum();
        if sum != self.bytes.len() {
            return Err("response lengths do not add up".into());
        }
        if full {
            let mut at = 0;
            for (i, &n) in self.lens.iter().enumerate() {
                check_response(&self.bytes[at..at + n as usize])
                    .map_err(|e| format!("response {i}: {e}"))?;
                at += n as usize;
            }
            *total = sum;
        } else if sum != *total {
            return Err(format!("{sum} response bytes, {} in the warm-up", *total));
        }
        Ok(())
    }
}
