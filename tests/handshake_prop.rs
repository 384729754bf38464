//! Property tests for the opening handshake: client ⇄ server round trips,
//! single mutations of a valid request, the §9.1 parser against a model,
//! and no panics on arbitrary input.

mod common;

use common::prop_cases;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use proptest::prelude::*;
use proptest::sample::{subsequence, Index};

use rfc6455::handshake::parse_extensions;
use rfc6455::{
    ClientRequest, HandshakeAccept, HandshakeError, ServerHandshake, Status, EMPTY_HTTP_HEADER,
};

const EXTENSION_OFFERS: [&str; 4] = [
    "permessage-deflate; client_max_window_bits",
    "permessage-deflate",
    "x-foo; a=1; b=\"2\"",
    "x-bar",
];

fn token() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9!#$%&'*+.^_`|~-]{1,12}"
}

fn unique(mut items: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    items.retain(|item| seen.insert(item.clone()));
    items
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(prop_cases(512)))]

    /// A request written by the client is accepted by the server with the
    /// same parts, and the server's answer validates on the client.
    #[test]
    fn client_and_server_round_trip(
        host in "[a-z][a-z0-9-]{0,15}(\\.[a-z][a-z0-9]{0,8}){0,3}(:[0-9]{1,5})?",
        target in "/[A-Za-z0-9._~/-]{0,30}(\\?[A-Za-z0-9=&%]{0,20})?",
        origin in proptest::option::of("https://[a-z]{1,10}\\.example"),
        protocols in proptest::collection::vec(token(), 0..5).prop_map(unique),
        extensions in subsequence(EXTENSION_OFFERS.to_vec(), 0..=4),
        nonce in any::<[u8; 16]>(),
        pick in any::<Index>(),
        accept_extension in any::<bool>(),
        trailing in proptest::collection::vec(any::<u8>(), 0..16),
    ) {
        let protocol_refs: Vec<&str> = protocols.iter().map(String::as_str).collect();
        let mut request = ClientRequest::new(&host, &target)
            .protocols(&protocol_refs)
            .extensions(&extensions);
        if let Some(origin) = &origin {
            request = request.origin(origin);
        }
        let mut wire = vec![0u8; 1024];
        let client = request.write(&nonce, &mut wire).unwrap();
        wire.truncate(client.request_len());
        wire.extend_from_slice(&trailing);

        let mut headers = [EMPTY_HTTP_HEADER; 16];
        let parsed = ServerHandshake::new().receive_request(&wire, &mut headers).unwrap();
        let Status::Complete(server) = parsed else { panic!("partial") };
        prop_assert_eq!(server.head_len(), client.request_len());
        prop_assert_eq!(server.host(), host.as_bytes());
        prop_assert_eq!(server.target(), target.as_str());
        prop_assert_eq!(server.origin(), origin.as_deref().map(str::as_bytes));
        prop_assert_eq!(server.protocols().collect::<Vec<_>>(), protocol_refs.clone());
        let offered: Vec<&str> = server.extensions().map(|e| e.as_str()).collect();
        prop_assert_eq!(&offered, &extensions);

        let chosen = (!protocol_refs.is_empty()).then(|| protocol_refs[pick.index(protocol_refs.len())]);
        let accepted: Vec<&str> = if accept_extension {
            offered.iter().take(1).map(|e| e.split(';').next().unwrap()).collect()
        } else {
            vec![]
        };
        let mut answer = vec![0u8; 512];
        let n = server
            .accept(&HandshakeAccept::new().protocol(chosen).extensions(&accepted), &mut answer)
            .unwrap();
        answer.truncate(n);
        answer.extend_from_slice(&trailing);

        let mut headers = [EMPTY_HTTP_HEADER; 16];
        let parsed = client.receive_response(&answer, &mut headers).unwrap();
        let Status::Complete(response) = parsed else { panic!("partial") };
        prop_assert_eq!(response.head_len(), n);
        let negotiated = client.validate(&response).unwrap();
        prop_assert_eq!(negotiated.protocol(), chosen);
        let names: Vec<&str> = negotiated.extensions().map(|e| e.name()).collect();
        prop_assert_eq!(names, accepted);
    }
}

