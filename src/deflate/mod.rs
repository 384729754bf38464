//! permessage-deflate (RFC 7692), behind the `deflate` feature: the
//! negotiation of its four parameters in both roles, and the DEFLATE codec
//! that compresses what this end sends and inflates what the peer sends,
//! chunk by chunk and under the message size limit.

mod compress;
mod inflate;
mod params;
mod session;

pub(crate) use compress::max_compressed_len;
#[cfg(test)]
pub(crate) use compress::{Compressor, TAIL};
#[cfg(test)]
pub(crate) use inflate::Decompressor;
pub(crate) use inflate::InflateError;
pub use params::{
    ClientWindowBits, DeflateAgreement, DeflateConfig, DeflateParamError, DeflateParams,
    ParamsText, MAX_WINDOW_BITS, MIN_WINDOW_BITS, PERMESSAGE_DEFLATE,
};
pub(crate) use session::{DeflateSession, Inflated};

#[cfg(test)]
mod compress_tests;
#[cfg(test)]
mod inflate_tests;
#[cfg(test)]
mod tests;
