//! One module per implementation, each driving it the way its users do.

pub mod embedded;
pub mod fastwebsockets;
pub mod ours;
pub mod soketto;
pub mod tokio_websockets;
pub mod tungstenite;
