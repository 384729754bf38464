//! Client side of the opening handshake (RFC 6455 §4.1): the request bytes,
//! one table row per response check, split points, and usage errors.

mod common;

use common::http_head as response;

use rfc6455::handshake::ExtensionError;
use rfc6455::{
    ClientHandshake, ClientHandshakeError, ClientRequest, HandshakeLimits, HandshakeResponse,
    HandshakeWriteError, Status, EMPTY_HTTP_HEADER,
};

const NONCE: [u8; 16] = *b"the sample nonce";

const SWITCHING: [&str; 4] = [
    "HTTP/1.1 101 Switching Protocols",
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
];

fn handshake<'a>(request: ClientRequest<'a>) -> ClientHandshake<'a> {
    request.write(&NONCE, &mut [0u8; 1024]).unwrap()
}

/// Parses a complete response and validates it, returning the subprotocol
/// and extension names on success.
fn validate(
    handshake: &ClientHandshake<'_>,
    bytes: &[u8],
) -> Result<(Option<String>, Vec<String>), ClientHandshakeError> {
    let mut headers = [EMPTY_HTTP_HEADER; 16];
    let response = match handshake.receive_response(bytes, &mut headers)? {
        Status::Complete(response) => response,
        Status::Partial => panic!("partial"),
    };
    let negotiated = handshake.validate(&response)?;
    Ok((
        negotiated.protocol().map(str::to_owned),
        negotiated
            .extensions()
            .map(|e| e.as_str().to_owned())
            .collect(),
    ))
}

