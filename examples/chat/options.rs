//! The command line: where to listen, who may connect (tokens) and from
//! which web pages (origins).

use std::net::SocketAddr;

/// How to run the chat server.
pub const USAGE: &str = "\
usage: chat_server [--listen ADDR] --token USER=TOKEN [--token USER=TOKEN ...] [--origin ORIGIN ...]

  --listen ADDR        address to listen on (default 127.0.0.1:8080; port 0 picks a free one)
  --token USER=TOKEN   accept TOKEN for the user USER (repeatable; at least one)
  --origin ORIGIN      also accept WebSocket requests from pages at ORIGIN, e.g.
                       http://localhost:8080 (repeatable). The server's own origin,
                       http://ADDR, is always accepted, and so are clients without an
                       Origin header (not browsers).

The first line on stdout is the address the server listens on.
Open http://ADDR/?token=TOKEN in a browser to chat.";

/// The parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The address to bind.
    pub listen: SocketAddr,
    /// `(user, token)` pairs.
    pub tokens: Vec<(String, String)>,
    /// Extra origins allowed besides the server's own.
    pub origins: Vec<String>,
}

impl Options {
    /// Parses the arguments after the program name.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut listen = "127.0.0.1:8080".to_string();
        let mut tokens: Vec<(String, String)> = Vec::new();
        let mut origins = Vec::new();
        let mut args = args.into_iter();
        while let Some(flag) = args.next() {
            let mut value = || args.next().ok_or(format!("{flag} needs a value"));
            match flag.as_str() {
                "--listen" => listen = value()?,
                "--token" => {
                    let pair = value()?;
                    let (user, token) = pair
                        .split_once('=')
                        .filter(|(user, token)| !user.is_empty() && !token.is_empty())
                        .ok_or(format!("--token wants USER=TOKEN, got {pair:?}"))?;
                    if tokens.iter().any(|(_, known)| known == token) {
                        return Err(format!("the token for {user} is given twice"));
                    }
                    tokens.push((user.to_string(), token.to_string()));
                }
                "--origin" => origins.push(value()?.trim_end_matches('/').to_string()),
                "-h" | "--help" => return Err(USAGE.to_string()),
                other => return Err(format!("unknown argument {other:?}\n\n{USAGE}")),
            }
        }
        if tokens.is_empty() {
            return Err(format!("give at least one --token\n\n{USAGE}"));
        }
        let listen = listen
            .parse()
            .map_err(|_| format!("--listen wants IP:PORT, got {listen:?}"))?;
        Ok(Self {
            listen,
            tokens,
            origins,
        })
    }
}
