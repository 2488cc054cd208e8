//! The client's address, computed once per request by [`layer`]: the TCP
//! peer, unless that peer is a trusted reverse proxy
//! (`FRONTDESK_TRUSTED_PROXIES`); then the right-most well-formed
//! `X-Forwarded-For` hop that is not itself a trusted proxy. Anyone can
//! write that header, so it is only believed when a proxy we trust appended
//! to it. Throttling and the audit log read the result from the request
//! extensions.
//!
//! Reading the header:
//! - every `X-Forwarded-For` line, in order, forms one list, split on commas
//!   as bytes (a non-ASCII byte spoils only its own hop, never the header);
//! - each hop is trimmed and may be `IPv4`, `IPv4:port`, a bare `IPv6`,
//!   `[IPv6]` or `[IPv6]:port`; anything else is malformed;
//! - walking from the right, trusted hops are passed; the first well-formed
//!   untrusted hop is the client. A malformed hop ends the walk over trusted
//!   hops: the client is then the last (right-most) well-formed untrusted hop
//!   of the list, never a trusted proxy's own address while the list names
//!   one. A client cannot hide behind garbage: what it writes stands left of
//!   the address its trusted proxy appends, which is found first;
//! - only when the list names no well-formed untrusted hop is the client a
//!   trusted address: the left-most well-formed hop, else the peer.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::HeaderMap,
    middleware::Next,
    response::Response,
};
use ipnet::IpNet;

use crate::state::AppState;

/// The resolved client address of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

fn trusted(ip: IpAddr, proxies: &[IpNet]) -> bool {
    proxies.iter().any(|n| n.contains(&ip))
}

/// One hop: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]` or
/// `[2001:db8::1]:443` (already trimmed). None when it is anything else.
pub fn parse_hop(hop: &[u8]) -> Option<IpAddr> {
    let hop = std::str::from_utf8(hop).ok()?;
    if let Some(rest) = hop.strip_prefix('[') {
        let (inner, after) = rest.split_once(']')?;
        let ip = inner.parse::<std::net::Ipv6Addr>().ok()?;
        return match after {
            "" => Some(IpAddr::V6(ip)),
            port => port.strip_prefix(':').and_then(|p| valid_port(p).then_some(IpAddr::V6(ip))),
        };
    }
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip);
    }
    // A port is only unambiguous after IPv4 (IPv6 with a port needs brackets).
    let (host, port) = hop.rsplit_once(':')?;
    let ip = host.parse::<std::net::Ipv4Addr>().ok()?;
    valid_port(port).then_some(IpAddr::V4(ip))
}

fn valid_port(p: &str) -> bool {
    !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok()
}

/// The hops of every `X-Forwarded-For` line, in order, trimmed, empty ones dropped.
fn hops(headers: &HeaderMap) -> Vec<&[u8]> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|v| v.as_bytes().split(|b| *b == b','))
        .map(<[u8]>::trim_ascii)
        .filter(|h| !h.is_empty())
        .collect()
}

/// The client behind `peer` (see the module comment for the rule).
pub fn resolve(peer: IpAddr, headers: &HeaderMap, proxies: &[IpNet]) -> IpAddr {
    if !trusted(peer, proxies) {
        return peer;
    }
    let parsed: Vec<Option<IpAddr>> = hops(headers).into_iter().map(parse_hop).collect();
    if let Some(client) = parsed.iter().rev().flatten().find(|ip| !trusted(**ip, proxies)) {
        return *client;
    }
    parsed.iter().flatten().next().copied().unwrap_or(peer)
}

