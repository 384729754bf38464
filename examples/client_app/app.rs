//! The command loop: reads stdin line by line, runs each command, and keeps
//! the table of connections. Mistakes get one `error:` line and the loop
//! goes on; `quit` (or the end of input) closes every connection cleanly
//! and waits, for a bounded time, for the close handshakes.

use std::collections::BTreeMap;
use std::io::{self, BufRead, IsTerminal};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use super::command::{self, Command, HELP};
use super::console::Console;
use super::info::{lock, ConnectionId, Status};
use super::worker::{Handle, Order};

/// How long `quit` waits for the close handshakes: a little more than a
/// connection's own close timeout.
const QUIT_TIMEOUT: Duration = Duration::from_secs(6);

/// Runs the client until `quit` or the end of stdin.
pub fn run() {
    let stdin = io::stdin();
    let console = Arc::new(Console::new(stdin.is_terminal()));
    let mut app = App {
        console,
        connections: BTreeMap::new(),
        next_id: 1,
    };
    app.console
        .greet("rfc6455 interactive client; type help for the commands");
    let mut input = stdin.lock();
    let mut line = Vec::new();
    loop {
        app.console.prompt();
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) => {
                app.console.greet(""); // leave the prompt's line
                break;
            }
            Ok(_) => {}
            Err(error) => {
                app.error(format!("cannot read the input: {error}"));
                break;
            }
        }
        app.console.line_read();
        let Ok(text) = std::str::from_utf8(&line) else {
            app.error("the line is not UTF-8; it was ignored".into());
            continue;
        };
        match command::parse(text.trim_end_matches(['\n', '\r'])) {
            Ok(Command::Quit) => break,
            Ok(command) => app.execute(command),
            Err(message) => app.error(message),
        }
    }
    app.quit();
}

/// The connections and where to print.
struct App {
    console: Arc<Console>,
    /// Every connection ever made, by number; ended ones stay for `show`.
    connections: BTreeMap<ConnectionId, Handle>,
    next_id: ConnectionId,
}

impl App {
    /// Runs one command (all but `quit`).
    fn execute(&mut self, command: Command) {
        match command {
            Command::Connect(target) => {
                let id = self.next_id;
                self.next_id += 1;
                // Printed before the thread starts, so that it comes before
                // anything the connection reports.
                self.reply(format!("created connection {id}"));
                let handle = Handle::spawn(id, target, self.console.clone());
                self.connections.insert(id, handle);
            }
            Command::SendText { id, text } => self.order(id, Order::Text(text)),
            Command::SendBinary { id, bytes } => self.order(id, Order::Binary(bytes)),
            Command::Close { id, code, reason } => self.order(id, Order::Close(code, reason)),
            Command::Show(id) => {
                if let Some(handle) = self.find(id) {
                    let lines = lock(&handle.info).show();
                    self.console.reply(&lines);
                }
            }
            Command::List => {
                let mut lines: Vec<String> = self
                    .connections
                    .values()
                    .map(|handle| lock(&handle.info).summary())
                    .collect();
                if lines.is_empty() {
                    lines.push("no connections".into());
                }
                self.console.reply(&lines);
            }
            Command::Help => {
                let lines: Vec<String> = HELP.iter().map(|line| line.to_string()).collect();
                self.console.reply(&lines);
            }
            Command::Quit | Command::Nothing => {}
        }
    }

    /// Hands `order` to connection `id`, if it can still take it.
    fn order(&self, id: ConnectionId, order: Order) {
        let Some(handle) = self.find(id) else {
            return;
        };
        let status = lock(&handle.info).status;
        let refusal = match status {
            Status::Connecting | Status::Open => None,
            Status::Closing => Some("is closing"),
            Status::Closed => Some("is closed"),
            Status::Failed => Some("has failed"),
        };
        let refusal = match refusal {
            Some(refusal) => refusal,
            None if handle.order(order) => return,
            None => "has ended",
        };
        self.error(format!("connection {id} {refusal}; nothing was sent"));
    }

    /// Connection `id`, or an error line when there is none.
    fn find(&self, id: ConnectionId) -> Option<&Handle> {
        let handle = self.connections.get(&id);
        if handle.is_none() {
            self.error(format!("no connection {id} (list shows them)"));
        }
        handle
    }

    /// Closes every connection that is open (or still connecting) with
    /// 1000 "quit", and waits for the close handshakes, at most `QUIT_TIMEOUT`.
    fn quit(self) {
        for handle in self.connections.values() {
            handle.quit();
        }
        let deadline = Instant::now() + QUIT_TIMEOUT;
        while Instant::now() < deadline && !self.connections.values().all(Handle::is_finished) {
            thread::sleep(Duration::from_millis(10));
        }
        for (id, handle) in &self.connections {
            if !handle.is_finished() {
                self.error(format!(
                    "connection {id} did not finish closing within {} s; leaving it",
                    QUIT_TIMEOUT.as_secs()
                ));
            }
        }
    }

    /// Prints one line in answer to a command.
    fn reply(&self, line: String) {
        self.console.reply(&[line]);
    }

    /// Prints one error line.
    fn error(&self, message: String) {
        self.reply(format!("error: {message}"));
    }
}
