//! The interactive client example (`examples/client.rs`), run as a real
//! binary with a piped stdin against the echo server example, a server
//! that rejects the handshake, a port nobody listens on, and a server built
//! on the engine that picks a subprotocol, breaks the protocol or hangs up:
//! everything over loopback TCP, every wait bounded.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ChildStdin;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use common::examples::{ExampleServer, Process};

use rfc6455::{
    Config, Connection, Event, HandshakeAccept, ServerHandshake, Status, EMPTY_HTTP_HEADER,
};

/// The longest any one expected line may take to appear.
const STEP_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest the client may take to exit after `quit` or end of input
/// (its own bound on the close handshakes is 6 s).
const EXIT_TIMEOUT: Duration = Duration::from_secs(15);

#[test]
fn piped_script_runs_to_the_end() {
    let echo = ExampleServer::start("echo_server", "echo server listening on ws://");
    let mut client = Client::start();
    // The whole script at once, then end of input: the way a shell pipe
    // feeds it. Commands for connection 1 wait for its handshake.
    client.send_all(&[
        &format!("connect ws://{}/", echo.address),
        "send 1 hello",
        "send 1 héllo wörld ✓ — ünïcödé",
        "sendbin 1 00ff10",
        "frobnicate 1",
        "send 9 x",
        "close 1 1005",
        "close 1 abc",
        "close 1 1000 done",
    ]);
    let lines = client.finish();

    // No prompt and no greeting when stdin is a pipe.
    assert_eq!(lines[0], "created connection 1", "{lines:#?}");
    assert!(!lines.iter().any(|l| l.starts_with("> ")), "{lines:#?}");
    let position = |line: &str| {
        lines
            .iter()
            .position(|l| l == line)
            .unwrap_or_else(|| panic!("no line {line:?} in {lines:#?}"))
    };
    let open = position("connection 1 open");
    let echoes = [
        position("connection 1 << hello"),
        position("connection 1 << héllo wörld ✓ — ünïcödé"),
        position("connection 1 << (binary, 3 bytes) 00 ff 10"),
    ];
    position("error: unknown command \"frobnicate\" (type help for the list)");
    position("error: no connection 9 (list shows them)");
    position("error: cannot close: close code 1005 may not be sent; nothing was sent");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("error: \"abc\" is not a close code")),
        "{lines:#?}"
    );
    let close_sent = position("connection 1 >> close: code 1000, reason \"done\"");
    let close_echo = position("connection 1 << close: code 1000, reason \"\"");
    let closed = position("connection 1 closed: code 1000, reason \"\"");
    assert!(echoes.iter().all(|&at| open < at && at < close_echo));
    assert!(open < close_sent && close_sent < close_echo && close_echo < closed);
    // The refused codes sent nothing: one Close went out, and no error.
    let closes: Vec<_> = lines.iter().filter(|l| l.contains(">> close")).collect();
    assert_eq!(closes.len(), 1, "{lines:#?}");
    assert!(!lines.iter().any(|l| l.contains("failed")), "{lines:#?}");
}

