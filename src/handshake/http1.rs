//! The `httparse` front end: turns raw HTTP/1.x heads into method, target,
//! status and a header list, enforcing the size limits. Validation happens
//! elsewhere, on the parts.

use super::HandshakeLimits;

/// Why a head could not be parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeadError {
    Malformed,
    TooLarge,
    TooManyHeaders,
}

/// A parsed request head.
pub(crate) struct ParsedRequest<'h> {
    pub(crate) method: &'h str,
    pub(crate) target: &'h str,
    pub(crate) minor: u8,
    pub(crate) headers: &'h [httparse::Header<'h>],
    pub(crate) len: usize,
}

/// A parsed response head.
pub(crate) struct ParsedResponse<'h> {
    pub(crate) status: u16,
    pub(crate) reason: &'h str,
    pub(crate) headers: &'h [httparse::Header<'h>],
    pub(crate) len: usize,
}

/// The part of `buf` a head may occupy, and the header slots it may use.
fn window<'b, 'h>(
    buf: &'b [u8],
    headers: &'h mut [httparse::Header<'b>],
    limits: &HandshakeLimits,
) -> (&'b [u8], &'h mut [httparse::Header<'b>]) {
    let bytes = buf.get(..limits.max_head_bytes).unwrap_or(buf);
    let slots = headers.len().min(limits.max_headers);
    (bytes, headers.split_at_mut(slots).0)
}

fn head_error(error: httparse::Error) -> HeadError {
    match error {
        httparse::Error::TooManyHeaders => HeadError::TooManyHeaders,
        _ => HeadError::Malformed,
    }
}

/// Partial input that already fills the whole window can never complete
/// within the limit.
fn partial(window: &[u8], limits: &HandshakeLimits) -> Result<Option<usize>, HeadError> {
    if window.len() >= limits.max_head_bytes {
        Err(HeadError::TooLarge)
    } else {
        Ok(None)
    }
}

/// Parses a request head; `Ok(None)` while it is incomplete.
pub(crate) fn parse_request<'b, 'h>(
    buf: &'b [u8],
    headers: &'h mut [httparse::Header<'b>],
    limits: &HandshakeLimits,
) -> Result<Option<ParsedRequest<'h>>, HeadError> {
    let (bytes, slots) = window(buf, headers, limits);
    let mut request = httparse::Request::new(slots);
    let len = match request.parse(bytes).map_err(head_error)? {
        httparse::Status::Complete(len) => len,
        httparse::Status::Partial => return partial(bytes, limits).map(|_| None),
    };
    let httparse::Request {
        method,
        path,
        version,
        headers,
    } = request;
    Ok(Some(ParsedRequest {
        method: method.unwrap_or_default(),
        target: path.unwrap_or_default(),
        minor: version.unwrap_or_default(),
        headers,
        len,
    }))
}

/// Parses a response head; `Ok(None)` while it is incomplete.
pub(crate) fn parse_response<'b, 'h>(
    buf: &'b [u8],
    headers: &'h mut [httparse::Header<'b>],
    limits: &HandshakeLimits,
) -> Result<Option<ParsedResponse<'h>>, HeadError> {
    let (bytes, slots) = window(buf, headers, limits);
    let mut response = httparse::Response::new(slots);
    let len = match response.parse(bytes).map_err(head_error)? {
        httparse::Status::Complete(len) => len,
        httparse::Status::Partial => return partial(bytes, limits).map(|_| None),
    };
    let httparse::Response {
        code,
        reason,
        headers,
        ..
    } = response;
    Ok(Some(ParsedResponse {
        status: code.unwrap_or_default(),
        reason: reason.unwrap_or_default(),
        headers,
        len,
    }))
}
