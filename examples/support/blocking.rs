//! The run loop of a blocking runtime: the opening handshake and an echo
//! loop over a `TcpStream`, one thread per connection. This is the part a
//! runtime author copies: read into a buffer, feed the engine, write what
//! it emits, close when it says so.

use std::io::{self, Read, Write};
use std::net::TcpStream;

use rfc6455::{
    ClientRequest, Connection, ConnectionState, DeflateAgreement, DeflateConfig, Event,
    HandshakeAccept, MaskKeySource, MessageKind, Opcode, ServerHandshake, Status,
    EMPTY_HTTP_HEADER,
};

use super::url::WsUrl;

/// The read buffer size. Frames of any size stream through it.
pub const READ_BUFFER: usize = 64 * 1024;

/// Appends what `write` puts into a scratch area of `room` bytes to `out`.
pub fn emit<E: std::fmt::Debug>(
    out: &mut Vec<u8>,
    room: usize,
    write: impl FnOnce(&mut [u8]) -> Result<usize, E>,
) {
    let start = out.len();
    out.resize(start + room, 0);
    // The examples size `room` for the frame, so this cannot fail.
    let written = write(&mut out[start..]).expect("output room");
    out.truncate(start + written);
}

/// What the opening handshake left: where the WebSocket bytes read with it
/// start and end in the buffer, and the permessage-deflate agreement, if one
/// was made.
pub type Upgraded = (usize, usize, Option<DeflateAgreement>);

/// Reads and answers a client's upgrade request, accepting its first
/// permessage-deflate offer when `deflate` is given. `None` when the request
/// was rejected or the peer left.
pub fn server_handshake(
    stream: &mut TcpStream,
    input: &mut [u8],
    deflate: Option<&DeflateConfig>,
) -> io::Result<Option<Upgraded>> {
    let server = ServerHandshake::new();
    let mut filled = 0;
    let mut response = [0u8; 1024];
    loop {
        let n = stream.read(&mut input[filled..])?;
        if n == 0 {
            return Ok(None);
        }
        filled += n;
        let mut headers = [EMPTY_HTTP_HEADER; 64];
        match server.receive_request(&input[..filled], &mut headers) {
            Ok(Status::Partial) => continue,
            Ok(Status::Complete(request)) => {
                let agreement =
                    deflate.and_then(|config| config.accept_offer(request.extensions()));
                let accept = HandshakeAccept::new().deflate(agreement.as_ref());
                let len = request
                    .accept(&accept, &mut response)
                    .map_err(io::Error::other)?;
                stream.write_all(&response[..len])?;
                return Ok(Some((request.head_len(), filled, agreement)));
            }
            Err(error) => {
                // 400, 405, 426 or 431, with the reason in the body.
                let len = error
                    .write_response(&mut response)
                    .map_err(io::Error::other)?;
                stream.write_all(&response[..len])?;
                return Ok(None);
            }
        }
    }
}

/// Connects to `url` and runs the client handshake, offering
/// permessage-deflate when `deflate` is given. Returns the stream, where the
/// WebSocket bytes read with the response start and end in `input`, and the
/// deflate agreement if the server accepted the offer.
pub fn client_handshake(
    url: &WsUrl,
    nonce: [u8; 16],
    input: &mut [u8],
    deflate: Option<&DeflateConfig>,
) -> io::Result<(TcpStream, usize, usize, Option<DeflateAgreement>)> {
    let mut stream = TcpStream::connect(&url.address)?;
    stream.set_nodelay(true)?;
    let mut request = [0u8; 2048];
    let handshake = ClientRequest::new(&url.host, &url.target)
        .deflate(deflate)
        .write(&nonce, &mut request)
        .map_err(io::Error::other)?;
    stream.write_all(&request[..handshake.request_len()])?;
    let mut filled = 0;
    loop {
        let n = stream.read(&mut input[filled..])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "server closed during the handshake",
            ));
        }
        filled += n;
        let mut headers = [EMPTY_HTTP_HEADER; 64];
        match handshake
            .receive_response(&input[..filled], &mut headers)
            .map_err(io::Error::other)?
        {
            Status::Partial => continue,
            Status::Complete(response) => {
                let negotiated = handshake.validate(&response).map_err(io::Error::other)?;
                // A response whose parameters were not allowed fails the
                // connection (RFC 7692 §7.1).
                let agreement = match deflate {
                    Some(config) => negotiated.deflate(config).map_err(io::Error::other)?,
                    None => None,
                };
                return Ok((stream, response.head_len(), filled, agreement));
            }
        }
    }
}

