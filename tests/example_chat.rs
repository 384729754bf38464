//! The `chat_server` example, end to end: the real binary on a free
//! loopback port, driven by clients built on this crate (see
//! `chat_support`). Auth and origin checks, the page, rooms and broadcast
//! order, notices, the ticker, error replies, the size limit and a slow
//! client.

// The example and these clients use whole-message reading, behind `alloc`.
#![cfg(feature = "std")]

mod chat_support;
mod common;

use std::time::Duration;

use chat_support::{join_in_turn, raw_request, token, ChatClient, ChatServer, Incoming};
use serde_json::{json, Value};

/// Long enough for a stray broadcast to arrive on loopback.
const QUIET: Duration = Duration::from_millis(300);

/// A minimal WebSocket upgrade request for raw-HTTP checks.
fn upgrade_request(server: &ChatServer, target: &str, extra: &str) -> String {
    format!(
        "GET {target} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n",
        server.addr
    )
}

#[test]
fn the_page_is_served_at_root_and_other_paths_are_404() {
    let server = ChatServer::start(&[]);
    let page = raw_request(
        server.addr,
        &format!("GET / HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr),
    );
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.body, include_bytes!("../examples/chat.html"));

    let missing = raw_request(
        server.addr,
        &format!("GET /nope HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr),
    );
    assert_eq!(missing.status, 404);
    // A WebSocket upgrade on a path other than /ws is not upgraded either.
    let wrong_path = raw_request(server.addr, &upgrade_request(&server, "/chat", ""));
    assert_eq!(wrong_path.status, 404);

    let post = raw_request(
        server.addr,
        &format!(
            "POST / HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\n\r\n",
            server.addr
        ),
    );
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET"));

    // A plain GET of /ws is a broken WebSocket handshake: the engine's 400.
    let plain = raw_request(
        server.addr,
        &format!("GET /ws HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr),
    );
    assert_eq!(plain.status, 400);
}

#[test]
fn a_token_in_the_header_or_the_query_is_accepted() {
    let server = ChatServer::start(&[]);
    let mut alice = server.client("alice");
    let welcome = alice.recv();
    assert_eq!(welcome["type"], "welcome");
    assert_eq!(welcome["user"], "alice");

    // The scheme name is case-insensitive (RFC 6750 builds on RFC 9110 §11.1).
    let auth = format!("bearer {}", token("bob"));
    let mut bob = ChatClient::connect(server.addr, "/ws", None, &[("Authorization", &auth)])
        .expect("lowercase bearer");
    assert_eq!(bob.recv()["user"], "bob");

    // Browsers: the token in the query, percent-encoded, from the server's
    // own origin.
    let target = "/ws?room=x&token=d%26ve+tok%25n";
    let mut dave = ChatClient::connect(server.addr, target, Some(&server.origin()), &[])
        .expect("query token from the server's own page");
    let welcome = dave.recv();
    assert_eq!(welcome["user"], "dave");
    assert_ne!(welcome["id"], json!(null));
}

#[test]
fn missing_or_bad_tokens_get_401_and_no_upgrade() {
    let server = ChatServer::start(&[]);
    let basic = format!("Basic {}", token("alice"));
    let cases: [(&str, &[(&str, &str)]); 5] = [
        ("/ws", &[]),
        ("/ws", &[("Authorization", "Bearer wrong")]),
        ("/ws", &[("Authorization", &basic)]),
        ("/ws?token=wrong", &[]),
        // A prefix of a real token is not the token.
        ("/ws?token=alice", &[]),
    ];
    for (target, headers) in cases {
        let refused = ChatClient::connect(server.addr, target, None, headers)
            .err()
            .unwrap_or_else(|| panic!("{target} {headers:?} was accepted"));
        assert_eq!(refused.status, 401, "{target} {headers:?}");
        assert_eq!(
            refused.header("www-authenticate"),
            Some("Bearer realm=\"chat\"")
        );
        assert_eq!(refused.header("upgrade"), None);
        assert_eq!(refused.body, b"missing or invalid token\n");
    }
}

#[test]
fn pages_from_other_origins_get_403_and_no_upgrade() {
    let server = ChatServer::start(&["--origin", "http://chat.example:8080"]);
    let query = format!("/ws?token={}", token("alice"));
    for origin in ["http://evil.example", "null", "https://chat.example:8080"] {
        let refused = ChatClient::connect(server.addr, &query, Some(origin), &[])
            .err()
            .unwrap_or_else(|| panic!("{origin} was accepted"));
        assert_eq!(refused.status, 403, "{origin}");
        assert_eq!(refused.header("upgrade"), None);
        assert_eq!(refused.body, b"origin not allowed\n");
    }
    // The origin is checked before the token: a foreign page learns nothing.
    let refused = ChatClient::connect(server.addr, "/ws", Some("http://evil.example"), &[]);
    assert_eq!(refused.err().map(|r| r.status), Some(403));

    // The listed origin (in any case), and the server's own.
    for origin in [
        "http://chat.example:8080",
        "HTTP://Chat.Example:8080",
        &server.origin(),
    ] {
        let mut client = ChatClient::connect(server.addr, &query, Some(origin), &[])
            .unwrap_or_else(|r| panic!("{origin} refused: {r:?}"));
        assert_eq!(client.recv()["type"], "welcome");
    }
}

/// Reads `count` chat messages, skipping nothing else: notices would be a
/// failure here.
fn read_messages(client: &mut ChatClient, count: usize) -> Vec<Value> {
    (0..count)
        .map(|_| {
            let value = client.recv();
            assert_eq!(value["type"], "message", "{value}");
            value
        })
        .collect()
}

#[test]
fn room_members_see_the_same_messages_in_the_same_order_and_others_none() {
    let server = ChatServer::start(&[]);
    let (mut alice, mut bob, mut carol) = (
        server.client("alice"),
        server.client("bob"),
        server.client("carol"),
    );
    for client in [&mut alice, &mut bob, &mut carol] {
        assert_eq!(client.recv()["type"], "welcome");
    }
    alice.join("lobby");
    assert_eq!(
        without_ts(alice.recv()),
        json!({"type": "join", "room": "lobby", "user": "alice", "members": ["alice"]})
    );
    bob.join("lobby");
    let expected =
        json!({"type": "join", "room": "lobby", "user": "bob", "members": ["alice", "bob"]});
    assert_eq!(without_ts(alice.recv()), expected);
    assert_eq!(without_ts(bob.recv()), expected);
    carol.join("other");
    assert_eq!(carol.recv()["members"], json!(["carol"]));

    // Both talk at once, without waiting for each other.
    const EACH: usize = 50;
    for i in 0..EACH {
        alice.say("lobby", &format!("a{i}"));
        bob.say("lobby", &format!("b{i}"));
    }
    let seen_by_alice = read_messages(&mut alice, 2 * EACH);
    let seen_by_bob = read_messages(&mut bob, 2 * EACH);
    assert_eq!(seen_by_alice, seen_by_bob, "one order for every member");
    // Each sender's messages keep their order, with the sender's name.
    for (user, prefix) in [("alice", "a"), ("bob", "b")] {
        let texts: Vec<_> = seen_by_alice
            .iter()
            .filter(|m| m["from"] == user)
            .map(|m| m["text"].as_str().unwrap().to_string())
            .collect();
        let sent: Vec<_> = (0..EACH).map(|i| format!("{prefix}{i}")).collect();
        assert_eq!(texts, sent);
    }
    assert!(seen_by_alice
        .iter()
        .all(|m| m["room"] == "lobby" && m["ts"].is_u64()));
    carol.expect_silence(QUIET);

    // Carol's own room works, and only she hears it.
    carol.say("other", "anyone?");
    let heard = carol.recv();
    assert_eq!(
        (heard["from"].as_str(), heard["text"].as_str()),
        (Some("carol"), Some("anyone?"))
    );
    alice.expect_silence(QUIET);
    bob.expect_silence(QUIET);
}

/// A notice without its timestamp, which the test cannot know.
/// A notice without its timestamp, and with its member list sorted: the
/// server lists members in the order their connections registered, which
/// the test's connections do not control.
fn without_ts(mut value: Value) -> Value {
    assert!(value["ts"].is_u64(), "{value}");
    let object = value.as_object_mut().unwrap();
    object.remove("ts");
    if let Some(Value::Array(members)) = object.get_mut("members") {
        members.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    }
    value
}

#[test]
fn leaving_and_disconnecting_are_announced() {
    let server = ChatServer::start(&[]);
    let (mut alice, mut bob, mut carol) = (
        server.client("alice"),
        server.client("bob"),
        server.client("carol"),
    );
    for client in [&mut alice, &mut bob, &mut carol] {
        client.recv_type("welcome");
    }
    join_in_turn(&mut [&mut alice, &mut bob, &mut carol], "lobby");

    bob.leave("lobby");
    let left =
        json!({"type": "leave", "room": "lobby", "user": "bob", "members": ["alice", "carol"]});
    for client in [&mut alice, &mut bob, &mut carol] {
        assert_eq!(without_ts(client.recv()), left);
    }
    // Bob is out: he may not talk there, and hears nothing from it.
    bob.say("lobby", "still here?");
    assert_eq!(bob.recv()["code"], "not_a_member");
    alice.say("lobby", "bob has gone");
    assert_eq!(carol.recv()["text"], "bob has gone");
    assert_eq!(alice.recv()["text"], "bob has gone");
    bob.expect_silence(QUIET);
    bob.leave("lobby");
    assert_eq!(bob.recv()["code"], "not_a_member");

    // A clean close handshake: the server echoes 1000, then closes TCP.
    carol.send_close();
    assert_eq!(carol.close_code_then_eof(), Some(1000));
    assert_eq!(
        without_ts(alice.recv()),
        json!({"type": "leave", "room": "lobby", "user": "carol", "members": ["alice"]})
    );

    // A vanished TCP connection is announced too.
    bob.join("lobby");
    assert_eq!(alice.recv_type("join")["user"], "bob");
    bob.drop_tcp();
    assert_eq!(
        without_ts(alice.recv()),
        json!({"type": "leave", "room": "lobby", "user": "bob", "members": ["alice"]})
    );
    alice.say("lobby", "alone");
    assert_eq!(alice.recv()["text"], "alone");
}

#[test]
fn ticker_members_see_the_same_clock_values() {
    let server = ChatServer::start(&[]);
    let (mut alice, mut bob) = (server.client("alice"), server.client("bob"));
    alice.recv_type("welcome");
    bob.recv_type("welcome");
    // From bob's join notice on, every tick goes to both.
    join_in_turn(&mut [&mut alice, &mut bob], "ticker");

    let ticks =
        |client: &mut ChatClient| -> Vec<String> { (0..3).map(|_| client.recv_raw()).collect() };
    // The same bytes, so the same values: encoded once for all.
    let (seen_by_alice, seen_by_bob) = (ticks(&mut alice), ticks(&mut bob));
    assert_eq!(seen_by_alice, seen_by_bob);
    let stamps: Vec<u64> = seen_by_alice
        .iter()
        .map(|text| {
            let tick: Value = serde_json::from_str(text).unwrap();
            assert_eq!(tick["type"], "tick");
            assert_eq!(tick["room"], "ticker");
            tick["ts"].as_u64().unwrap()
        })
        .collect();
    for pair in stamps.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            (700..=1800).contains(&gap),
            "ticks {gap} ms apart: {stamps:?}"
        );
    }
}

