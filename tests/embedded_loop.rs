//! The embedded example's no_std loop (`examples/embedded_core/`), driven
//! in process: the whole script at every read size, and peers that break
//! the protocol, send garbage or corrupt echoes. A peer must never make the
//! loop panic, and every protocol error must go out as the right Close.

mod common;
#[allow(dead_code, unused_imports)] // the host example uses the rest
#[path = "../examples/embedded_core/mod.rs"]
mod embedded_core;
#[path = "../examples/embedded_host/mod.rs"]
mod embedded_host;

use std::convert::Infallible;
use std::thread;

use common::{client_frame, feed, frame, http_head, Seen};
use embedded_core::{
    serve, Buffers, DemoRng, Ending, LoopError, Outcome, ServerReport, Session, Step, Transport,
    SCRIPT,
};
use embedded_host::pipe::pipe;
use rfc6455::{
    ClientHandshakeError, ClientRequest, CloseCode, Config, Connection, Eof, HandshakeError,
    ProtocolError,
};

/// The nonce of every client here.
const NONCE: [u8; 16] = *b"embedded nonce!!";

#[test]
fn script_passes_at_every_read_size() {
    for max_read in [1, 3, 64, usize::MAX] {
        let (server_end, client_end) = pipe(max_read);
        let server = thread::spawn(move || {
            let mut transport = server_end;
            serve(&mut transport, &mut Buffers::new()).expect("server loop")
        });
        let outcomes = run_script(client_end);
        let report = server.join().expect("server thread");

        let sizes: Vec<usize> = message_payloads().map(|p| p.len()).collect();
        let mut expected_bytes = sizes.iter();
        for (step, outcome) in SCRIPT.iter().zip(&outcomes) {
            match (step, *outcome) {
                (
                    Step::Message(kind, _),
                    Outcome::Echoed {
                        kind: got,
                        bytes,
                        frames,
                    },
                ) => {
                    assert_eq!((got, Some(&bytes)), (*kind, expected_bytes.next()));
                    if max_read == 1 {
                        // One byte per read: every byte echoed as a frame.
                        assert_eq!(frames as usize, bytes, "read size 1");
                    }
                }
                (Step::Ping(payload), Outcome::Ponged { bytes }) => {
                    assert_eq!(bytes, payload.len())
                }
                (Step::Close(code, _), Outcome::Closed { code: got, eof }) => {
                    assert_eq!((got, eof), (Some(*code), Eof::Clean));
                }
                other => panic!("read size {max_read}: unexpected {other:?}"),
            }
        }
        let total: usize = sizes.iter().sum();
        assert_eq!(
            (
                report.messages as usize,
                report.bytes as usize,
                report.pings
            ),
            (sizes.len(), total, 1),
            "read size {max_read}: {report:?}"
        );
        assert_eq!(report.ending, Ending::Closed(Some(CloseCode::NORMAL)));
        if max_read == 1 {
            assert_eq!(report.frames as usize, total);
        }
    }
}

#[test]
fn server_answers_each_violation_with_its_close() {
    let too_large = [0x82, 0xFF, 0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 3, 4];
    let cases: [(Vec<u8>, ProtocolError); 9] = [
        (
            frame(true, 0x3, Some([1; 4]), b""),
            ProtocolError::ReservedOpcode(3),
        ),
        (frame(true, 0x1, None, b"hi"), ProtocolError::UnmaskedFrame),
        (
            client_frame(true, 0x1, b"ok \xff"),
            ProtocolError::InvalidUtf8,
        ),
        (
            client_frame(true, 0x0, b"x"),
            ProtocolError::UnexpectedContinuation,
        ),
        (
            client_frame(false, 0x9, b""),
            ProtocolError::FragmentedControlFrame,
        ),
        (
            client_frame(true, 0x8, b"\x03"),
            ProtocolError::ClosePayloadTooShort,
        ),
        (
            client_frame(true, 0x8, &1005u16.to_be_bytes()),
            ProtocolError::InvalidCloseCode(1005),
        ),
        (too_large.to_vec(), ProtocolError::FrameTooLarge),
        (
            [
                client_frame(false, 0x1, b"a"),
                client_frame(true, 0x2, b"b"),
            ]
            .concat(),
            ProtocolError::ExpectedContinuation,
        ),
    ];
    for (garbage, error) in cases {
        for max_read in [1, usize::MAX] {
            let input = [upgrade_request(), garbage.clone()].concat();
            let (report, output) = serve_replay(&input, max_read);
            assert_eq!(report.ending, Ending::Failed(error), "{error:?}");
            let frames = after_head(&output);
            // Whatever was echoed first, the Close with the code ends it.
            assert!(frames.ends_with(&close_frame(error)), "{error:?}");
            let seen = feed(
                &mut Connection::client(Config::default(), || [9; 4]),
                frames,
                &[],
            );
            let close = Seen::Close(Some(error.close_code().0), error.as_str().into());
            assert_eq!(seen.events.last(), Some(&close), "{error:?}");
            assert_eq!(seen.error, None, "the server's own frames are valid");
        }
    }
}