#[test]
fn step_by_step_session_with_failures() {
    let echo = ExampleServer::start("echo_server", "echo server listening on ws://");
    let rejecting = RejectingServer::start();
    let refused = refused_port();
    let mut client = Client::start();

    client.send(&format!("connect ws://{}/", echo.address));
    client.expect("created connection 1");
    client.expect("connection 1 open");
    client.send("send 1 hello");
    client.expect("connection 1 << hello");
    let show = client.show(1);
    assert_eq!(
        show,
        [
            "connection 1".to_string(),
            format!("  uri:            ws://{}/", echo.address),
            "  status:         open".into(),
            "  server:         -".into(),
            "  subprotocol:    -".into(),
            "  extensions:     -".into(),
            "  messages:       2".into(),
            "    >> hello".into(),
            "    << hello".into(),
        ]
    );

    // A port nobody listens on: the connection fails, the loop goes on.
    client.send(&format!("connect ws://127.0.0.1:{refused}/"));
    client.expect("created connection 2");
    let failure = client.expect_prefix("connection 2 failed: ");
    assert!(
        failure.starts_with(&format!(
            "connection 2 failed: cannot connect to 127.0.0.1:{refused}: "
        )) && failure.to_lowercase().contains("refused"),
        "{failure}"
    );

    // A server that answers 401.
    client.send(&format!("connect ws://{}/private", rejecting.address));
    client.expect("created connection 3");
    client.expect("connection 3 failed: handshake rejected: HTTP 401 Unauthorized");
    let show = client.show(3);
    assert!(
        show.contains(&"  status:         failed".to_string()),
        "{show:#?}"
    );
    assert!(
        show.contains(&"  server:         reject-test/1.0".to_string()),
        "{show:#?}"
    );
    assert!(
        show.contains(&"  error:          handshake rejected: HTTP 401 Unauthorized".to_string())
    );
    let rejecting_address = rejecting.address;
    rejecting.join();

    // Input mistakes: one error line each.
    client.send("connect http://example.com/");
    client.expect("error: bad URI: not a ws:// URL: http://example.com/");
    client.send("connect");
    client.expect("error: usage: connect <ws-uri> [--protocol <name>]...");
    client.send("send 2 hi");
    client.expect("error: connection 2 has failed; nothing was sent");
    client.send("show 7");
    client.expect("error: no connection 7 (list shows them)");
    client.send("send x hi");
    client.expect("error: \"x\" is not a connection number; usage: send <N> <text>");
    client.send("sendbin 1 0g");
    client.expect("error: \"0g\" is not hex bytes (such as 00ff10)");
    for code in ["999", "1004", "1006", "1015", "1016", "2999", "5000"] {
        client.send(&format!("close 1 {code} nope"));
        client.expect(&format!(
            "error: cannot close: close code {code} may not be sent; nothing was sent"
        ));
    }
    client.send(&format!("close 1 1000 {}", "x".repeat(124)));
    client.expect("error: cannot close: close reason longer than 123 bytes; nothing was sent");
    // Still open after all that.
    client.send("send 1 still here");
    client.expect("connection 1 << still here");

    client.send("close 1 1000 see you");
    client.expect("connection 1 >> close: code 1000, reason \"see you\"");
    client.expect("connection 1 << close: code 1000, reason \"\"");
    client.expect("connection 1 closed: code 1000, reason \"\"");
    let show = client.show(1);
    assert_eq!(
        show[2..7],
        [
            "  status:         closed",
            "  server:         -",
            "  subprotocol:    -",
            "  extensions:     -",
            "  close sent:     code 1000, reason \"see you\"",
        ]
    );
    assert_eq!(show[7], "  close received: code 1000, reason \"\"");
    assert_eq!(
        show[8..],
        [
            "  messages:       4",
            "    >> hello",
            "    << hello",
            "    >> still here",
            "    << still here",
        ]
    );
    client.send("send 1 late");
    client.expect("error: connection 1 is closed; nothing was sent");
    client.send("list");
    client.expect(&format!("1 closed ws://{}/ (4 messages)", echo.address));
    client.expect(&format!("2 failed ws://127.0.0.1:{refused}/ (0 messages)"));
    client.expect(&format!(
        "3 failed ws://{}/private (0 messages)",
        rejecting_address
    ));
    client.send("quit");
    let rest = client.finish();
    assert!(rest.is_empty(), "nothing left to close: {rest:#?}");
    let transcript = client.lines;
    assert_eq!(
        transcript.iter().filter(|l| l.contains(">> close")).count(),
        1,
        "only the valid close went out: {transcript:#?}"
    );
}

