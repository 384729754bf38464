//! permessage-deflate through the opening handshake, both roles: the
//! client's offer from `ClientRequest::deflate`, the server's answer from
//! `HandshakeAccept::deflate`, and the client's agreement from
//! `NegotiatedHandshake::deflate`, with the response checks RFC 6455 §9.1
//! and RFC 7692 ask for (names in any case, on any line, once, and only if
//! offered).
#![cfg(feature = "deflate")]

mod common;

use common::{http_head, prop_cases};

use proptest::prelude::*;

use rfc6455::handshake::{parse_extensions, DeflateParamError};
use rfc6455::{
    ClientHandshake, ClientHandshakeError, ClientRequest, DeflateAgreement, DeflateConfig,
    HandshakeAccept, HandshakeWriteError, Role, ServerHandshake, Status, EMPTY_HTTP_HEADER,
};

const NONCE: [u8; 16] = *b"the sample nonce";

const SWITCHING: [&str; 4] = [
    "HTTP/1.1 101 Switching Protocols",
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
];

/// The request's bytes and the handshake that checks the answer.
fn write(request: ClientRequest<'_>) -> (String, ClientHandshake<'_>) {
    let mut out = [0u8; 1024];
    let handshake = request.write(&NONCE, &mut out).unwrap();
    let text = std::str::from_utf8(&out[..handshake.request_len()]).unwrap();
    (text.to_owned(), handshake)
}

/// A 101 response with `extra` header lines, validated, then asked for the
/// agreement with `config`.
fn agreement(
    handshake: &ClientHandshake<'_>,
    extra: &[&str],
    config: &DeflateConfig,
) -> Result<Option<DeflateAgreement>, ClientHandshakeError> {
    let lines: Vec<&str> = SWITCHING.iter().chain(extra).copied().collect();
    let bytes = http_head(&lines);
    let mut headers = [EMPTY_HTTP_HEADER; 16];
    let Status::Complete(response) = handshake.receive_response(&bytes, &mut headers)? else {
        panic!("partial");
    };
    handshake.validate(&response)?.deflate(config)
}

fn offering() -> ClientHandshake<'static> {
    write(ClientRequest::new("h", "/").deflate(&DeflateConfig::default())).1
}

#[test]
fn the_offer_is_written_first() {
    let mut config = DeflateConfig::new();
    config.peer_max_window_bits = 10;
    config.peer_no_context_takeover = true;
    let (text, _) = write(
        ClientRequest::new("h", "/")
            .extensions(&["x-foo; a=1"])
            .deflate(&config),
    );
    assert!(
        text.ends_with(
            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; \
             server_no_context_takeover; server_max_window_bits=10; client_max_window_bits, \
             x-foo; a=1\r\n\r\n"
        ),
        "{text}"
    );
    // The same bytes as the offer's text passed by hand.
    let offer = config.offer();
    let by_hand = [offer.as_str(), "x-foo; a=1"];
    assert_eq!(
        write(ClientRequest::new("h", "/").extensions(&by_hand)).0,
        text
    );

    // `None` offers nothing, and takes back an earlier offer.
    let (plain, _) = write(ClientRequest::new("h", "/"));
    assert!(!plain.contains("Extensions"));
    for request in [
        ClientRequest::new("h", "/").deflate(None),
        ClientRequest::new("h", "/").deflate(&config).deflate(None),
    ] {
        assert_eq!(write(request).0, plain);
    }
}

