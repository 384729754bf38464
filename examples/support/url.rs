//! `ws://host[:port]/path?query` URLs, the part of RFC 6455 §3 a plain-TCP
//! client needs. (`wss://` needs TLS, which these examples do not carry.)

/// A parsed `ws://` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WsUrl {
    /// `host:port`, to connect to.
    pub address: String,
    /// The `Host` header value: the host, with the port when not 80.
    pub host: String,
    /// The request target: path and query, starting with `/`.
    pub target: String,
}

impl WsUrl {
    pub fn parse(url: &str) -> Result<Self, String> {
        let rest = match url.split_once("://") {
            Some(("ws", rest)) => rest,
            Some(("wss", _)) => {
                return Err("wss:// needs TLS, which this example does not have".into())
            }
            _ => return Err(format!("not a ws:// URL: {url}")),
        };
        let (authority, target) = match rest.find(['/', '?']) {
            Some(i) if rest[i..].starts_with('/') => (&rest[..i], rest[i..].to_string()),
            Some(i) => (&rest[..i], format!("/{}", &rest[i..])),
            None => (rest, "/".to_string()),
        };
        let target = target.split('#').next().unwrap_or("/").to_string();
        if authority.is_empty() || authority.contains('@') {
            return Err(format!("bad host in {url}"));
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || authority.starts_with('[') => {
                let port: u16 = port.parse().map_err(|_| format!("bad port in {url}"))?;
                (host, port)
            }
            _ => (authority, 80),
        };
        if host.is_empty() {
            return Err(format!("bad host in {url}"));
        }
        let host_header = if port == 80 {
            host.to_string()
        } else {
            format!("{host}:{port}")
        };
        Ok(Self {
            address: format!("{host}:{port}"),
            host: host_header,
            target,
        })
    }
}
