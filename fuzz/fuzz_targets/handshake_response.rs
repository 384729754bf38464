//! Raw bytes as the server's answer to a fixed client request (nonce of 16
//! zero bytes), through `ClientHandshake::receive_response` and `validate`.
//! Never panics, and:
//! - `Complete`: the head fits the input; the head alone parses the same;
//!   every shorter prefix is `Partial`; a non-101 status is
//!   `UnexpectedStatus`;
//! - a response valid for a request that offered nothing has status 101,
//!   exactly the expected accept value, no subprotocol and no extension, and
//!   is also valid for a request that offered some; a response valid for
//!   the offering request only picks what was offered;
//! - `Partial`: the input is below the head limit.
//!
//! Input: byte 0 picks the header-array size; the rest is the response.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rfc6455::{ClientHandshakeError, ClientRequest, HandshakeLimits, Status, EMPTY_HTTP_HEADER};

const PROTOCOLS: &[&str] = &["chat", "superchat"];
const EXTENSIONS: &[&str] = &["permessage-deflate; client_max_window_bits"];

fuzz_target!(|data: &[u8]| {
    let Some((&flags, input)) = data.split_first() else {
        return;
    };
    let slots = 1 + usize::from(flags & 0x3F);
    let mut out = [0u8; 512];
    let plain = ClientRequest::new("example.com", "/")
        .write(&[0; 16], &mut out)
        .expect("a fixed request");
    let offering = ClientRequest::new("example.com", "/")
        .protocols(PROTOCOLS)
        .extensions(EXTENSIONS)
        .write(&[0; 16], &mut out)
        .expect("a fixed request");
    let expected_accept = plain.expected_accept().as_str();
    assert_eq!(expected_accept, "ICX+Yqv66kxgM0FcWaLWlFLwTAI=");

    let mut headers = vec![EMPTY_HTTP_HEADER; slots];
    let response = match plain.receive_response(input, &mut headers) {
        Ok(Status::Complete(response)) => response,
        Ok(Status::Partial) => {
            assert!(input.len() < HandshakeLimits::new().max_head_bytes);
            return;
        }
        Err(_) => return,
    };
    let n = response.head_len();
    assert!(n > 0 && n <= input.len());
    let _ = (
        response.reason(),
        response.headers().get("location"),
        response.headers().iter().count(),
    );

    let mut again = vec![EMPTY_HTTP_HEADER; slots];
    match plain.receive_response(&input[..n], &mut again) {
        Ok(Status::Complete(alone)) => {
            assert_eq!((alone.head_len(), alone.status()), (n, response.status()))
        }
        other => panic!("the head alone gave {other:?}"),
    }
    let step = (n / 64).max(1);
    for p in (0..n).step_by(step).chain(n.saturating_sub(4)..n) {
        let mut h = vec![EMPTY_HTTP_HEADER; slots];
        match plain.receive_response(&input[..p], &mut h) {
            Ok(Status::Partial) => {}
            other => panic!("prefix {p} of a {n}-byte head gave {other:?}"),
        }
    }

    let plain_result = plain.validate(&response);
    match &plain_result {
        Ok(negotiated) => {
            assert_eq!(response.status(), 101);
            assert_eq!(negotiated.protocol(), None, "nothing was offered");
            assert_eq!(negotiated.extensions().count(), 0, "nothing was offered");
            let accepts: Vec<_> = response.headers().values("sec-websocket-accept").collect();
            assert_eq!(accepts.len(), 1);
            assert_eq!(accepts[0].trim_ascii(), expected_accept.as_bytes());
        }
        Err(ClientHandshakeError::UnexpectedStatus(status)) => {
            assert_eq!(*status, response.status())
        }
        Err(_) => assert_eq!(response.status(), 101),
    }
    match offering.validate(&response) {
        Ok(negotiated) => {
            if let Some(protocol) = negotiated.protocol() {
                assert!(PROTOCOLS.contains(&protocol));
            }
            for extension in negotiated.extensions() {
                assert!(extension.name().eq_ignore_ascii_case("permessage-deflate"));
                let _ = extension.params().count();
            }
        }
        Err(e) => assert!(
            plain_result.is_err(),
            "valid for plain, not for offering: {e:?}"
        ),
    }
});
