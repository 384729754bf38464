//! `ServerHandshake::receive_request` on raw bytes never panics, and:
//! - `Complete`: the head fits the input and the limit; the head alone
//!   parses to the same request (trailing bytes are WebSocket data, not
//!   part of the decision); every shorter prefix is `Partial`; the getters
//!   work; `accept` (plain, with an offered subprotocol, with an offered
//!   extension) and `reject` succeed given room, and with too little room
//!   fail with `BufferTooSmall` only, writing nothing;
//! - `Partial`: the input is below `max_head_bytes`;
//! - `Err`: `write_response` writes `response()`, or refuses a short buffer
//!   untouched.
//!
//! Input: byte 0 picks the header-array size (bits 0-5) and small limits
//! (bit 6); byte 1 picks an output buffer size for the short-buffer checks;
//! the rest is the request.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rfc6455::handshake::derive_accept_key;
use rfc6455::{
    BufferTooSmall, HandshakeAccept, HandshakeLimits, HandshakeWriteError, ServerHandshake, Status,
    EMPTY_HTTP_HEADER,
};

const SENTINEL: u8 = 0xA5;

/// Runs `write` into a buffer of `room` bytes; checks that refusals write
/// nothing and are `BufferTooSmall` with the size a full buffer then uses.
fn check_write(
    room: usize,
    write: impl Fn(&mut [u8]) -> Result<usize, HandshakeWriteError>,
) -> Vec<u8> {
    let mut big = vec![SENTINEL; 16 * 1024];
    let n = write(&mut big).unwrap_or_else(|e| panic!("write with room failed: {e:?}"));
    assert!(
        big[n..].iter().all(|&b| b == SENTINEL),
        "wrote past its length"
    );
    let mut small = vec![SENTINEL; room];
    match write(&mut small) {
        Ok(m) => assert!(m == n && small[..n] == big[..n]),
        Err(HandshakeWriteError::BufferTooSmall(BufferTooSmall { required })) => {
            assert!(required == n && room < n);
            assert!(
                small.iter().all(|&b| b == SENTINEL),
                "a refused write wrote"
            );
        }
        Err(e) => panic!("only BufferTooSmall may depend on the buffer: {e:?}"),
    }
    big.truncate(n);
    big
}

fuzz_target!(|data: &[u8]| {
    let [flags, room, ref input @ ..] = *data else {
        return;
    };
    let mut limits = HandshakeLimits::new();
    if flags & 0x40 != 0 {
        limits = limits.with_max_head_bytes(256).with_max_headers(8);
    }
    let server = ServerHandshake::with_limits(limits);
    let slots = 1 + usize::from(flags & 0x3F);
    let mut headers = vec![EMPTY_HTTP_HEADER; slots];
    let room = usize::from(room) * 2;

    match server.receive_request(input, &mut headers) {
        Ok(Status::Complete(request)) => {
            let n = request.head_len();
            assert!(n > 0 && n <= input.len() && n <= limits.max_head_bytes);
            let (target, host, key) = (request.target(), request.host(), request.key());
            assert!(!host.is_empty() && !request.is_h2());
            let key = key.expect("an HTTP/1.1 request has a key");
            let _ = (
                request.path(),
                request.query(),
                request.origin(),
                request.method(),
            );
            let _ = request.headers().get("cookie");
            let _ = request.headers().values("sec-websocket-protocol").count();
            for ext in request.extensions() {
                for param in ext.params() {
                    let _ = param.value();
                }
            }

            // The head alone decides; trailing bytes are frames.
            let mut again = vec![EMPTY_HTTP_HEADER; slots];
            match server.receive_request(&input[..n], &mut again) {
                Ok(Status::Complete(alone)) => {
                    assert_eq!(alone.head_len(), n);
                    assert_eq!(
                        (alone.target(), alone.host(), alone.key()),
                        (target, host, Some(key))
                    );
                }
                other => panic!("the head alone gave {other:?}"),
            }
            // Every prefix of a complete head is Partial.
            let step = (n / 64).max(1);
            for p in (0..n).step_by(step).chain(n.saturating_sub(4)..n) {
                let mut h = vec![EMPTY_HTTP_HEADER; slots];
                match server.receive_request(&input[..p], &mut h) {
                    Ok(Status::Partial) => {}
                    other => panic!("prefix {p} of a {n}-byte head gave {other:?}"),
                }
            }

            let response = check_write(room, |out| request.accept(&HandshakeAccept::new(), out));
            let text = std::str::from_utf8(&response).expect("ASCII response");
            assert!(text.starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
            assert!(text.ends_with("\r\n\r\n"));
            let accept = format!(
                "\r\nSec-WebSocket-Accept: {}\r\n",
                derive_accept_key(key).as_str()
            );
            assert!(text.contains(&accept), "{text}");

            if let Some(protocol) = request.protocols().next() {
                let chosen = HandshakeAccept::new().protocol(protocol);
                check_write(room, |out| request.accept(&chosen, out));
            }
            if let Some(extension) = request.extensions().next() {
                let names = [extension.name()];
                let chosen = HandshakeAccept::new().extensions(&names);
                check_write(room, |out| request.accept(&chosen, out));
            }
            check_write(room, |out| {
                request.reject(403, &[("Connection", "close")], b"no", out)
            });
        }
        Ok(Status::Partial) => assert!(input.len() < limits.max_head_bytes),
        Err(error) => {
            assert!(matches!(error.status(), 400 | 405 | 426 | 431));
            let expected = error.response();
            let mut out = vec![SENTINEL; 512];
            assert_eq!(error.write_response(&mut out), Ok(expected.len()));
            assert_eq!(&out[..expected.len()], expected);
            let mut small = vec![SENTINEL; room.min(expected.len() - 1)];
            assert_eq!(
                error.write_response(&mut small),
                Err(BufferTooSmall {
                    required: expected.len()
                })
            );
            assert!(small.iter().all(|&b| b == SENTINEL));
        }
    }
});
