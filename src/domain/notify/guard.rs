//! Where a callback may go: only where `--callback-allow` lets it, never into the sandbox's own
//! control API (but for the built-in sink), and to no link-local or cloud-metadata address
//! unless `--callback-allow-link-local` says so.
//!
//! URLs are checked when they are set (an app's `callbackUrl`, an order's `notifyUrl`, …) and
//! again before each attempt, since a name may resolve elsewhere by then. What a name resolves
//! to is checked once more by the delivery client's resolver (`resolve.rs`), on the addresses
//! the connection is made with: a lookup made here only refuses early and clearly.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use url::{Host, Url};

use super::deliver::callback_allowed;
use super::resolve::Lookup;

/// Cloud metadata services outside 169.254.0.0/16 and fe80::/10 (those are refused whole).
const METADATA_ADDRESSES: [IpAddr; 3] = [
    // AWS instance metadata over IPv6.
    IpAddr::V6(Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254)),
    // Alibaba Cloud.
    IpAddr::V4(Ipv4Addr::new(100, 100, 100, 200)),
    // Oracle Cloud Infrastructure (classic).
    IpAddr::V4(Ipv4Addr::new(192, 0, 0, 192)),
];

/// Names of cloud metadata services, refused before any lookup.
const METADATA_NAMES: [&str; 6] = [
    "metadata.google.internal",
    "metadata.goog",
    "metadata",
    "metadata.tencentyun.com",
    "instance-data",
    "instance-data.ec2.internal",
];

/// Why a callback URL is refused. The text reads after the field or URL it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not a URL with a host.
    #[error("is not an absolute URL with a host")]
    Unparsable,
    /// Not in `--callback-allow`.
    #[error("is not allowed by --callback-allow")]
    NotAllowed,
    /// The sandbox's own control API.
    #[error(
        "points at this sandbox's own control API ({path}); only the built-in sink \
         /__mock/sink/{{appId}} may receive callbacks"
    )]
    ControlApi {
        /// The path asked for.
        path: String,
    },
    /// A link-local or cloud-metadata address.
    #[error(
        "points at a link-local or cloud-metadata address ({host}); start the sandbox with \
         --callback-allow-link-local to allow it"
    )]
    LinkLocal {
        /// The host, or the address it resolved to.
        host: String,
    },
}

/// Whether `ip` is link-local (169.254.0.0/16, fe80::/10) or a known cloud metadata address,
/// IPv4-mapped IPv6 forms included.
pub fn is_link_local_or_metadata(ip: IpAddr) -> bool {
    let ip = ip.to_canonical();
    let link_local = match ip {
        IpAddr::V4(v4) => v4.is_link_local(),
        IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80,
    };
    link_local || METADATA_ADDRESSES.contains(&ip)
}

fn is_metadata_name(name: &str) -> bool {
    let name = name.trim_end_matches('.');
    METADATA_NAMES.iter().any(|m| m.eq_ignore_ascii_case(name))
}

/// `localhost` and its subdomains always mean this machine (RFC 6761).
fn is_localhost_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

/// The path with percent-escapes decoded, as the server's router reads it.
fn decoded(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether `path` is under `/__mock` and not the sink's `POST /__mock/sink/{appId}`. Loose on
/// purpose (any case, empty segments skipped): refusing a path the router would not serve
/// costs nothing.
///
/// ```text
/// /__mock/reset, /%5F%5Fmock/apps, /__mock/sink/a/b   control
/// /__mock/sink/{appId}, /v1/token/access, /notify     not control
/// ```
pub fn is_control_path(path: &str) -> bool {
    let path = decoded(path);
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        [first, ..] if !first.eq_ignore_ascii_case("__mock") => false,
        // The sink, and its bare prefix (no route: a 404, harmless).
        [_, "sink"] | [_, "sink", _] => false,
        [] => false,
        _ => true,
    }
}

/// Whether `ip` is an address of this machine: binding a socket to it succeeds only then (no
/// packet is sent).
fn is_local_interface(ip: IpAddr) -> bool {
    std::net::UdpSocket::bind(SocketAddr::new(ip, 0)).is_ok()
}

/// The control API's listener: which URLs ask for it, and which addresses reach it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ControlListener {
    bound: SocketAddr,
}

impl ControlListener {
    /// The control API listening on `bound`.
    pub fn new(bound: SocketAddr) -> Self {
        Self { bound }
    }

    /// Whether `url` asks for a control path on the control API's port.
    pub fn asks_control(&self, url: &Url) -> bool {
        url.port_or_known_default() == Some(self.bound.port()) && is_control_path(url.path())
    }

