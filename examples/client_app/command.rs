//! Parsing one input line into a command. Nothing here touches a
//! connection: every mistake in the input (an unknown command, a bad URI, a
//! close code that may not be sent...) is found before anything is sent.

use rfc6455::{ClientRequest, CloseCode};

use super::info::ConnectionId;
use crate::support::url::WsUrl;

/// The text `help` prints.
pub const HELP: &[&str] = &[
    "commands:",
    "  connect <ws-uri> [--protocol <name>]...  open a connection in the background",
    "  send <N> <text>                          send a text message",
    "  sendbin <N> <hex>                        send a binary message, e.g. sendbin 1 00ff10",
    "  close <N> [code] [reason]                close cleanly (no code: an empty Close)",
    "  show <N>                                 the connection's metadata and messages",
    "  list                                     every connection and its status",
    "  help                                     this text",
    "  quit                                     close every connection and exit (so does EOF)",
];

/// What the user asked for.
#[derive(Debug, Clone)]
pub enum Command {
    /// `connect`: open a new connection.
    Connect(ConnectTarget),
    /// `send`: a text message.
    SendText {
        /// The connection.
        id: ConnectionId,
        /// The message.
        text: String,
    },
    /// `sendbin`: a binary message.
    SendBinary {
        /// The connection.
        id: ConnectionId,
        /// The message.
        bytes: Vec<u8>,
    },
    /// `close`: start the close handshake. The code and reason have been
    /// checked with the engine's own rules.
    Close {
        /// The connection.
        id: ConnectionId,
        /// The status code; `None` sends an empty Close.
        code: Option<CloseCode>,
        /// The reason, possibly empty.
        reason: String,
    },
    /// `show`: print a connection's metadata.
    Show(ConnectionId),
    /// `list`: one line per connection.
    List,
    /// `help`: the command list.
    Help,
    /// `quit`: close everything and exit.
    Quit,
    /// A blank line: nothing to do.
    Nothing,
}

/// Where `connect` goes, and what it offers.
#[derive(Debug, Clone)]
pub struct ConnectTarget {
    /// The URI as typed.
    pub uri: String,
    /// The URI parsed.
    pub url: WsUrl,
    /// Subprotocols to offer (`--protocol`), in order of preference.
    pub protocols: Vec<String>,
}

/// Parses one line (without its line ending).
pub fn parse(line: &str) -> Result<Command, String> {
    let (name, rest) = split_word(line);
    match name {
        "" => Ok(Command::Nothing),
        "connect" => parse_connect(rest).map(Command::Connect),
        "send" => {
            const USAGE: &str = "usage: send <N> <text>";
            let (id, text) = split_word(rest.unwrap_or_default());
            let id = parse_id(id, USAGE)?;
            let text = text.ok_or(USAGE)?;
            Ok(Command::SendText {
                id,
                text: text.to_string(),
            })
        }
        "sendbin" => {
            const USAGE: &str = "usage: sendbin <N> <hex>";
            let (id, hex) = split_word(rest.unwrap_or_default());
            let id = parse_id(id, USAGE)?;
            let bytes = parse_hex(hex.ok_or(USAGE)?)?;
            Ok(Command::SendBinary { id, bytes })
        }
        "close" => parse_close(rest),
        "show" => {
            let (id, extra) = split_word(rest.unwrap_or_default());
            no_more(extra, "usage: show <N>")?;
            Ok(Command::Show(parse_id(id, "usage: show <N>")?))
        }
        "list" | "help" | "quit" => {
            no_more(rest, &format!("{name} takes no arguments"))?;
            Ok(match name {
                "list" => Command::List,
                "help" => Command::Help,
                _ => Command::Quit,
            })
        }
        other => Err(format!(
            "unknown command \"{other}\" (type help for the list)"
        )),
    }
}

