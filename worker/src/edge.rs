//! What stands between the phones and the worker in a deployment: the reverse proxies
//! whose `X-Forwarded-For` the worker believes, and whether the site is served over HTTPS
//! (then every answer carries HSTS). `docs/api.md`, worker command line.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// One trusted proxy: an address, or a network in CIDR form (`10.0.0.0/8`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proxy {
    network: IpAddr,
    prefix: u8,
}

impl Proxy {
    /// Whether `addr` is this proxy (or in its network).
    pub fn contains(&self, addr: IpAddr) -> bool {
        match (self.network, addr) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                prefix_match(&net.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                prefix_match(&net.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V4(net), IpAddr::V6(ip)) => ip
                .to_ipv4_mapped()
                .is_some_and(|ip| prefix_match(&net.octets(), &ip.octets(), self.prefix)),
            (IpAddr::V6(_), IpAddr::V4(_)) => false,
        }
    }
}

/// Whether the first `prefix` bits of `a` and `b` are equal.
fn prefix_match(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let prefix = usize::from(prefix);
    let (whole, rest) = (prefix / 8, prefix % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    rest == 0 || {
        let mask = 0xff_u8 << (8 - rest);
        a[whole] & mask == b[whole] & mask
    }
}

/// A trusted proxy that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a trusted proxy must be an IP address or a network like 10.0.0.0/8 (got {0:?})")]
pub struct BadProxy(String);

impl FromStr for Proxy {
    type Err = BadProxy;

    fn from_str(text: &str) -> Result<Proxy, BadProxy> {
        let text = text.trim();
        let bad = || BadProxy(text.to_owned());
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr = addr.parse().map_err(|_| bad())?;
        let longest = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(digits) => digits
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= longest)
                .ok_or_else(bad)?,
            None => longest,
        };
        Ok(Proxy { network, prefix })
    }
}

impl fmt::Display for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// The deployment's edge: trusted proxies and HTTPS.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Edge {
    /// The proxies whose `X-Forwarded-For` is believed (none by default).
    pub trusted_proxies: Vec<Proxy>,
    /// The site is served over HTTPS (by the proxy in front): answers carry HSTS.
    pub https: bool,
}

impl Edge {
    /// The client's address: the connection's peer, unless the peer is a trusted proxy;
    /// then the nearest address in `X-Forwarded-For` (read from the right) that is not a
    /// trusted proxy. A header that does not parse is not believed.
    pub fn client(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        let trusted = |ip: IpAddr| self.trusted_proxies.iter().any(|p| p.contains(ip));
        if !trusted(peer) {
            return peer;
        }
        let Some(header) = forwarded_for else {
            return peer;
        };
        let hops: Option<Vec<IpAddr>> = header
            .split(',')
            .map(|hop| hop.trim().parse().ok())
            .collect();
        let Some(hops) = hops.filter(|hops| !hops.is_empty()) else {
            return peer;
        };
        hops.iter()
            .rev()
            .copied()
            .find(|ip| !trusted(*ip))
            .or_else(|| hops.first().copied())
            .unwrap_or(peer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn proxies_parse_as_addresses_and_networks() {
        let net: Proxy = "10.0.0.0/8".parse().expect("a network");
        assert!(net.contains(ip("10.1.2.3")) && !net.contains(ip("11.0.0.1")));
        assert!(net.contains(ip("::ffff:10.9.9.9")));
        let one: Proxy = "192.168.1.7".parse().expect("an address");
        assert!(one.contains(ip("192.168.1.7")) && !one.contains(ip("192.168.1.8")));
        let v6: Proxy = "fd00::/8".parse().expect("a v6 network");
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        let odd: Proxy = "172.16.0.0/12".parse().expect("a /12");
        assert!(odd.contains(ip("172.31.255.1")) && !odd.contains(ip("172.32.0.1")));
        for bad in [
            "",
            "proxy",
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/-1",
            "10.0.0/8",
        ] {
            assert!(bad.parse::<Proxy>().is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let edge = Edge {
            trusted_proxies: vec!["127.0.0.1".parse().expect("proxy")],
            https: false,
        };
        let proxy = ip("127.0.0.1");
        // A trusted proxy: the client is the last address it did not add itself.
        assert_eq!(edge.client(proxy, Some("203.0.113.9")), ip("203.0.113.9"));
        assert_eq!(
            edge.client(proxy, Some("198.51.100.1, 203.0.113.9")),
            ip("203.0.113.9"),
            "the leftmost entry is whatever the client wrote"
        );
        assert_eq!(
            edge.client(proxy, Some("203.0.113.9, 127.0.0.1")),
            ip("203.0.113.9")
        );
        // No header, or one that does not parse: the proxy itself.
        assert_eq!(edge.client(proxy, None), proxy);
        assert_eq!(edge.client(proxy, Some("bukan-ip")), proxy);
        // Anyone else: the header is ignored.
        let stranger = ip("198.51.100.7");
        assert_eq!(edge.client(stranger, Some("203.0.113.9")), stranger);
        assert_eq!(Edge::default().client(proxy, Some("203.0.113.9")), proxy);
    }
}
