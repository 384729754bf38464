//! A `#![no_std]` staticlib that drives the engine with no allocator. If
//! anything in `rfc6455` (at `default-features = false`) pulled in `std`,
//! its panic handler would clash with the one below and the build would
//! fail.
#![no_std]
#![no_main]

use core::panic::PanicInfo;

use rfc6455::{Config, Connection, Event};

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    loop {}
}

/// Receives one masked frame from `input` as a server and echoes the first
/// message chunk into `output`. Returns the bytes written, or 0.
#[no_mangle]
pub extern "C" fn ws_echo_once(input: *mut u8, input_len: usize, output: *mut u8, output_len: usize) -> usize {
    // SAFETY: the caller passes valid, non-overlapping buffers.
    let (input, output) = unsafe {
        (core::slice::from_raw_parts_mut(input, input_len), core::slice::from_raw_parts_mut(output, output_len))
    };
    let mut conn = Connection::server(Config::default());
    match conn.receive(input) {
        Ok(received) => match received.event {
            Some(Event::Message(chunk)) => conn.send_binary(chunk.payload, output).unwrap_or(0),
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
#[no_mangle]
pub extern "C" fn ws_accept_upgrade(input: *const u8, input_len: usize, output: *mut u8, output_len: usize) -> usize {
    // SAFETY: the caller passes valid, non-overlapping buffers.
    let (input, output) =
        unsafe { (core::slice::from_raw_parts(input, input_len), core::slice::from_raw_parts_mut(output, output_len)) };
    let mut headers = [rfc6455::EMPTY_HTTP_HEADER; 16];
    match rfc6455::ServerHandshake::new().receive_request(input, &mut headers) {
        Ok(rfc6455::HeadStatus::Complete(request)) => {
            request.accept(&rfc6455::HandshakeAccept::new(), output).unwrap_or(0)
        }
        _ => 0,
    }
}