/// Middleware: stores [`ClientAddr`] in the request for everything after it.
pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if let Some(peer) = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()) {
        let ip = resolve(peer, req.headers(), &state.config.trusted_proxies);
        req.extensions_mut().insert(ClientAddr(ip));
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn xff(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        h
    }

    fn raw(values: &[&[u8]]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_bytes(v).unwrap());
        }
        h
    }

    #[test]
    fn forwarded_for_is_ignored_unless_the_peer_is_trusted() {
        assert_eq!(resolve(ip("203.0.113.9"), &xff("1.2.3.4"), &[]), ip("203.0.113.9"));
        let proxies = vec!["10.0.0.0/8".parse().unwrap()];
        assert_eq!(resolve(ip("203.0.113.9"), &xff("1.2.3.4"), &proxies), ip("203.0.113.9"));
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let proxies: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "192.0.2.7/32".parse().unwrap()];
        // A client forging the left part cannot choose its address.
        assert_eq!(resolve(ip("10.0.0.2"), &xff("6.6.6.6, 198.51.100.4, 192.0.2.7"), &proxies), ip("198.51.100.4"));
        assert_eq!(resolve(ip("10.0.0.2"), &HeaderMap::new(), &proxies), ip("10.0.0.2"));
        // No untrusted hop at all: the left-most trusted one.
        assert_eq!(resolve(ip("10.0.0.2"), &xff("garbage, 10.0.0.9"), &proxies), ip("10.0.0.9"));
        assert_eq!(resolve(ip("10.0.0.2"), &xff("10.0.0.3"), &proxies), ip("10.0.0.3"));
        assert_eq!(resolve(ip("10.0.0.2"), &xff("garbage"), &proxies), ip("10.0.0.2"));
    }

    #[test]
    fn hops_may_carry_ports_and_brackets() {
        for (hop, want) in [
            ("203.0.113.66", "203.0.113.66"),
            ("203.0.113.66:4711", "203.0.113.66"),
            ("2001:db8::5", "2001:db8::5"),
            ("[2001:db8::5]", "2001:db8::5"),
            ("[2001:db8::5]:443", "2001:db8::5"),
            ("::ffff:1.2.3.4", "::ffff:1.2.3.4"),
        ] {
            assert_eq!(parse_hop(hop.as_bytes()), Some(ip(want)), "{hop}");
        }
        for hop in [
            "",
            "unknown",
            "1.2.3.4:",
            "1.2.3.4:65536",
            "1.2.3.4:+80",
            "1.2.3.4:80:80",
            "[1.2.3.4]",
            "[2001:db8::5",
            "[2001:db8::5]443",
            "[2001:db8::5]:",
            "2001:db8::5:443:x",
            "fe80::1%eth0",
            "1.2.3",
            "1.2.3.4 5",
        ] {
            assert_eq!(parse_hop(hop.as_bytes()), None, "{hop}");
        }
        assert_eq!(parse_hop("1.2.3.4\u{e9}".as_bytes()), None);
    }

    #[test]
    fn ported_hops_and_several_lines_name_the_client_not_the_proxy() {
        let proxies: Vec<IpNet> = vec!["127.0.0.1/32".parse().unwrap(), "10.0.0.0/8".parse().unwrap()];
        let peer = ip("127.0.0.1");
        assert_eq!(resolve(peer, &xff("203.0.113.66:4711"), &proxies), ip("203.0.113.66"));
        assert_eq!(resolve(peer, &xff("[2001:db8::5]:443, 10.0.0.4:80"), &proxies), ip("2001:db8::5"));
        // Several lines are one list, in order: the last line's hop is right-most.
        assert_eq!(resolve(peer, &raw(&[b"198.51.100.1", b"198.51.100.2, 10.0.0.4"]), &proxies), ip("198.51.100.2"));
    }

    #[test]
    fn garbage_never_hides_the_client_behind_its_proxy() {
        let proxies: Vec<IpNet> = vec!["127.0.0.1/32".parse().unwrap(), "10.0.0.0/8".parse().unwrap()];
        let peer = ip("127.0.0.1");
        // A non-ASCII byte spoils only the hop it is in.
        assert_eq!(resolve(peer, &raw(&[b"\xff\xfe, 198.51.100.9"]), &proxies), ip("198.51.100.9"));
        assert_eq!(resolve(peer, &raw(&[b"junk\xe9", b"198.51.100.9:5000"]), &proxies), ip("198.51.100.9"));
        // A malformed hop among the trusted ones: the nearest well-formed untrusted hop, not a proxy.
        assert_eq!(resolve(peer, &xff("198.51.100.3, unknown, 10.0.0.4"), &proxies), ip("198.51.100.3"));
        assert_eq!(resolve(peer, &xff("198.51.100.3, 1.2.3.4:99999"), &proxies), ip("198.51.100.3"));
        // What the client wrote stands left of its real address and changes nothing.
        assert_eq!(resolve(peer, &xff("6.6.6.6, garbage, 198.51.100.4"), &proxies), ip("198.51.100.4"));
    }
}
