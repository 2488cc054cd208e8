//! Where a push may go. A browser hands us its push service's URL, so the
//! URL is the client's to choose: left unchecked, a subscription would make
//! the server POST to its own loopback, the cloud metadata address or the
//! office network, and report back what answered. A push endpoint must be
//! `https` on port 443 and resolve only to public unicast addresses; the
//! address actually connected to is the one checked (the push client's
//! resolver checks every answer, and reqwest connects only to what it
//! returns), and no redirect is followed.

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::Arc,
    time::Duration,
};

/// Longest endpoint URL we keep (real ones are a few hundred characters).
pub const MAX_LEN: usize = 2048;

/// How long a name lookup may take before the endpoint counts as unreachable.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(3);

/// Why an endpoint is refused. The text is plain: it is shown to clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    TooLong,
    NotUrl,
    NotHttps,
    NotPort443,
    Credentials,
    NotPublic,
    Unresolvable,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Refused::TooLong => "is too long",
            Refused::NotUrl => "is not a URL",
            Refused::NotHttps => "must be an https URL",
            Refused::NotPort443 => "must use the https port (443)",
            Refused::Credentials => "must not carry a user name or password",
            Refused::NotPublic => "must be a public internet address",
            Refused::Unresolvable => "does not resolve to an address",
        })
    }
}

impl std::error::Error for Refused {}

/// Which endpoints are allowed. `loopback_http` is the test-only switch
/// (`FRONTDESK_TEST_FAULTS`): the black-box tests run their fake push
/// service on `http://127.0.0.1:<port>`. Nothing else is ever let through.
#[derive(Debug, Clone, Copy, Default)]
pub struct Policy {
    pub loopback_http: bool,
}

impl Policy {
    /// The test exception: plain http to 127.0.0.1, any port.
    fn is_test_loopback(&self, url: &reqwest::Url) -> bool {
        self.loopback_http
            && url.scheme() == "http"
            && url.host() == Some(url::Host::Ipv4(Ipv4Addr::LOCALHOST))
            && url.username().is_empty()
            && url.password().is_none()
    }

    /// Everything that can be said without a name lookup: the scheme, the
    /// port, no credentials, and an address literal must be public.
    pub fn check_url(&self, endpoint: &str) -> Result<reqwest::Url, Refused> {
        if endpoint.len() > MAX_LEN {
            return Err(Refused::TooLong);
        }
        let url = reqwest::Url::parse(endpoint).map_err(|_| Refused::NotUrl)?;
        if self.is_test_loopback(&url) {
            return Ok(url);
        }
        if url.scheme() != "https" {
            return Err(Refused::NotHttps);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Refused::Credentials);
        }
        // `port()` is None for the scheme's default, so an explicit :443 passes too.
        if url.port().is_some_and(|p| p != 443) {
            return Err(Refused::NotPort443);
        }
        match url.host() {
            None => Err(Refused::NotUrl),
            Some(url::Host::Ipv4(ip)) if !is_public_unicast(IpAddr::V4(ip)) => Err(Refused::NotPublic),
            Some(url::Host::Ipv6(ip)) if !is_public_unicast(IpAddr::V6(ip)) => Err(Refused::NotPublic),
            Some(_) => Ok(url),
        }
    }

    /// `check_url`, then the name resolved now: every address it has must be
    /// public (one private answer among public ones is refused too).
    pub async fn check(&self, endpoint: &str) -> Result<reqwest::Url, Refused> {
        let url = self.check_url(endpoint)?;
        if let Some(url::Host::Domain(name)) = url.host() {
            resolve_public(name).await?;
        }
        Ok(url)
    }
}

/// Looks `name` up and returns its addresses, all of them public, or why not.
pub async fn resolve_public(name: &str) -> Result<Vec<SocketAddr>, Refused> {
    let found = tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((name, 443)))
        .await
        .map_err(|_| Refused::Unresolvable)?
        .map_err(|_| Refused::Unresolvable)?;
    let addrs: Vec<SocketAddr> = found.collect();
    if addrs.is_empty() {
        return Err(Refused::Unresolvable);
    }
    if addrs.iter().any(|a| !is_public_unicast(a.ip())) {
        return Err(Refused::NotPublic);
    }
    Ok(addrs)
}

/// The resolver of the push client: reqwest connects only to the addresses
/// it returns, so the address checked is the address used.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async move {
            let addrs = resolve_public(name.as_str()).await?;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The client pushes go out on, with the endpoint rules it was made for.
#[derive(Clone)]
pub struct PushClient {
    pub http: reqwest::Client,
    pub policy: Policy,
}

impl PushClient {
    /// No redirects, no proxy from the environment (a proxy would connect on
    /// our behalf to an address we never checked), the public-only resolver.
    pub fn new(policy: Policy) -> reqwest::Result<PushClient> {
        Ok(PushClient { http: client()?, policy })
    }
}

fn client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(Arc::new(PublicOnly))
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(5))
        .pool_max_idle_per_host(2)
        .user_agent(concat!("frontdesk/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// The endpoint refusal inside a failed request, if that is why it failed.
pub fn refusal_in(e: &reqwest::Error) -> Option<Refused> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(r) = s.downcast_ref::<Refused>() {
            return Some(*r);
        }
        source = s.source();
    }
    None
}

