//! A client connection fed raw bytes (what a server would send), cut into
//! pieces chosen by the input (see `rfc6455_fuzz::split_input`). Checks, per
//! `receive`: no panic, `consumed <= input`, progress on non-empty input,
//! one sticky `ProtocolError` after which nothing more is read or sent, no
//! event after the peer's Close, and `poll_transmit` output that parses as
//! valid masked frames holding exactly the expected automatic replies. The
//! same bytes fed whole must give the same normalised events, replies and
//! final error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rfc6455::Role;

fuzz_target!(|data: &[u8]| rfc6455_fuzz::stream_target(Role::Client, data));
