//! A `#![no_std]` staticlib that drives the engine with no allocator. If
//! anything in `rfc6455` (at `default-features = false`) pulled in `std`,
//! its panic handler would clash with the one below and the build would
//! fail.
//!
//! It also compiles the loop of `examples/embedded.rs` (the very source
//! file, `examples/embedded_core/`) and exports entry points into it, so
//! that loop is proven to need neither `std` nor an allocator.
#![no_std]
#![no_main]

use core::panic::PanicInfo;

use rfc6455::{Config, Connection, Event, NoMasking};

// The embedded example's loop, as the example compiles it.
#[allow(dead_code, unused_imports)] // the host example uses more of it than the calls below
#[path = "../../examples/embedded_core/mod.rs"]
mod embedded_core;
mod replay;

use embedded_core::{serve, Buffers, DemoRng, Session, StateSizes, SCRIPT};
use replay::Replay;

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    loop {}
}

/// Receives one masked frame from `input` as a server and echoes the first
/// message chunk into `output`. Returns the bytes written, or 0.
///
/// # Safety
///
/// `input` and `output` point to valid, non-overlapping buffers of the
/// given lengths.
#[no_mangle]
pub unsafe extern "C" fn ws_echo_once(
    input: *mut u8,
    input_len: usize,
    output: *mut u8,
    output_len: usize,
) -> usize {
    // SAFETY: the caller passes valid, non-overlapping buffers.
    let (input, output) = unsafe {
        (
            core::slice::from_raw_parts_mut(input, input_len),
            core::slice::from_raw_parts_mut(output, output_len),
        )
    };
    let mut conn = Connection::server(Config::default());
    match conn.receive(input) {
        Ok(received) => match received.event {
            Some(Event::Chunk(chunk)) => conn.send_binary(chunk.payload, output).unwrap_or(0),
            _ => 0,
        },
        Err(_) => conn.poll_transmit(output).unwrap_or(0),
    }
}

/// The size of a server connection, for the README's figure.
#[no_mangle]
pub extern "C" fn ws_connection_size() -> usize {
    core::mem::size_of::<Connection>()
}

/// Parses an upgrade request from `input` and writes the 101 response into
/// `output`. Returns the response length, or 0 when the request is partial
/// or rejected.
///
/// # Safety
///
/// `input` and `output` point to valid, non-overlapping buffers of the
/// given lengths.
#[no_mangle]
pub unsafe extern "C" fn ws_accept_upgrade(
    input: *const u8,
    input_len: usize,
    output: *mut u8,
    output_len: usize,
) -> usize {
    // SAFETY: the caller passes valid, non-overlapping buffers.
    let (input, output) = unsafe {
        (
            core::slice::from_raw_parts(input, input_len),
            core::slice::from_raw_parts_mut(output, output_len),
        )
    };
    let mut headers = [rfc6455::EMPTY_HTTP_HEADER; 16];
    match rfc6455::ServerHandshake::new().receive_request(input, &mut headers) {
        Ok(rfc6455::Status::Complete(request)) => request
            .accept(&rfc6455::HandshakeAccept::new(), output)
            .unwrap_or(0),
        _ => 0,
    }
}

/// Runs the embedded example's server loop over a recorded client stream
/// (an upgrade request, then frames) and writes its side into `output`.
/// Returns the bytes written, or 0 when `output` filled up.
///
/// # Safety
///
/// `input` and `output` point to valid, non-overlapping buffers of the
/// given lengths.
#[no_mangle]
pub unsafe extern "C" fn ws_embedded_serve(
    input: *const u8,
    input_len: usize,
    output: *mut u8,
    output_len: usize,
) -> usize {
    // SAFETY: the caller passes valid, non-overlapping buffers.
    let (input, output) = unsafe {
        (
            core::slice::from_raw_parts(input, input_len),
            core::slice::from_raw_parts_mut(output, output_len),
        )
    };
    let mut transport = Replay::new(input, output);
    let mut buffers = Buffers::new();
    match serve(&mut transport, &mut buffers) {
        Ok(_) => transport.written(),
        Err(_) => 0,
    }
}

/// Runs the embedded example's client loop (the handshake with a nonce and
/// masking keys from `seed`, then its script) over a recorded server
/// stream, writing its side into `output`. Returns how many steps of the
/// script completed.
///
/// # Safety
///
/// As for [`ws_embedded_serve`].
#[no_mangle]
pub unsafe extern "C" fn ws_embedded_client(
    input: *const u8,
    input_len: usize,
    output: *mut u8,
    output_len: usize,
    seed: u64,
) -> usize {
    // SAFETY: the caller passes valid, non-overlapping buffers.
    let (input, output) = unsafe {
        (
            core::slice::from_raw_parts(input, input_len),
            core::slice::from_raw_parts_mut(output, output_len),
        )
    };
    let mut transport = Replay::new(input, output);
    let mut buffers = Buffers::new();
    let mut rng = DemoRng::new(seed);
    let nonce = rng.nonce();
    let Ok(mut session) = Session::connect(
        &mut transport,
        &mut buffers,
        "device.local",
        "/echo",
        &nonce,
        rng,
    ) else {
        return 0;
    };
    SCRIPT
        .iter()
        .take_while(|step| session.run(step).is_ok())
        .count()
}

/// The bytes of state the embedded example's server loop needs.
#[no_mangle]
pub extern "C" fn ws_embedded_state_bytes() -> usize {
    StateSizes::of::<NoMasking>().total()
}