/// `connect <ws-uri> [--protocol <name>]...`
fn parse_connect(args: Option<&str>) -> Result<ConnectTarget, String> {
    const USAGE: &str = "usage: connect <ws-uri> [--protocol <name>]...";
    let mut words = args.unwrap_or_default().split_whitespace();
    let mut uri = None;
    let mut protocols = Vec::new();
    while let Some(word) = words.next() {
        match word {
            "--protocol" => protocols.push(words.next().ok_or(USAGE)?.to_string()),
            option if option.starts_with("--") => {
                return Err(format!("unknown option {option}; {USAGE}"))
            }
            _ if uri.is_some() => return Err(USAGE.to_string()),
            _ => uri = Some(word),
        }
    }
    let uri = uri.ok_or(USAGE)?;
    let url = WsUrl::parse(uri).map_err(|e| format!("bad URI: {e}"))?;
    check_request(&url, &protocols)?;
    Ok(ConnectTarget {
        uri: uri.to_string(),
        url,
        protocols,
    })
}

/// Checks that the upgrade request for `url` can be written, so that a bad
/// host, path or subprotocol name is an input error rather than a failed
/// connection.
fn check_request(url: &WsUrl, protocols: &[String]) -> Result<(), String> {
    let protocols: Vec<&str> = protocols.iter().map(String::as_str).collect();
    ClientRequest::new(&url.host, &url.target)
        .protocols(&protocols)
        .validate()
        .map_err(|e| format!("cannot make an upgrade request for this: {e}"))
}

/// `close <N> [code] [reason]`
fn parse_close(args: Option<&str>) -> Result<Command, String> {
    const USAGE: &str = "usage: close <N> [code] [reason]";
    let (id, rest) = split_word(args.unwrap_or_default());
    let id = parse_id(id, USAGE)?;
    let (code, reason) = split_word(rest.unwrap_or_default());
    let code = match code {
        "" => None,
        code => Some(CloseCode(code.parse().map_err(|_| {
            format!("\"{code}\" is not a close code (a number such as 1000); {USAGE}")
        })?)),
    };
    let reason = reason.unwrap_or_default().to_string();
    check_close(code, &reason)?;
    Ok(Command::Close { id, code, reason })
}

/// Checks a close code and reason with the engine's own rules (RFC 6455
/// §7.4: no 1004–1006, 1015, unassigned or out-of-range codes; a reason of
/// at most 123 bytes), before the connection is touched.
fn check_close(code: Option<CloseCode>, reason: &str) -> Result<(), String> {
    rfc6455::check_close(code, reason).map_err(|e| format!("cannot close: {e}; nothing was sent"))
}

/// A connection number, or `usage` when it is missing.
fn parse_id(word: &str, usage: &str) -> Result<ConnectionId, String> {
    match word {
        "" => Err(usage.to_string()),
        word => word
            .parse()
            .map_err(|_| format!("\"{word}\" is not a connection number; {usage}")),
    }
}

/// Bytes written as hex digits, with or without spaces between bytes.
fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let bad = || format!("\"{}\" is not hex bytes (such as 00ff10)", text.trim());
    if digits.is_empty() || digits.len() % 2 != 0 {
        return Err(bad());
    }
    digits
        .chunks(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(bad)
        })
        .collect()
}

/// An error unless nothing but blanks is left.
fn no_more(rest: Option<&str>, usage: &str) -> Result<(), String> {
    match rest.map(str::trim) {
        None | Some("") => Ok(()),
        Some(_) => Err(usage.to_string()),
    }
}

/// Splits off the first word (after leading blanks). The rest starts after
/// the one blank that ended the word, so that a message keeps its spacing;
/// it is `None` when nothing, not even that blank, follows.
fn split_word(text: &str) -> (&str, Option<&str>) {
    let text = text.trim_start();
    match text.char_indices().find(|(_, c)| c.is_whitespace()) {
        Some((at, blank)) => (&text[..at], Some(&text[at + blank.len_utf8()..])),
        None => (text, None),
    }
}
