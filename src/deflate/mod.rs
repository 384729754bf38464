//! permessage-deflate (RFC 7692), behind the `deflate` feature: the
//! negotiation of its four parameters in both roles, and the DEFLATE codec
//! that compresses what this end sends and inflates what the peer sends,
//! chunk by chunk and under the message size limit.

// The connection drives the codec; until that wiring lands (issue 8's next
// step), only the tests do.
#[allow(dead_code)]
mod codec;
mod params;

#[allow(unused_imports)]
pub(crate) use codec::{Compressor, Decompressor, InflateError, TAIL};
pub use params::{
    ClientWindowBits, DeflateAgreement, DeflateConfig, DeflateParamError, DeflateParams,
    ParamsText, MAX_WINDOW_BITS, MIN_WINDOW_BITS, PERMESSAGE_DEFLATE,
};

#[cfg(test)]
mod tests;
