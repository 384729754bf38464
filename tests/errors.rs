//! Every peer violation: its typed error, the close code it maps to, the
//! failing Close already queued, and the error sticking. Every local misuse:
//! its typed error, nothing written, and the state unchanged.

mod common;

use common::{client_frame, counter_keys, feed, frame};
use rfc6455::{
    CloseCode, Config, Connection, ConnectionState, Opcode, ProtocolError, SendError, UsageError,
};

/// Feeds `input` to a fresh server and checks the error, its close code,
/// the queued Close on the wire, and that the error sticks.
fn server_fails(input: &[u8], error: ProtocolError, code: u16) {
    server_fails_with(Config::default(), input, error, code);
}

fn server_fails_with(config: Config, input: &[u8], error: ProtocolError, code: u16) {
    let mut server = Connection::server(config);
    let got = feed(&mut server, input, &[]);
    assert_eq!(got.error, Some(error), "input {input:02x?}");
    assert_eq!(error.close_code(), CloseCode(code));
    // The failing Close: unmasked, with the code and the error's text.
    let reason = error.as_str().as_bytes();
    let mut want = vec![0x88, (2 + reason.len()) as u8];
    want.extend_from_slice(&code.to_be_bytes());
    want.extend_from_slice(reason);
    assert_eq!(got.transmit, want);
    assert_eq!(server.state(), ConnectionState::Failed);
    assert_eq!(server.error(), Some(error));
    assert_eq!(
        server.receive(&mut client_frame(true, 1, b"ok")),
        Err(error.into())
    );
    assert!(server.should_close_transport());
    // Local sends after failure are usage errors and write nothing.
    let mut out = [0xAAu8; 32];
    assert_eq!(
        server.send_text("x", &mut out),
        Err(SendError::Usage(UsageError::Closed))
    );
    assert_eq!(out, [0xAA; 32]);
}

#[test]
fn reserved_opcodes() {
    for op in [0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF] {
        server_fails(
            &client_frame(true, op, b""),
            ProtocolError::ReservedOpcode(op),
            1002,
        );
    }
}

#[test]
fn reserved_bits_without_extension() {
    for rsv in 1..8u8 {
        let mut f = client_frame(true, 1, b"hi");
        f[0] |= rsv << 4;
        server_fails(&f, ProtocolError::ReservedBitsSet(rsv), 1002);
    }
}

#[test]
fn non_minimal_lengths() {
    // 16-bit length field holding 125, and 64-bit holding 65535.
    server_fails(
        &[0x82, 0xFE, 0x00, 0x7D, 0, 0, 0, 0],
        ProtocolError::NonMinimalLength,
        1002,
    );
    server_fails(
        &[0x82, 0xFF, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0],
        ProtocolError::NonMinimalLength,
        1002,
    );
}

