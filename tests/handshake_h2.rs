//! WebSocket over HTTP/2 (RFC 8441): extended CONNECT validation and the
//! 200 response's header list.

use rfc6455::{HandshakeAccept, HandshakeError, HandshakeRequest, HandshakeWriteError};

const FIELDS: [(&str, &[u8]); 4] = [
    ("sec-websocket-version", b"13"),
    ("sec-websocket-protocol", b"chat, superchat"),
    ("sec-websocket-extensions", b"permessage-deflate"),
    ("origin", b"http://www.example.com"),
];

fn connect<'a>(
    method: &'a str,
    protocol: Option<&'a str>,
    authority: &'a [u8],
    fields: &'a [(&'a str, &'a [u8])],
) -> Result<HandshakeRequest<'a, impl rfc6455::handshake::HeaderSource<'a>>, HandshakeError> {
    HandshakeRequest::from_h2_parts(method, protocol, "/chat", authority, fields.iter().copied())
}

#[test]
fn rfc_8441_example_is_accepted() {
    let request = connect("CONNECT", Some("websocket"), b"server.example.com", &FIELDS).unwrap();
    assert!(request.is_h2());
    assert_eq!(request.key(), None);
    assert_eq!(request.host(), b"server.example.com");
    assert_eq!(request.origin(), Some(&b"http://www.example.com"[..]));
    assert_eq!(
        request.protocols().collect::<Vec<_>>(),
        ["chat", "superchat"]
    );

    let accept = HandshakeAccept::new()
        .protocol("chat")
        .extensions(&["permessage-deflate"])
        .headers(&[("x-served-by", "a")]);
    let response = request.accept_response(&accept).unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.accept_key(), None);
    let fields: Vec<_> = response.headers().collect();
    assert_eq!(
        fields,
        [
            ("sec-websocket-protocol", &b"chat"[..]),
            ("sec-websocket-extensions", b"permessage-deflate"),
            ("x-served-by", b"a"),
        ]
    );
    // No HTTP/1.1 bytes for an HTTP/2 stream.
    let mut out = [0u8; 256];
    assert_eq!(response.write(&mut out), Err(HandshakeWriteError::NotHttp1));
    assert_eq!(
        request.accept(&accept, &mut out),
        Err(HandshakeWriteError::NotHttp1)
    );
    assert_eq!(
        request.reject(403, &[], b"", &mut out),
        Err(HandshakeWriteError::NotHttp1)
    );
    assert_eq!(
        request
            .accept_response(&HandshakeAccept::new().protocol("other"))
            .err(),
        Some(HandshakeWriteError::ProtocolNotOffered)
    );
}

#[test]
fn each_rule_has_its_error_and_status() {
    use HandshakeError::*;
    let no_version = [FIELDS[1], FIELDS[2]];
    let version_8: [(&str, &[u8]); 1] = [("sec-websocket-version", b"8")];
    let two_origins = [FIELDS[0], FIELDS[3], FIELDS[3]];
    let cases = [
        (
            connect("GET", Some("websocket"), b"h", &FIELDS).err(),
            MethodNotConnect,
            405,
        ),
        (
            connect("CONNECT", None, b"h", &FIELDS).err(),
            NotWebSocketProtocol,
            400,
        ),
        (
            connect("CONNECT", Some("chat"), b"h", &FIELDS).err(),
            NotWebSocketProtocol,
            400,
        ),
        (
            connect("CONNECT", Some("websocket"), b"", &FIELDS).err(),
            MissingHost,
            400,
        ),
        (
            connect("CONNECT", Some("websocket"), b"h", &no_version).err(),
            MissingVersion,
            400,
        ),
        (
            connect("CONNECT", Some("websocket"), b"h", &version_8).err(),
            UnsupportedVersion,
            426,
        ),
        (
            connect("CONNECT", Some("websocket"), b"h", &two_origins).err(),
            DuplicateOrigin,
            400,
        ),
    ];
    for (got, error, status) in cases {
        assert_eq!(got, Some(error));
        assert_eq!(error.status(), status);
    }
    assert_eq!(MethodNotConnect.response_headers(), [("allow", "CONNECT")]);
    assert_eq!(
        UnsupportedVersion.response_headers(),
        [("sec-websocket-version", "13")]
    );
}
