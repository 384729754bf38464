//! Server side of the opening handshake (RFC 6455 §4.2): real-world
//! requests, one table row per validation rule, every split point, and the
//! responses written for accept and reject.

mod common;

use common::http_head as request;

use rfc6455::handshake::{derive_accept_key, ExtensionError};
use rfc6455::{
    BufferTooSmall, HandshakeAccept, HandshakeError, HandshakeLimits, HandshakeRequest,
    HandshakeWriteError, ServerHandshake, Status, EMPTY_HTTP_HEADER,
};

/// A fixture with its LF line endings turned into CRLF.
fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/handshake/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    text.replace('\n', "\r\n").into_bytes()
}

const FIXTURES: [&str; 4] = [
    "chrome.http",
    "firefox.http",
    "curl.http",
    "keep-alive.http",
];

const VALID: [&str; 6] = [
    "GET /chat HTTP/1.1",
    "Host: server.example.com",
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version: 13",
];

/// Parses a complete request and returns its validation result.
fn check(bytes: &[u8]) -> Result<usize, HandshakeError> {
    let mut headers = [EMPTY_HTTP_HEADER; 32];
    match ServerHandshake::new().receive_request(bytes, &mut headers)? {
        Status::Complete(request) => Ok(request.head_len()),
        Status::Partial => panic!("partial: {}", String::from_utf8_lossy(bytes)),
    }
}

const ACCEPTED_CHROME: &[u8] = b"HTTP/1.1 101 Switching Protocols\r\n\
Upgrade: websocket\r\n\
Connection: Upgrade\r\n\
Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\
\r\n";