    /// Whether `url` (as text) asks for a control path on the control API's port; a URL that
    /// does not parse asks for nothing.
    pub fn asks_control_str(&self, url: &str) -> bool {
        Url::parse(url).is_ok_and(|url| self.asks_control(&url))
    }

    /// Whether a connection to `ip` (at the control port) could reach this sandbox: a loopback
    /// or unspecified address, the one it listens on, or any address of the machine when it
    /// listens on all of them.
    pub fn is_own(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        let bound = self.bound.ip().to_canonical();
        ip == bound
            || ip.is_loopback()
            || ip.is_unspecified()
            || (bound.is_unspecified() && is_local_interface(ip))
    }
}

/// The checks every callback URL goes through, built once per instance.
#[derive(Debug, Clone, Default)]
pub struct CallbackGuard {
    allow: Vec<String>,
    allow_link_local: bool,
    /// The control API's listener, once bound.
    control: Option<ControlListener>,
    /// Where names are looked up.
    lookup: Lookup,
}

impl CallbackGuard {
    /// A guard for `--callback-allow` (`allow`), `--callback-allow-link-local` and the
    /// address the control API listens on. Names are looked up as the system does.
    pub fn new(allow: Vec<String>, allow_link_local: bool, control: Option<SocketAddr>) -> Self {
        Self {
            allow,
            allow_link_local,
            control: control.map(ControlListener::new),
            lookup: Lookup::default(),
        }
    }

    /// The same guard, looking names up with `lookup`.
    pub fn with_lookup(mut self, lookup: Lookup) -> Self {
        self.lookup = lookup;
        self
    }

    /// The checks made when a URL is set: not the control API, not link-local, without name
    /// lookups. `--callback-allow` is left to delivery (and conformance), as it always was.
    pub fn check_target(&self, url: &str) -> Result<(), Refusal> {
        let parsed = Url::parse(url).map_err(|_| Refusal::Unparsable)?;
        self.target(&parsed)
    }

    /// Everything that needs no name lookup: `--callback-allow` and [`Self::check_target`].
    /// A URL that does not parse passes (`None`) when there is no allow list: its attempt
    /// fails on its own, as it always did.
    pub fn check(&self, url: &str) -> Result<Option<Url>, Refusal> {
        // The target first: its reason is the more telling one.
        let parsed = Url::parse(url).ok();
        if let Some(parsed) = &parsed {
            self.target(parsed)?;
        }
        if !callback_allowed(&self.allow, url) {
            return Err(Refusal::NotAllowed);
        }
        Ok(parsed)
    }

    /// [`Self::check`], then, for a name asking for a control path on the control API's port,
    /// a lookup: it must not resolve to this machine. That lookup only refuses early, with a
    /// clear reason: the delivery client's resolver checks the answer each connection is made
    /// with (the sandbox's own addresses for such a URL, link-local ones for any), so a name
    /// that answers differently by then is caught too.
    pub async fn screen(&self, url: &str) -> Result<(), Refusal> {
        let Some(parsed) = self.check(url)? else {
            return Ok(());
        };
        let Some(Host::Domain(name)) = parsed.host() else {
            return Ok(());
        };
        if !self.asks_control(&parsed) {
            return Ok(());
        }
        // A name that does not resolve is left to the attempt, which fails the same way.
        let Ok(found) = self.lookup.addresses(name).await else {
            return Ok(());
        };
        let addresses: Vec<IpAddr> = found.iter().map(SocketAddr::ip).collect();
        self.check_resolved(&parsed, &addresses)
    }

    /// Refuses `url` when its name resolved to one of this sandbox's addresses and it asks for
    /// the control API.
    pub fn check_resolved(&self, url: &Url, addresses: &[IpAddr]) -> Result<(), Refusal> {
        if self.asks_control(url) && addresses.iter().any(|ip| self.is_own(*ip)) {
            return Err(Refusal::ControlApi {
                path: url.path().to_owned(),
            });
        }
        Ok(())
    }

    fn target(&self, url: &Url) -> Result<(), Refusal> {
        let ip = match url.host() {
            // No host: the attempt fails on its own.
            None => return Ok(()),
            Some(Host::Domain(name)) => {
                if !self.allow_link_local && is_metadata_name(name) {
                    return Err(Refusal::LinkLocal {
                        host: name.to_owned(),
                    });
                }
                if !is_localhost_name(name) {
                    return Ok(());
                }
                IpAddr::V4(Ipv4Addr::LOCALHOST)
            }
            Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
            Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
        };
        if !self.allow_link_local && is_link_local_or_metadata(ip) {
            return Err(Refusal::LinkLocal {
                host: ip.to_string(),
            });
        }
        self.check_resolved(url, &[ip])
    }

