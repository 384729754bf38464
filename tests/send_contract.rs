//! The send contract, in every configuration (permessage-deflate on at any
//! level, window and context takeover, or off; either role):
//! - a send into a buffer that is too small writes nothing, changes
//!   nothing (not the compressor's window, not the next masking key) and
//!   asks for `required` bytes, the same on every try;
//! - a retry with exactly `required` bytes succeeds;
//! - `max_frame_len` is never exceeded, so a buffer of that size never
//!   gets `BufferTooSmall`;
//! - the `_to_vec` sends write the same bytes.
//!
//! Each case drives two connections with the same operations and keys: one
//! tries every send first into a buffer of random size, the other never
//! gets a short buffer. Their wire bytes must be identical.
#![cfg(feature = "deflate")]

mod common;

use common::counter_keys;
use common::deflate::negotiate;
use proptest::prelude::*;
use rfc6455::{Config, Connection, DeflateConfig, MaskKeySource, Opcode, Role, SendError};

/// One send.
#[derive(Debug, Clone)]
enum Send {
    /// `send_frame` with a payload of this length and seed; `fin` ends the
    /// message.
    Frame {
        len: usize,
        seed: u64,
        fin: bool,
    },
    /// `send_uncompressed`, for a whole message.
    Uncompressed {
        len: usize,
        seed: u64,
    },
    Ping,
}

/// The configuration of the end that sends.
#[derive(Debug, Clone)]
struct Setup {
    /// `None`: no permessage-deflate.
    deflate: Option<DeflateConfig>,
    role: Role,
}

fn setup() -> impl Strategy<Value = Setup> {
    let deflate = (0u8..=9, 8u8..=15, 8u8..=15, any::<bool>(), any::<bool>()).prop_map(
        |(level, bits, peer_bits, no_takeover, peer_no_takeover)| {
            let mut config = DeflateConfig::default();
            config.level = level;
            config.max_window_bits = bits;
            config.peer_max_window_bits = peer_bits;
            config.no_context_takeover = no_takeover;
            config.peer_no_context_takeover = peer_no_takeover;
            config
        },
    );
    (
        prop_oneof![4 => deflate.prop_map(Some), 1 => Just(None)],
        prop_oneof![Just(Role::Client), Just(Role::Server)],
    )
        .prop_map(|(deflate, role)| Setup { deflate, role })
}

fn sends() -> impl Strategy<Value = Vec<Send>> {
    let len = prop_oneof![4 => 0usize..200, 3 => 200usize..5000, 1 => 60_000usize..140_000];
    let send = prop_oneof![
        6 => (len.clone(), any::<u64>(), prop_oneof![3 => Just(true), 1 => Just(false)])
            .prop_map(|(len, seed, fin)| Send::Frame { len, seed, fin }),
        2 => (len, any::<u64>()).prop_map(|(len, seed)| Send::Uncompressed { len, seed }),
        1 => Just(Send::Ping),
    ];
    proptest::collection::vec(send, 1..12)
}

/// Bytes that compress well or not at all, by seed.
fn payload(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    let noise = seed % 3 == 0;
    (0..len)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if noise {
                x as u8
            } else {
                let text = b"abcabcabd, {\"type\":\"chat\"}";
                text[(i + (x % 4) as usize) % text.len()]
            }
        })
        .collect()
}

/// Turns permessage-deflate on in `conn` as the handshake between two ends
/// with `setup.deflate` on both sides would agree.
fn enable<K: MaskKeySource>(conn: &mut Connection<K>, setup: &Setup) {
    let Some(config) = &setup.deflate else {
        return;
    };
    let (client_side, server_side) = negotiate(config, config);
    let agreement = match setup.role {
        Role::Server => server_side,
        Role::Client => client_side,
    };
    conn.enable_deflate(&agreement).unwrap();
}

