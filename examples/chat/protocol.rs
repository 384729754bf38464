//! The chat's JSON messages, one per WebSocket text message.
//!
//! Client to server:
//!
//! ```text
//! {"type":"join","room":"lobby"}
//! {"type":"leave","room":"lobby"}
//! {"type":"message","room":"lobby","text":"hi"}
//! ```
//!
//! Server to client (`ts`: milliseconds since the Unix epoch):
//!
//! ```text
//! {"type":"welcome","id":1,"user":"alice"}
//! {"type":"join","room":"lobby","user":"alice","members":["alice","bob"],"ts":…}
//! {"type":"leave","room":"lobby","user":"bob","members":["alice"],"ts":…}
//! {"type":"message","room":"lobby","from":"alice","text":"hi","ts":…}
//! {"type":"tick","room":"ticker","ts":…}
//! {"type":"error","code":"not_a_member","detail":"…"}
//! ```

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use rfc6455::PreparedMessage;
use serde::{Deserialize, Serialize};

/// A request from a client.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Request {
    /// Join a room (created on first join).
    Join { room: String },
    /// Leave a room.
    Leave { room: String },
    /// Say something in a room the client is in.
    Message { room: String, text: String },
}

/// Why a text message is not a request. Each becomes an error reply; the
/// connection stays open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadRequest {
    /// Not JSON at all.
    Json(String),
    /// JSON without a string `type`.
    MissingType,
    /// A `type` the server does not know.
    UnknownType(String),
    /// A known `type` with missing or mistyped fields.
    Fields(String),
}

impl BadRequest {
    /// The error code and detail of the reply.
    pub fn reply(&self) -> (&'static str, String) {
        match self {
            Self::Json(error) => ("bad_json", format!("not JSON: {error}")),
            Self::MissingType => ("bad_request", "a string \"type\" is required".into()),
            Self::UnknownType(kind) => ("unknown_type", format!("unknown type {kind:?}")),
            Self::Fields(error) => ("bad_request", error.clone()),
        }
    }
}

/// Parses one client message.
pub fn parse_request(text: &str) -> Result<Request, BadRequest> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| BadRequest::Json(e.to_string()))?;
    let kind = value
        .get("type")
        .and_then(serde_json::Value::as_str)
        .ok_or(BadRequest::MissingType)?;
    if !matches!(kind, "join" | "leave" | "message") {
        return Err(BadRequest::UnknownType(kind.to_string()));
    }
    serde_json::from_value(value).map_err(|e| BadRequest::Fields(e.to_string()))
}

/// A message from the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Notice<'a> {
    /// Sent once, when the connection opens.
    Welcome { id: u64, user: &'a str },
    /// `user` joined `room`; everyone in it, the newcomer included, gets it.
    Join {
        room: &'a str,
        user: &'a str,
        members: Vec<&'a str>,
        ts: u64,
    },
    /// `user` left `room` (or disconnected); the leaver gets it too.
    Leave {
        room: &'a str,
        user: &'a str,
        members: Vec<&'a str>,
        ts: u64,
    },
    /// A chat message, to everyone in the room, the sender included.
    Message {
        room: &'a str,
        from: &'a str,
        text: &'a str,
        ts: u64,
    },
    /// The ticker room's clock, once a second.
    Tick { room: &'a str, ts: u64 },
    /// A request that could not be served.
    Error { code: &'static str, detail: String },
}

impl Notice<'_> {
    /// Serializes and frames the notice once, to be sent to any number of
    /// clients as the same bytes.
    pub fn prepare(&self) -> Arc<PreparedMessage> {
        // Plain structs of strings and numbers always serialize.
        let json = serde_json::to_string(self).expect("notices serialize");
        Arc::new(PreparedMessage::text(&json))
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