#[test]
fn request_bytes() {
    let mut out = [0u8; 512];
    let handshake = ClientRequest::new("server.example.com", "/chat?x=1")
        .origin("http://example.com")
        .protocols(&["chat", "superchat"])
        .extensions(&["permessage-deflate; client_max_window_bits", "x-foo"])
        .headers(&[("Authorization", "Bearer t0k3n")])
        .write(&NONCE, &mut out)
        .unwrap();
    let expected = b"GET /chat?x=1 HTTP/1.1\r\n\
Host: server.example.com\r\n\
Upgrade: websocket\r\n\
Connection: Upgrade\r\n\
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
Sec-WebSocket-Version: 13\r\n\
Origin: http://example.com\r\n\
Sec-WebSocket-Protocol: chat, superchat\r\n\
Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, x-foo\r\n\
Authorization: Bearer t0k3n\r\n\
\r\n";
    assert_eq!(&out[..handshake.request_len()], expected);
    assert_eq!(
        handshake.expected_accept().as_str(),
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    );

    let minimal = ClientRequest::new("h", "/")
        .write(&NONCE, &mut out)
        .unwrap();
    assert_eq!(
        &out[..minimal.request_len()],
        b"GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
}

#[test]
fn request_usage_errors_write_nothing() {
    use HandshakeWriteError::*;
    let cases = [
        (ClientRequest::new("", "/"), InvalidHost),
        (ClientRequest::new("a b", "/"), InvalidHost),
        (ClientRequest::new("a\r\nX: y", "/"), InvalidHost),
        (ClientRequest::new("h", "chat"), InvalidTarget),
        (ClientRequest::new("h", "/a b"), InvalidTarget),
        (ClientRequest::new("h", "/").origin("o\n"), InvalidHeader),
        (
            ClientRequest::new("h", "/").protocols(&["a", "b c"]),
            InvalidProtocol,
        ),
        (
            ClientRequest::new("h", "/").protocols(&[""]),
            InvalidProtocol,
        ),
        (
            ClientRequest::new("h", "/").protocols(&["a", "b", "a"]),
            InvalidProtocol,
        ),
        (
            ClientRequest::new("h", "/").extensions(&["x; y=\"a b\""]),
            InvalidExtension(ExtensionError::QuotedValueNotToken),
        ),
        (
            ClientRequest::new("h", "/").extensions(&[""]),
            InvalidExtension(ExtensionError::ExpectedExtensionName),
        ),
        (
            ClientRequest::new("h", "/").headers(&[("X", "\0")]),
            InvalidHeader,
        ),
        (
            ClientRequest::new("h", "/").headers(&[("", "v")]),
            InvalidHeader,
        ),
    ];
    let mut out = [0x55u8; 256];
    for (request, error) in cases {
        assert_eq!(
            request.write(&NONCE, &mut out).err(),
            Some(error),
            "{request:?}"
        );
        assert!(out.iter().all(|&b| b == 0x55));
    }
    let request = ClientRequest::new("server.example.com", "/chat");
    let needed = request
        .write(&NONCE, &mut [0u8; 256])
        .unwrap()
        .request_len();
    assert_eq!(
        request.write(&NONCE, &mut out[..needed - 1]).err(),
        Some(BufferTooSmall(rfc6455::BufferTooSmall { required: needed }))
    );
    assert!(out.iter().all(|&b| b == 0x55));
}

#[test]
fn valid_responses() {
    let hs = handshake(
        ClientRequest::new("h", "/")
            .protocols(&["chat", "superchat"])
            .extensions(&["permessage-deflate; client_max_window_bits", "x-foo"]),
    );
    assert_eq!(validate(&hs, &response(&SWITCHING)), Ok((None, vec![])));

    let mut lines = SWITCHING.to_vec();
    lines.extend([
        "Sec-WebSocket-Protocol: superchat",
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10",
        "Sec-WebSocket-Extensions: X-Foo",
    ]);
    assert_eq!(
        validate(&hs, &response(&lines)),
        Ok((
            Some("superchat".into()),
            vec![
                "permessage-deflate; client_max_window_bits=10".into(),
                "X-Foo".into()
            ]
        ))
    );

    // Case-insensitive tokens, lists, and whitespace around the accept value.
    let relaxed = response(&[
        "HTTP/1.1 101 Whatever",
        "upgrade: WebSocket",
        "connection: keep-alive, UPGRADE",
        "sec-websocket-accept:   s3pPLMBiTxaQ9kYGzzhZRbK+xOo=  ",
    ]);
    assert_eq!(validate(&hs, &relaxed), Ok((None, vec![])));
}

/// One row per §4.1 check.
#[test]
fn each_check_has_its_error() {
    use ClientHandshakeError::*;
    let hs = handshake(
        ClientRequest::new("h", "/")
            .protocols(&["chat"])
            .extensions(&["permessage-deflate"]),
    );
    let without = |prefix: &str| {
        let lines: Vec<_> = SWITCHING
            .iter()
            .copied()
            .filter(|l| !l.starts_with(prefix))
            .collect();
        response(&lines)
    };
    let with = |extra: &[&str]| {
        let mut lines = SWITCHING.to_vec();
        lines.extend_from_slice(extra);
        response(&lines)
    };
    let cases: Vec<(&str, Vec<u8>, ClientHandshakeError)> = vec![
        (
            "not HTTP",
            b"HTTP/1.1 1O1 Nope\r\n\r\n".to_vec(),
            MalformedHttp,
        ),
        ("200", response(&["HTTP/1.1 200 OK"]), UnexpectedStatus(200)),
        ("no Upgrade", without("Upgrade"), MissingUpgrade),
        (
            "no Connection",
            without("Connection"),
            MissingConnectionUpgrade,
        ),
        ("no accept", without("Sec-WebSocket-Accept"), MissingAccept),
        (
            "wrong accept",
            response(&[
                "HTTP/1.1 101 Switching Protocols",
                "Upgrade: websocket",
                "Connection: Upgrade",
                "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo",
            ]),
            AcceptMismatch,
        ),
        (
            "two accepts",
            with(&["Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="]),
            DuplicateAccept,
        ),
        (
            "protocol not offered",
            with(&["Sec-WebSocket-Protocol: superchat"]),
            ProtocolNotOffered,
        ),
        (
            "protocol case differs",
            with(&["Sec-WebSocket-Protocol: Chat"]),
            ProtocolNotOffered,
        ),
        (
            "two protocols",
            with(&["Sec-WebSocket-Protocol: chat, chat"]),
            InvalidProtocol,
        ),
        (
            "two protocol lines",
            with(&[
                "Sec-WebSocket-Protocol: chat",
                "Sec-WebSocket-Protocol: chat",
            ]),
            InvalidProtocol,
        ),
        (
            "empty protocol",
            with(&["Sec-WebSocket-Protocol: "]),
            InvalidProtocol,
        ),
        (
            "extension not offered",
            with(&["Sec-WebSocket-Extensions: x-foo"]),
            ExtensionNotOffered,
        ),
        (
            "extension syntax",
            with(&["Sec-WebSocket-Extensions: permessage-deflate; =1"]),
            InvalidExtensions(ExtensionError::ExpectedParamName),
        ),
    ];
    for (label, bytes, error) in cases {
        assert_eq!(validate(&hs, &bytes), Err(error), "{label}");
    }

    let none_offered = handshake(ClientRequest::new("h", "/"));
    assert_eq!(
        validate(&none_offered, &with(&["Sec-WebSocket-Protocol: chat"])),
        Err(ProtocolNotOffered)
    );
    assert_eq!(
        validate(
            &none_offered,
            &with(&["Sec-WebSocket-Extensions: permessage-deflate"])
        ),
        Err(ExtensionNotOffered)
    );
}

#[test]
fn non_101_responses_stay_readable() {
    let hs = handshake(ClientRequest::new("h", "/"));
    let bytes = response(&[
        "HTTP/1.1 302 Found",
        "Location: wss://other.example/chat",
        "Content-Length: 0",
    ]);
    let mut headers = [EMPTY_HTTP_HEADER; 8];
    let response = hs
        .receive_response(&bytes, &mut headers)
        .unwrap()
        .complete()
        .unwrap();
    let error = hs.validate(&response).err().unwrap();
    assert_eq!(error, ClientHandshakeError::UnexpectedStatus(302));
    assert_eq!(error.status(), Some(302));
    assert_eq!((response.status(), response.reason()), (302, "Found"));
    assert_eq!(
        response.headers().get("location"),
        Some(&b"wss://other.example/chat"[..])
    );
    assert_eq!(response.head_len(), bytes.len());
}

#[test]
fn every_split_point_and_one_byte_at_a_time() {
    let hs = handshake(ClientRequest::new("h", "/").protocols(&["chat"]));
    let mut lines = SWITCHING.to_vec();
    lines.push("Sec-WebSocket-Protocol: chat");
    let mut bytes = response(&lines);
    let head_len = bytes.len();
    bytes.extend_from_slice(b"\x81\x02hi"); // the server's first frame
    for split in 0..=bytes.len() {
        let mut headers = [EMPTY_HTTP_HEADER; 8];
        match hs.receive_response(&bytes[..split], &mut headers).unwrap() {
            Status::Partial => assert!(split < head_len, "at {split}"),
            Status::Complete(response) => {
                assert!(split >= head_len, "at {split}");
                assert_eq!(response.head_len(), head_len);
                assert_eq!(hs.validate(&response).unwrap().protocol(), Some("chat"));
            }
        }
    }
    let mut received = Vec::new();
    for &byte in &bytes {
        received.push(byte);
        let mut headers = [EMPTY_HTTP_HEADER; 8];
        if let Status::Complete(response) = hs.receive_response(&received, &mut headers).unwrap() {
            assert_eq!(received.len(), head_len);
            assert_eq!(&bytes[response.head_len()..], b"\x81\x02hi");
            return;
        }
    }
    panic!("never completed");
}

#[test]
fn response_limits() {
    let hs = handshake(
        ClientRequest::new("h", "/").limits(HandshakeLimits::new().with_max_head_bytes(32)),
    );
    let mut headers = [EMPTY_HTTP_HEADER; 8];
    assert_eq!(
        hs.receive_response(&response(&SWITCHING), &mut headers)
            .err(),
        Some(ClientHandshakeError::HeadTooLarge)
    );
    let hs = handshake(ClientRequest::new("h", "/"));
    let mut two = [EMPTY_HTTP_HEADER; 2];
    assert_eq!(
        hs.receive_response(&response(&SWITCHING), &mut two).err(),
        Some(ClientHandshakeError::TooManyHeaders)
    );
}

#[test]
fn pre_parsed_response() {
    let hs = handshake(ClientRequest::new("h", "/").protocols(&["chat"]));
    let fields: [(&str, &[u8]); 4] = [
        ("upgrade", b"websocket"),
        ("connection", b"upgrade"),
        ("sec-websocket-accept", b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
        ("sec-websocket-protocol", b"chat"),
    ];
    let response = HandshakeResponse::from_parts(101, fields.iter().copied());
    assert_eq!(response.head_len(), 0);
    assert_eq!(hs.validate(&response).unwrap().protocol(), Some("chat"));
    let response = HandshakeResponse::from_parts(401, fields.iter().copied());
    assert_eq!(
        hs.validate(&response).err(),
        Some(ClientHandshakeError::UnexpectedStatus(401))
    );
}
