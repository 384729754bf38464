//! permessage-deflate material shared by the tests: the handshake's
//! negotiation between two configurations, and a decompression bomb's
//! building block.

use rfc6455::{
    ClientRequest, Config, Connection, DeflateAgreement, DeflateConfig, HandshakeAccept,
    ServerHandshake, Status, EMPTY_HTTP_HEADER,
};

/// 1 MiB of zeros, raw-deflated and sync-flushed, tail included: a literal
/// zero then long matches one byte back, so any number of copies in a row
/// is a valid stream of zeros (drop the last copy's tail to end a message).
pub fn one_mib_of_zeros() -> Vec<u8> {
    // Built with our own compressor through a throwaway server connection:
    // the frame's payload is the compressed message.
    let (_, server_side) = negotiate(&DeflateConfig::default(), &DeflateConfig::default());
    let mut server = Connection::server(Config::default());
    server.enable_deflate(&server_side).unwrap();
    let zeros = vec![0u8; 1 << 20];
    let mut out = vec![0u8; server.max_frame_len(zeros.len())];
    let len = server.send_binary(&zeros, &mut out).unwrap();
    // Unmasked server frame: 2- or 4-byte header.
    let header = if out[1] & 0x7f == 126 { 4 } else { 2 };
    let mut block = out[header..len].to_vec();
    // Put the sync flush's tail back so that copies can follow each other.
    block.extend_from_slice(&[0x00, 0x00, 0xff, 0xff]);
    block
}

/// The handshake's extension exchange, through the bytes of both heads:
/// the client's offer, the server's choice and answer, the client's check
/// of it.
pub fn negotiate(
    client: &DeflateConfig,
    server: &DeflateConfig,
) -> (DeflateAgreement, DeflateAgreement) {
    let mut request = [0u8; 512];
    let handshake = ClientRequest::new("example.com", "/")
        .deflate(client)
        .write(&[0; 16], &mut request)
        .expect("a valid request");
    let mut headers = [EMPTY_HTTP_HEADER; 16];
    let offer = ServerHandshake::new()
        .receive_request(&request[..handshake.request_len()], &mut headers)
        .ok()
        .and_then(Status::complete)
        .expect("a complete, valid request");
    let server_side = server
        .accept_offer(offer.extensions())
        .expect("every valid offer is accepted");
    let mut response = [0u8; 512];
    let n = offer
        .accept(&HandshakeAccept::new().deflate(&server_side), &mut response)
        .expect("a valid answer");
    let mut headers = [EMPTY_HTTP_HEADER; 16];
    let answer = handshake
        .receive_response(&response[..n], &mut headers)
        .ok()
        .and_then(Status::complete)
        .expect("a complete response");
    let client_side = handshake
        .validate(&answer)
        .and_then(|negotiated| negotiated.deflate(client))
        .expect("a valid answer")
        .expect("the offer was accepted");
    (client_side, server_side)
}

/// `len` bytes that compress about as chat traffic does, from `seed`:
/// words (some of them multi-byte UTF-8) for text, words and noise for
/// binary. Text is cut back to a character boundary, so it may be shorter.
pub fn compressible(text: bool, len: usize, seed: u64) -> Vec<u8> {
    let words: [&str; 8] = [
        "room ",
        "élan ",
        "{\"type\":\"message\"} ",
        "𝄞 ",
        "42 ",
        "lobby ",
        "zzzz",
        "ж ",
    ];
    let mut out = Vec::with_capacity(len + 8);
    let mut x = seed | 1;
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        if text {
            out.extend_from_slice(words[(x % 8) as usize].as_bytes());
        } else if x % 3 == 0 {
            out.extend_from_slice(&x.to_le_bytes());
        } else {
            out.extend_from_slice(b"repeat!!");
        }
    }
    if text {
        // Cut back to a character boundary.
        let mut end = len.min(out.len());
        while std::str::from_utf8(&out[..end]).is_err() {
            end -= 1;
        }
        out.truncate(end);
    } else {
        out.truncate(len);
    }
    out
}
