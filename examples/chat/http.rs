//! The HTTP front door of each new TCP connection: read the request head,
//! route it (`GET /` is the page, `/ws` the WebSocket, anything else 404),
//! and for `/ws` run the opening handshake with the auth policy.
//!
//! The head is parsed once (`ServerHandshake::receive_head`); only the
//! `/ws` route goes through the engine's WebSocket checks
//! (`RequestHead::into_websocket`), and the other routes are answered with
//! `RequestHead::respond`.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use rfc6455::{
    DeflateAgreement, DeflateConfig, HandshakeAccept, RequestHead, ServerHandshake, Status,
    EMPTY_HTTP_HEADER,
};

use super::auth::Policy;

/// The chat page, served at `/`.
const PAGE: &str = include_str!("../chat.html");
/// The WebSocket endpoint.
pub const WS_PATH: &str = "/ws";
/// The longest request head accepted (the engine's default limit too).
const MAX_HEAD: usize = 8192;
/// How long a client may take to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Room for any response but the page.
const RESPONSE_ROOM: usize = 1024;

/// A WebSocket handshake that was accepted.
#[derive(Debug)]
pub struct Upgrade {
    /// The user the token named.
    pub user: String,
    /// Bytes that came after the request head: WebSocket frames already.
    pub leftover: Vec<u8>,
    /// permessage-deflate, when the client offered it (every browser does).
    pub deflate: Option<DeflateAgreement>,
}

/// Reads one request and answers it. Returns the upgrade when the client
/// is now a WebSocket; `None` when it got an HTTP answer (and the
/// connection should be closed) or left.
pub fn serve_request(stream: &mut TcpStream, policy: &Policy) -> io::Result<Option<Upgrade>> {
    stream.set_read_timeout(Some(HEAD_TIMEOUT))?;
    let mut input = vec![0u8; MAX_HEAD];
    let mut filled = 0;
    loop {
        let n = stream.read(&mut input[filled..])?;
        if n == 0 {
            return Ok(None);
        }
        filled += n;
        let mut headers = [EMPTY_HTTP_HEADER; 64];
        let head = match ServerHandshake::new().receive_head(&input[..filled], &mut headers) {
            Ok(Status::Complete(head)) => head,
            Ok(Status::Partial) => continue, // the limit is the engine's: 431 beyond it
            Err(error) => {
                // 400 or 431, ready to send.
                stream.write_all(error.response())?;
                return Ok(None);
            }
        };
        return match (head.path(), head.method()) {
            (WS_PATH, _) => handshake(stream, head, &input[..filled], policy),
            ("/", "GET") => respond(
                stream,
                &head,
                200,
                "text/html; charset=utf-8",
                PAGE.as_bytes(),
            ),
            ("/", _) => respond(stream, &head, 405, "text/plain", b"GET only\n"),
            _ => respond(stream, &head, 404, "text/plain", b"not found\n"),
        };
    }
}

/// The opening handshake on `/ws`: the engine validates the request, the
/// policy decides, and the engine writes the 101 or the refusal.
fn handshake(
    stream: &mut TcpStream,
    head: RequestHead<'_>,
    input: &[u8],
    policy: &Policy,
) -> io::Result<Option<Upgrade>> {
    let mut response = [0u8; RESPONSE_ROOM];
    let request = match head.into_websocket() {
        Ok(request) => request,
        Err(error) => {
            // 400, 405, 426, with the reason in the body.
            stream.write_all(error.response())?;
            return Ok(None);
        }
    };
    match policy.check(&request) {
        Ok(user) => {
            let deflate = DeflateConfig::default().accept_offer(request.extensions());
            let accept = HandshakeAccept::new().deflate(deflate.as_ref());
            let len = request
                .accept(&accept, &mut response)
                .map_err(io::Error::other)?;
            stream.write_all(&response[..len])?;
            Ok(Some(Upgrade {
                user,
                leftover: input[request.head_len()..].to_vec(),
                deflate,
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
    head: &RequestHead<'_>,
    status: u16,
    content_type: &str,
    body: &[u8],
) -> io::Result<Option<Upgrade>> {
    let mut headers = vec![
        ("Content-Type", content_type),
        ("Cache-Control", "no-store"),
        ("Connection", "close"),
    ];
    if status == 405 {
        headers.push(("Allow", "GET"));
    }
    let mut out = vec![0u8; body.len() + RESPONSE_ROOM];
    let len = head
        .respond(status, &headers, body, &mut out)
        .map_err(io::Error::other)?;
    stream.write_all(&out[..len])?;
    Ok(None)
}
