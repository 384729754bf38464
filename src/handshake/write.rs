//! Writing an HTTP head into a caller buffer with plain slice copies: the
//! message is emitted once to count it and once to copy it, so a buffer that
//! is too small is left untouched and the error carries the exact size.

use crate::BufferTooSmall;

/// Where a message is emitted: a counter or a buffer.
pub(crate) trait Sink {
    /// Appends `bytes`.
    fn put(&mut self, bytes: &[u8]);

    /// Appends `name: value\r\n`.
    fn header(&mut self, name: &str, value: &[u8]) {
        self.put(name.as_bytes());
        self.put(b": ");
        self.put(value);
        self.put(b"\r\n");
    }

    /// Appends a number in decimal.
    fn decimal(&mut self, mut n: usize) {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        loop {
            start -= 1;
            if let Some(slot) = digits.get_mut(start) {
                // `n % 10` is below 10, so the cast is exact.
                *slot = b'0' + (n % 10) as u8;
            }
            n /= 10;
            if n == 0 || start == 0 {
                break;
            }
        }
        self.put(digits.get(start..).unwrap_or_default());
    }
}

/// A message that can be emitted into a [`Sink`].
pub(crate) trait Emit {
    fn emit<S: Sink>(&self, sink: &mut S);
}

struct Counter(usize);

impl Sink for Counter {
    fn put(&mut self, bytes: &[u8]) {
        self.0 += bytes.len();
    }
}

struct SliceWriter<'o> {
    out: &'o mut [u8],
    pos: usize,
}

impl Sink for SliceWriter<'_> {
    fn put(&mut self, bytes: &[u8]) {
        let end = self.pos + bytes.len();
        // Sized by the counting pass; `get_mut` only guards against a bug.
        if let Some(slot) = self.out.get_mut(self.pos..end) {
            slot.copy_from_slice(bytes);
        }
        self.pos = end;
    }
}

/// Emits `message` into `out`, or returns the size it needs untouched.
pub(crate) fn write_into<E: Emit>(message: &E, out: &mut [u8]) -> Result<usize, BufferTooSmall> {
    let mut counter = Counter(0);
    message.emit(&mut counter);
    let required = counter.0;
    let Some(out) = out.get_mut(..required) else {
        return Err(BufferTooSmall { required });
    };
    let mut writer = SliceWriter { out, pos: 0 };
    message.emit(&mut writer);
    debug_assert_eq!(writer.pos, required);
    Ok(required)
}

/// Writes the HTTP/1.1 status line for `status`.
pub(crate) fn status_line<S: Sink>(sink: &mut S, status: u16) {
    let digits = [
        b'0' + (status / 100 % 10) as u8,
        b'0' + (status / 10 % 10) as u8,
        b'0' + (status % 10) as u8,
    ];
    sink.put(b"HTTP/1.1 ");
    sink.put(&digits);
    sink.put(b" ");
    sink.put(reason_phrase(status).as_bytes());
    sink.put(b"\r\n");
}

/// The usual reason phrase, or none (RFC 9112 §4: "A client SHOULD ignore
/// the reason-phrase content").
fn reason_phrase(status: u16) -> &'static str {
    match status {
        101 => "Switching Protocols",
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        426 => "Upgrade Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Numbers;

    impl Emit for Numbers {
        fn emit<S: Sink>(&self, sink: &mut S) {
            for n in [0, 7, 10, 1234, usize::MAX] {
                sink.decimal(n);
                sink.put(b" ");
            }
            status_line(sink, 599);
        }
    }

    #[test]
    fn counts_then_writes() {
        let expected = alloc_free_expected();
        let mut out = [0xAAu8; 64];
        assert_eq!(
            write_into(&Numbers, &mut out[..10]),
            Err(BufferTooSmall {
                required: expected.len()
            })
        );
        assert!(out.iter().all(|&b| b == 0xAA));
        let n = write_into(&Numbers, &mut out).unwrap();
        assert_eq!(&out[..n], expected);
    }

    fn alloc_free_expected() -> &'static [u8] {
        if usize::MAX as u64 == u64::MAX {
            b"0 7 10 1234 18446744073709551615 HTTP/1.1 599 \r\n"
        } else {
            b"0 7 10 1234 4294967295 HTTP/1.1 599 \r\n"
        }
    }
}