/// Echoes every message back until the connection ends. `input[start..end]`
/// holds bytes already read after the handshake.
///
/// Message chunks are gathered into fragments of at most one read buffer and
/// sent back as fragments of the same message, so memory stays bounded
/// whatever the message size, and a message that came in many small frames
/// goes back in few.
pub fn echo<K: MaskKeySource>(
    stream: &mut TcpStream,
    conn: &mut Connection<K>,
    input: &mut [u8],
    mut start: usize,
    mut end: usize,
) -> io::Result<()> {
    let fragment_limit = input.len();
    let mut out = Vec::with_capacity(input.len() + 512);
    let mut fragment = Fragment {
        payload: Vec::with_capacity(input.len()),
        started: false,
    };
    // Compressed messages (permessage-deflate) are inflated here.
    let mut inflated = vec![0u8; fragment_limit];
    loop {
        // The documented loop: while input is left or inflated bytes wait
        // inside (permessage-deflate). An error leaves it: the failing
        // Close is queued, drained below.
        while start < end || conn.has_pending_events() {
            let Ok(received) = conn.receive_into(&mut input[start..end], &mut inflated) else {
                break;
            };
            start += received.consumed;
            if let Some(Event::Chunk(chunk)) = received.event {
                fragment.payload.extend_from_slice(chunk.payload);
                if chunk.message_end || fragment.payload.len() >= fragment_limit {
                    fragment.send(conn, chunk.kind, chunk.message_end, &mut out);
                }
            }
            // Drain after every receive: Pongs and Close replies.
            emit(&mut out, 512, |buf| conn.poll_transmit(buf));
        }
        emit(&mut out, 512, |buf| conn.poll_transmit(buf));
        stream.write_all(&out)?;
        out.clear();
        if conn.should_close_transport() {
            return Ok(());
        }
        (start, end) = (0, read_after_close(stream, input, conn)?);
        if end == 0 {
            let _ = conn.receive_eof();
            return Ok(());
        }
    }
}

/// The part of an outgoing message gathered but not sent yet.
struct Fragment {
    payload: Vec<u8>,
    /// Whether earlier fragments of this message went out already.
    started: bool,
}

impl Fragment {
    fn send<K: MaskKeySource>(
        &mut self,
        conn: &mut Connection<K>,
        kind: MessageKind,
        fin: bool,
        out: &mut Vec<u8>,
    ) {
        let opcode = match (self.started, kind) {
            (true, _) => Opcode::Continuation,
            (false, MessageKind::Text) => Opcode::Text,
            (false, MessageKind::Binary) => Opcode::Binary,
        };
        // With permessage-deflate, incompressible bytes grow a little; the
        // engine says by how much at most.
        let room = conn.max_frame_len(self.payload.len());
        emit(out, room, |buf| {
            conn.send_frame(opcode, fin, &self.payload, buf)
        });
        self.payload.clear();
        self.started = !fin;
    }
}

/// Reads from the stream; once the close handshake is over, a reset from
/// the peer is just its way of closing, and reads as end of stream.
fn read_after_close<K: MaskKeySource>(
    stream: &mut TcpStream,
    input: &mut [u8],
    conn: &Connection<K>,
) -> io::Result<usize> {
    match stream.read(input) {
        Err(e)
            if e.kind() == io::ErrorKind::ConnectionReset
                && conn.state() == ConnectionState::Closed =>
        {
            Ok(0)
        }
        other => other,
    }
}