/// One change to a valid request, and what it must yield.
#[derive(Debug, Clone)]
enum Mutation {
    Drop(&'static str),
    Method(String),
    HttpVersion10,
    Upgrade(String),
    Connection(Vec<String>),
    KeyBytes(Vec<u8>),
    KeyText(String),
    DuplicateKey,
    Version(u16),
    DuplicateHost,
}

const REQUIRED: [&str; 5] = [
    "Host",
    "Upgrade",
    "Connection",
    "Sec-WebSocket-Key",
    "Sec-WebSocket-Version",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        proptest::sample::select(REQUIRED.to_vec()).prop_map(Mutation::Drop),
        token()
            .prop_filter("not GET", |m| m != "GET")
            .prop_map(Mutation::Method),
        Just(Mutation::HttpVersion10),
        token()
            .prop_filter("not websocket", |t| !t.eq_ignore_ascii_case("websocket"))
            .prop_map(Mutation::Upgrade),
        proptest::collection::vec(token(), 1..4)
            .prop_filter("no upgrade", |ts| ts
                .iter()
                .all(|t| !t.eq_ignore_ascii_case("upgrade")))
            .prop_map(Mutation::Connection),
        proptest::collection::vec(any::<u8>(), 0..40)
            .prop_filter("not 16 bytes", |k| k.len() != 16)
            .prop_map(Mutation::KeyBytes),
        "[A-Za-z0-9+/=!*-]{0,30}"
            .prop_filter("not a valid key", |k| {
                STANDARD.decode_slice(k, &mut [0u8; 64]) != Ok(16)
            })
            .prop_map(Mutation::KeyText),
        Just(Mutation::DuplicateKey),
        any::<u16>()
            .prop_filter("not 13", |v| *v != 13)
            .prop_map(Mutation::Version),
        Just(Mutation::DuplicateHost),
    ]
}

impl Mutation {
    fn expected(&self) -> HandshakeError {
        use HandshakeError::*;
        match self {
            Mutation::Drop("Host") => MissingHost,
            Mutation::Drop("Upgrade") => MissingUpgrade,
            Mutation::Drop("Connection") => MissingConnectionUpgrade,
            Mutation::Drop("Sec-WebSocket-Key") => MissingKey,
            Mutation::Drop(_) => MissingVersion,
            Mutation::Method(_) => MethodNotGet,
            Mutation::HttpVersion10 => UnsupportedHttpVersion,
            Mutation::Upgrade(_) => MissingUpgrade,
            Mutation::Connection(_) => MissingConnectionUpgrade,
            Mutation::KeyBytes(_) | Mutation::KeyText(_) => InvalidKey,
            Mutation::DuplicateKey => DuplicateKey,
            Mutation::Version(_) => UnsupportedVersion,
            Mutation::DuplicateHost => DuplicateHost,
        }
    }

    fn apply(&self, lines: &mut Vec<String>) {
        let set = |lines: &mut Vec<String>, name: &str, line: String| {
            let at = lines
                .iter()
                .position(|l| l.starts_with(&format!("{name}:")))
                .unwrap();
            lines[at] = line;
        };
        match self {
            Mutation::Drop(name) => lines.retain(|l| !l.starts_with(&format!("{name}:"))),
            Mutation::Method(method) => lines[0] = format!("{method} /chat HTTP/1.1"),
            Mutation::HttpVersion10 => lines[0] = "GET /chat HTTP/1.0".into(),
            Mutation::Upgrade(token) => set(lines, "Upgrade", format!("Upgrade: {token}")),
            Mutation::Connection(tokens) => set(
                lines,
                "Connection",
                format!("Connection: {}", tokens.join(", ")),
            ),
            Mutation::KeyBytes(bytes) => set(
                lines,
                "Sec-WebSocket-Key",
                format!("Sec-WebSocket-Key: {}", encode(bytes)),
            ),
            Mutation::KeyText(text) => set(
                lines,
                "Sec-WebSocket-Key",
                format!("Sec-WebSocket-Key: {text}"),
            ),
            Mutation::DuplicateKey => {
                lines.push("Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==".into())
            }
            Mutation::Version(v) => set(
                lines,
                "Sec-WebSocket-Version",
                format!("Sec-WebSocket-Version: {v}"),
            ),
            Mutation::DuplicateHost => lines.push("Host: other.example".into()),
        }
    }
}

/// Base64 without the `alloc` feature of the base64 crate.
fn encode(bytes: &[u8]) -> String {
    let mut out = [0u8; 64];
    let n = STANDARD.encode_slice(bytes, &mut out).unwrap();
    String::from_utf8(out[..n].to_vec()).unwrap()
}

