//! The `Sec-WebSocket-Extensions` grammar (RFC 6455 §9.1), parsed without
//! copying: an iterator over extensions, each with an iterator over its
//! parameters.
//!
//! ```text
//! Sec-WebSocket-Extensions = extension-list
//! extension-list = 1#extension
//! extension = extension-token *( ";" extension-param )
//! extension-token = registered-token
//! registered-token = token
//! extension-param = token [ "=" (token | quoted-string) ]
//! ```
//!
//! Optional whitespace is allowed around `,`, `;` and `=`, and empty list
//! elements are skipped (RFC 9110 §5.6.1). What an extension means
//! (permessage-deflate, RFC 7692) is decided above this module.

use core::fmt;

use crate::BufferTooSmall;

use super::tokens::{is_ows, is_tchar};

/// A syntax error in a `Sec-WebSocket-Extensions` value (RFC 6455 §9.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExtensionError {
    /// A list element does not start with an extension token.
    ExpectedExtensionName,
    /// A `;` is not followed by a parameter name.
    ExpectedParamName,
    /// A `=` is not followed by a token or a quoted string.
    ExpectedParamValue,
    /// A quoted string has no closing `"`.
    UnterminatedQuotedString,
    /// A quoted value is not a token once unescaped.
    ///
    /// RFC 6455 §9.1: "When using the quoted-string syntax variant, the value
    /// after quoted-string unescaping MUST conform to the 'token' ABNF."
    QuotedValueNotToken,
    /// Something other than `;`, `,` or the end follows a name or value.
    UnexpectedCharacter,
}

impl fmt::Display for ExtensionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ExpectedExtensionName => "expected an extension name",
            Self::ExpectedParamName => "expected an extension parameter name",
            Self::ExpectedParamValue => "expected an extension parameter value",
            Self::UnterminatedQuotedString => "unterminated quoted string",
            Self::QuotedValueNotToken => "quoted parameter value is not a token",
            Self::UnexpectedCharacter => "unexpected character in extension list",
        })
    }
}

impl core::error::Error for ExtensionError {}

/// Parses one `Sec-WebSocket-Extensions` header value.
///
/// The iterator yields each extension in order, or the first syntax error
/// and then nothing. A header split over several lines is one list: parse
/// each line in turn (the request and response types do this for you).
///
/// ```
/// let mut offers = rfc6455::handshake::parse_extensions(
///     b"permessage-deflate; client_max_window_bits, x-foo; a=\"1\"",
/// );
/// let deflate = offers.next().unwrap().unwrap();
/// assert_eq!(deflate.name(), "permessage-deflate");
/// let param = deflate.params().next().unwrap();
/// assert_eq!((param.name(), param.value()), ("client_max_window_bits", None));
/// let foo = offers.next().unwrap().unwrap();
/// assert_eq!(foo.param("a").unwrap().value().unwrap().as_token(), Some("1"));
/// assert!(offers.next().is_none());
/// ```
pub fn parse_extensions(value: &[u8]) -> ExtensionIter<'_> {
    ExtensionIter {
        cursor: Cursor::new(value),
        done: false,
    }
}

/// Iterator over the extensions of one header value; see [`parse_extensions`].
#[derive(Debug, Clone)]
pub struct ExtensionIter<'a> {
    cursor: Cursor<'a>,
    done: bool,
}

impl<'a> Iterator for ExtensionIter<'a> {
    type Item = Result<Extension<'a>, ExtensionError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let item = next_extension(&mut self.cursor).transpose();
        if !matches!(item, Some(Ok(_))) {
            self.done = true;
        }
        item
    }
}

impl core::iter::FusedIterator for ExtensionIter<'_> {}

/// Checks a whole header value, returning the number of extensions in it.
pub(crate) fn validate_extensions(value: &[u8]) -> Result<usize, ExtensionError> {
    let mut count = 0;
    for extension in parse_extensions(value) {
        extension?;
        count += 1;
    }
    Ok(count)
}

/// One extension from a `Sec-WebSocket-Extensions` list, borrowed from the
/// header value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Extension<'a> {
    text: &'a str,
    name: &'a str,
    params: &'a str,
}

