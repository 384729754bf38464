//! Fast paths checked against naive oracles: the block-wise mask against a
//! byte loop, the incremental UTF-8 validator against `core::str::from_utf8`,
//! and the close-code table against the RFC's rules for all 65536 codes.

use proptest::prelude::*;
use rfc6455::codec::{apply_mask, Utf8Validator};
use rfc6455::CloseCode;

fn naive_mask(data: &mut [u8], key: [u8; 4], offset: usize) {
    for (i, b) in data.iter_mut().enumerate() {
        *b ^= key[(offset + i) % 4];
    }
}

/// The index of the first byte after which the input can no longer be the
/// start of valid UTF-8, if there is one.
fn first_bad_byte(bytes: &[u8]) -> Option<usize> {
    (0..bytes.len())
        .find(|&i| matches!(core::str::from_utf8(&bytes[..=i]), Err(e) if e.error_len().is_some()))
}

/// Bytes that are mostly UTF-8, with a chance of corruption.
fn utf8ish() -> impl Strategy<Value = Vec<u8>> {
    // Up to 400 characters (1600 bytes), so that both the DFA and, with the
    // `simdutf8` feature, the SIMD path run.
    let text = proptest::collection::vec(any::<char>(), 0..400)
        .prop_map(|chars| chars.into_iter().collect::<String>());
    (
        text,
        proptest::collection::vec((any::<usize>(), any::<u8>()), 0..3),
    )
        .prop_map(|(s, flips)| {
            let mut bytes = s.into_bytes();
            for (at, value) in flips {
                if !bytes.is_empty() {
                    let n = bytes.len();
                    bytes[at % n] = value;
                }
            }
            bytes
        })
}

proptest! {
    #[test]
    fn mask_matches_byte_loop(data in proptest::collection::vec(any::<u8>(), 0..300), key in any::<[u8; 4]>(), offset in 0usize..64) {
        let mut fast = data.clone();
        let mut slow = data.clone();
        apply_mask(&mut fast, key, offset);
        naive_mask(&mut slow, key, offset);
        prop_assert_eq!(&fast, &slow);
        apply_mask(&mut fast, key, offset);
        prop_assert_eq!(fast, data);
    }

    #[test]
    fn mask_resumes_at_any_split(data in proptest::collection::vec(any::<u8>(), 0..300), key in any::<[u8; 4]>(), cut in any::<usize>()) {
        let cut = if data.is_empty() { 0 } else { cut % data.len() };
        let mut whole = data.clone();
        apply_mask(&mut whole, key, 0);
        let mut split = data.clone();
        let (a, b) = split.split_at_mut(cut);
        apply_mask(a, key, 0);
        apply_mask(b, key, cut);
        prop_assert_eq!(whole, split);
    }

    #[test]
    fn utf8_validator_fails_exactly_where_from_utf8_does(bytes in utf8ish(), cuts in proptest::collection::vec(any::<usize>(), 0..6)) {
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| if bytes.is_empty() { 0 } else { c % bytes.len() }).collect();
        cuts.sort_unstable();
        cuts.push(bytes.len());
        let mut v = Utf8Validator::new();
        let mut start = 0;
        let mut failed_in = None;
        for &end in &cuts {
            if v.feed(&bytes[start..end]).is_err() {
                failed_in = Some((start, end));
                break;
            }
            start = end;
        }
        match first_bad_byte(&bytes) {
            // The chunk that failed is the one holding the first bad byte.
            Some(bad) => {
                let (s, e) = failed_in.expect("validator accepted invalid bytes");
                prop_assert!(s <= bad && bad < e, "bad byte {} outside failing chunk {}..{}", bad, s, e);
            }
            None => {
                prop_assert!(failed_in.is_none());
                prop_assert_eq!(v.finish().is_ok(), core::str::from_utf8(&bytes).is_ok());
            }
        }
    }
}

#[test]
fn utf8_byte_at_a_time_on_every_boundary_case() {
    let cases: [&[u8]; 8] = [
        "κόσμε".as_bytes(),
        &[0xF4, 0x8F, 0xBF, 0xBF],
        &[0xF4, 0x90, 0x80, 0x80],
        &[0xED, 0xA0, 0x80],
        &[0xC0, 0xAF],
        &[0xE0, 0x80, 0xAF],
        &[0xEF, 0xBF, 0xBF],
        &[0xF0, 0x90, 0x80],
    ];
    for bytes in cases {
        let mut v = Utf8Validator::new();
        let fed_ok = bytes
            .iter()
            .position(|b| v.feed(core::slice::from_ref(b)).is_err());
        assert_eq!(fed_ok, first_bad_byte(bytes), "{bytes:02x?}");
        if fed_ok.is_none() {
            assert_eq!(
                v.finish().is_ok(),
                core::str::from_utf8(bytes).is_ok(),
                "{bytes:02x?}"
            );
        }
    }
}

#[test]
fn close_code_table_matches_the_rfc_for_every_code() {
    for code in 0..=u16::MAX {
        // RFC 6455 §7.4.1/§7.4.2 and the IANA registry: defined codes that
        // may be sent, and the 3000-4999 ranges for libraries and apps.
        let rfc = match code {
            0..=999 => false,
            1000..=1003 => true,
            1004..=1006 => false, // reserved, no status, abnormal: never sent
            1007..=1011 => true,
            1012..=1014 => true, // IANA: service restart, try again later, bad gateway
            1015 => false,       // TLS handshake failure: never sent
            1016..=2999 => false,
            3000..=4999 => true,
            _ => false,
        };
        assert_eq!(CloseCode(code).is_valid_on_wire(), rfc, "code {code}");
    }
}
