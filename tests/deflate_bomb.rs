//! A decompression bomb: about 1 MiB of compressed data that inflates to
//! 1 GiB of zeros. The connection must fail with 1009 (message too big)
//! once the inflated size passes `max_message_size`, having handed out no
//! more than the limit, in a number of steps proportional to the limit, not
//! to the bomb.
#![cfg(feature = "deflate")]

mod common;

use common::deflate::one_mib_of_zeros;
use rfc6455::handshake::parse_extensions;
use rfc6455::{CloseCode, Config, Connection, DeflateConfig, Event, ProtocolError};

/// The limit the server is configured with.
const LIMIT: u64 = 4 << 20;

#[test]
fn a_gibibyte_bomb_fails_with_1009_after_at_most_the_limit() {
    let block = one_mib_of_zeros();
    let mut payload = Vec::with_capacity(block.len() * 1024);
    for _ in 0..1024 {
        payload.extend_from_slice(&block);
    }
    payload.truncate(payload.len() - 4); // the message's own tail is implied
    assert!(payload.len() < 4 << 20, "compressed size {}", payload.len());

    // The bomb as one masked binary frame with RSV1, from a client.
    let mut wire = vec![0xc2, 0x80 | 127];
    wire.extend_from_slice(&(payload.len() as u64).to_be_bytes());
    wire.extend_from_slice(&[0, 0, 0, 0]);
    wire.extend_from_slice(&payload);

    let offer = "permessage-deflate; client_max_window_bits";
    let agreement = DeflateConfig::default()
        .accept_offer(parse_extensions(offer.as_bytes()).filter_map(Result::ok))
        .unwrap();
    let mut config = Config::default();
    config.max_message_size = LIMIT;
    let mut server = Connection::server(config);
    server.enable_deflate(&agreement).unwrap();

    let mut inflated = vec![0u8; 64 * 1024];
    let (mut start, mut delivered, mut calls) = (0, 0u64, 0u64);
    let error = loop {
        calls += 1;
        match server.receive_into(&mut wire[start..], &mut inflated) {
            Ok(received) => {
                start += received.consumed;
                if let Some(Event::Chunk(chunk)) = received.event {
                    assert!(chunk.payload.iter().all(|&b| b == 0));
                    delivered += chunk.payload.len() as u64;
                }
                assert!(received.consumed > 0 || received.event.is_some(), "stalled");
            }
            Err(error) => break error.protocol().expect("the peer's fault"),
        }
    };
    assert_eq!(error, ProtocolError::MessageTooLarge);
    assert_eq!(error.close_code(), CloseCode::MESSAGE_TOO_BIG);
    assert!(delivered <= LIMIT, "delivered {delivered}");
    assert!(
        delivered > LIMIT - 64 * 1024,
        "stopped early at {delivered}"
    );
    // Each call fills the 64 KiB buffer or takes input: steps scale with
    // the limit (4 MiB / 64 KiB = 64), not with the 1 GiB the bomb holds.
    assert!(calls < 200, "{calls} calls");
    // The failing Close is queued.
    let mut out = [0u8; 256];
    let len = server.poll_transmit(&mut out).unwrap();
    assert_eq!(&out[..4], &[0x88, (len - 2) as u8, 0x03, 0xf1]);
}