#[test]
fn two_connections_at_once() {
    let echo = ExampleServer::start("echo_server", "echo server listening on ws://");
    let mut client = Client::start();
    client.send(&format!("connect ws://{}/one", echo.address));
    client.send(&format!("connect ws://{}/two", echo.address));
    // The two handshakes run at the same time: either may finish first.
    client.expect_each(&["connection 1 open", "connection 2 open"]);
    client.send("send 2 beta");
    client.send("send 1 alpha");
    client.expect_each(&["connection 1 << alpha", "connection 2 << beta"]);
    client.send("list");
    client.expect(&format!("1 open ws://{}/one (2 messages)", echo.address));
    client.expect(&format!("2 open ws://{}/two (2 messages)", echo.address));
    let one = client.show(1);
    let two = client.show(2);
    assert_eq!(
        one[6..],
        ["  messages:       2", "    >> alpha", "    << alpha"]
    );
    assert_eq!(
        two[6..],
        ["  messages:       2", "    >> beta", "    << beta"]
    );

    // Closing one leaves the other open.
    client.send("close 1");
    client.expect("connection 1 closed: no status code (1005)");
    client.send("send 2 gamma");
    client.expect("connection 2 << gamma");
    // Quit closes the one still open, cleanly, before exiting.
    client.send("quit");
    let rest = client.finish();
    let expected = [
        "connection 2 >> close: code 1000, reason \"quit\"",
        "connection 2 << close: code 1000, reason \"\"",
        "connection 2 closed: code 1000, reason \"\"",
    ];
    assert_eq!(rest, expected);
}

#[test]
fn shows_the_negotiated_subprotocol_and_server_header() {
    let server = FakeServer::start(&[answer_close]);
    let mut client = Client::start();
    client.send(&format!(
        "connect ws://{}/chat --protocol chat --protocol superchat",
        server.address
    ));
    client.expect("connection 1 open");
    let show = client.show(1);
    assert_eq!(
        show[3..6],
        [
            "  server:         fake-server/2.0",
            "  subprotocol:    superchat (offered: chat, superchat)",
            "  extensions:     -",
        ]
    );
    // A subprotocol name that is not an HTTP token never leaves the client.
    client.send(&format!("connect ws://{}/ --protocol a,b", server.address));
    let error = client.expect_prefix("error: ");
    assert!(error.contains("upgrade request"), "{error}");
    client.send("connect ws://x/ --protocol");
    client.expect("error: usage: connect <ws-uri> [--protocol <name>]...");
    // End of input works like quit.
    let rest = client.finish();
    assert_eq!(
        rest.last().map(String::as_str),
        Some("connection 1 closed: code 1000, reason \"\"")
    );
    server.join();
}

#[test]
fn server_failures_are_reported() {
    let server = FakeServer::start(&[send_reserved_opcode, hang_up]);
    let mut client = Client::start();
    client.send(&format!("connect ws://{}/", server.address));
    client.expect("connection 1 open");
    client.expect(
        "connection 1 failed: protocol error from the server: reserved opcode 0x3 \
         (we closed with 1002)",
    );
    let show = client.show(1);
    assert_eq!(
        show[2..],
        [
            "  status:         failed",
            "  server:         fake-server/2.0",
            "  subprotocol:    -",
            "  extensions:     -",
            "  close sent:     code 1002, reason \"reserved opcode\"",
            "  error:          protocol error from the server: reserved opcode 0x3 (we closed with 1002)",
            "  messages:       0",
        ]
    );
    client.send(&format!("connect ws://{}/", server.address));
    client.expect("connection 2 open");
    client.expect(
        "connection 2 failed: the server ended the TCP connection without a close handshake (1006)",
    );
    client.send("send 2 anyone?");
    client.expect("error: connection 2 has failed; nothing was sent");
    client.send("quit");
    assert_eq!(client.finish(), Vec::<String>::new());
    server.join();
}

/// The client example, driven line by line through a pipe.
struct Client {
    process: Process,
    stdin: Option<ChildStdin>,
    /// Every line it printed so far.
    lines: Vec<String>,
    /// How many of `lines` an `expect` has gone past.
    seen: usize,
}

impl Client {
    fn start() -> Self {
        let mut process = Process::spawn("client", &[]);
        let stdin = process.child.stdin.take();
        Self {
            process,
            stdin,
            lines: Vec::new(),
            seen: 0,
        }
    }

    /// Writes one command line.
    fn send(&mut self, line: &str) {
        self.send_all(&[line]);
    }

    /// Writes several command lines at once.
    fn send_all(&mut self, lines: &[&str]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        let text: String = lines.iter().map(|line| format!("{line}\n")).collect();
        stdin
            .write_all(text.as_bytes())
            .expect("write to the client");
        stdin.flush().expect("flush the client's stdin");
    }