#[test]
fn offering_deflate_twice_writes_nothing() {
    let config = DeflateConfig::default();
    for extensions in [
        &["permessage-deflate"][..],
        &["x-foo, PerMessage-Deflate; client_max_window_bits"],
        &["x-foo", "PERMESSAGE-DEFLATE"],
    ] {
        let request = ClientRequest::new("h", "/")
            .deflate(&config)
            .extensions(extensions);
        let mut out = [0xEEu8; 512];
        assert_eq!(
            request.write(&NONCE, &mut out).map(|h| h.request_len()),
            Err(HandshakeWriteError::DuplicateExtension),
            "{extensions:?}"
        );
        assert!(out.iter().all(|&b| b == 0xEE));
        // Without `deflate`, offering it by hand (even twice, as
        // alternatives, RFC 7692 §5) is the application's business.
        let by_hand = ClientRequest::new("h", "/").extensions(extensions);
        assert!(by_hand.write(&NONCE, &mut out).is_ok());
    }
}

#[test]
fn handshake_fields_are_not_extra_headers() {
    for name in [
        "Sec-WebSocket-Extensions",
        "sec-websocket-protocol",
        "Host",
        "Origin",
        "Sec-WebSocket-Key",
    ] {
        let headers = [(name, "permessage-deflate")];
        let mut out = [0xEEu8; 512];
        let request = ClientRequest::new("h", "/").headers(&headers);
        assert_eq!(
            request.write(&NONCE, &mut out).map(|h| h.request_len()),
            Err(HandshakeWriteError::ReservedHeader),
            "{name}"
        );
        assert!(out.iter().all(|&b| b == 0xEE));
    }
}

#[test]
fn the_name_is_matched_in_any_case() {
    let handshake = offering();
    for name in [
        "permessage-deflate",
        "PerMessage-Deflate",
        "PERMESSAGE-DEFLATE",
    ] {
        let line = format!("Sec-WebSocket-Extensions: {name}; server_max_window_bits=10");
        let agreement = agreement(&handshake, &[&line], &DeflateConfig::default())
            .unwrap()
            .expect("accepted");
        assert_eq!(agreement.role(), Role::Client);
        assert_eq!(agreement.peer_window_bits(), 10, "{name}");
    }
}

#[test]
fn every_line_and_element_is_read() {
    let handshake = write(
        ClientRequest::new("h", "/")
            .deflate(&DeflateConfig::default())
            .extensions(&["x-foo", "x-bar"]),
    )
    .1;
    let config = DeflateConfig::default();
    for extra in [
        &[
            "Sec-WebSocket-Extensions: x-foo",
            "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover",
        ][..],
        &["Sec-WebSocket-Extensions: x-foo, x-bar, permessage-deflate; server_no_context_takeover"],
        &[
            "Sec-WebSocket-Extensions: x-foo",
            "X-Other: permessage-deflate",
            "sec-websocket-extensions: , x-bar,permessage-deflate;server_no_context_takeover",
        ],
    ] {
        let agreement = agreement(&handshake, extra, &config)
            .unwrap()
            .expect("accepted");
        assert!(agreement.peer_no_context_takeover(), "{extra:?}");
    }
    // Other extensions alone: no agreement, send uncompressed.
    for extra in [
        &[][..],
        &[
            "Sec-WebSocket-Extensions: x-foo",
            "Sec-WebSocket-Extensions: x-bar",
        ],
    ] {
        assert_eq!(agreement(&handshake, extra, &config), Ok(None));
    }
}

#[test]
fn deflate_named_twice_is_refused() {
    let handshake = offering();
    for extra in [
        &["Sec-WebSocket-Extensions: permessage-deflate, permessage-deflate"][..],
        &[
            "Sec-WebSocket-Extensions: permessage-deflate",
            "Sec-WebSocket-Extensions: PerMessage-Deflate; server_no_context_takeover",
        ],
        // Even when the first one alone would be refused.
        &["Sec-WebSocket-Extensions: permessage-deflate; x=1, permessage-deflate"],
    ] {
        assert_eq!(
            agreement(&handshake, extra, &DeflateConfig::default()),
            Err(ClientHandshakeError::DuplicateExtension),
            "{extra:?}"
        );
    }
}

