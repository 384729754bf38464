//! permessage-deflate material shared by the tests: a decompression bomb's
//! building block.

use rfc6455::handshake::parse_extensions;
use rfc6455::{Config, Connection, DeflateConfig};

/// 1 MiB of zeros, raw-deflated and sync-flushed, tail included: a literal
/// zero then long matches one byte back, so any number of copies in a row
/// is a valid stream of zeros (drop the last copy's tail to end a message).
pub fn one_mib_of_zeros() -> Vec<u8> {
    // Built with our own compressor through a throwaway server connection:
    // the frame's payload is the compressed message.
    let offer = DeflateConfig::default().offer();
    let server_side = DeflateConfig::default()
        .accept_offer(parse_extensions(offer.as_str().as_bytes()).filter_map(Result::ok))
        .unwrap();
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