    /// Waits for the first line after the last one expected that
    /// `matches`, and returns it.
    fn wait_for(&mut self, what: &str, matches: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + STEP_TIMEOUT;
        loop {
            if let Some(at) = self.lines[self.seen..].iter().position(|l| matches(l)) {
                self.seen += at + 1;
                return self.lines[self.seen - 1].clone();
            }
            match self.process.next_line(deadline) {
                Some(line) => self.lines.push(line),
                None => panic!("output ended before {what}: {:#?}", self.lines),
            }
        }
    }

    /// Waits for exactly `line`.
    fn expect(&mut self, line: &str) {
        self.wait_for(&format!("{line:?}"), |l| l == line);
    }

    /// Waits for all of `lines`, in any order.
    fn expect_each(&mut self, lines: &[&str]) {
        let start = self.seen;
        let mut end = start;
        for line in lines {
            self.seen = start;
            self.expect(line);
            end = end.max(self.seen);
        }
        self.seen = end;
    }

    /// Waits for a line starting with `prefix`, and returns it.
    fn expect_prefix(&mut self, prefix: &str) -> String {
        self.wait_for(&format!("a line starting {prefix:?}"), |l| {
            l.starts_with(prefix)
        })
    }

    /// Runs `show id` and returns its block (printed in one piece, so no
    /// other line can cut into it).
    fn show(&mut self, id: usize) -> Vec<String> {
        self.send(&format!("show {id}"));
        let header = format!("connection {id}");
        self.expect(&header);
        let mut block = vec![header];
        let deadline = Instant::now() + STEP_TIMEOUT;
        let next = |client: &mut Self| {
            let line = match client.lines.get(client.seen) {
                Some(line) => line.clone(),
                None => {
                    let line = client.process.next_line(deadline).expect("show output");
                    client.lines.push(line.clone());
                    line
                }
            };
            client.seen += 1;
            line
        };
        loop {
            let line = next(self);
            block.push(line.clone());
            if let Some(count) = line.strip_prefix("  messages:") {
                let count: usize = count.trim().parse().expect("message count");
                for _ in 0..count {
                    block.push(next(self));
                }
                return block;
            }
        }
    }

    /// Ends the input, waits for a successful exit, and returns the lines
    /// printed after the last one expected.
    fn finish(&mut self) -> Vec<String> {
        drop(self.stdin.take());
        let deadline = Instant::now() + EXIT_TIMEOUT;
        while let Some(line) = self.process.next_line(deadline) {
            self.lines.push(line);
        }
        let status = self.process.wait(deadline);
        assert!(status.success(), "client exit: {status}");
        let rest = self.lines[self.seen..].to_vec();
        self.seen = self.lines.len();
        rest
    }
}

/// A port with nothing listening on it: bound, then released.
fn refused_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("address").port()
}

/// Accepts one connection and answers its upgrade request with 401.
struct RejectingServer {
    address: SocketAddr,
    thread: JoinHandle<()>,
}

impl RejectingServer {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("address");
        let thread = thread::spawn(move || {
            let (mut stream, _) = listener.accept().expect("accept");
            stream.set_read_timeout(Some(STEP_TIMEOUT)).unwrap();
            let mut request = Vec::new();
            let mut buffer = [0u8; 1024];
            while !request.ends_with(b"\r\n\r\n") {
                let n = stream.read(&mut buffer).expect("read the request");
                assert!(n > 0, "the client left before the end of its request");
                request.extend_from_slice(&buffer[..n]);
            }
            assert!(request.starts_with(b"GET /private HTTP/1.1\r\n"));
            stream
                .write_all(
                    b"HTTP/1.1 401 Unauthorized\r\nServer: reject-test/1.0\r\n\
                      Content-Length: 12\r\n\r\nlog in first",
                )
                .expect("write the response");
        });
        Self { address, thread }
    }

    fn join(self) {
        self.thread.join().expect("the rejecting server panicked");
    }
}

