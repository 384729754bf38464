//! The client's permessage-deflate agreement, read from a validated
//! response in one call (RFC 7692 §7.1).

use super::client::NegotiatedHandshake;
use super::deflate::is_deflate;
use super::deflate_params::{DeflateAgreement, DeflateConfig};
use super::error::ClientHandshakeError;
use super::headers::HeaderSource;

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
    /// use rfc6455::{ClientRequest, DeflateConfig, Status, EMPTY_HTTP_HEADER};
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
    /// let Status::Complete(response) = handshake.receive_response(input, &mut headers)? else {
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
