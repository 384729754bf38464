//! HTTP token and list syntax shared by every handshake header: `tchar`,
//! optional whitespace, and comma-separated token lists (RFC 9110 §5.6).
//!
//! `Upgrade`, `Connection` and `Sec-WebSocket-Protocol` are all
//! `1#token` lists that may be split across several header lines.

/// RFC 9110 §5.6.2: `tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" /
/// "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA`.
static TCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        table[i] = matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
                | b'0'..=b'9'
                | b'a'..=b'z'
                | b'A'..=b'Z'
        );
        i += 1;
    }
    table
};

/// Whether `b` may appear in an HTTP token.
#[inline]
pub(crate) fn is_tchar(b: u8) -> bool {
    TCHAR[usize::from(b)]
}

/// Whether `s` is a non-empty HTTP token.
pub(crate) fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

/// RFC 9110 §5.6.3: `OWS = *( SP / HTAB )`.
#[inline]
pub(crate) fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Strips optional whitespace from both ends.
pub(crate) fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if !is_ows(*first) {
            break;
        }
        s = rest;
    }
    while let [rest @ .., last] = s {
        if !is_ows(*last) {
            break;
        }
        s = rest;
    }
    s
}

/// Whether `s` is a field value we are willing to send (RFC 9110 §5.5):
/// visible characters, SP, HTAB and obs-text only. Refusing CR, LF and NUL is
/// what keeps caller-supplied values from splitting the response.
pub(crate) fn is_field_value(s: &[u8]) -> bool {
    s.iter().all(|&b| b == b'\t' || (b >= 0x20 && b != 0x7f))
}

fn is_comma(b: &u8) -> bool {
    *b == b','
}

/// The non-empty elements of one comma-separated header value, trimmed.
///
/// RFC 9110 §5.6.1: "a recipient MUST parse and ignore a reasonable number
/// of empty list elements", so `a, , b` yields `a` and `b`.
#[derive(Debug, Clone)]
pub(crate) struct ListElements<'a> {
    inner: core::slice::Split<'a, u8, fn(&u8) -> bool>,
}

impl<'a> ListElements<'a> {
    pub(crate) fn new(value: &'a [u8]) -> Self {
        Self {
            inner: value.split(is_comma as fn(&u8) -> bool),
        }
    }

    /// An iterator that yields nothing (used before the first header line).
    pub(crate) fn empty() -> Self {
        Self::new(&[])
    }
}

impl<'a> Iterator for ListElements<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        for element in self.inner.by_ref() {
            let element = trim_ows(element);
            if !element.is_empty() {
                return Some(element);
            }
        }
        None
    }
}

/// Whether the list in `value` contains `token`, compared ASCII
/// case-insensitively (as RFC 6455 §4.2.1 items 3 and 4 require for
/// `Upgrade` and `Connection`).
pub(crate) fn list_contains(value: &[u8], token: &[u8]) -> bool {
    // Fast path: the whole value is the token, as browsers send it.
    value.eq_ignore_ascii_case(token)
        || ListElements::new(value).any(|element| element.eq_ignore_ascii_case(token))
}

/// Whether every element of the list in `value` is a token.
pub(crate) fn is_token_list(value: &[u8]) -> bool {
    ListElements::new(value).all(is_token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_table() {
        assert!(is_token(b"permessage-deflate"));
        assert!(is_token(b"x!#$%&'*+-.^_`|~09az"));
        for bad in [
            &b""[..],
            b"a b",
            b"a,b",
            b"a;b",
            b"a=b",
            b"\"a\"",
            b"a/b",
            b"\xff",
        ] {
            assert!(!is_token(bad), "{bad:?}");
        }
    }

    #[test]
    fn lists() {
        let items: [&[u8]; 2] = [b"keep-alive", b"Upgrade"];
        assert!(ListElements::new(b" ,keep-alive ,\t, Upgrade,").eq(items));
        assert!(list_contains(b"keep-alive, UPGRADE", b"upgrade"));
        assert!(!list_contains(b"keep-alive, upgrade2", b"upgrade"));
        assert!(!list_contains(b"", b"upgrade"));
        assert!(is_token_list(b"chat, superchat"));
        assert!(!is_token_list(b"chat, super chat"));
        assert_eq!(trim_ows(b" \t x \t"), b"x");
        assert_eq!(trim_ows(b"   "), b"");
    }

    #[test]
    fn field_values() {
        assert!(is_field_value(b"Bearer abc\t\x80"));
        assert!(!is_field_value(b"a\r\nb"));
        assert!(!is_field_value(b"a\0"));
        assert!(!is_field_value(b"a\x7f"));
    }
}
