//! permessage-deflate negotiation (RFC 7692 §5, §7.1): the four parameters
//! read from an offer or a response and checked, the server's choice among
//! a client's offers, the client's offer and its check of the answer.
//!
//! Nothing here compresses; the outcome, a [`DeflateAgreement`], tells the
//! codec which window to use and when to forget it.

use core::fmt;

use super::extensions::{Extension, ParamValue};
use crate::config::Role;

/// The extension's registered name.
pub const PERMESSAGE_DEFLATE: &str = "permessage-deflate";

/// The smallest LZ77 window a peer may ask for, as a power of two (RFC 7692
/// §7.1.2: 8 to 15).
pub const MIN_WINDOW_BITS: u8 = 8;

/// The largest LZ77 window, and the default: 2^15 = 32 KiB.
pub const MAX_WINDOW_BITS: u8 = 15;

/// The `client_max_window_bits` parameter, which alone may come without a
/// value (in an offer: "I can limit my window if you ask").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ClientWindowBits {
    /// Not present.
    #[default]
    Absent,
    /// Present without a value (offers only).
    Supported,
    /// Present with a value from 8 to 15.
    Bits(u8),
}

/// The parameters of one permessage-deflate offer or response (RFC 7692
/// §7.1), each at most once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DeflateParams {
    /// The server resets its compressor after every message.
    pub server_no_context_takeover: bool,
    /// The client resets its compressor after every message.
    pub client_no_context_takeover: bool,
    /// The server compresses with a window of at most 2^n bytes.
    pub server_max_window_bits: Option<u8>,
    /// The client's window: offered support, or a limit.
    pub client_max_window_bits: ClientWindowBits,
}

/// Why a permessage-deflate offer or response is not acceptable (RFC 7692
/// §7.1: a server declines such an offer; a client fails the connection on
/// such a response).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DeflateParamError {
    /// The extension is not permessage-deflate.
    NotPermessageDeflate,
    /// A parameter this extension does not define.
    UnknownParam,
    /// A parameter given twice.
    DuplicateParam,
    /// A value on a parameter that takes none.
    UnexpectedValue,
    /// A parameter that needs a value has none.
    MissingValue,
    /// A window size that is not an integer from 8 to 15 without leading
    /// zeros.
    InvalidWindowBits,
    /// A response whose `server_max_window_bits` is larger than the offer
    /// allowed.
    ServerWindowTooLarge,
    /// A response without the `server_max_window_bits` the offer asked for
    /// (accepting that offer means including it, RFC 7692 §7.1.2.1).
    ServerWindowMissing,
}

impl fmt::Display for DeflateParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotPermessageDeflate => "not a permessage-deflate extension",
            Self::UnknownParam => "unknown permessage-deflate parameter",
            Self::DuplicateParam => "permessage-deflate parameter given twice",
            Self::UnexpectedValue => "permessage-deflate parameter takes no value",
            Self::MissingValue => "permessage-deflate parameter needs a value",
            Self::InvalidWindowBits => "window bits must be an integer from 8 to 15",
            Self::ServerWindowTooLarge => "server_max_window_bits larger than offered",
            Self::ServerWindowMissing => "server_max_window_bits asked for but not in the response",
        })
    }
}

impl core::error::Error for DeflateParamError {}

impl DeflateParams {
    /// Reads the parameters of a `permessage-deflate` list element, with
    /// every rule of RFC 7692 §7.1 that does not depend on the other side.
    pub fn parse(extension: &Extension<'_>) -> Result<Self, DeflateParamError> {
        if !extension.name().eq_ignore_ascii_case(PERMESSAGE_DEFLATE) {
            return Err(DeflateParamError::NotPermessageDeflate);
        }
        let mut params = Self::default();
        let mut seen = [false; 4];
        for param in extension.params() {
            let name = param.name();
            let index = [
                "server_no_context_takeover",
                "client_no_context_takeover",
                "server_max_window_bits",
                "client_max_window_bits",
            ]
            .iter()
            .position(|known| name.eq_ignore_ascii_case(known))
            .ok_or(DeflateParamError::UnknownParam)?;
            if core::mem::replace(&mut seen[index], true) {
                return Err(DeflateParamError::DuplicateParam);
            }
            let value = param.value();
            match index {
                0 | 1 if value.is_some() => return Err(DeflateParamError::UnexpectedValue),
                0 => params.server_no_context_takeover = true,
                1 => params.client_no_context_takeover = true,
                2 => {
                    let value = value.ok_or(DeflateParamError::MissingValue)?;
                    params.server_max_window_bits = Some(window_bits(value)?);
                }
                _ => {
                    params.client_max_window_bits = match value {
                        None => ClientWindowBits::Supported,
                        Some(value) => ClientWindowBits::Bits(window_bits(value)?),
                    }
                }
            }
        }
        Ok(params)
    }
}

