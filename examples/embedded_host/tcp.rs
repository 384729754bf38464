//! `std::net::TcpStream` as a [`Transport`], with a read timeout so that a
//! stuck peer cannot hang the program: the role a board's TCP socket plays.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::embedded_core::Transport;

/// How long a read waits for bytes before it fails.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A TCP stream as the loop's transport.
#[derive(Debug)]
pub struct TcpTransport(TcpStream);

impl TcpTransport {
    /// Wraps a connected stream: no Nagle delay (each frame goes out as
    /// written) and a bounded wait on reads.
    pub fn new(stream: TcpStream) -> io::Result<Self> {
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(READ_TIMEOUT))?;
        Ok(Self(stream))
    }
}

impl Transport for TcpTransport {
    type Error = io::Error;

    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.0.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => return other,
            }
        }
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.0.write_all(bytes)
    }
}
