//! How deliveries resolve host names, and the checks made on the very addresses a connection
//! then uses: link-local and metadata addresses are dropped (unless
//! `--callback-allow-link-local`), and a request for the control API never connects to the
//! sandbox itself.
//!
//! The checks run inside the HTTP client's resolver, so they judge the answer the connection is
//! made with: a name that answers one address to a lookup made beforehand and another to the
//! connection (DNS rebinding) gains nothing.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::guard::{ControlListener, is_link_local_or_metadata};
use crate::config::CallbackResolver;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Where host names are looked up: the system, or the embedder's [`CallbackResolver`].
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    resolver: Option<CallbackResolver>,
}

impl Lookup {
    /// Looks names up with `resolver`, or as the system does without one.
    pub fn new(resolver: Option<CallbackResolver>) -> Self {
        Self { resolver }
    }

    /// The addresses `host` resolves to (port 0, or whatever the resolver says).
    pub async fn addresses(&self, host: &str) -> Result<Vec<SocketAddr>, BoxError> {
        match &self.resolver {
            None => Ok(tokio::net::lookup_host((host, 0)).await?.collect()),
            Some(resolver) => {
                let name = Name::from_str(host)?;
                Ok(resolver.get().resolve(name).await?.collect())
            }
        }
    }
}

/// A name whose every address is link-local or a metadata address: the connection is not
/// attempted.
#[derive(Debug, thiserror::Error)]
#[error(
    "{host} resolves only to link-local or cloud-metadata addresses; start the sandbox with \
     --callback-allow-link-local to allow it"
)]
pub struct LinkLocalName {
    /// The name.
    pub host: String,
}

/// A name that resolved, when connecting, to an address of the sandbox while the request asks
/// for its control API: the connection is not attempted.
#[derive(Debug, thiserror::Error)]
#[error("{host} resolved to {address}, an address of this sandbox, when connecting")]
pub struct OwnAddressName {
    /// The name.
    pub host: String,
    /// The sandbox's address it resolved to.
    pub address: IpAddr,
}

/// Keeps the addresses a delivery may connect to; refuses the name when none is left.
pub fn keep_reachable(
    host: &str,
    found: Vec<SocketAddr>,
) -> Result<Vec<SocketAddr>, LinkLocalName> {
    let had_any = !found.is_empty();
    let kept: Vec<SocketAddr> = found
        .into_iter()
        .filter(|a| !is_link_local_or_metadata(a.ip()))
        .collect();
    if had_any && kept.is_empty() {
        return Err(LinkLocalName {
            host: host.to_owned(),
        });
    }
    Ok(kept)
}

/// The delivery client's resolver: looks the name up, then checks the answer the connection
/// will use. Called for every new connection (never for an IP address, which the guard checks
/// before the attempt).
#[derive(Debug, Clone)]
pub struct Screened {
    lookup: Lookup,
    allow_link_local: bool,
    /// Set in the client that carries requests for the control API's paths on its port: none of
    /// its connections may reach the sandbox.
    control: Option<ControlListener>,
}

impl Screened {
    /// Drops link-local and metadata addresses unless `allow_link_local`; with `control`,
    /// refuses a name that resolves to any address of that listener.
    pub fn new(lookup: Lookup, allow_link_local: bool, control: Option<ControlListener>) -> Self {
        Self {
            lookup,
            allow_link_local,
            control,
        }
    }

    /// The addresses a connection to `host` may use, with port 0: the connection then goes to
    /// the URL's port (explicit or the scheme's), the one the checks are about, whatever port a
    /// resolver answered.
    pub async fn screen(&self, host: &str) -> Result<Vec<SocketAddr>, BoxError> {
        let found: Vec<SocketAddr> = (self.lookup.addresses(host).await?)
            .into_iter()
            .map(|a| SocketAddr::new(a.ip(), 0))
            .collect();
        let kept = if self.allow_link_local {
            found
        } else {
            keep_reachable(host, found)?
        };
        if let Some(control) = self.control
            && let Some(own) = kept.iter().find(|a| control.is_own(a.ip()))
        {
            return Err(Box::new(OwnAddressName {
                host: host.to_owned(),
                address: own.ip(),
            }));
        }
        Ok(kept)
    }
}

impl Resolve for Screened {
    fn resolve(&self, name: Name) -> Resolving {
        let this = self.clone();
        Box::pin(async move {
            let kept = this.screen(name.as_str()).await?;
            Ok(Box::new(kept.into_iter()) as Addrs)
        })
    }
}

