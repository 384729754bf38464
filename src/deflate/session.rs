//! One connection's permessage-deflate state: the codec, the incoming
//! compressed message being inflated (its staged input, its tail, its size
//! and UTF-8 so far) and whether the outgoing message is compressed.
//!
//! The connection calls in here only for messages with RSV1 set and for
//! the messages it sends compressed; everything else bypasses it.
//!
//! Memory is held only while needed: the decompressor is made by the first
//! compressed message, and dropped when a message ends if the peer resets
//! its compressor after every message (its window is then not needed
//! across messages) and when a message fails; the staged input is released
//! when a message ends if it grew past [`STAGED_KEPT`].

use alloc::vec::Vec;

use super::compress::Compressor;
use super::inflate::{Decompressor, InflateError};
use crate::utf8::Utf8Validator;
use crate::MessageKind;

/// Capacity of the staged input kept from one message to the next; a
/// larger buffer is released when its message ends.
pub(crate) const STAGED_KEPT: usize = 1024;

/// What one inflating step produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Inflated {
    /// Bytes written to the front of the output.
    pub(crate) written: usize,
    /// The message is complete (its last bytes are in this output).
    pub(crate) message_end: bool,
    /// These are the message's first bytes handed out.
    pub(crate) message_start: bool,
}

/// What the codec needs to know of the negotiated parameters (RFC 7692
/// §7.1): the handshake's agreement, seen from this end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Settings {
    /// The window this end compresses with, in bits (8 to 15).
    pub(crate) compress_window_bits: u8,
    /// The compression level (0 to 9).
    pub(crate) level: u8,
    /// This end forgets its window after every message.
    pub(crate) compress_no_context_takeover: bool,
    /// The peer forgets its window after every message, so the inflater
    /// need not keep one between messages.
    pub(crate) inflate_no_context_takeover: bool,
}

/// permessage-deflate state of one connection.
#[derive(Debug, Clone)]
pub(crate) struct DeflateSession {
    settings: Settings,
    /// Made on the first compressed send (a receive-only end never pays
    /// for it).
    compressor: Option<Compressor>,
    /// Made by the first compressed message; between messages, kept only
    /// when the peer keeps its context.
    decompressor: Option<Decompressor>,
    /// The incoming compressed message, if one is in progress.
    incoming: Option<MessageKind>,
    /// Compressed bytes received but not yet inflated (the output was full).
    staged: Vec<u8>,
    staged_at: usize,
    /// All of the message's compressed bytes have arrived.
    finishing: bool,
    /// The last step filled its output: more may be waiting inside.
    output_was_full: bool,
    /// Nothing of the message has been handed out yet.
    nothing_delivered: bool,
    /// Inflated bytes of the message so far, for the size limit.
    pub(crate) inflated_len: u64,
    /// Inflated text of the message, checked as it comes out.
    pub(crate) utf8: Utf8Validator,
    /// The outgoing fragmented message is compressed (`Some(true)`), sent
    /// as is (`Some(false)`), or none is in progress.
    pub(crate) sending: Option<bool>,
}

impl DeflateSession {
    /// The state for a connection with these settings.
    pub(crate) fn new(settings: Settings) -> Self {
        Self {
            settings,
            compressor: None,
            decompressor: None,
            incoming: None,
            staged: Vec::new(),
            staged_at: 0,
            finishing: false,
            output_was_full: false,
            nothing_delivered: true,
            inflated_len: 0,
            utf8: Utf8Validator::new(),
            sending: None,
        }
    }

    /// Whether inflated bytes may be waiting for output room.
    pub(crate) fn has_pending(&self) -> bool {
        self.incoming.is_some()
            && (self.staged_at < self.staged.len() || self.finishing || self.output_was_full)
    }

    /// The kind of the compressed message being inflated.
    pub(crate) fn incoming_kind(&self) -> Option<MessageKind> {
        self.incoming
    }