/// A window size: "8" to "15", quoted or not, no leading zeros (RFC 7692
/// §7.1.2.1).
fn window_bits(value: ParamValue<'_>) -> Result<u8, DeflateParamError> {
    let mut digits = [0u8; 2];
    let text = value
        .unescape_into(&mut digits)
        .map_err(|_| DeflateParamError::InvalidWindowBits)?;
    match text.as_bytes() {
        [d @ b'8'..=b'9'] => Ok(d - b'0'),
        [b'1', d @ b'0'..=b'5'] => Ok(10 + d - b'0'),
        _ => Err(DeflateParamError::InvalidWindowBits),
    }
}

impl fmt::Display for DeflateParams {
    /// The list element: `permessage-deflate` and the parameters set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(PERMESSAGE_DEFLATE)?;
        if self.server_no_context_takeover {
            f.write_str("; server_no_context_takeover")?;
        }
        if self.client_no_context_takeover {
            f.write_str("; client_no_context_takeover")?;
        }
        if let Some(bits) = self.server_max_window_bits {
            write!(f, "; server_max_window_bits={bits}")?;
        }
        match self.client_max_window_bits {
            ClientWindowBits::Absent => {}
            ClientWindowBits::Supported => f.write_str("; client_max_window_bits")?,
            ClientWindowBits::Bits(bits) => write!(f, "; client_max_window_bits={bits}")?,
        }
        Ok(())
    }
}

/// The longest header text [`DeflateParams`] can take.
const PARAMS_TEXT_MAX: usize = 128;

/// A parameter list written out, held inline (no allocation). The
/// handshake writes it for you through
/// [`ClientRequest::deflate`](crate::ClientRequest::deflate) and
/// [`HandshakeAccept::deflate`](crate::HandshakeAccept::deflate); the text
/// is for another HTTP stack's headers.
#[derive(Clone, Copy)]
pub struct ParamsText {
    bytes: [u8; PARAMS_TEXT_MAX],
    len: usize,
}

impl ParamsText {
    fn new(params: &DeflateParams) -> Self {
        let mut text = Self {
            bytes: [0; PARAMS_TEXT_MAX],
            len: 0,
        };
        // The longest list is about 120 bytes, so this cannot fail.
        let _ = fmt::write(&mut text, format_args!("{params}"));
        text
    }

    /// Test access to the constructor.
    #[cfg(test)]
    pub(crate) fn new_for_test(params: &DeflateParams) -> Self {
        Self::new(params)
    }

    /// The text, e.g. `permessage-deflate; client_max_window_bits`.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl fmt::Write for ParamsText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let slot = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

impl fmt::Debug for ParamsText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for ParamsText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// This end's permessage-deflate wishes, for either role.
///
/// The defaults accept every offer a peer may make, keep the context
/// between messages, and ask nothing of the peer.
///
/// # Memory per connection
///
/// The compressor is allocated on the first compressed send, so an end that
/// only receives never pays for it. Its size follows the window it
/// compresses with (`max_window_bits`, or less if the peer asks) and not
/// the level, except that level 0 (stored blocks only) needs none:
///
/// | window bits | 15 (default) | 12 | 10 | 9 | 8 | level 0 |
/// | --- | --- | --- | --- | --- | --- | --- |
/// | compressor | 224 KiB | 29 KiB | 11 KiB | 9.5 KiB | 9 KiB | 0 |
/// | the whole connection, peer without context takeover | 226 KiB | 31 KiB | 13 KiB | 12 KiB | 11 KiB | 2 KiB |
/// | the whole connection, peer keeping its context | 268 KiB | 73 KiB | 55 KiB | 54 KiB | 53 KiB | 44 KiB |
///
/// "The whole connection" is a server's [`Connection`](crate::Connection)
/// (512 bytes) with permessage-deflate on (1.5 KiB of state), once it has
/// sent and received a compressed message, between messages; a client's
/// adds its key source. While a message is inflated the inflater (43 KiB)
/// is there in both rows.
///
/// It keeps no output between messages: each message is compressed
/// straight into the caller's buffer. The decompressor,
/// `miniz_oxide`'s, takes about 43 KiB whatever the window, made by the
/// first compressed message received; when the peer resets its compressor
/// after every message (`peer_no_context_takeover` as agreed), it is freed
/// at the end of each message, so that an idle connection holds none of
/// it; otherwise it is kept, as its window is. On top of that, while a
/// message is inflated, the compressed bytes of a frame that did not fit
/// the inflate buffer (released at the end of the message past 1 KiB).
/// `peer_max_window_bits` and `peer_no_context_takeover` lower the peer's
/// memory, not this end's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeflateConfig {
    /// Compression level, 0 (store only) to 9 (smallest output, slowest).
    /// Default 6.
    pub level: u8,
    /// The largest window this end compresses with, 8 to 15. Below 15 it is
    /// announced to the peer (`server_max_window_bits` in a server's
    /// response; a client always offers to honour the server's limit).
    /// Default 15.
    pub max_window_bits: u8,
    /// The window to ask the peer to stay within, 8 to 15 (15: ask
    /// nothing). Default 15.
    pub peer_max_window_bits: u8,
    /// Reset this end's compressor after every message, whether or not the
    /// peer asks (smaller state between messages, larger output). Default
    /// off.
    pub no_context_takeover: bool,
    /// Ask the peer to reset its compressor after every message. Default
    /// off.
    pub peer_no_context_takeover: bool,
}