impl<'a> Extension<'a> {
    /// The extension token, e.g. `permessage-deflate`.
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The whole list element as sent: the name and its parameters.
    pub fn as_str(&self) -> &'a str {
        self.text
    }

    /// The parameters, in order.
    pub fn params(&self) -> ExtensionParams<'a> {
        ExtensionParams {
            cursor: Cursor::from_str(self.params, false),
        }
    }

    /// The first parameter called `name` (compared ASCII case-insensitively).
    pub fn param(&self, name: &str) -> Option<ExtensionParam<'a>> {
        self.params()
            .find(|param| param.name.eq_ignore_ascii_case(name))
    }
}

/// Iterator over the parameters of an [`Extension`].
#[derive(Debug, Clone)]
pub struct ExtensionParams<'a> {
    cursor: Cursor<'a>,
}

impl<'a> Iterator for ExtensionParams<'a> {
    type Item = ExtensionParam<'a>;

    fn next(&mut self) -> Option<ExtensionParam<'a>> {
        self.cursor.skip_ows();
        if !self.cursor.eat(b';') {
            return None;
        }
        // The text was validated when the extension was produced, so the
        // error branch is unreachable; stop rather than panic if it happens.
        match parse_param(&mut self.cursor) {
            Ok(param) => Some(param),
            Err(_) => {
                self.cursor.finish();
                None
            }
        }
    }
}

impl core::iter::FusedIterator for ExtensionParams<'_> {}

/// One `name[=value]` extension parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExtensionParam<'a> {
    name: &'a str,
    value: Option<ParamValue<'a>>,
}

impl<'a> ExtensionParam<'a> {
    /// The parameter name.
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// The value, if the parameter has one.
    pub fn value(&self) -> Option<ParamValue<'a>> {
        self.value
    }
}

/// A parameter value: a token, or a quoted string whose unescaped content is
/// a token (RFC 6455 §9.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParamValue<'a> {
    raw: &'a str,
    quoted: bool,
    escaped: bool,
}

impl<'a> ParamValue<'a> {
    /// The value as sent, without the surrounding quotes but with any
    /// backslash escapes still in place.
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// Whether the value was sent as a quoted string.
    pub fn is_quoted(&self) -> bool {
        self.quoted
    }

    /// The value as a token, when it needs no unescaping (a bare token, or a
    /// quoted string without backslashes, which is almost always the case).
    /// `None` when it contains escapes: use [`unescape_into`](Self::unescape_into).
    pub fn as_token(&self) -> Option<&'a str> {
        (!self.escaped).then_some(self.raw)
    }

    /// The unescaped bytes: the raw value with each `\` escape resolved.
    pub fn unescaped(&self) -> impl Iterator<Item = u8> + 'a {
        let mut escape = false;
        self.raw.bytes().filter(move |&b| {
            let keep = escape || b != b'\\';
            escape = !escape && b == b'\\';
            keep
        })
    }

    /// Writes the unescaped value into `out` and returns it.
    ///
    /// The unescaped value is never longer than [`raw`](Self::raw).
    pub fn unescape_into<'o>(&self, out: &'o mut [u8]) -> Result<&'o str, BufferTooSmall> {
        let required = self.unescaped().count();
        let Some(out) = out.get_mut(..required) else {
            return Err(BufferTooSmall { required });
        };
        for (slot, b) in out.iter_mut().zip(self.unescaped()) {
            *slot = b;
        }
        // Only tchar bytes remain, which are ASCII.
        Ok(core::str::from_utf8(out).unwrap_or_default())
    }

    /// Whether the unescaped value equals `token` (ASCII case-sensitively).
    pub fn eq_token(&self, token: &str) -> bool {
        self.unescaped().eq(token.bytes())
    }
}