#[test]
fn deflate_not_offered_is_refused() {
    let config = DeflateConfig::default();
    let requests = [
        ClientRequest::new("h", "/"),
        ClientRequest::new("h", "/").extensions(&["x-foo"]),
        ClientRequest::new("h", "/").deflate(&config).deflate(None),
    ];
    for request in requests {
        let (_, handshake) = write(request);
        for name in ["permessage-deflate", "PerMessage-Deflate"] {
            let line = format!("Sec-WebSocket-Extensions: {name}");
            assert_eq!(
                agreement(&handshake, &[&line], &config),
                Err(ClientHandshakeError::ExtensionNotOffered)
            );
        }
        assert_eq!(agreement(&handshake, &[], &config), Ok(None));
    }
}

#[test]
fn answers_the_offer_did_not_allow_are_refused() {
    let mut config = DeflateConfig::default();
    config.peer_max_window_bits = 10;
    let handshake = write(ClientRequest::new("h", "/").deflate(&config)).1;
    let cases = [
        (
            "server_max_window_bits=12",
            DeflateParamError::ServerWindowTooLarge,
        ),
        (
            "server_no_context_takeover",
            DeflateParamError::ServerWindowMissing,
        ),
        ("client_max_window_bits", DeflateParamError::MissingValue),
        (
            "x=1; server_max_window_bits=10",
            DeflateParamError::UnknownParam,
        ),
    ];
    for (params, error) in cases {
        let line = format!("Sec-WebSocket-Extensions: permessage-deflate; {params}");
        assert_eq!(
            agreement(&handshake, &[&line], &config),
            Err(ClientHandshakeError::InvalidDeflate(error)),
            "{params}"
        );
    }
}

