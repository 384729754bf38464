//! Unit tests of the decompressor's strictness (a message must end at a
//! block boundary once its tail is put back, RFC 7692 §7.2.2) and of the
//! session's memory rules (the inflater only while it is needed).

use alloc::vec::Vec;

use miniz_oxide::inflate::stream::InflateState;

use super::session::{DeflateSession, STAGED_KEPT};
use super::tests::{compressor, text, xorshift};
use super::*;
use crate::MessageKind;

/// "Hello" in one fixed block, sync-flushed, tail removed (§7.2.3.1).
const HELLO: [u8; 7] = [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];

/// One message (tail stripped) through a decompressor, in one piece, with
/// output room of `room` bytes at a time.
fn message(d: &mut Decompressor, compressed: &[u8], room: usize) -> Result<Vec<u8>, InflateError> {
    let mut out = Vec::new();
    let mut buf = alloc::vec![0u8; room];
    let mut rest = compressed;
    loop {
        let (used, wrote) = d.inflate(rest, &mut buf)?;
        out.extend_from_slice(&buf[..wrote]);
        rest = &rest[used..];
        if rest.is_empty() && wrote < room {
            break;
        }
    }
    loop {
        let (wrote, done) = d.finish(&mut buf)?;
        out.extend_from_slice(&buf[..wrote]);
        if done {
            return Ok(out);
        }
    }
}

fn fresh(compressed: &[u8]) -> Result<Vec<u8>, InflateError> {
    message(&mut Decompressor::new(), compressed, 4096)
}

#[test]
fn messages_ending_at_a_block_boundary_or_with_a_final_block_are_valid() {
    assert_eq!(fresh(&HELLO).unwrap(), b"Hello");
    // §7.2.3.3: a stored block, then the empty one.
    let stored = [
        0x00, 0x05, 0x00, 0xfa, 0xff, b'H', b'e', b'l', b'l', b'o', 0x00,
    ];
    assert_eq!(fresh(&stored).unwrap(), b"Hello");
    // §7.2.3.4: a final block, then padding; and without the padding.
    let last = [0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];
    assert_eq!(fresh(&last).unwrap(), b"Hello");
    assert_eq!(fresh(&[&last[..], &[0x00]].concat()).unwrap(), b"Hello");
    // §7.2.3.5: two blocks.
    let two = [
        0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00,
    ];
    assert_eq!(fresh(&two).unwrap(), b"Hello");
    // The empty message a sync flush makes, and a final empty stored block
    // whose LEN and NLEN are the tail.
    assert_eq!(fresh(&[0x00]).unwrap(), b"");
    let mut d = Decompressor::new();
    assert_eq!(message(&mut d, &[0x01], 64).unwrap(), b"");
    assert_eq!(message(&mut d, &HELLO, 64).unwrap(), b"Hello");
    // Output room of one byte at a time changes nothing.
    assert_eq!(
        message(&mut Decompressor::new(), &two, 1).unwrap(),
        b"Hello"
    );
}

#[test]
fn every_truncated_message_fails() {
    let mut messages = alloc::vec![HELLO.to_vec()];
    for (i, len) in [1usize, 10, 300, 5000].into_iter().enumerate() {
        for window in [9, 15] {
            let mut c = compressor(window, true);
            messages.push(c.compress(&text(i, len), true).to_vec());
        }
    }
    for compressed in messages {
        for end in 0..compressed.len() {
            assert_eq!(
                fresh(&compressed[..end]),
                Err(InflateError::Corrupt),
                "{compressed:02x?} cut at {end}"
            );
        }
        assert!(fresh(&compressed).is_ok());
    }
}

#[test]
fn an_extra_byte_fails() {
    for extra in 0..=255u8 {
        let compressed = [&HELLO[..], &[extra]].concat();
        assert_eq!(fresh(&compressed), Err(InflateError::Corrupt), "{extra}");
        // The next message of the connection is not reached: the extra
        // byte is this message's error.
    }
    // After a final block, extra bytes are padding (§7.2.3.4).
    let last = [0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00, 0x12, 0x34];
    assert_eq!(fresh(&last).unwrap(), b"Hello");
}

