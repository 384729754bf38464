//! Example binaries as test subjects: built once per test run, started as
//! child processes whose stdout lines are collected, and killed on drop.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::Once;
use std::thread;
use std::time::{Duration, Instant};

/// The path of an example binary, built first if need be.
pub fn example(name: &str) -> PathBuf {
    // A test runs as <target>/<profile>/deps/NAME-<hash>.
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("profile dir");
    static BUILD: Once = Once::new();
    BUILD.call_once(|| {
        // `cargo test` builds the examples itself, but not when the run is
        // narrowed with `--test NAME`.
        let mut cargo = Command::new(env!("CARGO"));
        cargo
            .args(["build", "--examples"])
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        if let Some(target_dir) = profile_dir.parent() {
            cargo.arg("--target-dir").arg(target_dir);
        }
        if profile_dir.ends_with("release") {
            cargo.arg("--release");
        }
        let status = cargo.status().expect("run cargo build");
        assert!(status.success(), "building the examples failed");
    });
    profile_dir.join("examples").join(name)
}

/// A child process whose stdout lines are collected by a thread; killed on
/// drop.
pub struct Process {
    pub child: Child,
    lines: Receiver<String>,
}

impl Process {
    pub fn spawn(name: &str, args: &[&str]) -> Self {
        let mut child = Command::new(example(name))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("start {name}: {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if sender.send(line).is_err() {
                    return;
                }
            }
        });
        Self { child, lines }
    }

    /// The next stdout line, or `None` at end of output.
    pub fn next_line(&self, deadline: Instant) -> Option<String> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.lines.recv_timeout(left) {
            Ok(line) => Some(line),
            Err(mpsc::RecvTimeoutError::Disconnected) => None,
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("no output within the time limit"),
        }
    }

    /// Waits for the process to exit.
    pub fn wait(&mut self, deadline: Instant) -> ExitStatus {
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the process did not exit in time"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A server example on a free loopback port, which it prints on its first
/// line after `banner`.
pub struct ExampleServer {
    pub address: SocketAddr,
    _process: Process,
}

impl ExampleServer {
    pub fn start(name: &str, banner: &str) -> Self {
        let process = Process::spawn(name, &["127.0.0.1:0"]);
        let first = process
            .next_line(Instant::now() + Duration::from_secs(10))
            .expect("the server's first line");
        let address = first
            .strip_prefix(banner)
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"));
        Self {
            address,
            _process: process,
        }
    }
}