/// A read position in a header value.
///
/// The value is held as text so that slicing out names and values costs no
/// UTF-8 check. Bytes that are not UTF-8 can never be part of the grammar,
/// so the text stops before the first of them and [`peek`](Self::peek)
/// reports a stand-in non-ASCII byte there: the same error results.
#[derive(Debug, Clone)]
struct Cursor<'a> {
    input: &'a str,
    /// Whether `input` stops early, before bytes that are not UTF-8.
    truncated: bool,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(value: &'a [u8]) -> Self {
        let (input, truncated) = match core::str::from_utf8(value) {
            Ok(input) => (input, false),
            Err(error) => {
                let valid = value.get(..error.valid_up_to()).unwrap_or_default();
                (core::str::from_utf8(valid).unwrap_or_default(), true)
            }
        };
        Self::from_str(input, truncated)
    }

    fn from_str(input: &'a str, truncated: bool) -> Self {
        Self {
            input,
            truncated,
            pos: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        match self.input.as_bytes().get(self.pos) {
            Some(&b) => Some(b),
            None if self.truncated => Some(0xFF),
            None => None,
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn skip_ows(&mut self) {
        while self.peek().is_some_and(is_ows) {
            self.pos += 1;
        }
    }

    fn finish(&mut self) {
        self.pos = self.input.len();
        self.truncated = false;
    }

    /// The text between `start` and the current position. The cursor only
    /// steps over ASCII, so both ends are character boundaries.
    fn since(&self, start: usize) -> &'a str {
        self.input.get(start..self.pos).unwrap_or_default()
    }

    /// Takes a token, which may be empty.
    fn token(&mut self) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(is_tchar) {
            self.pos += 1;
        }
        self.since(start)
    }
}

/// Parses the next extension, skipping empty list elements; `None` at the end.
fn next_extension<'a>(cursor: &mut Cursor<'a>) -> Result<Option<Extension<'a>>, ExtensionError> {
    loop {
        cursor.skip_ows();
        if !cursor.eat(b',') {
            break;
        }
    }
    if cursor.peek().is_none() {
        return Ok(None);
    }
    let start = cursor.pos;
    let name = cursor.token();
    if name.is_empty() {
        return Err(ExtensionError::ExpectedExtensionName);
    }
    let params_start = cursor.pos;
    let mut end = cursor.pos;
    loop {
        cursor.skip_ows();
        match cursor.peek() {
            None => break,
            Some(b',') => {
                cursor.pos += 1;
                break;
            }
            Some(b';') => {
                cursor.pos += 1;
                parse_param(cursor)?;
                end = cursor.pos;
            }
            Some(_) => return Err(ExtensionError::UnexpectedCharacter),
        }
    }
    Ok(Some(Extension {
        text: cursor.input.get(start..end).unwrap_or_default(),
        name,
        params: cursor.input.get(params_start..end).unwrap_or_default(),
    }))
}

/// Parses `OWS name [OWS "=" OWS value]` after a `;`.
fn parse_param<'a>(cursor: &mut Cursor<'a>) -> Result<ExtensionParam<'a>, ExtensionError> {
    cursor.skip_ows();
    let name = cursor.token();
    if name.is_empty() {
        return Err(ExtensionError::ExpectedParamName);
    }
    let before_eq = cursor.pos;
    cursor.skip_ows();
    if !cursor.eat(b'=') {
        cursor.pos = before_eq;
        return Ok(ExtensionParam { name, value: None });
    }
    cursor.skip_ows();
    let value = if cursor.eat(b'"') {
        parse_quoted(cursor)?
    } else {
        let raw = cursor.token();
        if raw.is_empty() {
            return Err(ExtensionError::ExpectedParamValue);
        }
        ParamValue {
            raw,
            quoted: false,
            escaped: false,
        }
    };
    Ok(ExtensionParam {
        name,
        value: Some(value),
    })
}