#[test]
fn a_tail_taken_as_a_stored_block_s_data_fails() {
    // A stored block announcing 4 bytes: the tail would be its data.
    let swallow = [0x00, 0x04, 0x00, 0xfb, 0xff];
    assert_eq!(fresh(&swallow), Err(InflateError::Corrupt));
    // The same after a whole "Hello" message, flush and all.
    let mut compressed = HELLO.to_vec();
    compressed.extend_from_slice(&TAIL);
    compressed.extend_from_slice(&swallow);
    assert_eq!(fresh(&compressed), Err(InflateError::Corrupt));
    // A block announcing fewer or more bytes than the tail holds.
    for len in [1u16, 2, 3, 5, 255, 256] {
        let mut block = alloc::vec![0x00];
        block.extend_from_slice(&len.to_le_bytes());
        block.extend_from_slice(&(!len).to_le_bytes());
        assert_eq!(fresh(&block), Err(InflateError::Corrupt), "LEN {len}");
    }
}

#[test]
fn a_complete_block_then_a_partial_header_fails() {
    // The tail left in, so the message ends between blocks: the tail
    // appended then starts a block it does not finish.
    let mut compressed = HELLO.to_vec();
    compressed.extend_from_slice(&TAIL);
    assert_eq!(fresh(&compressed), Err(InflateError::Corrupt));
    // (`00` alone is valid: the next empty block's header, flushed twice.)
    for partial in [&[0x00, 0x00][..], &[0x00, 0x00, 0xff]] {
        let more = [&compressed[..], partial].concat();
        assert_eq!(fresh(&more), Err(InflateError::Corrupt), "{partial:02x?}");
    }
    // Mid-way through a fixed-Huffman block, and through its end of block.
    assert_eq!(fresh(&HELLO[..3]), Err(InflateError::Corrupt));
    assert_eq!(
        fresh(&[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07]),
        Err(InflateError::Corrupt)
    );
}

#[test]
fn the_inflater_takes_about_43_kib() {
    let size = core::mem::size_of::<InflateState>();
    assert!((40 << 10..46 << 10).contains(&size), "{size} bytes");
}

/// A session whose peer keeps its context or not.
fn session(peer_no_context_takeover: bool) -> DeflateSession {
    DeflateSession::new(Settings {
        compress_window_bits: 15,
        level: 6,
        compress_no_context_takeover: false,
        inflate_no_context_takeover: peer_no_context_takeover,
    })
}

#[test]
fn the_inflater_is_made_by_the_first_message_and_kept_only_with_takeover() {
    for no_takeover in [false, true] {
        let mut s = session(no_takeover);
        assert!(!s.has_decompressor(), "not made by enabling deflate");
        let mut out = [0u8; 64];
        let kind = MessageKind::Text;
        // A message in two pieces: made by the first, kept until the end.
        let step = s.inflate(kind, true, &HELLO[..3], false, &mut out).unwrap();
        assert!(!step.message_end);
        assert!(s.has_decompressor());
        let step = s.inflate(kind, false, &HELLO[3..], true, &mut out).unwrap();
        assert!(step.message_end);
        assert_eq!(
            s.has_decompressor(),
            !no_takeover,
            "no takeover {no_takeover}"
        );
        // The second message refers to the first (§7.2.3.2): it inflates
        // only while the window is kept.
        let second = [0xf2, 0x00, 0x11, 0x00, 0x00];
        let step = s.inflate(kind, true, &second, true, &mut out).unwrap();
        let expected: &[u8] = if no_takeover { b"H\0\0\0\0" } else { b"Hello" };
        assert_eq!(&out[..step.written], expected);
        // A failed message drops it.
        let bad = [0x00, 0x04, 0x00, 0xfb, 0xff];
        assert!(s.inflate(kind, true, &bad, true, &mut out).is_err());
        assert!(!s.has_decompressor());
        assert!(!s.has_pending());
    }
}

#[test]
fn staged_input_is_not_kept_large_between_messages() {
    let mut s = session(false);
    let mut c = compressor(15, false);
    // Random bytes: they do not compress.
    let message = xorshift(0x2545_f491_4f6c_dd1d, 100_000);
    let compressed = c.compress(&message, true).to_vec();
    assert!(compressed.len() > 4 * STAGED_KEPT, "{}", compressed.len());
    // Output room far smaller than the message: past the 32 KiB the
    // inflater's window holds, the input is staged.
    let mut out = [0u8; 512];
    let mut inflated = Vec::new();
    let mut step = s
        .inflate(MessageKind::Binary, true, &compressed, true, &mut out)
        .unwrap();
    assert!(s.staged_capacity() > STAGED_KEPT);
    loop {
        inflated.extend_from_slice(&out[..step.written]);
        if step.message_end {
            break;
        }
        step = s.inflate_pending(&mut out).unwrap();
    }
    assert_eq!(inflated, message);
    assert!(
        s.staged_capacity() <= STAGED_KEPT,
        "{}",
        s.staged_capacity()
    );
}