fn chrome_lines() -> Vec<String> {
    [
        "GET /chat HTTP/1.1",
        "Host: server.example.com",
        "Connection: Upgrade",
        "Pragma: no-cache",
        "Upgrade: websocket",
        "Origin: https://example.com",
        "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn to_bytes(lines: &[String]) -> Vec<u8> {
    let mut text = lines.join("\r\n");
    text.push_str("\r\n\r\n");
    text.into_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(prop_cases(512)))]

    /// Any single mutation of a valid request is rejected with the
    /// documented error and status.
    #[test]
    fn single_mutations_are_rejected(mutation in mutation(), shuffle in any::<Index>()) {
        let mut lines = chrome_lines();
        // Header order must not matter: rotate the header lines.
        let len = lines.len() - 1;
        lines[1..].rotate_left(shuffle.index(len));
        mutation.apply(&mut lines);
        let bytes = to_bytes(&lines);
        let mut headers = [EMPTY_HTTP_HEADER; 16];
        let result = ServerHandshake::new().receive_request(&bytes, &mut headers);
        let expected = mutation.expected();
        prop_assert_eq!(result.err(), Some(expected));
        let status = match expected {
            HandshakeError::MethodNotGet => 405,
            HandshakeError::UnsupportedVersion => 426,
            _ => 400,
        };
        prop_assert_eq!(expected.status(), status);
    }

    /// Random bytes, and random byte flips of a valid request, never panic;
    /// a complete head never claims more bytes than it was given.
    #[test]
    fn arbitrary_input_never_panics(
        noise in proptest::collection::vec(any::<u8>(), 0..300),
        flips in proptest::collection::vec((any::<Index>(), any::<u8>()), 1..4),
    ) {
        let mut headers = [EMPTY_HTTP_HEADER; 16];
        let server = ServerHandshake::new();
        if let Ok(Status::Complete(request)) = server.receive_request(&noise, &mut headers) {
            prop_assert!(request.head_len() <= noise.len());
        }
        let mut flipped = to_bytes(&chrome_lines());
        for (at, byte) in &flips {
            let i = at.index(flipped.len());
            flipped[i] = *byte;
        }
        let mut headers = [EMPTY_HTTP_HEADER; 16];
        if let Ok(Status::Complete(request)) = server.receive_request(&flipped, &mut headers) {
            prop_assert!(request.head_len() <= flipped.len());
            let _ = request.protocols().count();
            let _ = request.extensions().flat_map(|e| e.params()).count();
            let _ = request.accept(&HandshakeAccept::new(), &mut [0u8; 256]);
        }
        let _ = parse_extensions(&noise).count();
        let client = ClientRequest::new("h", "/").write(&[0; 16], &mut [0u8; 256]).unwrap();
        let mut headers = [EMPTY_HTTP_HEADER; 16];
        if let Ok(Status::Complete(response)) = client.receive_response(&noise, &mut headers) {
            prop_assert!(response.head_len() <= noise.len());
            let _ = client.validate(&response);
        }
    }
}

/// A parameter value in the model: the token, whether it is quoted, and
/// which of its characters are backslash-escaped.
type ModelValue = (String, bool, Vec<bool>);
type ModelExtension = (String, Vec<(String, Option<ModelValue>)>);

fn model_value() -> impl Strategy<Value = ModelValue> {
    (
        token(),
        any::<bool>(),
        proptest::collection::vec(any::<bool>(), 12),
    )
}

fn model() -> impl Strategy<Value = Vec<ModelExtension>> {
    let param = (token(), proptest::option::of(model_value()));
    let extension = (token(), proptest::collection::vec(param, 0..4));
    proptest::collection::vec(extension, 0..5)
}

fn ows() -> impl Strategy<Value = String> {
    "[ \t]{0,2}"
}

/// Serialises the model, with `pad` supplying optional whitespace.
fn serialise(model: &[ModelExtension], pad: &mut impl Iterator<Item = String>) -> String {
    let mut pad = move || pad.next().unwrap_or_default();
    let mut out = String::new();
    for (i, (name, params)) in model.iter().enumerate() {
        if i > 0 {
            out += &format!("{},{}", pad(), pad());
        }
        out += name;
        for (pname, value) in params {
            out += &format!("{};{}{}", pad(), pad(), pname);
            if let Some((value, quoted, escapes)) = value {
                out += &format!("{}={}", pad(), pad());
                if *quoted {
                    out.push('"');
                    for (c, escape) in value
                        .chars()
                        .zip(escapes.iter().chain(std::iter::repeat(&false)))
                    {
                        if *escape {
                            out.push('\\');
                        }
                        out.push(c);
                    }
                    out.push('"');
                } else {
                    out += value;
                }
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(prop_cases(512)))]

    /// The §9.1 parser recovers the model from any valid serialisation.
    #[test]
    fn extension_grammar_matches_model(
        model in model(),
        pads in proptest::collection::vec(ows(), 64),
    ) {
        let text = serialise(&model, &mut pads.into_iter());
        let parsed: Vec<_> = parse_extensions(text.as_bytes()).collect::<Result<_, _>>()
            .map_err(|e| TestCaseError::fail(format!("{e} in {text:?}")))?;
        prop_assert_eq!(parsed.len(), model.len());
        for (extension, (name, params)) in parsed.iter().zip(&model) {
            prop_assert_eq!(extension.name(), name.as_str());
            let got: Vec<_> = extension.params().collect();
            prop_assert_eq!(got.len(), params.len());
            for (param, (pname, value)) in got.iter().zip(params) {
                prop_assert_eq!(param.name(), pname.as_str());
                match (param.value(), value) {
                    (None, None) => {}
                    (Some(got), Some((value, quoted, _))) => {
                        prop_assert_eq!(got.is_quoted(), *quoted);
                        prop_assert!(got.eq_token(value));
                        let mut buf = [0u8; 16];
                        prop_assert_eq!(got.unescape_into(&mut buf).unwrap(), value.as_str());
                    }
                    _ => prop_assert!(false, "value mismatch in {:?}", text),
                }
            }
        }
    }
}