#[test]
fn invalid_utf8_after_a_valid_fragment_echoes_it_then_fails_with_1007() {
    let garbage = [
        client_frame(false, 0x1, "héllo".as_bytes()),
        client_frame(true, 0x0, b"\xc3("),
    ]
    .concat();
    let (report, output) = serve_replay(&[upgrade_request(), garbage].concat(), usize::MAX);
    assert_eq!(report.ending, Ending::Failed(ProtocolError::InvalidUtf8));
    assert_eq!((report.frames, report.messages), (1, 0));
    let expected = [
        frame(false, 0x1, None, "héllo".as_bytes()),
        frame(true, 0x8, None, b"\x03\xefinvalid UTF-8 in text message"),
    ]
    .concat();
    assert_eq!(after_head(&output), expected.as_slice());
}

#[test]
fn server_refuses_bad_upgrades_with_their_status() {
    let host = "Host: device.local";
    let key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==";
    let long = format!("X-Padding: {}", "a".repeat(embedded_core::INPUT_BUFFER));
    let many: Vec<String> = (0..embedded_core::MAX_HEADERS)
        .map(|i| format!("X-{i}: {i}"))
        .collect();
    let upgrade = ["Upgrade: websocket", "Connection: Upgrade"];
    let cases: [(Vec<u8>, HandshakeError); 6] = [
        (
            http_head(&["GET / HTTP/1.1", host, key]),
            HandshakeError::MissingUpgrade,
        ),
        (
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03".to_vec(),
            HandshakeError::MalformedHttp,
        ),
        (
            http_head(&["POST / HTTP/1.1", host]),
            HandshakeError::MethodNotGet,
        ),
        (
            http_head(&[
                "GET / HTTP/1.1",
                host,
                upgrade[0],
                upgrade[1],
                key,
                "Sec-WebSocket-Version: 8",
            ]),
            HandshakeError::UnsupportedVersion,
        ),
        (
            http_head(
                &[
                    &["GET / HTTP/1.1", host],
                    &many.iter().map(String::as_str).collect::<Vec<_>>()[..],
                ]
                .concat(),
            ),
            HandshakeError::TooManyHeaders,
        ),
        (
            http_head(&["GET / HTTP/1.1", host, &long]),
            HandshakeError::HeadTooLarge,
        ),
    ];
    for (request, error) in cases {
        for max_read in [1, usize::MAX] {
            let (report, output) = serve_replay(&request, max_read);
            assert_eq!(report.ending, Ending::Refused(error));
            assert_eq!(output, error.response(), "{error:?} ({})", error.status());
        }
    }
}

#[test]
fn server_survives_random_garbage() {
    let mut rng = DemoRng::new(6455);
    for round in 0..3000 {
        let len = (rng.next_u64() % 300) as usize;
        let mut garbage: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
        if round % 3 == 0 {
            // A plausible masked frame header, so deeper states are reached.
            garbage.splice(
                0..0,
                [
                    0x81 | (rng.next_u64() as u8 & 0x0F),
                    0x80 | (len as u8 & 0x7F),
                ],
            );
        }
        let handshake = round % 5 != 0;
        let input = if handshake {
            [upgrade_request(), garbage].concat()
        } else {
            garbage
        };
        let max_read = 1 + (rng.next_u64() % 40) as usize;
        let (report, output) = serve_replay(&input, max_read);
        match report.ending {
            Ending::Failed(error) => {
                let close = close_frame(error);
                let ends = after_head(&output).ends_with(&close);
                assert!(ends, "round {round}: no Close for {error:?} at the end");
            }
            Ending::Refused(error) => assert_eq!(output, error.response(), "round {round}"),
            Ending::Abnormal | Ending::Closed(_) => {}
        }
        assert!(handshake || !matches!(report.ending, Ending::Failed(_) | Ending::Closed(_)));
    }
}

#[test]
fn client_fails_a_masked_server_frame_with_1002() {
    let input = [
        accept_response(&accept_key()),
        frame(true, 0x1, Some([1, 2, 3, 4]), b"hi"),
    ]
    .concat();
    let (result, output) = client_replay(&input, |session| session.run(&SCRIPT[0]));
    assert_eq!(
        result,
        Err(LoopError::Ended(Ending::Failed(ProtocolError::MaskedFrame)))
    );
    // The client sent its message, then the Close of the error, masked.
    let mut server = Connection::server(Config::default());
    let seen = feed(&mut server, after_head(&output), &[]);
    let close = Seen::Close(Some(1002), ProtocolError::MaskedFrame.as_str().into());
    assert_eq!(seen.events.last(), Some(&close));
    assert_eq!((seen.events.len(), seen.error), (2, None));
}

