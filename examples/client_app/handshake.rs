//! Opening a connection: TCP connect, the upgrade request, and the server's
//! response read and validated (RFC 6455 §4.1), keeping what `show` prints
//! about it: the `Server` header, the subprotocol and the extensions.
//!
//! `support::blocking::client_handshake` does the same for the other
//! examples but keeps nothing of the response and offers no subprotocols,
//! hence this version.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use rfc6455::{ClientHandshakeError, ClientRequest, Status, EMPTY_HTTP_HEADER};

use crate::support::url::WsUrl;

/// How long TCP connect may take, per address.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the server may take to answer the upgrade request.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one write may block; also applies after the handshake.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Room for the response head (the engine's default limit is 8 KiB) and
/// the first frames that may follow it in the same read.
const RESPONSE_BUFFER: usize = 16 * 1024;

/// An open connection, just after a successful handshake.
#[derive(Debug)]
pub struct Opened {
    /// The socket, with no read timeout.
    pub stream: TcpStream,
    /// Bytes read after the response head: already WebSocket frames.
    pub leftover: Vec<u8>,
    /// What the server agreed to and said about itself.
    pub server: ServerSide,
}

/// What the response said, kept for `show`.
#[derive(Debug, Clone, Default)]
pub struct ServerSide {
    /// The `Server` header.
    pub server: Option<String>,
    /// The subprotocol the server chose.
    pub protocol: Option<String>,
    /// The extensions the server accepted.
    pub extensions: Vec<String>,
}

/// Why a connection did not open.
#[derive(Debug)]
pub struct Failure {
    /// One line for the user.
    pub message: String,
    /// The `Server` header of a response that was rejected.
    pub server: Option<String>,
}

impl Failure {
    fn new(message: String) -> Self {
        Self {
            message,
            server: None,
        }
    }
}

/// Connects to `url`, offers `protocols`, and runs the opening handshake
/// with the key made from `nonce`.
pub fn open(url: &WsUrl, protocols: &[String], nonce: [u8; 16]) -> Result<Opened, Failure> {
    let mut stream = connect(&url.address)?;
    let io_failure = |e: io::Error| Failure::new(format!("handshake failed: {}", describe(&e)));
    stream.set_nodelay(true).map_err(io_failure)?;
    stream
        .set_read_timeout(Some(RESPONSE_TIMEOUT))
        .map_err(io_failure)?;
    stream
        .set_write_timeout(Some(WRITE_TIMEOUT))
        .map_err(io_failure)?;

    let protocols: Vec<&str> = protocols.iter().map(String::as_str).collect();
    let mut request = vec![0u8; 8192];
    let handshake = ClientRequest::new(&url.host, &url.target)
        .protocols(&protocols)
        .write(&nonce, &mut request)
        .map_err(|e| Failure::new(format!("cannot write the upgrade request: {e}")))?;
    stream
        .write_all(&request[..handshake.request_len()])
        .map_err(io_failure)?;

    let mut input = vec![0u8; RESPONSE_BUFFER];
    let mut filled = 0;
    loop {
        let n = stream.read(&mut input[filled..]).map_err(io_failure)?;
        if n == 0 {
            return Err(Failure::new(
                "handshake failed: the server closed the connection without answering".into(),
            ));
        }
        filled += n;
        let mut headers = [EMPTY_HTTP_HEADER; 64];
        let response = match handshake.receive_response(&input[..filled], &mut headers) {
            Ok(Status::Partial) if filled < input.len() => continue,
            Ok(Status::Partial) => {
                return Err(Failure::new(
                    "handshake failed: response head too large".into(),
                ))
            }
            Ok(Status::Complete(response)) => response,
            Err(e) => return Err(Failure::new(format!("handshake failed: {e}"))),
        };
        let server = response
            .headers()
            .get("Server")
            .map(|value| String::from_utf8_lossy(value).into_owned());
        let negotiated = match handshake.validate(&response) {
            Ok(negotiated) => negotiated,
            Err(ClientHandshakeError::UnexpectedStatus(status)) => {
                return Err(Failure {
                    message: format!("handshake rejected: HTTP {status} {}", response.reason()),
                    server,
                })
            }
            Err(e) => {
                return Err(Failure {
                    message: format!("handshake failed: {e}"),
                    server,
                })
            }
        };
        let server = ServerSide {
            server,
            protocol: negotiated.protocol().map(str::to_owned),
            extensions: negotiated
                .extensions()
                .map(|e| e.as_str().to_owned())
                .collect(),
        };
        let leftover = input[response.head_len()..filled].to_vec();
        // From here on a reader thread blocks on the socket until it ends.
        stream.set_read_timeout(None).map_err(io_failure)?;
        return Ok(Opened {
            stream,
            leftover,
            server,
        });
    }
}

/// TCP connect to the first address of `address` that answers.
fn connect(address: &str) -> Result<TcpStream, Failure> {
    let addresses = address
        .to_socket_addrs()
        .map_err(|e| Failure::new(format!("cannot resolve {address}: {e}")))?;
    let mut last_error = None;
    for socket_address in addresses {
        match TcpStream::connect_timeout(&socket_address, CONNECT_TIMEOUT) {
            Ok(stream) => return Ok(stream),
            Err(e) => last_error = Some(e),
        }
    }
    Err(Failure::new(match last_error {
        Some(e) => format!("cannot connect to {address}: {}", describe(&e)),
        None => format!("cannot resolve {address}: no addresses"),
    }))
}

/// An I/O error in words, with timeouts spelled out.
fn describe(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => "timed out".to_string(),
        _ => error.to_string(),
    }
}
