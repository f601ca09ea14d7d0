//! Where an instance listens, and the URLs that reach it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The addresses an instance's listeners are bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listening {
    /// The gateway's (and, without an admin port, the control API's).
    pub gateway: SocketAddr,
    /// The control API's.
    pub control: SocketAddr,
}

impl Listening {
    /// One listener serving everything.
    #[cfg(test)]
    pub fn one(address: SocketAddr) -> Self {
        Self {
            gateway: address,
            control: address,
        }
    }

    /// The gateway's base URL, one a client on this machine can dial.
    pub fn gateway_url(&self) -> String {
        format!("http://{}", reachable(self.gateway))
    }

    /// The control API's base URL (`/__mock` lives under it), one a client on this machine can
    /// dial.
    pub fn control_url(&self) -> String {
        format!("http://{}", reachable(self.control))
    }
}

/// The address a client dials for a listener bound to `bound`: a wildcard (`0.0.0.0`, `::`, as
/// in a container) is no address to dial, and the loopback of its family always answers for
/// it — the same address a port published with `-p 8080:8080` has on the host.
pub fn reachable(bound: SocketAddr) -> SocketAddr {
    let ip = match bound.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, bound.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wildcard_bind_is_reached_on_loopback_and_any_other_address_as_it_is() {
        let url = |bound: &str| {
            let bound: SocketAddr = bound.parse().expect("an address");
            Listening::one(bound).gateway_url()
        };
        assert_eq!(url("0.0.0.0:8080"), "http://127.0.0.1:8080");
        assert_eq!(url("[::]:8080"), "http://[::1]:8080");
        assert_eq!(url("127.0.0.1:9000"), "http://127.0.0.1:9000");
        assert_eq!(url("192.168.1.20:8080"), "http://192.168.1.20:8080");
        assert_eq!(url("[fe80::1]:8080"), "http://[fe80::1]:8080");
    }
}