#[test]
fn rfc_section_1_3_accept_key() {
    let accept = derive_accept_key(b"dGhlIHNhbXBsZSBub25jZQ==");
    assert_eq!(accept.as_str(), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

#[test]
fn chrome_request_is_accepted() {
    let input = fixture("chrome.http");
    let mut headers = [EMPTY_HTTP_HEADER; 32];
    let request = ServerHandshake::new()
        .receive_request(&input, &mut headers)
        .unwrap()
        .complete()
        .unwrap();
    assert_eq!(request.head_len(), input.len());
    assert_eq!(request.method(), "GET");
    assert_eq!(request.target(), "/chat");
    assert_eq!(request.host(), b"server.example.com");
    assert_eq!(request.origin(), Some(&b"https://example.com"[..]));
    assert_eq!(request.key(), Some(&b"dGhlIHNhbXBsZSBub25jZQ=="[..]));
    assert!(!request.is_h2());
    assert_eq!(request.protocols().count(), 0);
    let offers: Vec<_> = request.extensions().map(|e| e.name()).collect();
    assert_eq!(offers, ["permessage-deflate"]);
    let deflate = request.extensions().next().unwrap();
    assert_eq!(
        deflate.param("client_max_window_bits").unwrap().value(),
        None
    );
    assert_eq!(request.headers().get("user-agent").unwrap().len(), 101);
    assert_eq!(request.headers().iter().count(), 12);

    let mut out = [0u8; 256];
    let n = request.accept(&HandshakeAccept::new(), &mut out).unwrap();
    assert_eq!(&out[..n], ACCEPTED_CHROME);
}

#[test]
fn accepting_an_extension_adds_its_header() {
    let input = fixture("chrome.http");
    let mut headers = [EMPTY_HTTP_HEADER; 32];
    let request = ServerHandshake::new()
        .receive_request(&input, &mut headers)
        .unwrap()
        .complete()
        .unwrap();
    let mut out = [0u8; 256];
    let accept = HandshakeAccept::new()
        .extensions(&["permessage-deflate; client_max_window_bits=12"])
        .headers(&[("Set-Cookie", "id=7")]);
    let n = request.accept(&accept, &mut out).unwrap();
    let expected = b"HTTP/1.1 101 Switching Protocols\r\n\
Upgrade: websocket\r\n\
Connection: Upgrade\r\n\
Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\
Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=12\r\n\
Set-Cookie: id=7\r\n\
\r\n";
    assert_eq!(&out[..n], expected);
    let response = request.accept_response(&accept).unwrap();
    assert_eq!(response.status(), 101);
    let fields: Vec<_> = response.headers().collect();
    assert_eq!(fields.len(), 5);
    assert_eq!(
        fields[3],
        (
            "Sec-WebSocket-Extensions",
            &b"permessage-deflate; client_max_window_bits=12"[..]
        )
    );
}

/// `HandshakeAccept::deflate` writes the agreement's answer first, on the
/// same line as the application's own extensions, and only if it was offered.
#[cfg(feature = "deflate")]
#[test]
fn accepting_deflate_writes_the_agreements_answer() {
    use rfc6455::DeflateConfig;

    parsed_keep_alive(|request| {
        let agreement = DeflateConfig::default()
            .accept_offer(request.extensions())
            .unwrap();
        let mut out = [0u8; 512];
        let prefix = "HTTP/1.1 101 Switching Protocols\r\n\
Upgrade: websocket\r\n\
Connection: Upgrade\r\n\
Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n";

        // Alone: the same bytes as passing its text to `extensions`.
        let n = request
            .accept(&HandshakeAccept::new().deflate(&agreement), &mut out)
            .unwrap();
        let expected = format!(
            "{prefix}Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10\r\n\r\n"
        );
        assert_eq!(std::str::from_utf8(&out[..n]).unwrap(), expected);
        let text = agreement.response();
        let by_hand = [text.as_str()];
        let m = request
            .accept(&HandshakeAccept::new().extensions(&by_hand), &mut out)
            .unwrap();
        assert_eq!(
            (m, std::str::from_utf8(&out[..m]).unwrap()),
            (n, &*expected)
        );

        // With other extensions, in either call order: deflate first.
        let others = ["x-custom; mode=fast"];
        let both = [
            HandshakeAccept::new()
                .protocol("chat")
                .deflate(Some(&agreement))
                .extensions(&others)
                .headers(&[("Set-Cookie", "id=7")]),
            HandshakeAccept::new()
                .headers(&[("Set-Cookie", "id=7")])
                .extensions(&others)
                .deflate(Some(&agreement))
                .protocol("chat"),
        ];
        for accept in both {
            let n = request.accept(&accept, &mut out).unwrap();
            let expected = format!(
                "{prefix}Sec-WebSocket-Protocol: chat\r\n\
Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10, x-custom; mode=fast\r\n\
Set-Cookie: id=7\r\n\
\r\n"
            );
            assert_eq!(std::str::from_utf8(&out[..n]).unwrap(), expected);
            let response = request.accept_response(&accept).unwrap();
            assert_eq!(response.extensions(), others);
            let fields: Vec<_> = response.headers().collect();
            assert_eq!(
                fields[3..],
                [
                    ("Sec-WebSocket-Protocol", &b"chat"[..]),
                    (
                        "Sec-WebSocket-Extensions",
                        b"permessage-deflate; server_max_window_bits=10"
                    ),
                    ("Sec-WebSocket-Extensions", b"x-custom; mode=fast"),
                    ("Set-Cookie", b"id=7"),
                ]
            );
        }

        // `None` (no acceptable offer) adds nothing, and a later `None`
        // takes back an earlier agreement.
        for accept in [
            HandshakeAccept::new().deflate(None),
            HandshakeAccept::new().deflate(&agreement).deflate(None),
        ] {
            let n = request.accept(&accept, &mut out).unwrap();
            assert_eq!(
                std::str::from_utf8(&out[..n]).unwrap(),
                format!("{prefix}\r\n")
            );
        }
    });

    // An agreement is only sent to a client that offered permessage-deflate.
    let agreement = DeflateConfig::default()
        .accept_offer(
            rfc6455::handshake::parse_extensions(b"permessage-deflate").filter_map(Result::ok),
        )
        .unwrap();
    let input = request(&VALID);
    let mut headers = [EMPTY_HTTP_HEADER; 32];
    let plain = ServerHandshake::new()
        .receive_request(&input, &mut headers)
        .unwrap()
        .complete()
        .unwrap();
    let mut out = [0xEEu8; 256];
    assert_eq!(
        plain.accept(&HandshakeAccept::new().deflate(&agreement), &mut out),
        Err(HandshakeWriteError::ExtensionNotOffered)
    );
    assert!(out.iter().all(|&b| b == 0xEE));
}

#[test]
fn real_world_requests_are_accepted() {
    for name in FIXTURES {
        let input = fixture(name);
        assert_eq!(check(&input), Ok(input.len()), "{name}");
    }
}

#[test]
fn firefox_request_exposes_cookie_and_extension() {
    let input = fixture("firefox.http");
    let mut headers = [EMPTY_HTTP_HEADER; 32];
    let request = ServerHandshake::new()
        .receive_request(&input, &mut headers)
        .unwrap()
        .complete()
        .unwrap();
    assert_eq!(
        request.headers().get("COOKIE"),
        Some(&b"session=abc123"[..])
    );
    assert!(request.offers_extension("permessage-deflate"));
    assert_eq!(request.extensions().next().unwrap().params().count(), 0);
}

#[test]
fn keep_alive_request_exposes_everything() {
    let input = fixture("keep-alive.http");
    let mut headers = [EMPTY_HTTP_HEADER; 32];
    let request = ServerHandshake::new()
        .receive_request(&input, &mut headers)
        .unwrap()
        .complete()
        .unwrap();
    assert_eq!(request.path(), "/chat");
    assert_eq!(request.query(), Some("room=42&lang=en"));
    assert_eq!(request.host(), b"server.example.com:8080");
    let protocols: Vec<_> = request.protocols().collect();
    assert_eq!(protocols, ["chat", "superchat", "v2.chat"]);
    assert!(request.offers_protocol("superchat"));
    assert!(!request.offers_protocol("SuperChat"));
    let offers: Vec<_> = request.extensions().map(|e| e.name()).collect();
    assert_eq!(
        offers,
        ["permessage-deflate", "x-webkit-deflate-frame", "x-custom"]
    );
    let deflate = request.extensions().next().unwrap();
    let params: Vec<_> = deflate
        .params()
        .map(|p| (p.name(), p.value().map(|v| v.raw())))
        .collect();
    assert_eq!(
        params,
        [
            ("client_max_window_bits", None),
            ("server_max_window_bits", Some("10"))
        ]
    );
    let custom = request.extensions().nth(2).unwrap();
    let mode = custom.param("mode").unwrap().value().unwrap();
    assert!(mode.is_quoted());
    assert_eq!(mode.as_token(), Some("fast"));
    assert_eq!(
        request.headers().get("authorization"),
        Some(&b"Bearer abc.def.ghi"[..])
    );
    let cookies: Vec<_> = request.headers().values("cookie").collect();
    assert_eq!(cookies, [&b"a=1"[..], b"b=2"]);

    let mut out = [0u8; 512];
    let accept = HandshakeAccept::new()
        .protocol(request.protocols().find(|p| *p == "superchat"))
        .extensions(&["permessage-deflate", "x-custom; mode=fast"]);
    let n = request.accept(&accept, &mut out).unwrap();
    let text = std::str::from_utf8(&out[..n]).unwrap();
    assert!(
        text.contains("\r\nSec-WebSocket-Protocol: superchat\r\n"),
        "{text}"
    );
    assert!(
        text.contains("\r\nSec-WebSocket-Extensions: permessage-deflate, x-custom; mode=fast\r\n"),
        "{text}"
    );
}

#[test]
fn every_split_point_is_partial_until_complete() {
    for name in FIXTURES {
        let mut input = fixture(name);
        let head_len = input.len();
        // The first frame arrives with the head; it must not be consumed.
        input.extend_from_slice(b"\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58");
        for split in 0..=input.len() {
            let mut headers = [EMPTY_HTTP_HEADER; 32];
            let status = ServerHandshake::new()
                .receive_request(&input[..split], &mut headers)
                .unwrap();
            match status {
                Status::Partial => assert!(split < head_len, "{name} at {split}"),
                Status::Complete(request) => {
                    assert!(split >= head_len, "{name} at {split}");
                    assert_eq!(request.head_len(), head_len, "{name} at {split}");
                }
            }
        }
    }
}

#[test]
fn one_byte_at_a_time() {
    for name in FIXTURES {
        let input = fixture(name);
        let mut received = Vec::new();
        let mut completed_at = None;
        for &byte in &input {
            received.push(byte);
            let mut headers = [EMPTY_HTTP_HEADER; 32];
            match ServerHandshake::new()
                .receive_request(&received, &mut headers)
                .unwrap()
            {
                Status::Partial => {}
                Status::Complete(request) => {
                    completed_at = Some(request.head_len());
                    break;
                }
            }
        }
        assert_eq!(completed_at, Some(input.len()), "{name}");
    }
}

#[test]
fn trailing_bytes_are_left_for_the_connection() {
    let mut input = request(&VALID);
    let head_len = input.len();
    input.extend_from_slice(b"GET /not-a-request HTTP/1.1\r\n\r\n");
    assert_eq!(check(&input), Ok(head_len));
}

/// One row per rule: the mutated request, the error, and its status.
#[test]
fn each_rule_has_its_error_and_status() {
    use HandshakeError::*;
    let with = |extra: &[&str]| {
        let mut lines = VALID.to_vec();
        lines.extend_from_slice(extra);
        request(&lines)
    };
    let without = |prefix: &str| {
        let lines: Vec<_> = VALID
            .iter()
            .copied()
            .filter(|l| !l.starts_with(prefix))
            .collect();
        request(&lines)
    };
    let replace = |prefix: &str, line: &str| {
        let lines: Vec<_> = VALID
            .iter()
            .map(|l| if l.starts_with(prefix) { line } else { *l })
            .collect();
        request(&lines)
    };
    let cases: Vec<(&str, Vec<u8>, HandshakeError, u16)> = vec![
        (
            "not HTTP",
            b"GET /chat HTTP/1.1\r\nHost server\r\n\r\n".to_vec(),
            MalformedHttp,
            400,
        ),
        (
            "POST",
            replace("GET", "POST /chat HTTP/1.1"),
            MethodNotGet,
            405,
        ),
        (
            "lowercase get",
            replace("GET", "get /chat HTTP/1.1"),
            MethodNotGet,
            405,
        ),
        (
            "HTTP/1.0",
            replace("GET", "GET /chat HTTP/1.0"),
            UnsupportedHttpVersion,
            400,
        ),
        ("no Host", without("Host"), MissingHost, 400),
        ("empty Host", replace("Host", "Host:"), MissingHost, 400),
        (
            "two Hosts",
            with(&["Host: evil.example"]),
            DuplicateHost,
            400,
        ),
        ("no Upgrade", without("Upgrade"), MissingUpgrade, 400),
        (
            "Upgrade: h2c",
            replace("Upgrade", "Upgrade: h2c"),
            MissingUpgrade,
            400,
        ),
        (
            "Upgrade: websocket2",
            replace("Upgrade", "Upgrade: websocket2"),
            MissingUpgrade,
            400,
        ),
        (
            "no Connection",
            without("Connection"),
            MissingConnectionUpgrade,
            400,
        ),
        (
            "Connection: keep-alive",
            replace("Connection", "Connection: keep-alive"),
            MissingConnectionUpgrade,
            400,
        ),
        (
            "no version",
            without("Sec-WebSocket-Version"),
            MissingVersion,
            400,
        ),
        (
            "version 8",
            replace("Sec-WebSocket-Version", "Sec-WebSocket-Version: 8"),
            UnsupportedVersion,
            426,
        ),
        (
            "version 13, 8",
            replace("Sec-WebSocket-Version", "Sec-WebSocket-Version: 13, 8"),
            UnsupportedVersion,
            426,
        ),
        (
            "two versions",
            with(&["Sec-WebSocket-Version: 13"]),
            DuplicateVersion,
            400,
        ),
        ("no key", without("Sec-WebSocket-Key"), MissingKey, 400),
        (
            "15-byte key",
            replace(
                "Sec-WebSocket-Key",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=",
            ),
            InvalidKey,
            400,
        ),
        (
            "17-byte key",
            replace(
                "Sec-WebSocket-Key",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZTE=",
            ),
            InvalidKey,
            400,
        ),
        (
            "key not base64",
            replace(
                "Sec-WebSocket-Key",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25j*Q==",
            ),
            InvalidKey,
            400,
        ),
        (
            "two keys",
            with(&["Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA=="]),
            DuplicateKey,
            400,
        ),
        (
            "two Origins",
            with(&["Origin: https://a", "Origin: https://b"]),
            DuplicateOrigin,
            400,
        ),
        (
            "protocol not a token",
            with(&["Sec-WebSocket-Protocol: chat, a/b"]),
            InvalidProtocols,
            400,
        ),
        (
            "extension syntax",
            with(&["Sec-WebSocket-Extensions: permessage-deflate;"]),
            InvalidExtensions(ExtensionError::ExpectedParamName),
            400,
        ),
        (
            "quoted value not a token",
            with(&["Sec-WebSocket-Extensions: x; a=\"b c\""]),
            InvalidExtensions(ExtensionError::QuotedValueNotToken),
            400,
        ),
        (
            "Content-Length",
            with(&["Content-Length: 4"]),
            UnexpectedBody,
            400,
        ),
        (
            "Transfer-Encoding",
            with(&["Transfer-Encoding: chunked"]),
            UnexpectedBody,
            400,
        ),
    ];
    for (label, input, error, status) in cases {
        assert_eq!(check(&input), Err(error), "{label}");
        assert_eq!(error.status(), status, "{label}");
        let response = error.response();
        let status_line = format!("HTTP/1.1 {status} ");
        assert!(response.starts_with(status_line.as_bytes()), "{label}");
        assert!(
            response.ends_with(b"\r\nContent-Length: 0\r\n\r\n"),
            "{label}"
        );
    }
}

#[test]
fn lenient_where_the_rfc_is() {
    let accepted = [
        // Tokens are ASCII case-insensitive, lists may have empty elements.
        request(&[
            "GET /chat HTTP/1.1",
            "host: server.example.com",
            "UPGRADE: WebSocket",
            "connection: , keep-alive,  UPGRADE ,",
            "sec-websocket-key:   dGhlIHNhbXBsZSBub25jZQ==  ",
            "SEC-WEBSOCKET-VERSION: 13",
            "Content-Length: 0",
        ]),
        // Absolute-form target, Upgrade listing several protocols.
        request(&[
            "GET ws://server.example.com/chat HTTP/1.1",
            "Host: server.example.com",
            "Upgrade: h2c, websocket",
            "Connection: Upgrade",
            "Connection: close",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Version: 13",
            "Sec-WebSocket-Protocol: ,",
            "Sec-WebSocket-Extensions:",
        ]),
    ];
    for input in accepted {
        assert_eq!(
            check(&input),
            Ok(input.len()),
            "{}",
            String::from_utf8_lossy(&input)
        );
    }
}

#[test]
fn error_responses_are_complete() {
    assert_eq!(
        HandshakeError::UnsupportedVersion.response(),
        &b"HTTP/1.1 426 Upgrade Required\r\nUpgrade: websocket\r\nConnection: Upgrade, close\r\n\
Sec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n"[..]
    );
    assert_eq!(
        HandshakeError::MethodNotGet.response(),
        &b"HTTP/1.1 405 Method Not Allowed\r\nAllow: GET\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"[..]
    );
    assert_eq!(
        HandshakeError::MissingKey.response(),
        &b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"[..]
    );
    assert_eq!(
        HandshakeError::UnsupportedVersion.response_headers(),
        [("sec-websocket-version", "13")]
    );
    let error = HandshakeError::HeadTooLarge;
    let mut small = [7u8; 10];
    let required = error.response().len();
    assert_eq!(
        error.write_response(&mut small),
        Err(BufferTooSmall { required })
    );
    assert_eq!(small, [7u8; 10]);
    let mut out = [0u8; 128];
    assert_eq!(error.write_response(&mut out), Ok(required));
    assert!(out.starts_with(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"));
}

#[test]
fn limits_are_enforced() {
    let input = fixture("chrome.http");
    let mut headers = [EMPTY_HTTP_HEADER; 32];

    // Exactly enough room for the head.
    let exact =
        ServerHandshake::with_limits(HandshakeLimits::new().with_max_head_bytes(input.len()));
    assert!(exact
        .receive_request(&input, &mut headers)
        .unwrap()
        .complete()
        .is_some());

    // One byte short: an error as soon as the window is full, not a partial.
    let short =
        ServerHandshake::with_limits(HandshakeLimits::new().with_max_head_bytes(input.len() - 1));
    assert_eq!(
        short.receive_request(&input, &mut headers).err(),
        Some(HandshakeError::HeadTooLarge)
    );
    assert!(short
        .receive_request(&input[..input.len() - 2], &mut headers)
        .unwrap()
        .is_partial());
    assert_eq!(
        short
            .receive_request(&input[..input.len() - 1], &mut headers)
            .err(),
        Some(HandshakeError::HeadTooLarge)
    );

    // Header count: by configuration and by the caller's array.
    let few = ServerHandshake::with_limits(HandshakeLimits::new().with_max_headers(11));
    assert_eq!(
        few.receive_request(&input, &mut headers).err(),
        Some(HandshakeError::TooManyHeaders)
    );
    let mut eleven = [EMPTY_HTTP_HEADER; 11];
    assert_eq!(
        ServerHandshake::new()
            .receive_request(&input, &mut eleven)
            .err(),
        Some(HandshakeError::TooManyHeaders)
    );
    assert_eq!(HandshakeError::TooManyHeaders.status(), 431);

    // The default 8 KiB limit against an endless header.
    let mut huge = b"GET / HTTP/1.1\r\nX-Pad: ".to_vec();
    huge.resize(20_000, b'a');
    assert_eq!(
        ServerHandshake::new()
            .receive_request(&huge, &mut headers)
            .err(),
        Some(HandshakeError::HeadTooLarge)
    );
}

fn parsed_keep_alive<R>(f: impl FnOnce(&HandshakeRequest<'_>) -> R) -> R {
    let input = fixture("keep-alive.http");
    let mut headers = [EMPTY_HTTP_HEADER; 32];
    let request = ServerHandshake::new()
        .receive_request(&input, &mut headers)
        .unwrap()
        .complete()
        .unwrap();
    f(&request)
}

#[test]
fn accept_usage_errors_write_nothing() {
    parsed_keep_alive(|request| {
        let mut out = [0xEEu8; 512];
        let cases = [
            (
                HandshakeAccept::new().protocol("graphql-ws"),
                HandshakeWriteError::ProtocolNotOffered,
            ),
            (
                HandshakeAccept::new().extensions(&["x-unknown"]),
                HandshakeWriteError::ExtensionNotOffered,
            ),
            (
                HandshakeAccept::new().extensions(&["permessage-deflate; a="]),
                HandshakeWriteError::InvalidExtension(ExtensionError::ExpectedParamValue),
            ),
            (
                HandshakeAccept::new().extensions(&[" , "]),
                HandshakeWriteError::InvalidExtension(ExtensionError::ExpectedExtensionName),
            ),
            (
                HandshakeAccept::new().headers(&[("X-Split", "a\r\nSet-Cookie: evil")]),
                HandshakeWriteError::InvalidHeader,
            ),
            (
                HandshakeAccept::new().headers(&[("Bad Name", "v")]),
                HandshakeWriteError::InvalidHeader,
            ),
        ];
        for (accept, error) in cases {
            assert_eq!(request.accept(&accept, &mut out), Err(error));
            assert!(out.iter().all(|&b| b == 0xEE));
        }
        // Too small: the exact size is reported and nothing is written.
        let accept = HandshakeAccept::new().protocol("chat");
        let needed = request.accept(&accept, &mut [0u8; 512]).unwrap();
        assert_eq!(
            request.accept(&accept, &mut out[..needed - 1]),
            Err(HandshakeWriteError::BufferTooSmall(BufferTooSmall {
                required: needed
            }))
        );
        assert!(out.iter().all(|&b| b == 0xEE));
        assert_eq!(request.accept(&accept, &mut out[..needed]), Ok(needed));
    });
}

#[test]
fn reject_writes_status_headers_and_body() {
    parsed_keep_alive(|request| {
        let mut out = [0u8; 256];
        let n = request
            .reject(
                401,
                &[
                    ("WWW-Authenticate", "Bearer realm=\"chat\""),
                    ("Connection", "close"),
                ],
                b"bad token",
                &mut out,
            )
            .unwrap();
        assert_eq!(
            &out[..n],
            b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"chat\"\r\n\
Connection: close\r\nContent-Length: 9\r\n\r\nbad token"
        );
        let n = request.reject(403, &[], b"", &mut out).unwrap();
        assert_eq!(
            &out[..n],
            b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"
        );
        let n = request.reject(499, &[], b"", &mut out).unwrap();
        assert_eq!(&out[..n], b"HTTP/1.1 499 \r\nContent-Length: 0\r\n\r\n");

        for status in [0, 101, 199, 600, 999] {
            assert_eq!(
                request.reject(status, &[], b"", &mut out),
                Err(HandshakeWriteError::InvalidStatus)
            );
        }
        assert_eq!(
            request.reject(403, &[("X", "\n")], b"", &mut out),
            Err(HandshakeWriteError::InvalidHeader)
        );
        let mut small = [1u8; 20];
        assert_eq!(
            request.reject(403, &[], b"", &mut small),
            Err(HandshakeWriteError::BufferTooSmall(BufferTooSmall {
                required: 45
            }))
        );
        assert_eq!(small, [1u8; 20]);
    });
}

#[test]
fn pre_parsed_parts_get_the_same_rules() {
    let headers: Vec<(&str, &[u8])> = vec![
        ("host", b"example.com"),
        ("upgrade", b"websocket"),
        ("connection", b"Upgrade"),
        ("sec-websocket-version", b"13"),
        ("sec-websocket-key", b"dGhlIHNhbXBsZSBub25jZQ=="),
        ("sec-websocket-protocol", b"chat"),
    ];
    let request = HandshakeRequest::from_parts("GET", "/x?y", headers.iter().copied()).unwrap();
    assert_eq!(request.head_len(), 0);
    assert_eq!(request.query(), Some("y"));
    let response = request
        .accept_response(&HandshakeAccept::new().protocol("chat"))
        .unwrap();
    let fields: Vec<_> = response.headers().collect();
    assert_eq!(
        fields,
        [
            ("Upgrade", &b"websocket"[..]),
            ("Connection", b"Upgrade"),
            ("Sec-WebSocket-Accept", b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
            ("Sec-WebSocket-Protocol", b"chat"),
        ]
    );

    // (&str, &str) pairs, as many stacks store them.
    let text = [
        ("Host", "h"),
        ("Upgrade", "websocket"),
        ("Connection", "upgrade"),
    ];
    let error =
        HandshakeRequest::from_parts("GET", "/", text.iter().map(|&(n, v)| (n, v.as_bytes())));
    assert_eq!(error.err(), Some(HandshakeError::MissingVersion));
    let error = HandshakeRequest::from_parts("PUT", "/", headers.iter().copied());
    assert_eq!(error.err(), Some(HandshakeError::MethodNotGet));
}

#[test]
fn garbage_never_panics() {
    let mut headers = [EMPTY_HTTP_HEADER; 8];
    let inputs: [&[u8]; 6] = [
        b"",
        b"\r\n\r\n",
        b"\xff\xfe\xfd",
        b"GET / HTTP/1.1\r\n\x00: x\r\n\r\n",
        b"GET / HTTP/2.0\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: \xff\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n",
    ];
    for input in inputs {
        let _ = ServerHandshake::new().receive_request(input, &mut headers);
    }
}
