//! The server loop: accept the HTTP upgrade with a fixed header array, then
//! echo every message back chunk by chunk, zero-copy, until the close
//! handshake, a protocol error or the end of the stream.

use rfc6455::{
    Config, Connection, Event, HandshakeAccept, HandshakeError, HandshakeLimits, MessageChunk,
    MessageKind, Opcode, ReceiveError, ServerHandshake, Status, EMPTY_HTTP_HEADER,
};

use super::transport::{flush_replies, read, write_all};
use super::{Buffers, Ending, LoopError, Transport, MAX_HEADERS};

/// What one server connection did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerReport {
    /// Messages echoed back whole.
    pub messages: u32,
    /// Payload bytes echoed back.
    pub bytes: u64,
    /// Frames written for the echoes (a message comes back as one frame per
    /// chunk read, whatever it was sent as).
    pub frames: u32,
    /// Pings received (each answered automatically).
    pub pings: u32,
    /// How the connection ended.
    pub ending: Ending,
}

/// How the opening handshake went.
enum Upgrade {
    /// Accepted; this many bytes of WebSocket data followed the head and
    /// now start `Buffers::input`.
    Open { leftover: usize },
    /// Refused with this error's response, already written.
    Refused(HandshakeError),
    /// The peer left before its head was complete.
    PeerLeft,
}

/// Runs one server connection on `transport`: the upgrade, then the echo
/// loop. Returns once the connection is over; the caller then closes the
/// transport (RFC 6455 §7.1.1: the server closes the TCP connection first).
///
/// Nothing the peer sends makes this fail or panic: refusals, protocol
/// errors and hang-ups are reported in [`ServerReport::ending`].
pub fn serve<T: Transport>(
    transport: &mut T,
    buffers: &mut Buffers,
) -> Result<ServerReport, LoopError<T::Error>> {
    let mut report = ServerReport {
        messages: 0,
        bytes: 0,
        frames: 0,
        pings: 0,
        ending: Ending::Abnormal,
    };
    report.ending = match accept(transport, buffers)? {
        Upgrade::Open { leftover } => {
            let mut conn = Connection::server(Config::default());
            echo(transport, &mut conn, buffers, leftover, &mut report)?
        }
        Upgrade::Refused(error) => Ending::Refused(error),
        Upgrade::PeerLeft => Ending::Abnormal,
    };
    Ok(report)
}

/// Reads the upgrade request into `buffers.input` and answers it.
fn accept<T: Transport>(
    transport: &mut T,
    buffers: &mut Buffers,
) -> Result<Upgrade, LoopError<T::Error>> {
    let limits = HandshakeLimits::new()
        .with_max_head_bytes(buffers.input.len())
        .with_max_headers(MAX_HEADERS);
    let server = ServerHandshake::with_limits(limits);
    let mut filled = 0;
    loop {
        let Some(room) = buffers.input.get_mut(filled..).filter(|r| !r.is_empty()) else {
            // Full, and still no blank line: the head cannot fit.
            return refuse(transport, HandshakeError::HeadTooLarge, &mut buffers.output);
        };
        let n = read(transport, room)?;
        if n == 0 {
            return Ok(Upgrade::PeerLeft);
        }
        filled += n;
        let mut headers = [EMPTY_HTTP_HEADER; MAX_HEADERS];
        let head = buffers.input.get(..filled).unwrap_or_default();
        match server.receive_request(head, &mut headers) {
            Ok(Status::Partial) => {}
            Ok(Status::Complete(request)) => {
                // A real device would check `request.path()` and `origin()`
                // here, and `reject` what it does not serve.
                let head_len = request.head_len();
                let len = request.accept(&HandshakeAccept::new(), &mut buffers.output)?;
                write_all(transport, buffers.output.get(..len).unwrap_or_default())?;
                // The bytes after the head are already frames: keep them.
                buffers.input.copy_within(head_len..filled, 0);
                return Ok(Upgrade::Open {
                    leftover: filled - head_len,
                });
            }
            Err(error) => return refuse(transport, error, &mut buffers.output),
        }
    }
}

/// Writes the HTTP response for `error` (400, 405, 426 or 431).
fn refuse<T: Transport>(
    transport: &mut T,
    error: HandshakeError,
    out: &mut [u8],
) -> Result<Upgrade, LoopError<T::Error>> {
    let len = error.write_response(out)?;
    write_all(transport, out.get(..len).unwrap_or_default())?;
    Ok(Upgrade::Refused(error))
}

/// The echo loop. `buffers.input[..end]` holds bytes read with the head.
fn echo<T: Transport>(
    transport: &mut T,
    conn: &mut Connection,
    buffers: &mut Buffers,
    mut end: usize,
    report: &mut ServerReport,
) -> Result<Ending, LoopError<T::Error>> {
    let Buffers { input, output } = buffers;
    // Whether the message being echoed has had its first frame sent.
    let mut echoing = false;
    let mut start = 0;
    loop {
        while start < end {
            let received = match conn.receive(&mut input[start..end]) {
                Ok(received) => received,
                Err(ReceiveError::Usage(error)) => return Err(error.into()),
                Err(ReceiveError::Protocol(error)) => {
                    // The failing Close (1002, 1007 or 1009) is queued.
                    flush_replies(transport, conn, output)?;
                    return Ok(Ending::Failed(error));
                }
            };
            start += received.consumed;
            match received.event {
                Some(Event::Chunk(chunk)) => {
                    echo_chunk(transport, conn, output, chunk, &mut echoing, report)?;
                }
                Some(Event::Ping(_)) => report.pings += 1,
                Some(Event::Close(frame)) => {
                    // The answering Close is queued; nothing more is read.
                    flush_replies(transport, conn, output)?;
                    return Ok(Ending::Closed(frame.code()));
                }
                _ => {}
            }
            // After every receive: the Pong for a Ping goes out here.
            flush_replies(transport, conn, output)?;
        }
        let n = read(transport, input)?;
        if n == 0 {
            // The peer's Close returns above: this end is abnormal (1006).
            let _ = conn.receive_eof();
            return Ok(Ending::Abnormal);
        }
        (start, end) = (0, n);
    }
}

/// Sends one received chunk back as a frame of the echoed message: the
/// header from `header_buf`, the payload straight from the input buffer
/// (a server does not mask, so nothing is copied).
fn echo_chunk<T: Transport>(
    transport: &mut T,
    conn: &mut Connection,
    header_buf: &mut [u8],
    chunk: MessageChunk<'_>,
    echoing: &mut bool,
    report: &mut ServerReport,
) -> Result<(), LoopError<T::Error>> {
    if chunk.payload.is_empty() && !chunk.message_end {
        return Ok(()); // a header with no payload yet: nothing to echo
    }
    let opcode = match (*echoing, chunk.kind) {
        (true, _) => Opcode::Continuation,
        (false, MessageKind::Text) => Opcode::Text,
        (false, MessageKind::Binary) => Opcode::Binary,
    };
    let len = chunk.payload.len();
    let header_len = conn.start_frame(opcode, chunk.message_end, len as u64, header_buf)?;
    conn.frame_payload(chunk.payload)?;
    write_all(transport, header_buf.get(..header_len).unwrap_or_default())?;
    write_all(transport, chunk.payload)?;
    *echoing = !chunk.message_end;
    report.frames += 1;
    report.bytes += len as u64;
    report.messages += u32::from(chunk.message_end);
    Ok(())
}