#[test]
fn top_bit_of_64_bit_length() {
    server_fails(
        &[0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ProtocolError::LengthTopBitSet,
        1002,
    );
}

#[test]
fn fragmented_control_frames() {
    for op in [0x8, 0x9, 0xA] {
        server_fails(
            &client_frame(false, op, b""),
            ProtocolError::FragmentedControlFrame,
            1002,
        );
    }
}

#[test]
fn control_frames_over_125_bytes() {
    for op in [0x8, 0x9, 0xA] {
        server_fails(
            &client_frame(true, op, &[b'a'; 126]),
            ProtocolError::ControlFrameTooLong,
            1002,
        );
    }
}

#[test]
fn unmasked_frame_at_server() {
    server_fails(
        &frame(true, 1, None, b"hi"),
        ProtocolError::UnmaskedFrame,
        1002,
    );
}

#[test]
fn masked_frame_at_client() {
    let mut client = Connection::client(Config::default(), counter_keys(9));
    let got = feed(&mut client, &client_frame(true, 1, b"hi"), &[]);
    assert_eq!(got.error, Some(ProtocolError::MaskedFrame));
    // A client's failing Close is masked: 0x88, MASK | 2 + reason length.
    assert_eq!(got.transmit[0], 0x88);
    assert_eq!(
        usize::from(got.transmit[1] & 0x7F),
        2 + ProtocolError::MaskedFrame.as_str().len()
    );
    assert_eq!(got.transmit[1] & 0x80, 0x80);
}

#[test]
fn continuation_without_message() {
    server_fails(
        &client_frame(true, 0, b"x"),
        ProtocolError::UnexpectedContinuation,
        1002,
    );
}

#[test]
fn new_message_during_fragmented_one() {
    let mut input = client_frame(false, 1, b"a");
    input.extend(client_frame(true, 2, b"b"));
    server_fails(&input, ProtocolError::ExpectedContinuation, 1002);
}

#[test]
fn invalid_utf8_fails_fast_mid_frame() {
    // The bad byte arrives first; the rest of the frame never does.
    let full = client_frame(true, 1, &[b'a', 0xFF, b'b', b'c']);
    server_fails(&full[..8], ProtocolError::InvalidUtf8, 1007);
}

#[test]
fn invalid_utf8_across_fragments() {
    // 0xE2 0x82 then 0x28: the sequence is broken in the second fragment.
    let mut input = client_frame(false, 1, &[0xE2, 0x82]);
    input.extend(client_frame(true, 0, &[0x28]));
    server_fails(&input, ProtocolError::InvalidUtf8, 1007);
}

#[test]
fn truncated_code_point_at_message_end() {
    server_fails(
        &client_frame(true, 1, &[b'a', 0xE2, 0x82]),
        ProtocolError::InvalidUtf8,
        1007,
    );
}

#[test]
fn one_byte_close_payload() {
    server_fails(
        &client_frame(true, 8, &[0x03]),
        ProtocolError::ClosePayloadTooShort,
        1002,
    );
}

#[test]
fn invalid_close_codes() {
    for code in [0u16, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535] {
        server_fails(
            &client_frame(true, 8, &code.to_be_bytes()),
            ProtocolError::InvalidCloseCode(code),
            1002,
        );
    }
}

#[test]
fn invalid_close_reason() {
    server_fails(
        &client_frame(true, 8, &[0x03, 0xE8, 0xFF]),
        ProtocolError::InvalidCloseReason,
        1007,
    );
}

#[test]
fn frame_over_the_limit_fails_at_the_header() {
    let mut config = Config::default();
    config.max_frame_payload = 1000;
    // Only the header arrives: the claim alone is rejected.
    let header = &client_frame(true, 2, &[0; 1001])[..8];
    server_fails_with(config, header, ProtocolError::FrameTooLarge, 1009);
}

#[test]
fn message_over_the_limit_fails_at_the_header() {
    let mut config = Config::default();
    config.max_message_size = 1000;
    let mut input = client_frame(false, 2, &[0; 600]);
    input.extend_from_slice(&client_frame(true, 0, &[0; 600])[..8]);
    server_fails_with(config, &input, ProtocolError::MessageTooLarge, 1009);
    // A huge claimed length is rejected before any payload is read.
    let huge = [
        0x82, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4,
    ];
    server_fails(&huge, ProtocolError::FrameTooLarge, 1009);
}

#[test]
fn error_after_our_close_queues_no_second_close() {
    let mut server = Connection::server(Config::default());
    let mut out = [0u8; 64];
    let n = server
        .send_close(Some(CloseCode::NORMAL), "", &mut out)
        .unwrap();
    assert_eq!(&out[..n], [0x88, 0x02, 0x03, 0xE8]);
    let got = feed(&mut server, &frame(true, 1, None, b"x"), &[]);
    assert_eq!(got.error, Some(ProtocolError::UnmaskedFrame));
    assert!(got.transmit.is_empty());
}

/// A usage error leaves the buffer untouched and the state as it was.
fn misuse(
    conn: &mut Connection,
    call: impl FnOnce(&mut Connection, &mut [u8]) -> Result<usize, SendError>,
    want: UsageError,
) {
    let before = conn.state();
    let mut out = [0xAAu8; 300];
    assert_eq!(call(conn, &mut out), Err(SendError::Usage(want)));
    assert_eq!(out, [0xAA; 300]);
    assert_eq!(conn.state(), before);
    assert!(!conn.wants_transmit());
}

#[test]
fn local_misuse_emits_nothing() {
    let mut s = Connection::server(Config::default());
    misuse(
        &mut s,
        |c, o| c.send_ping(&[0; 126], o),
        UsageError::ControlPayloadTooLong,
    );
    misuse(
        &mut s,
        |c, o| c.send_frame(Opcode::Ping, false, b"", o),
        UsageError::FragmentedControlFrame,
    );
    misuse(
        &mut s,
        |c, o| c.send_frame(Opcode::Continuation, true, b"x", o),
        UsageError::NoMessageInProgress,
    );
    misuse(
        &mut s,
        |c, o| c.send_frame(Opcode::Text, true, &[0xFF], o),
        UsageError::InvalidUtf8,
    );
    misuse(
        &mut s,
        |c, o| c.send_frame(Opcode::Text, true, &[0xE2, 0x82], o),
        UsageError::InvalidUtf8,
    );
    for code in [999u16, 1004, 1005, 1006, 1015, 2000, 5000] {
        misuse(
            &mut s,
            |c, o| c.send_close(Some(CloseCode(code)), "", o),
            UsageError::InvalidCloseCode(code),
        );
    }
    misuse(
        &mut s,
        |c, o| c.send_close(Some(CloseCode::NORMAL), &"r".repeat(124), o),
        UsageError::CloseReasonTooLong,
    );
    misuse(
        &mut s,
        |c, o| c.send_close(None, "reason needs a code", o),
        UsageError::InvalidCloseCode(1005),
    );
    misuse(
        &mut s,
        |c, o| c.start_frame(Opcode::Ping, true, 1, o),
        UsageError::NotADataFrame,
    );
    // A fragmented message in progress forbids a new one but not control frames.
    let mut out = [0u8; 64];
    let _ = s.send_frame(Opcode::Binary, false, b"a", &mut out).unwrap();
    misuse(
        &mut s,
        |c, o| c.send_text("b", o),
        UsageError::MessageInProgress,
    );
    assert!(s.send_ping(b"p", &mut out).is_ok());
    let _ = s
        .send_frame(Opcode::Continuation, true, b"z", &mut out)
        .unwrap();
    // After our Close, nothing more.
    let _ = s
        .send_close(Some(CloseCode::NORMAL), "done", &mut out)
        .unwrap();
    misuse(
        &mut s,
        |c, o| c.send_text("late", o),
        UsageError::AlreadyClosing,
    );
    misuse(
        &mut s,
        |c, o| c.send_ping(b"", o),
        UsageError::AlreadyClosing,
    );
    misuse(
        &mut s,
        |c, o| c.send_close(Some(CloseCode::NORMAL), "", o),
        UsageError::AlreadyClosing,
    );
}

#[test]
fn buffer_too_small_writes_nothing_and_says_how_much() {
    let mut s = Connection::server(Config::default());
    let mut out = [0xAAu8; 4];
    assert_eq!(
        s.send_text("hello", &mut out),
        Err(SendError::BufferTooSmall(rfc6455::BufferTooSmall {
            required: 7
        }))
    );
    assert_eq!(out, [0xAA; 4]);
    // The queued pong stays queued until a buffer large enough comes.
    let mut ping = client_frame(true, 9, b"ping!");
    let received = s.receive(&mut ping).unwrap();
    assert!(matches!(received.event, Some(rfc6455::Event::Ping(_))));
    let mut small = [0u8; 3];
    assert_eq!(
        s.poll_transmit(&mut small),
        Err(rfc6455::BufferTooSmall { required: 7 })
    );
    assert!(s.wants_transmit());
}

#[test]
fn a_usage_error_comes_before_the_buffer_size() {
    // A text message left inside a code point: ending it with an empty
    // frame is a usage error whatever the buffer, so a short buffer must
    // not first ask for bytes that then would not do.
    let mut s = Connection::server(Config::default());
    let mut out = [0u8; 16];
    let _ = s
        .send_frame(Opcode::Text, false, &[0xC3], &mut out)
        .unwrap();
    let invalid = Err(SendError::Usage(UsageError::InvalidUtf8));
    for room in [0, 1, 2, 16] {
        let mut out = vec![0u8; room];
        assert_eq!(
            s.start_frame(Opcode::Continuation, true, 0, &mut out),
            invalid
        );
        assert_eq!(
            s.send_frame(Opcode::Continuation, true, &[], &mut out),
            invalid
        );
    }
}

#[test]
fn start_frame_streams_payload_from_caller_memory() {
    let mut client = Connection::client(Config::default(), counter_keys(5));
    let mut payload = b"streamed payload".to_vec();
    let mut wire = vec![0u8; 14];
    let n = client
        .start_frame(Opcode::Binary, true, payload.len() as u64, &mut wire)
        .unwrap();
    wire.truncate(n);
    let mut out = [0u8; 32];
    assert_eq!(
        client.send_text("x", &mut out),
        Err(SendError::Usage(UsageError::PayloadPending))
    );
    assert_eq!(
        client.frame_payload(&payload[..]),
        Err(UsageError::MaskRequired)
    );
    let (a, b) = payload.split_at_mut(5);
    client.frame_payload(a).unwrap();
    client.frame_payload(b).unwrap();
    assert_eq!(
        client.frame_payload(&mut [0][..]),
        Err(UsageError::PayloadOverrun)
    );
    // An empty chunk accounts for nothing, owed or not.
    assert_eq!(client.frame_payload(&mut [][..]), Ok(()));
    wire.extend_from_slice(&payload);
    let got = feed(&mut Connection::server(Config::default()), &wire, &[3]);
    assert_eq!(
        got.events,
        [common::Seen::Message(
            rfc6455::MessageKind::Binary,
            b"streamed payload".to_vec(),
            1
        )]
    );
}
