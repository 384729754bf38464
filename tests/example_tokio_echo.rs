//! The tokio echo server example (`examples/tokio_echo.rs`), run as a real
//! binary and driven over loopback by clients on the engine: messages of
//! every size and kind come back unchanged, Pings are answered, protocol
//! errors get their close code, the close handshake completes, and several
//! connections are served at once.
#![cfg(feature = "alloc")] // the test client reads whole messages

mod common;

use std::thread;

use common::examples::ExampleServer;
use common::ws_client::{Received, WsClient};
use rfc6455::Opcode;

fn server() -> ExampleServer {
    ExampleServer::start("tokio_echo", "tokio echo server listening on ws://")
}

#[test]
fn messages_of_every_size_come_back_unchanged() {
    let server = server();
    let mut client = WsClient::connect(server.address, "/", &[]);
    let big: Vec<u8> = (0..3 << 20).map(|i: u32| (i * 7 % 251) as u8).collect();
    for size in [
        0usize,
        1,
        125,
        126,
        4096,
        4097,
        65535,
        65536,
        1 << 20,
        3 << 20,
    ] {
        client.send_binary(&big[..size]);
        assert_eq!(
            client.next(),
            Received::Binary(big[..size].to_vec()),
            "{size} bytes"
        );
    }
    let text = "héllo wörld ✓ 𝄞 ".repeat(5000);
    client.send_text(&text);
    assert_eq!(client.next(), Received::Text(text));
    client.send_text("");
    assert_eq!(client.next(), Received::Text(String::new()));
    client.send_close(1000, "done");
    // The automatic reply echoes the code, not the reason.
    assert_eq!(client.next(), Received::Close(Some(1000), String::new()));
    assert_eq!(client.next(), Received::Eof);
}

#[test]
fn fragments_with_pings_between_come_back_as_one_message() {
    let server = server();
    let mut client = WsClient::connect(server.address, "/", &[]);
    // "Hé" + "llo", split inside the é, with a Ping between the fragments.
    let bytes = "Héllo".as_bytes();
    client.send_frame(Opcode::Text, false, &bytes[..2]);
    client.send_frame(Opcode::Ping, true, b"are you there");
    client.send_frame(Opcode::Continuation, true, &bytes[2..]);
    assert_eq!(client.next(), Received::Pong(b"are you there".to_vec()));
    assert_eq!(client.next(), Received::Text("Héllo".into()));
}

#[test]
fn protocol_errors_get_their_close_code() {
    let server = server();
    // Invalid UTF-8 in a text message: 1007.
    let mut client = WsClient::connect(server.address, "/", &[]);
    client.send_frame(Opcode::Binary, true, b"fine");
    assert_eq!(client.next(), Received::Binary(b"fine".to_vec()));
    client.send_raw(&[0x81, 0x82, 0, 0, 0, 0, 0xC3, 0x28]);
    assert!(matches!(client.next(), Received::Close(Some(1007), _)));
    assert_eq!(client.next(), Received::Eof);
    // An unmasked frame from a client: 1002.
    let mut client = WsClient::connect(server.address, "/", &[]);
    client.send_raw(&[0x82, 0x01, 0xFF]);
    assert!(matches!(client.next(), Received::Close(Some(1002), _)));
    assert_eq!(client.next(), Received::Eof);
}

#[test]
fn a_bad_upgrade_request_is_refused() {
    use std::io::{Read, Write};
    let server = server();
    let mut stream = std::net::TcpStream::connect(server.address).expect("connect");
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 8\r\n\r\n")
        .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    assert!(response.starts_with("HTTP/1.1 426"), "{response}");
    assert!(response.contains("Sec-WebSocket-Version: 13"), "{response}");
}

#[test]
fn connections_are_served_at_once() {
    let server = server();
    let address = server.address;
    let clients: Vec<_> = (0..8)
        .map(|i| {
            thread::spawn(move || {
                let mut client = WsClient::connect(address, "/", &[]);
                for j in 0..50 {
                    let text = format!("client {i} message {j}");
                    client.send_text(&text);
                    assert_eq!(client.next(), Received::Text(text));
                }
                client.send_close(1000, "");
                assert_eq!(client.next(), Received::Close(Some(1000), String::new()));
            })
        })
        .collect();
    for client in clients {
        client.join().expect("a client failed");
    }
}