/// Parses the rest of a quoted string after its opening `"`.
fn parse_quoted<'a>(cursor: &mut Cursor<'a>) -> Result<ParamValue<'a>, ExtensionError> {
    let start = cursor.pos;
    let mut escaped = false;
    loop {
        match cursor.peek() {
            None => return Err(ExtensionError::UnterminatedQuotedString),
            Some(b'"') => break,
            Some(b'\\') => {
                cursor.pos += 1;
                match cursor.peek() {
                    None => return Err(ExtensionError::UnterminatedQuotedString),
                    // Only an escaped tchar can leave a token behind.
                    Some(b) if is_tchar(b) => escaped = true,
                    Some(_) => return Err(ExtensionError::QuotedValueNotToken),
                }
            }
            Some(b) if is_tchar(b) => {}
            Some(_) => return Err(ExtensionError::QuotedValueNotToken),
        }
        cursor.pos += 1;
    }
    let raw = cursor.since(start);
    cursor.pos += 1; // the closing quote
    if raw.is_empty() {
        return Err(ExtensionError::QuotedValueNotToken);
    }
    Ok(ParamValue {
        raw,
        quoted: true,
        escaped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(value: &[u8]) -> Result<usize, ExtensionError> {
        validate_extensions(value)
    }

    #[test]
    fn accepts() {
        assert_eq!(names(b""), Ok(0));
        assert_eq!(names(b" , ,"), Ok(0));
        assert_eq!(names(b"permessage-deflate"), Ok(1));
        assert_eq!(names(b"a;b;c=1 , d ; e = \"f\" ,"), Ok(2));
        assert_eq!(names(b"a;b=\"\\x\\y\""), Ok(1));
    }

    #[test]
    fn rejects() {
        use ExtensionError::*;
        let cases: [(&[u8], ExtensionError); 12] = [
            (b";a", ExpectedExtensionName),
            (b"a, =b", ExpectedExtensionName),
            (b"a;", ExpectedParamName),
            (b"a; ;b", ExpectedParamName),
            (b"a;b=", ExpectedParamValue),
            (b"a;b=,", ExpectedParamValue),
            (b"a;b=\"c", UnterminatedQuotedString),
            (b"a;b=\"c\\", UnterminatedQuotedString),
            (b"a;b=\"c d\"", QuotedValueNotToken),
            (b"a;b=\"\"", QuotedValueNotToken),
            (b"a;b=\"\\ \"", QuotedValueNotToken),
            (b"a b", UnexpectedCharacter),
        ];
        for (value, error) in cases {
            assert_eq!(
                names(value),
                Err(error),
                "{:?}",
                core::str::from_utf8(value)
            );
        }
        assert_eq!(names(b"a;b=c\"d\""), Err(UnexpectedCharacter));
        // Non-ASCII, valid UTF-8 or not, fails where it stands.
        assert_eq!(names(b"a\xff"), Err(UnexpectedCharacter));
        assert_eq!(names("a, \u{e9}".as_bytes()), Err(ExpectedExtensionName));
        assert_eq!(names(b"a;b=\xff"), Err(ExpectedParamValue));
        assert_eq!(names(b"a;b=\"c\xff\""), Err(QuotedValueNotToken));
        assert_eq!(names(b"a;b=\"c\\\xff\""), Err(QuotedValueNotToken));
    }

    #[test]
    fn params_and_values() {
        let ext = parse_extensions(b" x ; a ; b = 10 ; c=\"1\\5\" , y")
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(ext.name(), "x");
        assert_eq!(ext.as_str(), "x ; a ; b = 10 ; c=\"1\\5\"");
        let mut params = ext.params();
        let a = params.next().unwrap();
        assert_eq!((a.name(), a.value()), ("a", None));
        let b = params.next().unwrap().value().unwrap();
        assert_eq!(
            (b.raw(), b.is_quoted(), b.as_token()),
            ("10", false, Some("10"))
        );
        let c = params.next().unwrap().value().unwrap();
        assert_eq!((c.raw(), c.is_quoted(), c.as_token()), ("1\\5", true, None));
        let mut buf = [0u8; 2];
        assert_eq!(c.unescape_into(&mut buf), Ok("15"));
        assert_eq!(
            c.unescape_into(&mut [0u8; 1]),
            Err(BufferTooSmall { required: 2 })
        );
        assert!(c.eq_token("15"));
        assert!(params.next().is_none());
        assert_eq!(ext.param("B").unwrap().name(), "b");
    }

    #[test]
    fn error_is_final() {
        let mut it = parse_extensions(b"a, ;, b");
        assert!(matches!(it.next(), Some(Ok(_))));
        assert_eq!(it.next(), Some(Err(ExtensionError::ExpectedExtensionName)));
        assert_eq!(it.next(), None);
    }
}
