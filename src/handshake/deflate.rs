//! permessage-deflate (RFC 7692) as the handshake carries it: the one
//! element a request offers or a response accepts, held inline, and how
//! its name is recognised.
//!
//! The parameters themselves are negotiated by
//! [`DeflateConfig`](crate::DeflateConfig); this module only holds its
//! text for the writers. `client_deflate.rs` finds the answer again.

#[cfg(feature = "deflate")]
use super::deflate_params::{DeflateAgreement, DeflateConfig, ParamsText};

/// Whether an extension token names permessage-deflate. Extension tokens
/// are compared ASCII case-insensitively, as everywhere in the handshake.
///
/// The same name as [`PERMESSAGE_DEFLATE`](crate::handshake::PERMESSAGE_DEFLATE),
/// spelled out here because the handshake also builds without the
/// `deflate` feature.
pub(crate) fn is_deflate(name: &str) -> bool {
    name.eq_ignore_ascii_case("permessage-deflate")
}

/// The permessage-deflate element set by `ClientRequest::deflate` (an
/// offer) or `HandshakeAccept::deflate` (a response), held inline; always
/// empty without the `deflate` feature.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DeflateElement {
    #[cfg(feature = "deflate")]
    text: Option<ParamsText>,
}

impl DeflateElement {
    /// No element.
    pub(crate) const NONE: Self = Self {
        #[cfg(feature = "deflate")]
        text: None,
    };

    /// The client's offer for `config`, or none.
    #[cfg(feature = "deflate")]
    pub(crate) fn offer(config: Option<&DeflateConfig>) -> Self {
        Self {
            text: config.map(DeflateConfig::offer),
        }
    }

    /// The server's response for `agreement`, or none.
    #[cfg(feature = "deflate")]
    pub(crate) fn response(agreement: Option<&DeflateAgreement>) -> Self {
        Self {
            text: agreement.map(DeflateAgreement::response),
        }
    }

    /// The element's text, if there is one.
    #[cfg(feature = "deflate")]
    pub(crate) fn as_str(&self) -> Option<&str> {
        self.text.as_ref().map(ParamsText::as_str)
    }

    /// The element's text: never one without the `deflate` feature.
    #[cfg(not(feature = "deflate"))]
    pub(crate) fn as_str(&self) -> Option<&str> {
        None
    }

    /// Whether there is an element.
    pub(crate) fn is_some(&self) -> bool {
        self.as_str().is_some()
    }
}
