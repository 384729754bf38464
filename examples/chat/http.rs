//! The HTTP front door of each new TCP connection: read the request head,
//! route it (`GET /` is the page, `/ws` the WebSocket, anything else 404),
//! and for `/ws` run the opening handshake with the auth policy.
//!
//! The engine's `ServerHandshake` parses WebSocket upgrade requests only,
//! so the route is read first with `httparse` (the parser the engine uses
//! inside), and `/ws` then goes through the engine's full validation.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use rfc6455::{HandshakeAccept, HeadStatus, ServerHandshake, EMPTY_HTTP_HEADER};

use super::auth::Policy;

/// The chat page, served at `/`.
const PAGE: &str = include_str!("../chat.html");
/// The WebSocket endpoint.
pub const WS_PATH: &str = "/ws";
/// The longest request head accepted (the engine's default limit too).
const MAX_HEAD: usize = 8192;
/// How long a client may take to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// A WebSocket handshake that was accepted.
#[derive(Debug)]
pub struct Upgrade {
    /// The user the token named.
    pub user: String,
    /// Bytes that came after the request head: WebSocket frames already.
    pub leftover: Vec<u8>,
}

/// Reads one request and answers it. Returns the upgrade when the client
/// is now a WebSocket; `None` when it got an HTTP answer (and the
/// connection should be closed) or left.
pub fn serve_request(stream: &mut TcpStream, policy: &Policy) -> io::Result<Option<Upgrade>> {
    stream.set_read_timeout(Some(HEAD_TIMEOUT))?;
    let mut head = vec![0u8; MAX_HEAD];
    let mut filled = 0;
    loop {
        let n = stream.read(&mut head[filled..])?;
        if n == 0 {
            return Ok(None);
        }
        filled += n;
        let mut headers = [EMPTY_HTTP_HEADER; 64];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&head[..filled]) {
            Ok(httparse::Status::Complete(_)) => {}
            Ok(httparse::Status::Partial) if filled < head.len() => continue,
            Ok(httparse::Status::Partial) | Err(httparse::Error::TooManyHeaders) => {
                return respond(stream, 431, "text/plain", b"request head too large\n");
            }
            Err(_) => return respond(stream, 400, "text/plain", b"malformed request\n"),
        }
        let target = request.path.unwrap_or("/");
        let path = target.split_once('?').map_or(target, |(path, _)| path);
        return match (path, request.method) {
            (WS_PATH, _) => handshake(stream, &head[..filled], policy),
            ("/", Some("GET")) => respond(stream, 200, "text/html; charset=utf-8", PAGE.as_bytes()),
            ("/", _) => respond(stream, 405, "text/plain", b"GET only\n"),
            _ => respond(stream, 404, "text/plain", b"not found\n"),
        };
    }
}

/// The opening handshake on `/ws`: the engine validates the request, the
/// policy decides, and the engine writes the 101 or the refusal.
fn handshake(stream: &mut TcpStream, input: &[u8], policy: &Policy) -> io::Result<Option<Upgrade>> {
    let mut headers = [EMPTY_HTTP_HEADER; 64];
    let mut response = [0u8; 1024];
    let request = match ServerHandshake::new().receive_request(input, &mut headers) {
        Ok(HeadStatus::Complete(request)) => request,
        // `httparse` just found the head complete, so the engine does too.
        Ok(HeadStatus::Partial) => return respond(stream, 400, "text/plain", b"incomplete\n"),
        Err(error) => {
            // 400, 405, 426 or 431, ready to send.
            stream.write_all(error.response())?;
            return Ok(None);
        }
    };
    match policy.check(&request) {
        Ok(user) => {
            let len = request
                .accept(&HandshakeAccept::new(), &mut response)
                .map_err(io::Error::other)?;
            stream.write_all(&response[..len])?;
            Ok(Some(Upgrade {
                user,
                leftover: input[request.head_len()..].to_vec(),
            }))
        }
        Err(refusal) => {
            let len = request
                .reject(
                    refusal.status(),
                    refusal.headers(),
                    refusal.body(),
                    &mut response,
                )
                .map_err(io::Error::other)?;
            stream.write_all(&response[..len])?;
            Ok(None)
        }
    }
}

/// Writes a whole plain HTTP response; the connection closes after it.
fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
) -> io::Result<Option<Upgrade>> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Request Header Fields Too Large",
    };
    let allow = if status == 405 { "Allow: GET\r\n" } else { "" };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\n{allow}Content-Type: {content_type}\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    Ok(None)
}