#[test]
fn client_rejects_a_wrong_accept_key() {
    let input = accept_response("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    let (result, _) = client_replay(&input, |_| Ok(()));
    assert_eq!(
        result.err(),
        Some(LoopError::Handshake(ClientHandshakeError::AcceptMismatch))
    );
}

#[test]
fn client_reports_where_an_echo_differs() {
    let Step::Message(_, embedded_core::Payload::Bytes(text)) = SCRIPT[0] else {
        panic!("the script starts with a text message");
    };
    let mut corrupted = text.to_vec();
    corrupted[7] = b'#';
    let input = [
        accept_response(&accept_key()),
        frame(true, 0x1, None, &corrupted),
    ]
    .concat();
    let (result, _) = client_replay(&input, |session| session.run(&SCRIPT[0]));
    assert_eq!(result, Err(LoopError::Mismatch { offset: 7 }));
}

#[test]
fn client_reports_a_close_instead_of_an_echo() {
    let close = frame(true, 0x8, None, &1001u16.to_be_bytes());
    let input = [accept_response(&accept_key()), close].concat();
    let (result, output) = client_replay(&input, |session| session.run(&SCRIPT[3]));
    assert_eq!(
        result,
        Err(LoopError::Ended(Ending::Closed(Some(
            CloseCode::GOING_AWAY
        ))))
    );
    // The engine answered the Close by itself, echoing 1001.
    let seen = feed(
        &mut Connection::server(Config::default()),
        after_head(&output),
        &[],
    );
    assert_eq!(
        seen.events.last(),
        Some(&Seen::Close(Some(1001), String::new()))
    );
}

/// Runs the client on `transport` through the whole script.
fn run_script<T: Transport<Error = std::io::Error>>(mut transport: T) -> Vec<Outcome> {
    let mut buffers = Buffers::new();
    let keys = DemoRng::new(1);
    let mut session = Session::connect(
        &mut transport,
        &mut buffers,
        "device.local",
        "/echo",
        &NONCE,
        keys,
    )
    .expect("handshake");
    SCRIPT
        .iter()
        .map(|step| session.run(step).expect("step"))
        .collect()
}

/// The payloads of the script's messages.
fn message_payloads() -> impl Iterator<Item = embedded_core::Payload<'static>> {
    SCRIPT.iter().filter_map(|step| match step {
        Step::Message(_, payload) => Some(*payload),
        _ => None,
    })
}

/// Runs the server loop on recorded input; returns its report and output.
fn serve_replay(input: &[u8], max_read: usize) -> (ServerReport, Vec<u8>) {
    let mut transport = Replay::new(input, max_read);
    let report = serve(&mut transport, &mut Buffers::new()).expect("the server loop never fails");
    (report, transport.output)
}

/// Connects a client to recorded server bytes and runs `then` on the session.
fn client_replay<R>(
    input: &[u8],
    then: impl FnOnce(&mut Session<'_, Replay, DemoRng>) -> Result<R, LoopError<Infallible>>,
) -> (Result<R, LoopError<Infallible>>, Vec<u8>) {
    let mut transport = Replay::new(input, usize::MAX);
    let mut buffers = Buffers::new();
    let result = Session::connect(
        &mut transport,
        &mut buffers,
        "device.local",
        "/echo",
        &NONCE,
        DemoRng::new(2),
    )
    .and_then(|mut session| then(&mut session));
    (result, transport.output)
}

/// A valid upgrade request.
fn upgrade_request() -> Vec<u8> {
    let mut out = [0; 512];
    let handshake = ClientRequest::new("device.local", "/echo")
        .write(&NONCE, &mut out)
        .expect("request");
    out[..handshake.request_len()].to_vec()
}

/// The `Sec-WebSocket-Accept` value for [`NONCE`].
fn accept_key() -> String {
    let mut out = [0; 512];
    let handshake = ClientRequest::new("device.local", "/echo")
        .write(&NONCE, &mut out)
        .expect("request");
    handshake.expected_accept().to_string()
}

/// A 101 response carrying `key`.
fn accept_response(key: &str) -> Vec<u8> {
    let accept = format!("Sec-WebSocket-Accept: {key}");
    http_head(&[
        "HTTP/1.1 101 Switching Protocols",
        "Upgrade: websocket",
        "Connection: Upgrade",
        &accept,
    ])
}

/// The server's Close for `error`: its code, and its text as the reason.
fn close_frame(error: ProtocolError) -> Vec<u8> {
    let mut payload = error.close_code().0.to_be_bytes().to_vec();
    payload.extend_from_slice(error.as_str().as_bytes());
    frame(true, 0x8, None, &payload)
}

/// The bytes after the HTTP head at the start of `bytes`.
fn after_head(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP head");
    &bytes[end + 4..]
}

/// Recorded peer bytes in, at most `max_read` per read; output collected.
struct Replay {
    input: Vec<u8>,
    read_at: usize,
    max_read: usize,
    output: Vec<u8>,
}

impl Replay {
    fn new(input: &[u8], max_read: usize) -> Self {
        Self {
            input: input.to_vec(),
            read_at: 0,
            max_read,
            output: Vec::new(),
        }
    }
}

impl Transport for Replay {
    type Error = Infallible;

    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        let rest = &self.input[self.read_at..];
        let n = rest.len().min(buf.len()).min(self.max_read);
        buf[..n].copy_from_slice(&rest[..n]);
        self.read_at += n;
        Ok(n)
    }

    fn write_all(&mut self, bytes: &[u8]) -> Result<(), Infallible> {
        self.output.extend_from_slice(bytes);
        Ok(())
    }
}