/// What a [`FakeServer`] does with a connection after the handshake.
type Behaviour = fn(TcpStream, Vec<u8>, usize, usize);

/// A WebSocket server built on the engine, for what the echo server never
/// does: it chooses the subprotocol `superchat` when offered, names itself
/// in `Server`, and treats each connection it accepts, in turn, with the
/// next behaviour.
struct FakeServer {
    address: SocketAddr,
    thread: JoinHandle<()>,
}

impl FakeServer {
    fn start(behaviours: &[Behaviour]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("address");
        let behaviours = behaviours.to_vec();
        let thread = thread::spawn(move || {
            for behaviour in behaviours {
                let (mut stream, _) = listener.accept().expect("accept");
                stream.set_read_timeout(Some(STEP_TIMEOUT)).unwrap();
                let (input, start, end) = accept_handshake(&mut stream);
                behaviour(stream, input, start, end);
            }
        });
        Self { address, thread }
    }

    fn join(self) {
        self.thread.join().expect("the fake server panicked");
    }
}

/// Reads the upgrade request and accepts it. Returns the input buffer and
/// where the frames after the request start and end in it.
fn accept_handshake(stream: &mut TcpStream) -> (Vec<u8>, usize, usize) {
    let mut input = vec![0u8; 8192];
    let mut filled = 0;
    loop {
        let n = stream.read(&mut input[filled..]).expect("read the request");
        assert!(n > 0, "the client left during the handshake");
        filled += n;
        let mut headers = [EMPTY_HTTP_HEADER; 32];
        let request = match ServerHandshake::new().receive_request(&input[..filled], &mut headers) {
            Ok(Status::Partial) => continue,
            Ok(Status::Complete(request)) => request,
            Err(e) => panic!("bad request: {e}"),
        };
        let protocol = request.protocols().find(|p| *p == "superchat");
        let accept = HandshakeAccept::new()
            .protocol(protocol)
            .headers(&[("Server", "fake-server/2.0")]);
        let mut response = [0u8; 1024];
        let len = request.accept(&accept, &mut response).expect("accept");
        stream
            .write_all(&response[..len])
            .expect("write the response");
        let head_len = request.head_len();
        return (input, head_len, filled);
    }
}

/// Runs the engine until the close handshake is over.
fn answer_close(mut stream: TcpStream, mut input: Vec<u8>, mut start: usize, mut end: usize) {
    let _ = run_server(&mut stream, &mut input, &mut start, &mut end);
}

/// Sends a frame with the reserved opcode 0x3, and checks that the client
/// fails the connection with 1002 (RFC 6455 §5.2, §7.1.7).
fn send_reserved_opcode(mut stream: TcpStream, mut input: Vec<u8>, start: usize, end: usize) {
    stream.write_all(&[0x83, 0x00]).expect("write");
    let (mut start, mut end) = (start, end);
    let code = run_server(&mut stream, &mut input, &mut start, &mut end);
    assert_eq!(code, Some(1002));
}

/// Ends the TCP connection without a close handshake.
fn hang_up(stream: TcpStream, _: Vec<u8>, _: usize, _: usize) {
    drop(stream);
}

/// Feeds the engine until the close handshake is over or the client
/// leaves; returns the code of the client's Close, if one came.
fn run_server(
    stream: &mut TcpStream,
    input: &mut [u8],
    start: &mut usize,
    end: &mut usize,
) -> Option<u16> {
    let mut conn = Connection::server(Config::default());
    let mut out = [0u8; 512];
    let mut close_code = None;
    loop {
        while start < end {
            let received = conn
                .receive(&mut input[*start..*end])
                .expect("valid frames");
            *start += received.consumed;
            if let Some(Event::Close(frame)) = received.event {
                close_code = frame.code().map(u16::from);
            }
            let len = conn.poll_transmit(&mut out).expect("room for replies");
            stream.write_all(&out[..len]).expect("write");
        }
        if conn.should_close_transport() {
            return close_code; // the server closes TCP first (RFC 6455 §7.1.1)
        }
        (*start, *end) = (0, stream.read(input).expect("read"));
        if *end == 0 {
            return close_code;
        }
    }
}
