//! The wire codec's pieces, for runtimes that parse or build frames
//! themselves (a proxy, a packet inspector, a fuzzer): frame headers, the
//! masking transform and the streaming UTF-8 validator that
//! [`Connection`](crate::Connection) is built from. A run loop needs none
//! of them.
//!
//! ```
//! use rfc6455::codec::{apply_mask, FrameHeader, Utf8Validator};
//! use rfc6455::{Opcode, Status};
//!
//! // "Hello", masked (RFC 6455 §5.7).
//! let mut frame = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58];
//! let Status::Complete((header, len)) = FrameHeader::parse(&frame)? else {
//!     unreachable!("the header is complete");
//! };
//! assert_eq!((header.opcode, header.payload_len, len), (Opcode::Text, 5, 6));
//! apply_mask(&mut frame[len..], header.mask.unwrap(), 0);
//! let mut utf8 = Utf8Validator::new();
//! assert!(utf8.feed(&frame[len..]).is_ok() && utf8.finish().is_ok());
//! assert_eq!(&frame[len..], b"Hello");
//! # Ok::<(), rfc6455::ProtocolError>(())
//! ```

pub use crate::frame::{FrameHeader, MAX_CONTROL_PAYLOAD, MAX_HEADER_LEN};
pub use crate::mask::apply_mask;
pub use crate::utf8::{InvalidUtf8, Utf8Validator};
