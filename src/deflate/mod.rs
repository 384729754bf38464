//! The DEFLATE codec of permessage-deflate (RFC 7692 §7.2), behind the
//! `deflate` feature: it compresses what this end sends and inflates what
//! the peer sends, chunk by chunk and under the message size limit. It
//! knows nothing of HTTP: the negotiation of its parameters lives with the
//! handshake (`handshake/deflate_params.rs`), and the connection hands the
//! outcome over as [`Settings`].

mod compress;
mod inflate;
mod session;

pub(crate) use compress::max_compressed_len;
#[cfg(test)]
pub(crate) use compress::{Compressor, TAIL};
#[cfg(test)]
pub(crate) use inflate::Decompressor;
pub(crate) use inflate::InflateError;
pub(crate) use session::{DeflateSession, Inflated, Settings};

#[cfg(test)]
mod compress_tests;
#[cfg(test)]
mod inflate_tests;
#[cfg(test)]
mod tests;
