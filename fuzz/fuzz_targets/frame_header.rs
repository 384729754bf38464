//! `FrameHeader::parse` on raw bytes never panics, and agrees with itself:
//! - `Complete(h, n)`: `n` fits the input and equals `h.encoded_len()`;
//!   `encode` gives back exactly the `n` input bytes (parse only accepts the
//!   minimal length encoding), which parse to `h` again; a too-small buffer
//!   is refused untouched; every shorter prefix is `Incomplete` with
//!   `prefix < needed <= n`;
//! - `Incomplete { needed }`: `input.len() < needed <= 14`;
//! - an error does not depend on bytes after the header.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rfc6455::codec::{FrameHeader, MAX_HEADER_LEN};
use rfc6455::{BufferTooSmall, Status};

fuzz_target!(|data: &[u8]| {
    match FrameHeader::parse(data) {
        Ok(Status::Complete((header, n))) => {
            assert!(n <= data.len() && n <= MAX_HEADER_LEN);
            assert_eq!(n, header.encoded_len());
            assert!(header.payload_len < 1 << 63);

            let mut out = [0xA5u8; MAX_HEADER_LEN + 2];
            assert_eq!(header.encode(&mut out), Ok(n));
            assert_eq!(&out[..n], &data[..n], "re-encoding differs");
            assert!(out[n..].iter().all(|&b| b == 0xA5), "wrote past the header");
            assert_eq!(
                FrameHeader::parse(&out[..n]),
                Ok(Status::Complete((header, n)))
            );

            let mut small = [0xA5u8; MAX_HEADER_LEN];
            assert_eq!(
                header.encode(&mut small[..n - 1]),
                Err(BufferTooSmall { required: n })
            );
            assert!(small.iter().all(|&b| b == 0xA5), "a refused encode wrote");

            for prefix in 0..n {
                match FrameHeader::parse(&data[..prefix]) {
                    Ok(Status::Partial) => {}
                    other => panic!("prefix {prefix} of a {n}-byte header: {other:?}"),
                }
            }
        }
        Ok(Status::Partial) => assert!(data.len() < MAX_HEADER_LEN),
        Err(error) => {
            let mut longer = data.to_vec();
            longer.extend_from_slice(&[0xFF; MAX_HEADER_LEN]);
            assert_eq!(FrameHeader::parse(&longer), Err(error));
        }
    }
});
