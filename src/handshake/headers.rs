//! Header lists as the validation sees them: any cloneable iterator of
//! `(name, value)` pairs, whether it comes from `httparse` or from another
//! HTTP stack, and the lookups that walk it (single values, all values of a
//! field, and lists split across several lines).

use super::extensions::{parse_extensions, Extension, ExtensionIter};
use super::tokens::ListElements;

/// A list of header fields the handshake can read, more than once.
///
/// Anything that iterates `(name, value)` pairs and can be cloned qualifies,
/// so a runtime that already parsed the request (hyper, an HTTP/2 server)
/// passes its headers straight in:
///
/// ```
/// # fn takes<'a, H: rfc6455::handshake::HeaderSource<'a>>(_: H) {}
/// let fields: &[(&str, &[u8])] = &[("host", b"example.com")];
/// takes(fields.iter().copied());
///
/// let text: &[(&str, &str)] = &[("host", "example.com")];
/// takes(text.iter().map(|&(name, value)| (name, value.as_bytes())));
/// ```
///
/// Names are compared ASCII case-insensitively. This trait is implemented
/// for every such iterator; there is nothing to implement by hand.
pub trait HeaderSource<'a>: Iterator<Item = (&'a str, &'a [u8])> + Clone {}

impl<'a, T> HeaderSource<'a> for T where T: Iterator<Item = (&'a str, &'a [u8])> + Clone {}

/// The headers parsed by `httparse`, as `(name, value)` pairs.
#[derive(Debug, Clone)]
pub struct HttpHeaderIter<'a> {
    inner: core::slice::Iter<'a, httparse::Header<'a>>,
}

impl<'a> HttpHeaderIter<'a> {
    pub(crate) fn new(headers: &'a [httparse::Header<'a>]) -> Self {
        Self {
            inner: headers.iter(),
        }
    }
}

impl<'a> Iterator for HttpHeaderIter<'a> {
    type Item = (&'a str, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|h| (h.name, h.value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl DoubleEndedIterator for HttpHeaderIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back().map(|h| (h.name, h.value))
    }
}

impl ExactSizeIterator for HttpHeaderIter<'_> {}

/// The first value of the field `name`.
pub(crate) fn first_value<'a, H: HeaderSource<'a>>(headers: H, name: &str) -> Option<&'a [u8]> {
    headers
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

/// A head's header fields, in order, borrowed from the input: one field by
/// name, all its values, or every field. The same type for a request
/// ([`HandshakeRequest::headers`](crate::HandshakeRequest::headers)), a
/// response ([`HandshakeResponse::headers`](crate::HandshakeResponse::headers))
/// and a plain HTTP head ([`RequestHead::headers`](crate::RequestHead::headers)).
#[derive(Debug, Clone)]
pub struct Headers<'a, H = HttpHeaderIter<'a>> {
    source: H,
    _fields: core::marker::PhantomData<&'a [u8]>,
}

impl<'a, H: HeaderSource<'a>> Headers<'a, H> {
    pub(crate) fn new(source: H) -> Self {
        Self {
            source,
            _fields: core::marker::PhantomData,
        }
    }

    /// The first value of the field `name` (ASCII case-insensitive), e.g.
    /// `Authorization`, `Cookie` or, after a redirect, `Location`.
    pub fn get(&self, name: &str) -> Option<&'a [u8]> {
        first_value(self.source.clone(), name)
    }

    /// Every value of the field `name`, in order.
    pub fn values<'n>(&self, name: &'n str) -> HeaderValues<'a, 'n, H> {
        HeaderValues::new(self.source.clone(), name)
    }

    /// Every field, in order, as `(name, value)` pairs.
    pub fn iter(&self) -> H {
        self.source.clone()
    }
}

impl<'a, H: HeaderSource<'a>> IntoIterator for Headers<'a, H> {
    type Item = (&'a str, &'a [u8]);
    type IntoIter = H;

    fn into_iter(self) -> H {
        self.source
    }
}

/// Every value of one header field, in order; see [`Headers::values`].
#[derive(Debug, Clone)]
pub struct HeaderValues<'a, 'n, H> {
    headers: H,
    name: &'n str,
    _values: core::marker::PhantomData<&'a [u8]>,
}

impl<'a, 'n, H: HeaderSource<'a>> HeaderValues<'a, 'n, H> {
    pub(crate) fn new(headers: H, name: &'n str) -> Self {
        Self {
            headers,
            name,
            _values: core::marker::PhantomData,
        }
    }
}

impl<'a, H: HeaderSource<'a>> Iterator for HeaderValues<'a, '_, H> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let name = self.name;
        self.headers
            .by_ref()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    }
}

/// The subprotocols offered in `Sec-WebSocket-Protocol`, in order, across
/// every line of the field (RFC 6455 §4.1, §11.3.4).
#[derive(Debug, Clone)]
pub struct Protocols<'a, H> {
    /// `None` when the field is known to be absent: nothing to walk.
    lines: Option<HeaderValues<'a, 'static, H>>,
    current: ListElements<'a>,
}

impl<'a, H: HeaderSource<'a>> Protocols<'a, H> {
    pub(crate) fn new(headers: Option<H>) -> Self {
        Self {
            lines: headers.map(|h| HeaderValues::new(h, "sec-websocket-protocol")),
            current: ListElements::empty(),
        }
    }
}

impl<'a, H: HeaderSource<'a>> Iterator for Protocols<'a, H> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        loop {
            if let Some(element) = self.current.next() {
                // Validated as tokens (ASCII) before this iterator is handed out.
                if let Ok(protocol) = core::str::from_utf8(element) {
                    return Some(protocol);
                }
                continue;
            }
            self.current = ListElements::new(self.lines.as_mut()?.next()?);
        }
    }
}

/// The extensions in `Sec-WebSocket-Extensions`, in order, across every line
/// of the field (RFC 6455 §9.1: the field "MAY be split or combined across
/// multiple lines").
///
/// The lines were checked before this iterator was handed out, so it yields
/// extensions rather than results.
#[derive(Debug, Clone)]
pub struct HeaderExtensions<'a, H> {
    /// `None` when the field is known to be absent: nothing to walk.
    lines: Option<HeaderValues<'a, 'static, H>>,
    current: ExtensionIter<'a>,
}

impl<'a, H: HeaderSource<'a>> HeaderExtensions<'a, H> {
    pub(crate) fn new(headers: Option<H>) -> Self {
        Self {
            lines: headers.map(|h| HeaderValues::new(h, "sec-websocket-extensions")),
            current: parse_extensions(&[]),
        }
    }
}

impl<'a, H: HeaderSource<'a>> Iterator for HeaderExtensions<'a, H> {
    type Item = Extension<'a>;

    fn next(&mut self) -> Option<Extension<'a>> {
        loop {
            match self.current.next() {
                Some(Ok(extension)) => return Some(extension),
                // Unreachable after validation: skip the rest of that line.
                Some(Err(_)) | None => {
                    self.current = parse_extensions(self.lines.as_mut()?.next()?);
                }
            }
        }
    }
}