    /// Takes the next piece of a compressed message's payload (`message_end`:
    /// its last piece) and inflates what fits into `out`. Input that does
    /// not fit is kept; call [`inflate_pending`](Self::inflate_pending) with
    /// more room until [`has_pending`](Self::has_pending) is false.
    pub(crate) fn inflate(
        &mut self,
        kind: MessageKind,
        message_start: bool,
        payload: &[u8],
        message_end: bool,
        out: &mut [u8],
    ) -> Result<Inflated, InflateError> {
        if message_start {
            self.incoming = Some(kind);
            self.nothing_delivered = true;
            self.inflated_len = 0;
            self.utf8 = Utf8Validator::new();
        }
        self.finishing = message_end;
        let mut written = 0;
        let step = self.pump(payload, out, &mut written).and_then(|used| {
            self.staged.extend_from_slice(&payload[used..]);
            self.finish_step(out, written)
        });
        self.release_on_error(step)
    }

    /// Continues a message whose input is all in: staged bytes, output
    /// waiting inside the decompressor, then the tail.
    pub(crate) fn inflate_pending(&mut self, out: &mut [u8]) -> Result<Inflated, InflateError> {
        let mut written = 0;
        let step = self
            .pump(&[], out, &mut written)
            .and_then(|_| self.finish_step(out, written));
        self.release_on_error(step)
    }

    /// A failed message fails the connection: nothing of it is needed.
    fn release_on_error(
        &mut self,
        step: Result<Inflated, InflateError>,
    ) -> Result<Inflated, InflateError> {
        if step.is_err() {
            self.decompressor = None;
            self.incoming = None;
            self.finishing = false;
            self.staged = Vec::new();
            self.staged_at = 0;
        }
        step
    }

    /// The decompressor, made on first use.
    fn decompressor(&mut self) -> &mut Decompressor {
        self.decompressor.get_or_insert_with(Decompressor::new)
    }

    /// Inflates staged bytes, then `fresh`, into `out` from `*written` on.
    /// Returns how much of `fresh` was used.
    fn pump(
        &mut self,
        fresh: &[u8],
        out: &mut [u8],
        written: &mut usize,
    ) -> Result<usize, InflateError> {
        let mut used = 0;
        loop {
            if *written == out.len() {
                break;
            }
            let from_stage = self.staged_at < self.staged.len();
            let input = if from_stage {
                &self.staged[self.staged_at..]
            } else {
                &fresh[used..]
            };
            let (took, wrote) = self
                .decompressor
                .get_or_insert_with(Decompressor::new)
                .inflate(input, &mut out[*written..])?;
            *written += wrote;
            if from_stage {
                self.staged_at += took;
                if self.staged_at == self.staged.len() {
                    self.staged.clear();
                    self.staged_at = 0;
                }
            } else {
                used += took;
            }
            if took == 0 && wrote == 0 {
                break;
            }
        }
        Ok(used)
    }

    /// After the input is used: the tail once everything is in, and the
    /// step's report.
    fn finish_step(
        &mut self,
        out: &mut [u8],
        mut written: usize,
    ) -> Result<Inflated, InflateError> {
        let mut message_end = false;
        let all_in = self.finishing && self.staged_at == self.staged.len();
        if all_in && written < out.len() {
            let (wrote, done) = self.decompressor().finish(&mut out[written..])?;
            written += wrote;
            message_end = done;
        }
        self.output_was_full = written == out.len() && !message_end;
        let message_start = self.nothing_delivered && (written > 0 || message_end);
        if message_start {
            self.nothing_delivered = false;
        }
        if message_end {
            self.incoming = None;
            self.finishing = false;
            if self.settings.inflate_no_context_takeover {
                // The peer starts its next message with an empty window.
                self.decompressor = None;
            }
            if self.staged.capacity() > STAGED_KEPT {
                self.staged = Vec::new();
            }
        }
        Ok(Inflated {
            written,
            message_end,
            message_start,
        })
    }

    /// Whether the decompressor is allocated (tests of the memory rules).
    #[cfg(test)]
    pub(crate) fn has_decompressor(&self) -> bool {
        self.decompressor.is_some()
    }

    /// The staged input's capacity (tests of the memory rules).
    #[cfg(test)]
    pub(crate) fn staged_capacity(&self) -> usize {
        self.staged.capacity()
    }

    /// The compressor, made on first use.
    pub(crate) fn compressor(&mut self) -> &mut Compressor {
        let settings = self.settings;
        self.compressor.get_or_insert_with(|| {
            Compressor::with(
                settings.compress_window_bits,
                settings.level,
                settings.compress_no_context_takeover,
            )
        })
    }
}
