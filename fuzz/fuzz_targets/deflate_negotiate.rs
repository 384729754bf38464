//! Arbitrary `Sec-WebSocket-Extensions` values through permessage-deflate
//! negotiation, both roles. The server's answer to any offer must be a
//! well-formed parameter list that honours the offer (a window limit
//! echoed at or below what was asked, client_max_window_bits only if
//! offered) and that a client which made that offer accepts; a client given
//! any answer either accepts it within its own limits or refuses it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rfc6455::handshake::{parse_extensions, ClientWindowBits, DeflateParams};
use rfc6455::DeflateConfig;

fuzz_target!(|data: &[u8]| {
    let Some((&knobs, header)) = data.split_first() else {
        return;
    };
    let mut config = DeflateConfig::default();
    config.max_window_bits = 8 + (knobs & 0x7);
    config.peer_max_window_bits = 8 + (knobs >> 3 & 0x7);
    config.no_context_takeover = knobs & 0x40 != 0;
    config.peer_no_context_takeover = knobs & 0x80 != 0;

    // Server side.
    let offers: Vec<_> = parse_extensions(header).map_while(Result::ok).collect();
    if let Some(agreement) = config.accept_offer(offers.iter().copied()) {
        let response = agreement.response();
        let answer = parse_extensions(response.as_str().as_bytes())
            .next()
            .expect("one element")
            .expect("well-formed");
        let params = DeflateParams::parse(&answer).expect("valid parameters");
        assert_eq!(params, *agreement.params());
        // The offer it answered: the first valid one.
        let offer = offers
            .iter()
            .find_map(|o| DeflateParams::parse(o).ok())
            .expect("an offer was valid");
        if let Some(asked) = offer.server_max_window_bits {
            assert!(params.server_max_window_bits.is_some_and(|b| b <= asked));
        }
        assert!(agreement.compress_window_bits() <= params.server_max_window_bits.unwrap_or(15));
        if offer.client_max_window_bits == ClientWindowBits::Absent {
            assert_eq!(params.client_max_window_bits, ClientWindowBits::Absent);
        }
    }

    // Client side: any answer to our offer.
    if let Some(Ok(answer)) = parse_extensions(header).next() {
        if let Ok(agreement) = config.accept_response(&answer) {
            assert!(agreement.compress_window_bits() <= config.max_window_bits.clamp(8, 15));
        }
    }
});
