//! The in-memory transport of WORKLOADS.md §2: every read copies
//! `min(requested, 65536, remaining)` bytes, as a socket receive would, and
//! everything written is appended to a sink. It speaks `std::io`, tokio's
//! and the `futures` I/O traits, so every peer is driven through its own
//! ordinary stream API.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The largest single read.
pub const MAX_READ: usize = 64 * 1024;

/// Copies the next at most 64 KiB of `input[*pos..]` into `buf`.
#[inline]
pub fn read_into(input: &[u8], pos: &mut usize, buf: &mut [u8]) -> usize {
    let n = buf.len().min(MAX_READ).min(input.len() - *pos);
    buf[..n].copy_from_slice(&input[*pos..*pos + n]);
    *pos += n;
    n
}

/// A stream over borrowed input that appends its output to a borrowed sink.
#[derive(Debug)]
pub struct MemStream<'a> {
    input: &'a [u8],
    pos: usize,
    out: &'a mut Vec<u8>,
}

impl<'a> MemStream<'a> {
    /// A stream that will read `input` and write to `out`.
    pub fn new(input: &'a [u8], out: &'a mut Vec<u8>) -> Self {
        Self { input, pos: 0, out }
    }

    /// Bytes not yet read.
    pub fn unread(&self) -> usize {
        self.input.len() - self.pos
    }
}

/// A stream that owns its input and output, for APIs that need `'static`
/// I/O (hyper's upgrades). Once its input is read, a tokio read is pending,
/// as on a socket whose client waits for the response (hyper treats end of
/// stream before its response is out as an error).
#[derive(Debug, Default)]
pub struct OwnedStream {
    input: bytes::Bytes,
    pos: usize,
    /// Everything written so far.
    pub out: Vec<u8>,
}

impl OwnedStream {
    /// A stream that will read `input`.
    pub fn new(input: bytes::Bytes) -> Self {
        Self {
            input,
            pos: 0,
            out: Vec::new(),
        }
    }
}

/// Whether a stream at the end of its input reports end of stream (`eof`)
/// or, like a socket whose peer waits for an answer, no data yet (`pend`).
macro_rules! at_end {
    (eof) => {
        false
    };
    (pend) => {
        true
    };
}

macro_rules! io_impls {
    ($ty:ty, $input:ident, $out:ident, $at_end:ident) => {
        impl io::Read for $ty {
            #[inline]
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                Ok(read_into(&self.$input, &mut self.pos, buf))
            }
        }

        impl io::Write for $ty {
            #[inline]
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.$out.extend_from_slice(buf);
                Ok(buf.len())
            }

            fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
                let mut n = 0;
                for b in bufs {
                    self.$out.extend_from_slice(b);
                    n += b.len();
                }
                Ok(n)
            }

            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }

        impl tokio::io::AsyncRead for $ty {
            #[inline]
            fn poll_read(
                self: Pin<&mut Self>,
                _cx: &mut Context<'_>,
                buf: &mut tokio::io::ReadBuf<'_>,
            ) -> Poll<io::Result<()>> {
                let this = self.get_mut();
                let n = buf
                    .remaining()
                    .min(MAX_READ)
                    .min(this.$input.len() - this.pos);
                if n == 0 && buf.remaining() > 0 && at_end!($at_end) {
                    return Poll::Pending;
                }
                buf.put_slice(&this.$input[this.pos..this.pos + n]);
                this.pos += n;
                Poll::Ready(Ok(()))
            }
        }

        impl tokio::io::AsyncWrite for $ty {
            #[inline]
            fn poll_write(
                self: Pin<&mut Self>,
                _cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                self.get_mut().$out.extend_from_slice(buf);
                Poll::Ready(Ok(buf.len()))
            }

            fn poll_write_vectored(
                self: Pin<&mut Self>,
                _cx: &mut Context<'_>,
                bufs: &[io::IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                Poll::Ready(io::Write::write_vectored(self.get_mut(), bufs))
            }

            fn is_write_vectored(&self) -> bool {
                true
            }

            fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(Ok(()))
            }

            fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(Ok(()))
            }
        }

        impl futures::io::AsyncRead for $ty {
            #[inline]
            fn poll_read(
                self: Pin<&mut Self>,
                _cx: &mut Context<'_>,
                buf: &mut [u8],
            ) -> Poll<io::Result<usize>> {
                Poll::Ready(io::Read::read(self.get_mut(), buf))
            }
        }

        impl futures::io::AsyncWrite for $ty {
            #[inline]
            fn poll_write(
                self: Pin<&mut Self>,
                _cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                self.get_mut().$out.extend_from_slice(buf);
                Poll::Ready(Ok(buf.len()))
            }

            fn poll_write_vectored(
                self: Pin<&mut Self>,
                _cx: &mut Context<'_>,
                bufs: &[io::IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                Poll::Ready(io::Write::write_vectored(self.get_mut(), bufs))
            }

            fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(Ok(()))
            }

            fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(Ok(()))
            }
        }
    };
}

io_impls!(MemStream<'_>, input, out, eof);
io_impls!(OwnedStream, input, out, pend);

/// A sink buffer whose capacity is reserved and whose pages are touched
/// beforehand, so that no implementation pays page faults for it inside
/// the timed region.
pub fn prepared_sink(capacity: usize) -> Vec<u8> {
    let mut sink = Vec::with_capacity(capacity);
    sink.resize(capacity, 0xA5);
    sink.clear();
    sink
}
