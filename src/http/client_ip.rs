//! The client's address, computed once per request by [`layer`]: the TCP
//! peer, unless that peer is a trusted reverse proxy
//! (`FRONTDESK_TRUSTED_PROXIES`); then the right-most `X-Forwarded-For`
//! address that is not itself a trusted proxy. Anyone can write that header,
//! so it is only believed when a proxy we trust appended to it.
//! Throttling and the audit log read the result from the request extensions.

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

/// Walks `X-Forwarded-For` from the right past trusted proxies. A malformed
/// entry ends the walk: nothing left of it can be believed, so the last
/// trusted hop is used.
pub fn resolve(peer: IpAddr, headers: &HeaderMap, proxies: &[IpNet]) -> IpAddr {
    if !trusted(peer, proxies) {
        return peer;
    }
    let mut client = peer;
    let hops = headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("").split(',').map(str::trim).collect::<Vec<_>>())
        .collect::<Vec<_>>();
    for hop in hops.iter().rev().filter(|h| !h.is_empty()) {
        let Ok(ip) = hop.parse::<IpAddr>() else { break };
        client = ip;
        if !trusted(ip, proxies) {
            break;
        }
    }
    client
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
        assert_eq!(resolve(ip("10.0.0.2"), &xff("garbage, 10.0.0.9"), &proxies), ip("10.0.0.9"));
        assert_eq!(resolve(ip("10.0.0.2"), &xff("10.0.0.3"), &proxies), ip("10.0.0.3"));
    }
}
