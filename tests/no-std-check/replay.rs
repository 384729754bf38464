//! A transport over two caller buffers, for driving the embedded example's
//! loops without a network: reads replay recorded peer bytes, writes fill
//! the output buffer.

use crate::embedded_core::Transport;

/// The output buffer is full.
#[derive(Debug)]
pub(crate) struct OutputFull;

/// Recorded input in, written output out.
pub(crate) struct Replay<'a> {
    input: &'a [u8],
    output: &'a mut [u8],
    written: usize,
}

impl<'a> Replay<'a> {
    /// Replays `input`; writes into `output`.
    pub(crate) fn new(input: &'a [u8], output: &'a mut [u8]) -> Self {
        Self {
            input,
            output,
            written: 0,
        }
    }

    /// How many bytes were written.
    pub(crate) fn written(&self) -> usize {
        self.written
    }
}

impl Transport for Replay<'_> {
    type Error = OutputFull;

    fn read(&mut self, buf: &mut [u8]) -> Result<usize, OutputFull> {
        let n = self.input.len().min(buf.len());
        let (now, rest) = self.input.split_at(n);
        buf[..n].copy_from_slice(now);
        self.input = rest;
        Ok(n)
    }

    fn write_all(&mut self, bytes: &[u8]) -> Result<(), OutputFull> {
        let end = self.written + bytes.len();
        let room = self.output.get_mut(self.written..end).ok_or(OutputFull)?;
        room.copy_from_slice(bytes);
        self.written = end;
        Ok(())
    }
}