impl Default for DeflateConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl DeflateConfig {
    /// The defaults (see the fields).
    pub const fn new() -> Self {
        Self {
            level: 6,
            max_window_bits: MAX_WINDOW_BITS,
            peer_max_window_bits: MAX_WINDOW_BITS,
            no_context_takeover: false,
            peer_no_context_takeover: false,
        }
    }

    /// Window sizes clamped to 8..=15 and the level to 0..=9.
    fn clamped(&self) -> Self {
        Self {
            level: self.level.min(9),
            max_window_bits: self.max_window_bits.clamp(MIN_WINDOW_BITS, MAX_WINDOW_BITS),
            peer_max_window_bits: self
                .peer_max_window_bits
                .clamp(MIN_WINDOW_BITS, MAX_WINDOW_BITS),
            ..*self
        }
    }

    /// The server's choice: the first `permessage-deflate` offer it can
    /// honour, and the response to it. `None` when no offer can be
    /// accepted (answer without the extension).
    ///
    /// Every valid offer can be honoured: windows of 8 to 15 bits and both
    /// context takeover settings are supported. Offers with unknown,
    /// repeated or malformed parameters are declined, as RFC 7692 §7.1
    /// requires.
    ///
    /// ```
    /// use rfc6455::handshake::parse_extensions;
    /// use rfc6455::DeflateConfig;
    ///
    /// let header = b"permessage-deflate; server_max_window_bits=10; client_max_window_bits";
    /// let offers = parse_extensions(header).filter_map(Result::ok);
    /// let agreement = DeflateConfig::default().accept_offer(offers).unwrap();
    /// assert_eq!(
    ///     agreement.response().as_str(),
    ///     "permessage-deflate; server_max_window_bits=10"
    /// );
    /// ```
    pub fn accept_offer<'a>(
        &self,
        offers: impl IntoIterator<Item = Extension<'a>>,
    ) -> Option<DeflateAgreement> {
        let config = self.clamped();
        offers
            .into_iter()
            .filter_map(|offer| DeflateParams::parse(&offer).ok())
            .map(|offer| config.answer(&offer))
            .next()
    }

    /// The response to one valid offer.
    fn answer(&self, offer: &DeflateParams) -> DeflateAgreement {
        let ours = self.max_window_bits;
        let server_max_window_bits = match offer.server_max_window_bits {
            // Accepting the limit means echoing it, or a smaller value.
            Some(bits) => Some(bits.min(ours)),
            None => (ours < MAX_WINDOW_BITS).then_some(ours),
        };
        let theirs = self.peer_max_window_bits;
        let client_max_window_bits = match offer.client_max_window_bits {
            ClientWindowBits::Absent => ClientWindowBits::Absent,
            ClientWindowBits::Bits(bits) if bits <= theirs => ClientWindowBits::Absent,
            _ if theirs == MAX_WINDOW_BITS => ClientWindowBits::Absent,
            _ => ClientWindowBits::Bits(theirs),
        };
        let response = DeflateParams {
            server_no_context_takeover: offer.server_no_context_takeover
                || self.no_context_takeover,
            client_no_context_takeover: self.peer_no_context_takeover,
            server_max_window_bits,
            client_max_window_bits,
        };
        // What the client promised in its offer binds it too.
        let client_window = match (client_max_window_bits, offer.client_max_window_bits) {
            (ClientWindowBits::Bits(bits), _) | (_, ClientWindowBits::Bits(bits)) => bits,
            _ => MAX_WINDOW_BITS,
        };
        DeflateAgreement {
            role: Role::Server,
            response,
            compress_window_bits: server_max_window_bits.unwrap_or(MAX_WINDOW_BITS),
            compress_no_context_takeover: response.server_no_context_takeover,
            peer_window_bits: client_window,
            // The offer's client_no_context_takeover is only a hint (RFC 7692
            // §7.1.1.2); clients such as Autobahn's keep their context anyway.
            peer_no_context_takeover: response.client_no_context_takeover,
            level: self.level,
        }
    }

    /// The client's offer, as
    /// [`ClientRequest::deflate`](crate::ClientRequest::deflate) writes it.
    /// It always says the client can limit its window
    /// (`client_max_window_bits`), and adds what this config asks of the
    /// server.
    pub fn offer(&self) -> ParamsText {
        let config = self.clamped();
        ParamsText::new(&DeflateParams {
            server_no_context_takeover: config.peer_no_context_takeover,
            client_no_context_takeover: config.no_context_takeover,
            server_max_window_bits: (config.peer_max_window_bits < MAX_WINDOW_BITS)
                .then_some(config.peer_max_window_bits),
            client_max_window_bits: ClientWindowBits::Supported,
        })
    }

    /// The client's check of the server's answer to [`offer`](Self::offer)
    /// (the `permessage-deflate` element of the response's
    /// `Sec-WebSocket-Extensions`). An error means the client must fail the
    /// connection (RFC 7692 §7.1).
    ///
    /// After the handshake, call
    /// [`NegotiatedHandshake::deflate`](crate::NegotiatedHandshake::deflate)
    /// instead: it finds the element on any line and in any case, and the
    /// validation before it refuses an answer that names permessage-deflate
    /// twice or without an offer.
    pub fn accept_response(
        &self,
        response: &Extension<'_>,
    ) -> Result<DeflateAgreement, DeflateParamError> {
        let config = self.clamped();
        let params = DeflateParams::parse(response)?;
        let client_window = match params.client_max_window_bits {
            // We offered it, so any value binds us; without a value it is
            // malformed in a response.
            ClientWindowBits::Bits(bits) => bits,
            ClientWindowBits::Supported => return Err(DeflateParamError::MissingValue),
            ClientWindowBits::Absent => MAX_WINDOW_BITS,
        };
        if let Some(bits) = params.server_max_window_bits {
            if config.peer_max_window_bits < MAX_WINDOW_BITS && bits > config.peer_max_window_bits {
                return Err(DeflateParamError::ServerWindowTooLarge);
            }
        } else if config.peer_max_window_bits < MAX_WINDOW_BITS {
            // The offer's limit was not accepted: RFC 7692 §7.1.2.1 has the
            // server include the parameter when it accepts the offer.
            return Err(DeflateParamError::ServerWindowMissing);
        }
        Ok(DeflateAgreement {
            role: Role::Client,
            response: params,
            compress_window_bits: client_window.min(config.max_window_bits),
            compress_no_context_takeover: params.client_no_context_takeover
                || config.no_context_takeover,
            peer_window_bits: params.server_max_window_bits.unwrap_or(MAX_WINDOW_BITS),
            peer_no_context_takeover: params.server_no_context_takeover,
            level: config.level,
        })
    }
}

