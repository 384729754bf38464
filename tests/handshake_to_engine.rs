//! Both roles complete the opening handshake against each other in memory,
//! hand the bytes that followed each head to the connection machine, and
//! exchange messages and the close handshake through the engine.

mod common;

use common::{counter_keys, feed, Seen};
use rfc6455::{
    ClientRequest, CloseCode, Config, Connection, ConnectionState, HandshakeAccept, MessageKind,
    ServerHandshake, Status, EMPTY_HTTP_HEADER,
};

#[test]
fn handshake_then_messages_with_early_frames_in_the_same_read() {
    // Client: the request, with its first frame sent right behind it.
    let mut wire = [0u8; 1024];
    let request =
        ClientRequest::new("example.com:8080", "/chat?room=7").protocols(&["v2.chat", "v1.chat"]);
    let handshake = request.write(&[7; 16], &mut wire).unwrap();
    let mut to_server = wire[..handshake.request_len()].to_vec();
    let mut client = Connection::client(Config::default(), counter_keys(11));
    let mut out = [0u8; 256];
    let n = client.send_text("first", &mut out).unwrap();
    to_server.extend_from_slice(&out[..n]);

    // Server: parse, choose a subprotocol, answer, keep the leftover bytes.
    let mut headers = [EMPTY_HTTP_HEADER; 16];
    let Status::Complete(req) = ServerHandshake::new()
        .receive_request(&to_server, &mut headers)
        .unwrap()
    else {
        panic!("request incomplete");
    };
    assert_eq!(req.path(), "/chat");
    assert_eq!(req.query(), Some("room=7"));
    let chosen = req.protocols().find(|p| *p == "v1.chat");
    let mut to_client = vec![0u8; 512];
    let len = req
        .accept(&HandshakeAccept::new().protocol(chosen), &mut to_client)
        .unwrap();
    to_client.truncate(len);
    let leftover = to_server[req.head_len()..].to_vec();
    let mut server = Connection::server(Config::default());
    let got = feed(&mut server, &leftover, &[]);
    assert_eq!(
        got.events,
        [Seen::Message(MessageKind::Text, b"first".to_vec(), 1)]
    );

    // The server's first message rides behind the 101 response.
    let n = server.send_binary(&[1, 2, 3], &mut out).unwrap();
    to_client.extend_from_slice(&out[..n]);
    let mut headers = [EMPTY_HTTP_HEADER; 16];
    let Status::Complete(response) = handshake
        .receive_response(&to_client, &mut headers)
        .unwrap()
    else {
        panic!("response incomplete");
    };
    let negotiated = handshake.validate(&response).unwrap();
    assert_eq!(negotiated.protocol(), Some("v1.chat"));
    let got = feed(&mut client, &to_client[response.head_len()..], &[]);
    assert_eq!(
        got.events,
        [Seen::Message(MessageKind::Binary, vec![1, 2, 3], 1)]
    );

    // Close from the client; the server's reply completes it.
    let n = client
        .send_close(Some(CloseCode::NORMAL), "done", &mut out)
        .unwrap();
    let got = feed(&mut server, &out[..n], &[]);
    assert_eq!(got.events, [Seen::Close(Some(1000), "done".into())]);
    let back = feed(&mut client, &got.transmit, &[]);
    assert_eq!(back.events, [Seen::Close(Some(1000), String::new())]);
    assert_eq!(
        (client.state(), server.state()),
        (ConnectionState::Closed, ConnectionState::Closed)
    );
}

#[test]
fn connection_is_fixed_size_and_small() {
    // Documented in README: a server connection is about 500 bytes.
    let server = core::mem::size_of::<Connection>();
    assert!(server < 1024, "Connection is {server} bytes");
}