#[test]
fn bad_requests_get_an_error_and_the_connection_stays_usable() {
    let server = ChatServer::start(&[]);
    let mut alice = server.client("alice");
    alice.recv_type("welcome");
    let bad: [(&str, &str); 7] = [
        ("{not json", "bad_json"),
        ("[1, 2", "bad_json"),
        (r#"{"type":"dance","room":"lobby"}"#, "unknown_type"),
        (r#"{"room":"lobby"}"#, "bad_request"),
        (r#"{"type":"join"}"#, "bad_request"),
        (
            r#"{"type":"message","room":"nowhere","text":"hi"}"#,
            "not_a_member",
        ),
        (r#"{"type":"join","room":""}"#, "bad_room"),
    ];
    for (text, code) in bad {
        alice.send_text(text);
        let reply = alice.recv();
        assert_eq!(reply["type"], "error", "{text}");
        assert_eq!(reply["code"], code, "{text}: {reply}");
        assert!(reply["detail"].is_string());
    }
    alice.send_binary(b"\x00\x01");
    assert_eq!(alice.recv()["code"], "binary_not_supported");
    // Pings are answered by the engine, through the writer thread.
    alice.send_ping(b"still there?");
    assert_eq!(alice.next(), Incoming::Pong(b"still there?".to_vec()));

    alice.join("lobby");
    assert_eq!(alice.recv()["type"], "join");
    alice.join("lobby");
    assert_eq!(alice.recv()["code"], "already_a_member");
    alice.say("lobby", "works");
    let message = alice.recv();
    assert_eq!(
        (message["type"].as_str(), message["text"].as_str()),
        (Some("message"), Some("works"))
    );
}

/// A `message` request padded to exactly `len` bytes of JSON, and its text.
fn message_of_len(room: &str, len: usize) -> (String, String) {
    let empty = json!({"type": "message", "room": room, "text": ""}).to_string();
    let text = "x".repeat(len - empty.len());
    let request = json!({"type": "message", "room": room, "text": text}).to_string();
    assert_eq!(request.len(), len);
    (request, text)
}

#[test]
fn a_message_over_the_limit_closes_with_1009_and_others_carry_on() {
    const LIMIT: usize = 64 * 1024;
    let server = ChatServer::start(&[]);
    let (mut alice, mut bob) = (server.client("alice"), server.client("bob"));
    for client in [&mut alice, &mut bob] {
        client.recv_type("welcome");
    }
    join_in_turn(&mut [&mut alice, &mut bob], "lobby");

    // Exactly the limit is fine.
    let (request, text) = message_of_len("lobby", LIMIT);
    alice.send_text(&request);
    assert_eq!(bob.recv()["text"].as_str(), Some(text.as_str()));
    assert_eq!(alice.recv()["text"].as_str(), Some(text.as_str()));

    // One byte more: the engine fails the connection with 1009.
    alice.send_text(&message_of_len("lobby", LIMIT + 1).0);
    assert_eq!(alice.close_code_then_eof(), Some(1009));

    assert_eq!(
        without_ts(bob.recv()),
        json!({"type": "leave", "room": "lobby", "user": "alice", "members": ["bob"]})
    );
    bob.say("lobby", "unaffected");
    assert_eq!(bob.recv()["text"], "unaffected");
    let mut alice_again = server.client("alice");
    assert_eq!(alice_again.recv()["type"], "welcome");
}

#[test]
fn a_client_that_stops_reading_is_dropped_and_blocks_nobody() {
    let mut server = ChatServer::start(&[]);
    let (mut alice, mut bob, mut stalled) = (
        server.client("alice"),
        server.client("bob"),
        server.client("carol"),
    );
    for client in [&mut alice, &mut bob, &mut stalled] {
        client.recv_type("welcome");
    }
    join_in_turn(&mut [&mut alice, &mut bob, &mut stalled], "lobby");
    // Carol never reads again. Alice sends big messages, each read back by
    // alice and bob, until the server gives up on carol: her socket buffers
    // and her bounded queue fill, and she is disconnected.
    let chunk = "y".repeat(60 * 1024);
    let mut carol_left = [false, false];
    let mut sent = 0;
    while !carol_left.iter().all(|&left| left) {
        assert!(sent < 2000, "carol was never dropped");
        alice.say("lobby", &chunk);
        sent += 1;
        for (client, left) in [&mut alice, &mut bob].into_iter().zip(&mut carol_left) {
            loop {
                let value = client.recv();
                match value["type"].as_str() {
                    Some("message") => break,
                    Some("leave") if value["user"] == "carol" => *left = true,
                    _ => panic!("unexpected {value}"),
                }
            }
        }
    }
    // Her queue holds 256 frames on top of what the sockets buffer: she was
    // given that much slack before being dropped.
    assert!(sent > 256, "carol was dropped after only {sent} messages");
    alice.say("lobby", "after carol");
    assert_eq!(bob.recv()["text"], "after carol");
    assert!(server.is_running());
    drop(stalled);
}
