//! An in-memory, duplex byte stream between two threads, as a
//! [`Transport`]: each write is one message on a channel, reads take what
//! has arrived, at most `max_read` bytes at a time (1 makes every frame
//! and handshake head arrive byte by byte). Dropping an end is the end of
//! stream for the other.

use std::io;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use crate::embedded_core::Transport;

/// How long a read waits before it fails with `TimedOut`, so that a stuck
/// peer cannot hang the program or a test.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// One end of a [`pipe`].
#[derive(Debug)]
pub struct PipeEnd {
    outgoing: Sender<Vec<u8>>,
    incoming: Receiver<Vec<u8>>,
    /// The last message received, and how much of it was read.
    pending: Vec<u8>,
    read_at: usize,
    max_read: usize,
}

/// Two connected ends; reads on either return at most `max_read` bytes.
pub fn pipe(max_read: usize) -> (PipeEnd, PipeEnd) {
    let (a_to_b, b_from_a) = mpsc::channel();
    let (b_to_a, a_from_b) = mpsc::channel();
    let end = |outgoing, incoming| PipeEnd {
        outgoing,
        incoming,
        pending: Vec::new(),
        read_at: 0,
        max_read: max_read.max(1),
    };
    (end(a_to_b, a_from_b), end(b_to_a, b_from_a))
}

impl Transport for PipeEnd {
    type Error = io::Error;

    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.read_at == self.pending.len() {
            match self.incoming.recv_timeout(READ_TIMEOUT) {
                Ok(bytes) => (self.pending, self.read_at) = (bytes, 0),
                Err(RecvTimeoutError::Disconnected) => return Ok(0),
                Err(RecvTimeoutError::Timeout) => return Err(io::ErrorKind::TimedOut.into()),
            }
        }
        let rest = &self.pending[self.read_at..];
        let n = rest.len().min(buf.len()).min(self.max_read);
        buf[..n].copy_from_slice(&rest[..n]);
        self.read_at += n;
        Ok(n)
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        self.outgoing
            .send(bytes.to_vec())
            .map_err(|_| io::ErrorKind::BrokenPipe.into())
    }
}
