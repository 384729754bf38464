//! The chat server's parts, one job each: the command line (`options`),
//! who may connect (`auth`), the HTTP front door (`http`), the JSON
//! messages (`protocol`), the room registry (`rooms`) and one client's
//! reader and writer threads (`session`).

pub mod auth;
pub mod http;
pub mod options;
pub mod protocol;
pub mod rooms;
pub mod session;