/// A request offering permessage-deflate and `x-custom`, as the server
/// parses it; `f` gets the request and the server's agreement.
fn with_offer(f: impl FnOnce(&rfc6455::HandshakeRequest<'_>, DeflateAgreement)) {
    let (text, _) = write(
        ClientRequest::new("h", "/")
            .deflate(&DeflateConfig::default())
            .extensions(&["x-custom"]),
    );
    let mut headers = [EMPTY_HTTP_HEADER; 16];
    let request = ServerHandshake::new()
        .receive_request(text.as_bytes(), &mut headers)
        .unwrap()
        .complete()
        .unwrap();
    let agreement = DeflateConfig::default()
        .accept_offer(request.extensions())
        .unwrap();
    f(&request, agreement);
}

#[test]
fn the_server_accepts_deflate_once() {
    with_offer(|request, agreement| {
        let response = agreement.response();
        let twice = [
            HandshakeAccept::new()
                .deflate(&agreement)
                .extensions(&["permessage-deflate"]),
            HandshakeAccept::new()
                .extensions(&["x-custom, PerMessage-Deflate"])
                .deflate(&agreement),
            HandshakeAccept::new().extensions(&["permessage-deflate", "permessage-deflate"]),
            HandshakeAccept::new()
                .extensions(&["permessage-deflate, x-custom, permessage-deflate"]),
        ];
        for accept in twice {
            let mut out = [0xEEu8; 512];
            assert_eq!(
                request.accept(&accept, &mut out),
                Err(HandshakeWriteError::DuplicateExtension),
                "{accept:?}"
            );
            assert!(out.iter().all(|&b| b == 0xEE));
            assert_eq!(
                request.accept_response(&accept).map(|r| r.status()),
                Err(HandshakeWriteError::DuplicateExtension)
            );
        }
        // Once, either way, is fine.
        let by_hand = [response.as_str(), "x-custom"];
        for accept in [
            HandshakeAccept::new()
                .deflate(&agreement)
                .extensions(&["x-custom"]),
            HandshakeAccept::new().extensions(&by_hand),
        ] {
            assert!(request.accept(&accept, &mut [0u8; 512]).is_ok());
        }
    });
}

#[test]
fn the_server_writes_handshake_fields_itself() {
    with_offer(|request, agreement| {
        for name in [
            "Sec-WebSocket-Extensions",
            "sec-websocket-extensions",
            "Sec-WebSocket-Protocol",
            "Sec-WebSocket-Accept",
            "Upgrade",
            "Connection",
        ] {
            let headers = [(name, "permessage-deflate")];
            let accept = HandshakeAccept::new().deflate(&agreement).headers(&headers);
            let mut out = [0xEEu8; 512];
            assert_eq!(
                request.accept(&accept, &mut out),
                Err(HandshakeWriteError::ReservedHeader),
                "{name}"
            );
            assert!(out.iter().all(|&b| b == 0xEE));
        }
    });
}

fn config() -> impl Strategy<Value = DeflateConfig> {
    (0u8..=9, 8u8..=15, 8u8..=15, any::<bool>(), any::<bool>()).prop_map(
        |(level, max_window_bits, peer_max_window_bits, no_context, peer_no_context)| {
            let mut config = DeflateConfig::new();
            config.level = level;
            config.max_window_bits = max_window_bits;
            config.peer_max_window_bits = peer_max_window_bits;
            config.no_context_takeover = no_context;
            config.peer_no_context_takeover = peer_no_context;
            config
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(prop_cases(256)))]

    /// Client offer -> server `accept_offer` -> server response -> client
    /// agreement, through the bytes of both heads: the client agrees to
    /// what the server agreed to, seen from the other end.
    #[test]
    fn offer_answer_round_trip(
        client_config in config(),
        server_config in config(),
        other in proptest::option::of(Just("x-custom; mode=fast")),
        enabled in any::<bool>(),
    ) {
        let others: Vec<&str> = other.into_iter().collect();
        let (request_text, client) = write(
            ClientRequest::new("h", "/").deflate(&client_config).extensions(&others),
        );
        let mut headers = [EMPTY_HTTP_HEADER; 16];
        let request = ServerHandshake::new()
            .receive_request(request_text.as_bytes(), &mut headers)
            .unwrap()
            .complete()
            .unwrap();
        prop_assert!(request.offers_extension("permessage-deflate"));
        let server_side = server_config
            .accept_offer(request.extensions())
            .filter(|_| enabled);
        prop_assert_eq!(server_side.is_some(), enabled, "every valid offer is accepted");
        let accept = HandshakeAccept::new()
            .deflate(server_side.as_ref())
            .extensions(&others);
        let mut out = [0u8; 512];
        let n = request.accept(&accept, &mut out).unwrap();

        let mut headers = [EMPTY_HTTP_HEADER; 16];
        let response = client.receive_response(&out[..n], &mut headers).unwrap().complete().unwrap();
        let client_side = client.validate(&response).unwrap().deflate(&client_config).unwrap();
        let Some(server_side) = server_side else {
            prop_assert_eq!(client_side, None);
            return Ok(());
        };
        let client_side = client_side.expect("the server accepted");

        // The same agreement as the parameter-level check of the answer.
        let answer = server_side.response();
        let element = parse_extensions(answer.as_str().as_bytes()).next().unwrap().unwrap();
        prop_assert_eq!(Ok(client_side), client_config.accept_response(&element));

        prop_assert_eq!(client_side.role(), Role::Client);
        prop_assert_eq!(server_side.role(), Role::Server);
        prop_assert_eq!(client_side.params(), server_side.params());
        prop_assert_eq!(client_side.peer_window_bits(), server_side.compress_window_bits());
        prop_assert!(client_side.compress_window_bits() <= server_side.peer_window_bits());
        prop_assert_eq!(
            client_side.peer_no_context_takeover(),
            server_side.compress_no_context_takeover()
        );
        prop_assert!(
            !server_side.peer_no_context_takeover() || client_side.compress_no_context_takeover()
        );
        prop_assert_eq!(client_side.level(), client_config.level);
        prop_assert_eq!(server_side.level(), server_config.level);
    }
}
