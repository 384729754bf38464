//! Connection settings: the role, size limits and the automatic replies.

/// Which end of the connection this machine is (RFC 6455 §5.1: clients mask
/// every frame they send, servers never do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The end that opened the connection and sent the upgrade request.
    Client,
    /// The end that accepted the upgrade request.
    Server,
}

/// Limits and behaviour switches for one connection.
///
/// Build it from [`Config::default`] and change the public fields:
///
/// ```
/// let mut config = rfc6455::Config::default();
/// config.max_message_size = 1 << 20;
/// config.auto_pong = false;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// The largest frame payload accepted, in bytes. A header that claims
    /// more fails with `FrameTooLarge` (close code 1009) before any of the
    /// payload is read. Default: 16 MiB.
    pub max_frame_payload: u64,
    /// The largest message accepted, all fragments together, in bytes. A
    /// frame header that would take the message past it fails with
    /// `MessageTooLarge` (1009). Default: 64 MiB.
    pub max_message_size: u64,
    /// Queue a Pong for every Ping received (RFC 6455 §5.5.2). The Ping is
    /// still reported as an event. Default: on.
    pub auto_pong: bool,
    /// Queue the answering Close, echoing the peer's code, as soon as the
    /// peer's Close arrives (RFC 6455 §5.5.1). When off, the application
    /// must call `send_close` itself. Default: on.
    pub auto_close_reply: bool,
}

impl Config {
    /// The defaults: 16 MiB frames, 64 MiB messages, automatic replies on.
    pub const fn new() -> Self {
        Self {
            max_frame_payload: 16 << 20,
            max_message_size: 64 << 20,
            auto_pong: true,
            auto_close_reply: true,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::new()
    }
}
