//! The same byte stream fed in one piece, in random pieces and one byte at
//! a time gives the same events, the same replies and the same final state,
//! for both roles.

mod common;

use common::{counter_keys, every_byte, feed, frame, Outcome};
use rfc6455::{Config, Connection, MaskKeySource};

/// xorshift64, for reproducible streams and cut points.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A valid stream: fragmented and whole text and binary messages of mixed
/// sizes, pings between fragments, pongs, and a Close at the end.
fn stream(rng: &mut Rng, masked: bool) -> Vec<u8> {
    let mut key = || masked.then(|| rng_key(rng.next()));
    let mut out = Vec::new();
    let text = "plain ascii, é, €, 𝄞 and more ".repeat(40);
    for i in 0..12 {
        let len = [0, 1, 125, 126, 300, 70000][i % 6];
        let fragments = 1 + (i % 3);
        let binary = i % 2 == 0;
        let payload: Vec<u8> = if binary {
            (0..len).map(|j| (j * 7 + i) as u8).collect()
        } else {
            text.as_bytes().iter().copied().cycle().take(len).collect()
        };
        // Valid text as a whole; the fragments below may split code points.
        let payload = if binary {
            payload
        } else {
            String::from_utf8_lossy(&payload).into_owned().into_bytes()
        };
        let step = payload.len().div_ceil(fragments).max(1);
        let pieces: Vec<&[u8]> = if payload.is_empty() {
            vec![&[][..]]
        } else {
            payload.chunks(step).collect()
        };
        for (n, piece) in pieces.iter().enumerate() {
            let opcode = if n > 0 {
                0
            } else if binary {
                2
            } else {
                1
            };
            out.extend(frame(n + 1 == pieces.len(), opcode, key(), piece));
            if n + 1 < pieces.len() {
                out.extend(frame(true, 9, key(), &[n as u8; 5]));
            }
        }
        if i % 4 == 3 {
            out.extend(frame(true, 0xA, key(), b"unsolicited"));
        }
    }
    out.extend(frame(true, 8, key(), &[0x03, 0xE8, b'o', b'k']));
    out
}

fn rng_key(x: u64) -> [u8; 4] {
    (x as u32).to_be_bytes()
}

fn run<K: MaskKeySource + Clone>(
    fresh: impl Fn() -> Connection<K>,
    bytes: &[u8],
    cuts: &[usize],
) -> (Outcome, String) {
    let mut conn = fresh();
    let outcome = feed(&mut conn, bytes, cuts);
    (outcome, format!("{:?}", conn.state()))
}

fn check<K: MaskKeySource + Clone>(
    fresh: impl Fn() -> Connection<K> + Copy,
    bytes: &[u8],
    rng: &mut Rng,
) {
    let whole = run(fresh, bytes, &[]);
    assert_eq!(whole.0.error, None);
    assert!(whole.0.events.len() > 12);
    assert_eq!(run(fresh, bytes, &every_byte(bytes.len())), whole);
    for _ in 0..20 {
        let mut cuts: Vec<usize> = (0..rng.below(40))
            .map(|_| rng.below(bytes.len() as u64) as usize)
            .collect();
        cuts.sort_unstable();
        assert_eq!(run(fresh, bytes, &cuts), whole, "cuts {cuts:?}");
    }
}

#[test]
fn server_sees_the_same_events_for_any_split() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let bytes = stream(&mut rng, true);
    check(|| Connection::server(Config::default()), &bytes, &mut rng);
}

#[test]
fn client_sees_the_same_events_for_any_split() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let bytes = stream(&mut rng, false);
    check(
        || Connection::client(Config::default(), counter_keys(7)),
        &bytes,
        &mut rng,
    );
}
