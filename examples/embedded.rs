//! The engine with no allocator, as an embedded target would use it.
//!
//! The loop itself (`embedded_core/`) is `no_std` code: fixed-size buffers
//! on the stack, only what the crate offers at `default-features = false`
//! (`tests/no-std-check` compiles the same file into a `#![no_std]`
//! staticlib), and a tiny blocking transport trait. This host program
//! runs it twice, a client loop against a server loop, first over an
//! in-memory pipe and then over loopback TCP: the handshake, an echo of a
//! text message, a binary one and one sixteen times larger than the input
//! buffer, a Ping, and a clean close with 1000. It checks every echo and
//! prints the bytes of state the loop needed.
//!
//! ```text
//! cargo run --example embedded               # both transports
//! cargo run --example embedded -- --memory   # or just one
//! cargo run --example embedded -- --tcp
//! ```

mod embedded_core;
mod embedded_host;

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::thread::{self, JoinHandle};
use std::{env, io};

use embedded_core::{
    serve, Buffers, DemoRng, Ending, Outcome, ServerReport, Session, StateSizes, Step, Transport,
    SCRIPT,
};
use embedded_host::pipe::pipe;
use embedded_host::tcp::TcpTransport;
use rfc6455::{CloseCode, Eof, MessageKind, NoMasking};

/// The stack each side's thread gets: small, to show the loop needs little.
const THREAD_STACK: usize = 64 * 1024;

fn main() -> ExitCode {
    let (memory, tcp) = match env::args().nth(1).as_deref() {
        None => (true, true),
        Some("--memory") => (true, false),
        Some("--tcp") => (false, true),
        Some(_) => {
            eprintln!("usage: embedded [--memory | --tcp]");
            return ExitCode::from(2);
        }
    };
    print_state_sizes();
    let mut verified = true;
    if memory {
        verified &= report("memory", run_in_memory());
    }
    if tcp {
        verified &= report("tcp", run_over_tcp());
    }
    if verified {
        println!("all exchanges verified");
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Prints what one connection's loop state costs.
fn print_state_sizes() {
    let server = StateSizes::of::<NoMasking>();
    let client = StateSizes::of::<DemoRng>();
    println!("state of one connection's loop, in bytes (fixed at compile time, no heap):");
    let rows = [
        ("server Connection", server.connection),
        ("client Connection<DemoRng>", client.connection),
        ("input buffer", server.input),
        ("output buffer", server.output),
        ("handshake header array", server.header_array),
        ("server total", server.total()),
        ("client total", client.total()),
    ];
    for (name, bytes) in rows {
        println!("  {name:<28}{bytes:>6}");
    }
    println!(
        "messages of any size stream through these buffers; \
         each loop runs on a thread with a {} KiB stack",
        THREAD_STACK / 1024
    );
}

/// Prints how a run ended; returns whether it was verified.
fn report(label: &str, result: Result<(), String>) -> bool {
    match result {
        Ok(()) => true,
        Err(error) => {
            println!("[{label}] FAILED: {error}");
            false
        }
    }
}

/// Both loops over an in-memory pipe.
fn run_in_memory() -> Result<(), String> {
    let (server_end, client_end) = pipe(usize::MAX);
    let server = spawn("server", move || serve_one(server_end));
    let client = spawn("client", move || {
        run_client("memory", client_end, "device.local")
    });
    finish("memory", client, server)
}

/// Both loops over loopback TCP.
fn run_over_tcp() -> Result<(), String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let server = spawn("server", move || {
        let (stream, _) = listener.accept().map_err(|e| format!("accept: {e}"))?;
        serve_one(TcpTransport::new(stream).map_err(|e| e.to_string())?)
    });
    let client = spawn("client", move || {
        let connect = TcpStream::connect(address).and_then(TcpTransport::new);
        let transport = connect.map_err(|e| format!("connect: {e}"))?;
        run_client("tcp", transport, &address.to_string())
    });
    finish("tcp", client, server)
}

/// Runs `f` on a thread with a [`THREAD_STACK`]-byte stack.
fn spawn<R: Send + 'static>(name: &str, f: impl FnOnce() -> R + Send + 'static) -> JoinHandle<R> {
    thread::Builder::new()
        .name(name.into())
        .stack_size(THREAD_STACK)
        .spawn(f)
        .expect("spawn a loop thread")
}

