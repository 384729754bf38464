//! The examples of RFC 7692 §7.2.3, byte for byte: what a client receives
//! from a server that compresses "Hello" (one message, a shared window,
//! stored blocks, a final block, two blocks, fragments), and what our own
//! compressor makes of them; and messages that do not end at a block
//! boundary once the tail is put back (§7.2.2), which fail with 1007.
#![cfg(feature = "deflate")]

mod common;

use common::counter_keys;
use rfc6455::handshake::parse_extensions;
use rfc6455::{
    CloseCode, Config, Connection, DeflateAgreement, DeflateConfig, Event, MaskKeySource,
    ProtocolError,
};

/// A client with deflate agreed as the server answered `response`.
fn client(response: &str) -> Connection<impl MaskKeySource> {
    let answer = parse_extensions(response.as_bytes())
        .next()
        .unwrap()
        .unwrap();
    let agreement: DeflateAgreement = DeflateConfig::default().accept_response(&answer).unwrap();
    let mut conn = Connection::client(Config::default(), counter_keys(1));
    conn.enable_deflate(&agreement).unwrap();
    conn
}

/// The text messages `wire` carries, read whole, at any split.
fn texts<K: MaskKeySource>(conn: &mut Connection<K>, wire: &[u8], step: usize) -> Vec<String> {
    let mut input = wire.to_vec();
    let mut inflated = [0u8; 3];
    let mut out = Vec::new();
    let mut current = Vec::new();
    let mut start = 0;
    while start < input.len() {
        let end = (start + step).min(input.len());
        loop {
            let received = conn
                .receive_into(&mut input[start..end], &mut inflated)
                .unwrap();
            start += received.consumed;
            let idle = received.consumed == 0 && received.event.is_none();
            if let Some(Event::Chunk(chunk)) = received.event {
                current.extend_from_slice(chunk.payload);
                if chunk.message_end {
                    out.push(String::from_utf8(std::mem::take(&mut current)).unwrap());
                }
            }
            if idle {
                break;
            }
        }
    }
    out
}

const HELLO: [u8; 9] = [0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];

#[test]
fn a_message_compressed_with_one_block() {
    for step in [1, 2, 9] {
        let mut conn = client("permessage-deflate");
        assert_eq!(texts(&mut conn, &HELLO, step), ["Hello"], "step {step}");
    }
}

#[test]
fn the_second_message_refers_to_the_first() {
    // §7.2.3.2: "Hello" twice, the second as a back-reference.
    let mut wire = HELLO.to_vec();
    wire.extend_from_slice(&[0xc1, 0x05, 0xf2, 0x00, 0x11, 0x00, 0x00]);
    let mut conn = client("permessage-deflate");
    assert_eq!(texts(&mut conn, &wire, 1), ["Hello", "Hello"]);
}

#[test]
fn a_stored_block() {
    // §7.2.3.3: a DEFLATE block with no compression.
    let wire = [
        0xc1, 0x0b, 0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00,
    ];
    assert_eq!(
        texts(&mut client("permessage-deflate"), &wire, 3),
        ["Hello"]
    );
}

#[test]
fn a_final_block_then_a_new_stream() {
    // §7.2.3.4: BFINAL set; the next message starts a new DEFLATE stream.
    let mut wire = vec![0xc1, 0x08, 0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00];
    wire.extend_from_slice(&HELLO);
    assert_eq!(
        texts(&mut client("permessage-deflate"), &wire, 2),
        ["Hello", "Hello"]
    );
}

#[test]
fn two_blocks_in_one_message() {
    // §7.2.3.5: "He" flushed, then "llo".
    let wire = [
        0xc1, 0x0d, 0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00,
    ];
    assert_eq!(
        texts(&mut client("permessage-deflate"), &wire, 4),
        ["Hello"]
    );
}

#[test]
fn a_fragmented_message() {
    // §7.2.3.1's second example: RSV1 on the first fragment only.
    let wire = [
        0x41, 0x03, 0xf2, 0x48, 0xcd, 0x80, 0x04, 0xc9, 0xc9, 0x07, 0x00,
    ];
    assert_eq!(
        texts(&mut client("permessage-deflate"), &wire, 1),
        ["Hello"]
    );
}

#[test]
fn rsv1_on_a_continuation_or_a_control_frame_is_refused() {
    let mut conn = client("permessage-deflate");
    let wire = [
        0x41, 0x03, 0xf2, 0x48, 0xcd, 0xc0, 0x04, 0xc9, 0xc9, 0x07, 0x00,
    ];
    let mut input = wire.to_vec();
    let mut inflated = [0u8; 64];
    let mut result = Ok(());
    let mut start = 0;
    while start < input.len() && result.is_ok() {
        match conn.receive_into(&mut input[start..], &mut inflated) {
            Ok(received) => start += received.consumed,
            Err(error) => result = Err(error),
        }
    }
    assert_eq!(
        result,
        Err(rfc6455::ProtocolError::ReservedBitsSet(0b100).into())
    );
    let mut conn = client("permessage-deflate");
    let mut ping = [0xc9, 0x00];
    assert_eq!(
        conn.receive_into(&mut ping, &mut inflated).err(),
        Some(rfc6455::ProtocolError::ReservedBitsSet(0b100).into())
    );
}

#[test]
fn a_message_not_ending_at_a_block_boundary_fails_with_1007() {
    let bad: [&[u8]; 5] = [
        // An extra byte, read as the empty block's LEN.
        &[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0xff],
        // Truncated: the block's last bits are missing.
        &[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07],
        // A stored block of 4 bytes: the tail would be its data.
        &[0x00, 0x04, 0x00, 0xfb, 0xff],
        // "Hello" then the same stored block, after a whole flush.
        &[
            0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x04, 0x00,
            0xfb, 0xff,
        ],
        // The tail left in: the appended one starts a block it cannot end.
        &[
            0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00, 0x00, 0xff, 0xff,
        ],
    ];
    for payload in bad {
        // The bad message, then a good one that must not be reached.
        let mut wire = vec![0xc1, payload.len() as u8];
        wire.extend_from_slice(payload);
        let first = wire.len();
        wire.extend_from_slice(&HELLO);
        let mut conn = client("permessage-deflate");
        let mut inflated = [0u8; 64];
        let mut start = 0;
        let error = loop {
            match conn.receive_into(&mut wire[start..], &mut inflated) {
                Ok(received) => {
                    if let Some(Event::Chunk(chunk)) = received.event {
                        assert!(!chunk.message_end, "{payload:02x?} delivered");
                    }
                    assert!(received.consumed > 0 || received.event.is_some(), "stalled");
                    start += received.consumed;
                    assert!(start <= first, "{payload:02x?}: the next message was read");
                }
                Err(error) => break error.protocol().expect("the peer's fault"),
            }
        };
        assert_eq!(
            error,
            ProtocolError::InvalidCompressedData,
            "{payload:02x?}"
        );
        assert_eq!(error.close_code(), CloseCode::INVALID_PAYLOAD);
        // The failing Close is queued: masked, code 1007.
        let mut out = [0u8; 64];
        let len = conn.poll_transmit(&mut out).unwrap();
        assert_eq!(&out[..2], &[0x88, 0x80 | (len - 6) as u8]);
        let key = [out[2], out[3], out[4], out[5]];
        assert_eq!([out[6] ^ key[0], out[7] ^ key[1]], [0x03, 0xef]);
    }
}