/// Answers each lookup with the next of `answers` (the last one again once they run out), and
/// counts the lookups: a name that changes its answer.
#[cfg(test)]
pub(crate) struct Rebinding {
    pub(crate) answers: Vec<Vec<SocketAddr>>,
    pub(crate) calls: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

#[cfg(test)]
impl Resolve for Rebinding {
    fn resolve(&self, _name: Name) -> Resolving {
        let n = self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let answer = self
            .answers
            .get(n)
            .or(self.answers.last())
            .cloned()
            .unwrap_or_default();
        Box::pin(async move { Ok(Box::new(answer.into_iter()) as Addrs) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().expect("an address")
    }

    #[test]
    fn a_name_is_refused_when_every_address_it_resolves_to_is_link_local() {
        let only_metadata = vec![addr("169.254.169.254:0"), addr("[fe80::1]:0")];
        assert!(keep_reachable("evil.test", only_metadata).is_err());
        let mixed = vec![addr("169.254.169.254:0"), addr("10.0.0.5:0")];
        assert_eq!(
            keep_reachable("mixed.test", mixed).ok(),
            Some(vec![addr("10.0.0.5:0")])
        );
        assert_eq!(
            keep_reachable("none.test", Vec::new()).ok(),
            Some(Vec::new())
        );
    }

    fn rebinding(answers: Vec<Vec<SocketAddr>>) -> Lookup {
        Lookup::new(Some(CallbackResolver::new(Rebinding {
            answers,
            calls: std::sync::Arc::default(),
        })))
    }

    #[tokio::test]
    async fn every_answer_is_checked_so_a_name_that_changes_its_answer_is_caught() {
        let control = ControlListener::new(addr("127.0.0.1:8080"));
        let harmless = vec![addr("192.0.2.10:0")];
        let own = vec![addr("192.0.2.10:0"), addr("127.0.0.1:0")];
        let screened = Screened::new(rebinding(vec![harmless.clone(), own]), false, Some(control));
        assert_eq!(screened.screen("merchant.test").await.ok(), Some(harmless));
        let err = screened.screen("merchant.test").await.err();
        let own = err
            .as_ref()
            .and_then(|e| e.downcast_ref::<OwnAddressName>());
        assert_eq!(
            own.map(|o| o.address),
            Some(IpAddr::from([127, 0, 0, 1])),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn the_sandbox_s_own_addresses_are_refused_only_for_the_control_api_s_client() {
        let here = vec![addr("127.0.0.1:0")];
        let open = Screened::new(rebinding(vec![here.clone()]), false, None);
        assert_eq!(open.screen("merchant.test").await.ok(), Some(here));
        let all_interfaces = ControlListener::new(addr("0.0.0.0:8080"));
        for address in [
            "127.0.0.1:0",
            "[::1]:0",
            "0.0.0.0:0",
            "[::ffff:127.0.0.1]:0",
        ] {
            let screened = Screened::new(
                rebinding(vec![vec![addr(address)]]),
                true,
                Some(all_interfaces),
            );
            assert!(screened.screen("merchant.test").await.is_err(), "{address}");
        }
    }

    #[tokio::test]
    async fn a_port_in_a_resolver_s_answer_is_dropped_so_the_url_s_port_is_the_one_checked() {
        let control = ControlListener::new(addr("127.0.0.1:8080"));
        // For http://merchant.test/__mock/reset (port 80, not the control API's), a resolver
        // answering 127.0.0.1:8080 would otherwise lead the connection to the control API.
        let with_port = vec![addr("10.0.0.5:8080"), addr("127.0.0.1:8080")];
        let screened = Screened::new(rebinding(vec![with_port]), false, Some(control));
        // That client refuses loopback whatever the port...
        assert!(screened.screen("merchant.test").await.is_err());
        // ...and the other one connects to the URL's port.
        let open = Screened::new(rebinding(vec![vec![addr("127.0.0.1:8080")]]), false, None);
        assert_eq!(
            open.screen("merchant.test").await.ok(),
            Some(vec![addr("127.0.0.1:0")])
        );
    }

    #[tokio::test]
    async fn link_local_answers_are_dropped_unless_allowed() {
        let metadata = vec![addr("169.254.169.254:0")];
        let strict = Screened::new(rebinding(vec![metadata.clone()]), false, None);
        let err = strict.screen("alias.test").await.err();
        assert!(
            err.as_ref()
                .is_some_and(|e| e.downcast_ref::<LinkLocalName>().is_some()),
            "{err:?}"
        );
        let open = Screened::new(rebinding(vec![metadata.clone()]), true, None);
        assert_eq!(open.screen("alias.test").await.ok(), Some(metadata));
    }
}