/// A public unicast address: one the internet routes to a single host.
/// Refused: unspecified, loopback, private (RFC 1918), shared (CGNAT,
/// 100.64/10), link-local, multicast, broadcast, documentation,
/// benchmarking, reserved, and for IPv6 everything outside global unicast
/// (2000::/3) plus its documentation range; IPv6 forms that carry an IPv4
/// address (mapped, compatible, NAT64, 6to4) are judged by that address.
pub fn is_public_unicast(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let refused = a == 0                                 // "this network", unspecified
        || a == 10                                       // private
        || a == 127                                      // loopback
        || (a == 100 && (64..128).contains(&b))          // shared address space (CGNAT)
        || (a == 169 && b == 254)                        // link-local (cloud metadata)
        || (a == 172 && (16..32).contains(&b))           // private
        || (a == 192 && b == 0 && c == 0)                // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2)                // documentation
        || (a == 192 && b == 88 && c == 99)              // 6to4 relay anycast
        || (a == 192 && b == 168)                        // private
        || (a == 198 && (18..20).contains(&b))           // benchmarking
        || (a == 198 && b == 51 && c == 100)             // documentation
        || (a == 203 && b == 0 && c == 113)              // documentation
        || a >= 224; // multicast, reserved, broadcast
    !refused
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    // Global unicast is 2000::/3; everything else (loopback, unspecified,
    // unique-local fc00::/7, link-local fe80::/10, multicast ff00::/8) is not.
    let global = (s[0] & 0xe000) == 0x2000;
    let documentation = s[0] == 0x2001 && s[1] == 0x0db8;
    // 2001::/23: IETF protocol assignments (Teredo, ORCHID, benchmarking...).
    let ietf = s[0] == 0x2001 && s[1] < 0x0200;
    global && !documentation && !ietf
}

/// The IPv4 address inside an IPv6 one, for the forms that reach it:
/// mapped (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64 (64:ff9b::/96)
/// and 6to4 (2002:abcd:efgh::/16).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let o = ip.octets();
    let last = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
    if s[..5] == [0; 5] && (s[5] == 0xffff || (s[5] == 0 && (s[6] != 0 || s[7] > 1))) {
        return Some(last);
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(last);
    }
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new(o[2], o[3], o[4], o[5]));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(s: &str) -> bool {
        is_public_unicast(s.parse().unwrap())
    }

    #[test]
    fn only_public_unicast_addresses_pass() {
        for ok in ["8.8.8.8", "93.184.215.14", "142.250.74.78", "2a00:1450:4001:82b::200a", "2606:4700::1111"] {
            assert!(public(ok), "{ok} is public");
        }
        for bad in [
            "0.0.0.0",
            "127.0.0.1",
            "127.8.9.10",
            "10.0.0.1",
            "172.16.5.4",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "224.0.0.1",
            "239.255.255.250",
            "255.255.255.255",
            "240.0.0.1",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.9",
            "198.18.0.1",
            "::",
            "::1",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::1",
            "2002:c0a8:101::1",
        ] {
            assert!(!public(bad), "{bad} is not public");
        }
        assert!(public("::ffff:8.8.8.8"), "a mapped public address is public");
        assert!(public("2002:0808:0808::1"), "6to4 of a public address");
    }

    #[test]
    fn urls_must_be_https_on_443_without_credentials() {
        let p = Policy::default();
        assert!(p.check_url("https://fcm.googleapis.com/fcm/send/abc").is_ok());
        assert!(p.check_url("https://push.example.net:443/x").is_ok());
        assert_eq!(p.check_url("http://push.example.net/x").unwrap_err(), Refused::NotHttps);
        assert_eq!(p.check_url("https://push.example.net:8443/x").unwrap_err(), Refused::NotPort443);
        assert_eq!(p.check_url("https://u:p@push.example.net/x").unwrap_err(), Refused::Credentials);
        assert_eq!(p.check_url("https://127.0.0.1/x").unwrap_err(), Refused::NotPublic);
        assert_eq!(p.check_url("https://[::ffff:7f00:1]/x").unwrap_err(), Refused::NotPublic);
        assert_eq!(p.check_url("https://2130706433/x").unwrap_err(), Refused::NotPublic, "a decimal IPv4 literal");
        assert_eq!(p.check_url("https://0x7f.1/x").unwrap_err(), Refused::NotPublic, "a hex IPv4 literal");
        assert_eq!(p.check_url("not a url").unwrap_err(), Refused::NotUrl);
        assert_eq!(p.check_url(&format!("https://x.io/{}", "a".repeat(MAX_LEN))).unwrap_err(), Refused::TooLong);
        // The test switch lets only plain http to 127.0.0.1 through.
        assert_eq!(p.check_url("http://127.0.0.1:9/x").unwrap_err(), Refused::NotHttps);
        let t = Policy { loopback_http: true };
        assert!(t.check_url("http://127.0.0.1:9/x").is_ok());
        assert_eq!(t.check_url("http://localhost:9/x").unwrap_err(), Refused::NotHttps);
        assert_eq!(t.check_url("https://127.0.0.1:9/x").unwrap_err(), Refused::NotPort443);
        assert_eq!(t.check_url("https://10.0.0.1/x").unwrap_err(), Refused::NotPublic);
    }

    #[tokio::test]
    async fn names_are_resolved_and_judged_by_every_address() {
        // localhost resolves from /etc/hosts, without a DNS server.
        assert_eq!(Policy::default().check("https://localhost/x").await.unwrap_err(), Refused::NotPublic);
        assert_eq!(resolve_public("localhost").await.unwrap_err(), Refused::NotPublic);
        assert_eq!(Policy::default().check("https://no-such-host.invalid/x").await.unwrap_err(), Refused::Unresolvable);
    }
}
