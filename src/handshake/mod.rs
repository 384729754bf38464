//! The opening handshake (RFC 6455 §4), both roles, decoupled from any HTTP stack.
