//! The console: stdout, shared by the command loop and every connection
//! thread. Output is line-oriented and flushed line by line (a block, such
//! as `show`, is written whole so that other threads' lines cannot cut into
//! it). A prompt is printed only when a person is typing at a terminal.

use std::io::{self, Write};
use std::sync::{Mutex, PoisonError};

/// The prompt shown before each command in interactive mode.
const PROMPT: &str = "> ";

/// Where the client prints, and whether a person is reading.
#[derive(Debug)]
pub struct Console {
    /// Stdin is a terminal: print prompts.
    interactive: bool,
    /// A prompt is on screen, waiting for the user's line.
    prompting: Mutex<bool>,
}

impl Console {
    /// A console that prompts when `interactive`.
    pub fn new(interactive: bool) -> Self {
        Self {
            interactive,
            prompting: Mutex::new(false),
        }
    }

    /// Prints a line meant for a person only: nothing when stdin is a pipe.
    pub fn greet(&self, line: &str) {
        if self.interactive {
            write_all(&format!("{line}\n"));
        }
    }

    /// Shows the prompt, in interactive mode.
    pub fn prompt(&self) {
        if self.interactive {
            let mut prompting = self
                .prompting
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            *prompting = true;
            write_all(PROMPT);
        }
    }

    /// Notes that the user's line has been read: the prompt is gone.
    pub fn line_read(&self) {
        *self
            .prompting
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = false;
    }

    /// Prints the answer to a command: one or more lines, as one block.
    pub fn reply(&self, lines: &[String]) {
        let _prompting = self
            .prompting
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        write_all(&block(lines));
    }

    /// Prints a line that a connection thread reports in the background.
    /// If the prompt was on screen, it goes over it and the prompt comes
    /// back after it.
    pub fn notify(&self, line: &str) {
        let prompting = self
            .prompting
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if *prompting {
            // Back to the start of the prompt's line and clear it.
            write_all(&format!("\r\x1b[K{line}\n{PROMPT}"));
        } else {
            write_all(&format!("{line}\n"));
        }
    }
}

/// The lines joined, each ending with a newline.
fn block(lines: &[String]) -> String {
    lines.iter().map(|line| format!("{line}\n")).collect()
}

/// Writes `text` to stdout in one locked write and flushes it. A closed
/// stdout is not worth a panic: the text is dropped.
fn write_all(text: &str) {
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}
