//! The embedded example (`examples/embedded.rs`), run as a real binary: both
//! transports (in-memory and loopback TCP) complete the handshake and every
//! echo of the script, close cleanly, and the state sizes it prints are the
//! sizes of the types it uses. Every wait is bounded.

mod common;
// The example's no_std loop, for its script and its type sizes.
#[allow(dead_code, unused_imports)] // only the script and the sizes are used
#[path = "../examples/embedded_core/mod.rs"]
mod embedded_core;

use std::process::ExitStatus;
use std::time::{Duration, Instant};

use common::examples::Process;
use embedded_core::{DemoRng, Payload, StateSizes, Step, SCRIPT};
use rfc6455::{MessageKind, NoMasking};

/// The longest a run of the example may take.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

#[test]
fn both_transports_verify_the_whole_script() {
    let run = Run::example(&[]);
    assert!(run.status.success(), "{run:#?}");
    for label in ["memory", "tcp"] {
        run.expect_script(label);
    }
    assert_eq!(
        run.lines.last().map(String::as_str),
        Some("all exchanges verified")
    );
    assert!(!run.lines.iter().any(|l| l.contains("FAILED")), "{run:#?}");
}

// The example binary is built with the default features, `deflate` among
// them (it adds a pointer to every `Connection`); sizes compiled here match
// it only when this test is built with `deflate` too.
#[test]
#[cfg_attr(
    not(feature = "deflate"),
    ignore = "the example is built with the default features, this test without deflate"
)]
fn prints_the_state_sizes_of_its_types() {
    let run = Run::example(&["--memory"]);
    assert!(run.status.success(), "{run:#?}");
    let server = StateSizes::of::<NoMasking>();
    let client = StateSizes::of::<DemoRng>();
    assert_eq!(run.size("server Connection"), server.connection);
    assert_eq!(run.size("client Connection<DemoRng>"), client.connection);
    assert_eq!(run.size("input buffer"), server.input);
    assert_eq!(run.size("output buffer"), server.output);
    assert_eq!(run.size("handshake header array"), server.header_array);
    let parts = [
        "server Connection",
        "input buffer",
        "output buffer",
        "handshake header array",
    ];
    let sum: usize = parts.iter().map(|name| run.size(name)).sum();
    assert_eq!(run.size("server total"), sum);
    assert_eq!(run.size("server total"), server.total());
    assert_eq!(run.size("client total"), client.total());
    // The README's claim: one connection's whole loop fits in 4 KiB.
    assert!(server.total() < 4096 && client.total() < 4096, "{run:#?}");
}

#[test]
fn runs_one_transport_on_request() {
    let tcp = Run::example(&["--tcp"]);
    assert!(tcp.status.success(), "{tcp:#?}");
    tcp.expect_script("tcp");
    assert!(
        !tcp.lines.iter().any(|l| l.starts_with("[memory]")),
        "{tcp:#?}"
    );

    let memory = Run::example(&["--memory"]);
    assert!(memory.status.success(), "{memory:#?}");
    memory.expect_script("memory");
    assert!(
        !memory.lines.iter().any(|l| l.starts_with("[tcp]")),
        "{memory:#?}"
    );
}

#[test]
fn rejects_an_unknown_flag() {
    let run = Run::example(&["--bluetooth"]);
    assert_eq!(run.status.code(), Some(2), "{run:#?}");
    assert!(run.lines.is_empty(), "{run:#?}");
}

/// One finished run of the example.
#[derive(Debug)]
struct Run {
    status: ExitStatus,
    /// Everything it printed on stdout.
    lines: Vec<String>,
}

impl Run {
    /// Runs the example with `args` to its end (killed if it takes longer
    /// than [`RUN_TIMEOUT`]).
    fn example(args: &[&str]) -> Self {
        let deadline = Instant::now() + RUN_TIMEOUT;
        let mut process = Process::spawn("embedded", args);
        let lines = std::iter::from_fn(|| process.next_line(deadline)).collect();
        let status = process.wait(deadline);
        Self { status, lines }
    }

    /// The position of the line `line`; panics if there is none.
    fn position(&self, line: &str) -> usize {
        self.lines
            .iter()
            .position(|l| l == line)
            .unwrap_or_else(|| panic!("no line {line:?} in {:#?}", self.lines))
    }

    /// Checks that the run over `label` went through the handshake and
    /// every step of the script, in order, then the server's summary.
    fn expect_script(&self, label: &str) {
        let handshake = self
            .lines
            .iter()
            .position(|l| {
                l.starts_with(&format!("[{label}] handshake done: GET /echo on "))
                    && l.ends_with(" answered 101, connection Open")
            })
            .unwrap_or_else(|| panic!("no {label} handshake in {:#?}", self.lines));
        let mut at = handshake;
        let (mut messages, mut bytes) = (0, 0);
        for step in &SCRIPT {
            let line = match step {
                Step::Message(kind, payload) => {
                    (messages, bytes) = (messages + 1, bytes + payload.len());
                    self.echo_line(label, *kind, payload)
                }
                Step::Ping(payload) => format!("[{label}] pong verified: {} bytes", payload.len()),
                Step::Close(code, _) => format!(
                    "[{label}] clean close: {} echoed, then the server closed the transport",
                    code.0
                ),
            };
            let next = self.position(&line);
            assert!(next > at, "{line:?} out of order in {:#?}", self.lines);
            at = next;
        }
        let summary = format!("[{label}] server: echoed {messages} messages ({bytes} bytes in ");
        let server = self
            .lines
            .iter()
            .position(|l| l.starts_with(&summary))
            .unwrap_or_else(|| panic!("no {summary:?} in {:#?}", self.lines));
        assert!(server > at, "{:#?}", self.lines);
        assert!(
            self.lines[server].ends_with(" frames), answered 1 ping, peer closed with 1000"),
            "{:#?}",
            self.lines
        );
    }

    /// The line for a verified echo; the frame count is read from the line
    /// itself and must be at least one, and for a message larger than the
    /// input buffer, more than one (it streamed through).
    fn echo_line(&self, label: &str, kind: MessageKind, payload: &Payload<'_>) -> String {
        let kind = match kind {
            MessageKind::Text => "text",
            MessageKind::Binary => "binary",
        };
        let prefix = format!(
            "[{label}] {kind} echo verified: {} bytes, 1 frame out, ",
            payload.len()
        );
        let line = self
            .lines
            .iter()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} in {:#?}", self.lines));
        let frames: usize = line[prefix.len()..]
            .strip_suffix(" back")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no frame count in {line:?}"));
        assert!(frames >= 1, "{line}");
        if payload.len() > embedded_core::INPUT_BUFFER {
            assert!(frames > 1, "a large message must stream: {line}");
        }
        line.clone()
    }

    /// The number on the state-size line named `name`.
    fn size(&self, name: &str) -> usize {
        self.lines
            .iter()
            .find_map(|l| {
                let rest = l.strip_prefix("  ")?.strip_prefix(name)?;
                rest.trim_start().parse().ok()
            })
            .unwrap_or_else(|| panic!("no size {name:?} in {:#?}", self.lines))
    }
}