    /// Whether `url` asks for a control path on the control API's port.
    fn asks_control(&self, url: &Url) -> bool {
        self.control.is_some_and(|c| c.asks_control(url))
    }

    /// Whether a connection to `ip` (at the control port) could reach this sandbox.
    fn is_own(&self, ip: IpAddr) -> bool {
        self.control.is_some_and(|c| c.is_own(ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(control: &str) -> CallbackGuard {
        CallbackGuard::new(Vec::new(), false, control.parse().ok())
    }

    #[test]
    fn a_callback_into_the_control_api_on_the_sandbox_s_own_port_is_refused() {
        let g = guard("127.0.0.1:8080");
        for url in [
            "http://127.0.0.1:8080/__mock/reset",
            "http://localhost:8080/__mock/apps",
            "http://127.0.0.2:8080/__mock/reset",
            "http://[::1]:8080/__mock/reset",
            "http://[::ffff:127.0.0.1]:8080/__mock/reset",
            "http://127.0.0.1:8080/%5F%5Fmock/reset",
            "http://127.0.0.1:8080//__mock//reset",
            "http://127.0.0.1:8080/__MOCK/reset",
            "http://127.0.0.1:8080/__mock/sink/app/extra",
            "http://0.0.0.0:8080/__mock",
        ] {
            assert!(
                matches!(g.check_target(url), Err(Refusal::ControlApi { .. })),
                "{url}"
            );
        }
    }

    #[test]
    fn the_sink_the_gateway_and_other_ports_stay_allowed() {
        let g = guard("127.0.0.1:8080");
        for url in [
            "http://127.0.0.1:8080/__mock/sink/10037e6f66f2d0f901672aa27d690006",
            "http://127.0.0.1:8080/v1/netpay/notify",
            "http://127.0.0.1:9000/__mock/reset",
            "http://merchant.test:8080/__mock/reset",
            "http://10.1.2.3:9000/notify",
        ] {
            assert_eq!(g.check_target(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn a_name_resolving_to_the_sandbox_is_refused_for_the_control_api_only() {
        let g = guard("127.0.0.1:8080");
        let reset = Url::parse("http://merchant.test:8080/__mock/reset").expect("a URL");
        let here = [IpAddr::V4(Ipv4Addr::LOCALHOST)];
        assert!(g.check_resolved(&reset, &here).is_err());
        let elsewhere = [IpAddr::V4(Ipv4Addr::new(10, 1, 2, 3))];
        assert_eq!(g.check_resolved(&reset, &elsewhere), Ok(()));
        let notify = Url::parse("http://merchant.test:8080/notify").expect("a URL");
        assert_eq!(g.check_resolved(&notify, &here), Ok(()));
    }

    #[test]
    fn link_local_and_metadata_addresses_and_names_are_refused_unless_allowed() {
        let g = guard("127.0.0.1:8080");
        for url in [
            "http://169.254.169.254/latest/meta-data/",
            "http://169.254.0.23/",
            "http://2852039166/",
            "http://[fe80::1]/",
            "http://[fd00:ec2::254]/",
            "http://[::ffff:169.254.169.254]/",
            "http://100.100.100.200/",
            "http://metadata.google.internal/computeMetadata/v1/",
            "http://METADATA.google.internal./",
        ] {
            assert!(
                matches!(g.check_target(url), Err(Refusal::LinkLocal { .. })),
                "{url}"
            );
        }
        let open = CallbackGuard::new(Vec::new(), true, None);
        assert_eq!(open.check_target("http://169.254.169.254/"), Ok(()));
        assert_eq!(
            open.check_target("http://metadata.google.internal/"),
            Ok(())
        );
    }

    #[test]
    fn loopback_and_private_ranges_stay_allowed() {
        let g = guard("127.0.0.1:8080");
        for url in [
            "http://127.0.0.1:9000/notify",
            "http://[::1]:9000/notify",
            "http://10.0.0.5/notify",
            "http://192.168.1.20/notify",
            "http://172.16.0.9/notify",
            "http://[fd12:3456::1]/notify",
        ] {
            assert_eq!(g.check_target(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn the_allow_list_is_part_of_the_delivery_check_only() {
        let g = CallbackGuard::new(vec!["127.0.0.1:9000".into()], false, None);
        assert_eq!(g.check_target("http://127.0.0.1:9001/"), Ok(()));
        assert_eq!(
            g.check("http://127.0.0.1:9001/").err(),
            Some(Refusal::NotAllowed)
        );
        assert!(g.check("http://127.0.0.1:9000/").is_ok());
    }
}