/// What both ends agreed on, seen from this end: the response text (which a
/// server sends) and how this end's compressor and decompressor behave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeflateAgreement {
    role: Role,
    response: DeflateParams,
    compress_window_bits: u8,
    compress_no_context_takeover: bool,
    peer_window_bits: u8,
    peer_no_context_takeover: bool,
    level: u8,
}

impl DeflateAgreement {
    /// The end this agreement is for.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The negotiated parameters, as in the server's response.
    pub fn params(&self) -> &DeflateParams {
        &self.response
    }

    /// The response element a server sends in `Sec-WebSocket-Extensions`.
    pub fn response(&self) -> ParamsText {
        ParamsText::new(&self.response)
    }

    /// The window this end compresses with, in bits.
    pub fn compress_window_bits(&self) -> u8 {
        self.compress_window_bits
    }

    /// Whether this end resets its compressor after every message.
    pub fn compress_no_context_takeover(&self) -> bool {
        self.compress_no_context_takeover
    }

    /// The largest window the peer compresses with, in bits.
    pub fn peer_window_bits(&self) -> u8 {
        self.peer_window_bits
    }

    /// Whether the peer resets its compressor after every message.
    pub fn peer_no_context_takeover(&self) -> bool {
        self.peer_no_context_takeover
    }

    /// The compression level this end uses.
    pub fn level(&self) -> u8 {
        self.level
    }
}
