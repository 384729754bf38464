//! permessage-deflate (RFC 7692) as the handshake carries it: the one
//! element a request offers or a response accepts, held inline, and the
//! client's agreement read from a validated response.
//!
//! The parameters themselves are negotiated by
//! [`DeflateConfig`](crate::DeflateConfig); this module only places its
//! text in the handshake and finds the answer again.

#[cfg(feature = "deflate")]
use super::client::NegotiatedHandshake;
#[cfg(feature = "deflate")]
use super::error::ClientHandshakeError;
#[cfg(feature = "deflate")]
use super::headers::HeaderSource;
#[cfg(feature = "deflate")]
use crate::{DeflateAgreement, DeflateConfig, ParamsText};

/// Whether an extension token names permessage-deflate. Extension tokens
/// are compared ASCII case-insensitively, as everywhere in the handshake.
///
/// The same name as [`PERMESSAGE_DEFLATE`](crate::PERMESSAGE_DEFLATE),
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

#[cfg(feature = "deflate")]
impl<'a, H: HeaderSource<'a>> NegotiatedHandshake<'a, H> {
    /// The permessage-deflate agreement the server's response makes with
    /// `config`, the configuration the request offered with
    /// [`ClientRequest::deflate`](crate::ClientRequest::deflate). `None`
    /// when the server did not accept the offer: send uncompressed.
    ///
    /// The element is looked for across every `Sec-WebSocket-Extensions`
    /// line, its name compared ASCII case-insensitively.
    /// [`validate`](crate::ClientHandshake::validate) has already refused
    /// a response that names permessage-deflate without an offer
    /// ([`ExtensionNotOffered`](ClientHandshakeError::ExtensionNotOffered))
    /// or names it twice
    /// ([`DuplicateExtension`](ClientHandshakeError::DuplicateExtension)).
    /// Parameters that the offer did not allow are
    /// [`InvalidDeflate`](ClientHandshakeError::InvalidDeflate). On error,
    /// fail the connection: close the transport (RFC 7692 §7.1).
    ///
    /// Hand the agreement to
    /// [`Connection::enable_deflate`](crate::Connection::enable_deflate).
    ///
    /// ```
    /// use rfc6455::{ClientRequest, DeflateConfig, HeadStatus, EMPTY_HTTP_HEADER};
    ///
    /// let config = DeflateConfig::default();
    /// let mut out = [0u8; 512];
    /// let handshake = ClientRequest::new("server.example.com", "/chat")
    ///     .deflate(&config)
    ///     .write(b"the sample nonce", &mut out)
    ///     .unwrap();
    /// let request = std::str::from_utf8(&out[..handshake.request_len()]).unwrap();
    /// assert!(request.contains(
    ///     "\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
    /// ));
    ///
    /// let input = b"HTTP/1.1 101 Switching Protocols\r\n\
    ///     Upgrade: websocket\r\n\
    ///     Connection: Upgrade\r\n\
    ///     Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\
    ///     Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10\r\n\
    ///     \r\n";
    /// let mut headers = [EMPTY_HTTP_HEADER; 16];
    /// let HeadStatus::Complete(response) = handshake.receive_response(input, &mut headers)? else {
    ///     unreachable!("the head is complete");
    /// };
    /// let agreement = handshake.validate(&response)?.deflate(&config)?.unwrap();
    /// assert_eq!(agreement.peer_window_bits(), 10);
    /// # Ok::<(), rfc6455::ClientHandshakeError>(())
    /// ```
    pub fn deflate(
        &self,
        config: &DeflateConfig,
    ) -> Result<Option<DeflateAgreement>, ClientHandshakeError> {
        let Some(answer) = self.extensions().find(|e| is_deflate(e.name())) else {
            return Ok(None);
        };
        config
            .accept_response(&answer)
            .map(Some)
            .map_err(ClientHandshakeError::InvalidDeflate)
    }
}
