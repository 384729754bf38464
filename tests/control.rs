//! Control frames: the automatic Pong and Close replies, their switches,
//! and how they interact with what the application sends.

mod common;

use common::{client_frame, feed, Seen};
use rfc6455::{CloseCode, Config, Connection, ConnectionState, Event, SendError, UsageError};

#[test]
fn an_application_pong_never_replaces_the_automatic_reply() {
    let mut server = Connection::server(Config::default());
    let mut ping = client_frame(true, 9, b"probe");
    let received = server.receive(&mut ping).unwrap();
    assert!(matches!(received.event, Some(Event::Ping(p)) if &*p == b"probe"));
    let mut out = [0u8; 64];
    let n = server.send_pong(b"heartbeat", &mut out).unwrap();
    assert_eq!(&out[..n], b"\x8a\x09heartbeat");
    assert!(server.wants_transmit());
    let n = server.poll_transmit(&mut out).unwrap();
    assert_eq!(&out[..n], b"\x8a\x05probe");
    assert_eq!(server.poll_transmit(&mut out), Ok(0));
}

#[test]
fn only_the_latest_unanswered_ping_is_answered() {
    // RFC 6455 §5.5.3 allows answering only the most recent Ping.
    let mut server = Connection::server(Config::default());
    for payload in [&b"one"[..], b"two"] {
        let mut ping = client_frame(true, 9, payload);
        let _ = server.receive(&mut ping).unwrap();
    }
    let mut out = [0u8; 64];
    let n = server.poll_transmit(&mut out).unwrap();
    assert_eq!(&out[..n], b"\x8a\x03two");
}

#[test]
fn auto_pong_can_be_turned_off() {
    let mut config = Config::default();
    config.auto_pong = false;
    let got = feed(
        &mut Connection::server(config),
        &client_frame(true, 9, b"x"),
        &[],
    );
    assert_eq!(got.events, [Seen::Ping(b"x".to_vec())]);
    assert!(got.transmit.is_empty());
}

#[test]
fn close_reply_echoes_the_code_after_a_pending_pong() {
    let mut server = Connection::server(Config::default());
    let mut input = client_frame(true, 9, b"p");
    input.extend(client_frame(true, 8, &[0x0F, 0xA0, b'b', b'y', b'e'])); // 4000 "bye"
    let mut pos = 0;
    while pos < input.len() {
        let r = server.receive(&mut input[pos..]).unwrap();
        pos += r.consumed;
    }
    let mut out = [0u8; 300];
    let n = server.poll_transmit(&mut out).unwrap();
    // §5.5.2: the Ping came before the Close, so it is answered, before our Close.
    assert_eq!(&out[..n], b"\x8a\x01p\x88\x02\x0f\xa0");
    assert_eq!(server.state(), ConnectionState::Closed);
    assert!(server.should_close_transport());
}

#[test]
fn empty_close_is_answered_with_an_empty_close() {
    let got = feed(
        &mut Connection::server(Config::default()),
        &client_frame(true, 8, b""),
        &[],
    );
    assert_eq!(got.events, [Seen::Close(None, String::new())]);
    assert_eq!(got.transmit, b"\x88\x00");
}

#[test]
fn without_auto_reply_the_application_answers_the_close() {
    let mut config = Config::default();
    config.auto_close_reply = false;
    let mut server = Connection::server(config);
    let got = feed(
        &mut server,
        &client_frame(true, 8, &1000u16.to_be_bytes()),
        &[],
    );
    assert_eq!(got.events, [Seen::Close(Some(1000), String::new())]);
    assert!(got.transmit.is_empty());
    assert_eq!(server.state(), ConnectionState::CloseReceived);
    assert!(!server.should_close_transport());
    // It may still finish what it was sending, then answers.
    let mut out = [0u8; 64];
    let n = server.send_text("last words", &mut out).unwrap();
    assert!(n > 0);
    let n = server
        .send_close(Some(CloseCode::NORMAL), "", &mut out)
        .unwrap();
    assert_eq!(&out[..n], b"\x88\x02\x03\xe8");
    assert_eq!(server.state(), ConnectionState::Closed);
    assert_eq!(
        server.send_text("x", &mut out),
        Err(SendError::Usage(UsageError::AlreadyClosing))
    );
    // Input after the peer's Close is ignored.
    let mut late = client_frame(true, 1, b"ignored");
    let len = late.len();
    let r = server.receive(&mut late).unwrap();
    assert_eq!((r.consumed, r.event), (len, None));
}
