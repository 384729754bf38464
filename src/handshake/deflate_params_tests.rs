//! Unit tests of the permessage-deflate negotiation rules (RFC 7692 §7.1).

use super::deflate_params::*;
use super::extensions::parse_extensions;

fn offer(header: &str) -> Option<DeflateAgreement> {
    DeflateConfig::default()
        .accept_offer(parse_extensions(header.as_bytes()).filter_map(Result::ok))
}

fn params(header: &str) -> Result<DeflateParams, DeflateParamError> {
    let extension = parse_extensions(header.as_bytes()).next().unwrap().unwrap();
    DeflateParams::parse(&extension)
}

#[test]
fn parameters_are_read_with_every_rule() {
    assert_eq!(params("permessage-deflate"), Ok(DeflateParams::default()));
    let all = params(
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; \
         server_max_window_bits=10; client_max_window_bits",
    )
    .unwrap();
    assert!(all.server_no_context_takeover && all.client_no_context_takeover);
    assert_eq!(all.server_max_window_bits, Some(10));
    assert_eq!(all.client_max_window_bits, ClientWindowBits::Supported);
    assert_eq!(
        params("permessage-deflate; client_max_window_bits=\"8\"")
            .unwrap()
            .client_max_window_bits,
        ClientWindowBits::Bits(8)
    );
    for (header, error) in [
        (
            "x-webkit-deflate-frame",
            DeflateParamError::NotPermessageDeflate,
        ),
        ("permessage-deflate; foo", DeflateParamError::UnknownParam),
        (
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            DeflateParamError::DuplicateParam,
        ),
        (
            "permessage-deflate; client_no_context_takeover=1",
            DeflateParamError::UnexpectedValue,
        ),
        (
            "permessage-deflate; server_max_window_bits",
            DeflateParamError::MissingValue,
        ),
        (
            "permessage-deflate; server_max_window_bits=7",
            DeflateParamError::InvalidWindowBits,
        ),
        (
            "permessage-deflate; server_max_window_bits=16",
            DeflateParamError::InvalidWindowBits,
        ),
        (
            "permessage-deflate; server_max_window_bits=010",
            DeflateParamError::InvalidWindowBits,
        ),
        (
            "permessage-deflate; client_max_window_bits=abc",
            DeflateParamError::InvalidWindowBits,
        ),
    ] {
        assert_eq!(params(header), Err(error), "{header}");
    }
}

#[test]
fn every_window_size_and_its_text_round_trip() {
    for bits in MIN_WINDOW_BITS..=MAX_WINDOW_BITS {
        let p = DeflateParams {
            server_max_window_bits: Some(bits),
            client_max_window_bits: ClientWindowBits::Bits(bits),
            ..DeflateParams::default()
        };
        let text = ParamsText::new_for_test(&p);
        assert_eq!(params(text.as_str()), Ok(p), "{text}");
    }
}

#[test]
fn the_server_takes_the_first_valid_offer_and_answers_it() {
    // The first offer is malformed, so the second is taken.
    let agreement =
        offer("permessage-deflate; foo, permessage-deflate; server_no_context_takeover").unwrap();
    assert_eq!(
        agreement.response().as_str(),
        "permessage-deflate; server_no_context_takeover"
    );
    assert!(agreement.compress_no_context_takeover());
    // A window limit is accepted by echoing it, and is used.
    let agreement = offer("permessage-deflate; server_max_window_bits=9").unwrap();
    assert_eq!(
        agreement.response().as_str(),
        "permessage-deflate; server_max_window_bits=9"
    );
    assert_eq!(agreement.compress_window_bits(), 9);
    // The client's window limit binds it; its client_no_context_takeover is
    // only a hint (RFC 7692 §7.1.1.2), so the window is kept.
    let agreement =
        offer("permessage-deflate; client_max_window_bits=10; client_no_context_takeover").unwrap();
    assert_eq!(agreement.response().as_str(), "permessage-deflate");
    assert_eq!(agreement.peer_window_bits(), 10);
    assert!(!agreement.peer_no_context_takeover());
    assert!(offer("x-other, permessage-deflate; server_max_window_bits=20").is_none());
}

#[test]
fn the_server_asks_what_its_config_says_within_what_was_offered() {
    let config = DeflateConfig {
        max_window_bits: 12,
        peer_max_window_bits: 11,
        peer_no_context_takeover: true,
        ..DeflateConfig::default()
    };
    let choose = |header: &str| {
        config
            .accept_offer(parse_extensions(header.as_bytes()).filter_map(Result::ok))
            .unwrap()
    };
    let agreement = choose("permessage-deflate; client_max_window_bits");
    assert_eq!(
        agreement.response().as_str(),
        "permessage-deflate; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=11"
    );
    // Without client_max_window_bits in the offer, the server may not ask.
    let agreement = choose("permessage-deflate; server_max_window_bits=14");
    assert_eq!(
        agreement.response().as_str(),
        "permessage-deflate; client_no_context_takeover; server_max_window_bits=12"
    );
}

#[test]
fn the_client_offers_and_checks_the_answer() {
    let config = DeflateConfig {
        peer_max_window_bits: 10,
        ..DeflateConfig::default()
    };
    assert_eq!(
        config.offer().as_str(),
        "permessage-deflate; server_max_window_bits=10; client_max_window_bits"
    );
    let answer = |header: &str| {
        let extension = parse_extensions(header.as_bytes()).next().unwrap().unwrap();
        config.accept_response(&extension)
    };
    let agreement = answer("permessage-deflate; server_max_window_bits=9; client_max_window_bits=11; client_no_context_takeover").unwrap();
    assert_eq!(agreement.compress_window_bits(), 11);
    assert!(agreement.compress_no_context_takeover());
    assert_eq!(agreement.peer_window_bits(), 9);
    assert_eq!(
        answer("permessage-deflate; server_max_window_bits=12").err(),
        Some(DeflateParamError::ServerWindowTooLarge)
    );
    assert_eq!(
        answer("permessage-deflate").err(),
        Some(DeflateParamError::ServerWindowMissing)
    );
    assert_eq!(
        answer("permessage-deflate; server_max_window_bits=10; client_max_window_bits").err(),
        Some(DeflateParamError::MissingValue)
    );
    assert_eq!(
        answer("permessage-deflate; server_max_window_bits=10; x=1").err(),
        Some(DeflateParamError::UnknownParam)
    );
}