/// Waits for both loops and checks what the server saw against the
/// script.
fn finish(
    label: &str,
    client: JoinHandle<Result<(), String>>,
    server: JoinHandle<Result<ServerReport, String>>,
) -> Result<(), String> {
    let client = client.join().map_err(|_| "the client loop panicked")?;
    let server = server.join().map_err(|_| "the server loop panicked")?;
    client?;
    let server = server?;
    println!(
        "[{label}] server: echoed {} messages ({} bytes in {} frames), answered {} ping, {}",
        server.messages,
        server.bytes,
        server.frames,
        server.pings,
        describe_ending(server.ending)
    );
    let (mut messages, mut bytes, mut pings) = (0, 0, 0);
    for step in &SCRIPT {
        match step {
            Step::Message(_, payload) => (messages, bytes) = (messages + 1, bytes + payload.len()),
            Step::Ping(_) => pings += 1,
            Step::Close(..) => {}
        }
    }
    let expected = ServerReport {
        messages,
        bytes: bytes as u64,
        pings,
        ending: Ending::Closed(Some(CloseCode::NORMAL)),
        frames: server.frames,
    };
    if server != expected {
        return Err(format!("the server saw {server:?}, not {expected:?}"));
    }
    Ok(())
}

/// The server loop on one transport; dropping the transport afterwards
/// closes it, as RFC 6455 §7.1.1 has the server do.
fn serve_one<T: Transport<Error = io::Error>>(mut transport: T) -> Result<ServerReport, String> {
    let mut buffers = Buffers::new();
    serve(&mut transport, &mut buffers).map_err(|e| format!("server: {e}"))
}

/// The client loop: the handshake, then every step of [`SCRIPT`], each
/// answer checked.
fn run_client<T: Transport<Error = io::Error>>(
    label: &str,
    mut transport: T,
    host: &str,
) -> Result<(), String> {
    let mut buffers = Buffers::new();
    // A device takes these from its hardware RNG; see `DemoRng`.
    let mut rng = DemoRng::new(RandomState::new().hash_one(label));
    let nonce = rng.nonce();
    let mut session = Session::connect(&mut transport, &mut buffers, host, "/echo", &nonce, rng)
        .map_err(|e| format!("handshake: {e}"))?;
    println!(
        "[{label}] handshake done: GET /echo on {host} answered 101, connection {:?}",
        session.connection().state()
    );
    for step in &SCRIPT {
        let outcome = session
            .run(step)
            .map_err(|e| format!("{}: {e}", describe(step)))?;
        println!("[{label}] {}", check(step, outcome)?);
    }
    Ok(())
}

/// A step, for error messages.
fn describe(step: &Step<'_>) -> String {
    match step {
        Step::Message(kind, payload) => {
            format!("{} message of {} bytes", kind_name(*kind), payload.len())
        }
        Step::Ping(payload) => format!("ping of {} bytes", payload.len()),
        Step::Close(code, reason) => format!("close {} {reason:?}", code.0),
    }
}

/// Checks what only the host knows to expect (a clean end, the code we
/// sent) and describes the outcome.
fn check(step: &Step<'_>, outcome: Outcome) -> Result<String, String> {
    match (step, outcome) {
        (
            _,
            Outcome::Echoed {
                kind,
                bytes,
                frames,
            },
        ) => Ok(format!(
            "{} echo verified: {bytes} bytes, 1 frame out, {frames} back",
            kind_name(kind)
        )),
        (_, Outcome::Ponged { bytes }) => Ok(format!("pong verified: {bytes} bytes")),
        (Step::Close(sent, _), Outcome::Closed { code, eof })
            if code == Some(*sent) && eof == Eof::Clean =>
        {
            let code = sent.0;
            Ok(format!(
                "clean close: {code} echoed, then the server closed the transport"
            ))
        }
        (_, Outcome::Closed { code, eof }) => Err(format!("unclean close: {code:?}, {eof:?}")),
    }
}

/// How a connection ended, in words.
fn describe_ending(ending: Ending) -> String {
    match ending {
        Ending::Closed(Some(code)) => format!("peer closed with {}", code.0),
        Ending::Closed(None) => "peer closed with no code".into(),
        Ending::Failed(error) => format!("failed: {error} (sent {})", error.close_code().0),
        Ending::Abnormal => "transport ended without a close (1006)".into(),
        Ending::Refused(error) => format!("refused the upgrade: {error} ({})", error.status()),
    }
}

/// The name of a message type.
fn kind_name(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::Text => "text",
        MessageKind::Binary => "binary",
    }
}
