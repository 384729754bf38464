//! A guided tour: an echo server and a client, both built on the engine,
//! talk over loopback TCP while the client narrates what goes over the wire.
//!
//! ```text
//! cargo run --example demo
//! ```

mod support;

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

use rfc6455::{CloseCode, Config, Connection, Event, MaskKeySource, Message, MessageAssembler};
use support::blocking::{client_handshake, echo, emit, server_handshake, READ_BUFFER};
use support::random::OsRandom;
use support::url::WsUrl;

fn main() -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let address = listener.local_addr()?;
    println!("server: listening on ws://{address}");
    let server = thread::spawn(move || -> io::Result<()> {
        let (mut stream, _) = listener.accept()?;
        let mut input = vec![0u8; READ_BUFFER];
        if let Some((start, end, _)) = server_handshake(&mut stream, &mut input, None)? {
            echo(
                &mut stream,
                &mut Connection::server(Config::default()),
                &mut input,
                start,
                end,
            )?;
        }
        println!("server: connection done, TCP closed first (RFC 6455 §7.1.1)");
        Ok(())
    });

    let url = WsUrl::parse(&format!("ws://{address}/demo")).map_err(io::Error::other)?;
    let mut random = OsRandom::new()?;
    let mut client = Client {
        input: vec![0u8; READ_BUFFER],
        start: 0,
        end: 0,
        out: Vec::new(),
    };
    let (stream, start, end, _) = client_handshake(&url, random.nonce(), &mut client.input, None)?;
    (client.start, client.end) = (start, end);
    let mut stream = stream;
    println!("client: handshake done (101 Switching Protocols, Sec-WebSocket-Accept checked)");
    let mut conn = Connection::client(Config::default(), random.into_mask_keys());

    emit(&mut client.out, 64, |buf| {
        conn.send_text("Hello, WebSocket!", buf)
    });
    println!(
        "client: sent text as {} bytes: {}",
        client.out.len(),
        hex(&client.out)
    );
    client.exchange(&mut stream, &mut conn)?;

    let big: Vec<u8> = (0..1 << 20).map(|i: u32| (i % 251) as u8).collect();
    emit(&mut client.out, big.len() + 14, |buf| {
        conn.send_binary(&big, buf)
    });
    println!("client: sent a 1 MiB binary message, masked in one frame");
    client.exchange(&mut stream, &mut conn)?;

    emit(&mut client.out, 64, |buf| {
        conn.send_ping(b"are you there?", buf)
    });
    println!("client: sent ping \"are you there?\"");
    client.exchange(&mut stream, &mut conn)?;

    emit(&mut client.out, 64, |buf| {
        conn.send_close(Some(CloseCode::NORMAL), "done", buf)
    });
    println!("client: sent close 1000 \"done\"; state {:?}", conn.state());
    client.exchange(&mut stream, &mut conn)?;
    let eof = client.wait_for_eof(&mut stream, &mut conn)?;
    println!(
        "client: server closed TCP; end of stream is {eof:?}, state {:?}",
        conn.state()
    );
    server.join().expect("server thread")?;
    Ok(())
}

/// The client's buffers.
struct Client {
    input: Vec<u8>,
    start: usize,
    end: usize,
    out: Vec<u8>,
}

impl Client {
    /// Writes what is pending, then reads until one event other than a
    /// chunk in the middle of a message arrives, and prints it.
    fn exchange<K: MaskKeySource>(
        &mut self,
        stream: &mut TcpStream,
        conn: &mut Connection<K>,
    ) -> io::Result<()> {
        stream.write_all(&self.out)?;
        self.out.clear();
        let mut assembler = MessageAssembler::new();
        loop {
            if self.start == self.end {
                (self.start, self.end) = (0, stream.read(&mut self.input)?);
                if self.end == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
            }
            let received = conn
                .receive(&mut self.input[self.start..self.end])
                .map_err(io::Error::other)?;
            self.start += received.consumed;
            let done = match received.event {
                Some(Event::Chunk(chunk)) => match assembler.push(chunk) {
                    Some(Message::Text(text)) => Some(format!("text {text:?}")),
                    Some(Message::Binary(bytes)) => {
                        let intact = bytes.iter().enumerate().all(|(i, b)| *b == (i % 251) as u8);
                        Some(format!("binary, {} bytes, intact: {intact}", bytes.len()))
                    }
                    _ => None,
                },
                Some(Event::Pong(payload)) => {
                    Some(format!("pong {:?}", String::from_utf8_lossy(&payload)))
                }
                Some(Event::Close(frame)) => Some(format!(
                    "close {:?} {:?}",
                    frame.code().map(|c| c.0),
                    frame.reason()
                )),
                _ => None,
            };
            emit(&mut self.out, 512, |buf| conn.poll_transmit(buf));
            stream.write_all(&self.out)?;
            self.out.clear();
            if let Some(what) = done {
                println!("client: received {what}");
                return Ok(());
            }
        }
    }

    /// After the close handshake a client waits for the server to close TCP.
    fn wait_for_eof<K: MaskKeySource>(
        &mut self,
        stream: &mut TcpStream,
        conn: &mut Connection<K>,
    ) -> io::Result<rfc6455::Eof> {
        while stream.read(&mut self.input)? > 0 {}
        Ok(conn.receive_eof())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}