/// The operations' opcode and payload, tracking the fragmented message.
fn frame_of(send: &Send, in_message: &mut bool) -> (Opcode, bool, Vec<u8>, bool) {
    match *send {
        Send::Frame { len, seed, fin } => {
            let opcode = if *in_message {
                Opcode::Continuation
            } else {
                Opcode::Binary
            };
            *in_message = !fin;
            (opcode, fin, payload(len, seed), true)
        }
        Send::Uncompressed { len, seed } if !*in_message => {
            (Opcode::Binary, true, payload(len, seed), false)
        }
        _ => (Opcode::Ping, true, b"ping".to_vec(), true),
    }
}

/// Runs `sends` through three connections made by `make`, as the file's
/// doc says.
fn check<K: MaskKeySource>(
    make: impl Fn() -> Connection<K>,
    setup: &Setup,
    sends: &[Send],
    shorts: &[f64],
) -> Result<(), TestCaseError> {
    let connection = || {
        let mut conn = make();
        enable(&mut conn, setup);
        conn
    };
    let (mut tried, mut twin, mut by_vec) = (connection(), connection(), connection());
    let (mut wire, mut twin_wire, mut vec_wire) = (Vec::new(), Vec::new(), Vec::new());
    let mut in_message = false;
    for (send, short) in sends.iter().zip(shorts) {
        let (opcode, fin, payload, may_compress) = frame_of(send, &mut in_message);
        let bound = tried.max_frame_len(payload.len());
        let call = |conn: &mut Connection<K>, out: &mut [u8]| {
            if may_compress {
                conn.send_frame(opcode, fin, &payload, out)
            } else {
                conn.send_uncompressed(opcode, fin, &payload, out)
            }
        };

        // The twin never gets a short buffer: `max_frame_len` suffices.
        let mut out = vec![0u8; bound];
        let len = call(&mut twin, &mut out).expect("max_frame_len suffices");
        twin_wire.extend_from_slice(&out[..len]);

        // Into a buffer of random size, below the bound.
        let size = (short * bound as f64) as usize;
        let mut out = vec![0xA5u8; size];
        let written = match call(&mut tried, &mut out) {
            Ok(len) => len,
            Err(SendError::BufferTooSmall(short)) => {
                prop_assert!(out.iter().all(|&b| b == 0xA5), "nothing written");
                prop_assert!(short.required > size && short.required <= bound);
                // The same answer again: nothing moved.
                let again = call(&mut tried, &mut out);
                prop_assert_eq!(again, Err(SendError::BufferTooSmall(short)));
                out = vec![0u8; short.required];
                call(&mut tried, &mut out).expect("required suffices")
            }
            Err(e) => panic!("send: {e}"),
        };
        prop_assert!(written <= bound);
        wire.extend_from_slice(&out[..written]);

        // The same send, appended to a vector.
        let appended = if may_compress {
            by_vec.send_frame_to_vec(opcode, fin, &payload, &mut vec_wire)
        } else {
            let start = vec_wire.len();
            vec_wire.resize(start + bound, 0);
            let len = by_vec
                .send_uncompressed(opcode, fin, &payload, &mut vec_wire[start..])
                .unwrap();
            vec_wire.truncate(start + len);
            Ok(len)
        };
        prop_assert_eq!(appended, Ok(written));
    }
    prop_assert_eq!(&wire, &twin_wire, "a short buffer changed what came after");
    prop_assert_eq!(&wire, &vec_wire);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::prop_cases(96)))]

    #[test]
    fn a_short_buffer_changes_nothing_and_required_is_enough(
        setup in setup(),
        sends in sends(),
        shorts in proptest::collection::vec(0.0f64..1.0, 12),
    ) {
        match setup.role {
            Role::Client => check(
                || Connection::client(Config::default(), counter_keys(7)),
                &setup,
                &sends,
                &shorts,
            )?,
            _ => check(|| Connection::server(Config::default()), &setup, &sends, &shorts)?,
        }
    }
}
