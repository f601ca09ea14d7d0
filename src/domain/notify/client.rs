//! The HTTP client deliveries go out with: its trusted certificates (the built-in roots and
//! `--callback-ca-file`) and a resolver that keeps link-local and metadata addresses out of
//! reach.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::engine::USER_AGENT;
use super::guard::is_link_local_or_metadata;

/// How deliveries connect.
#[derive(Debug, Clone, Default)]
pub struct ClientSettings {
    /// `--callback-ca-file`: PEM certificates trusted besides the built-in roots.
    pub ca_file: Option<PathBuf>,
    /// `--callback-allow-link-local`: names may resolve to link-local and metadata addresses.
    pub allow_link_local: bool,
}

/// Why `--callback-ca-file` cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CaFileError {
    /// The file cannot be read.
    #[error("cannot read --callback-ca-file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not PEM, or holds no certificate.
    #[error("--callback-ca-file {path} holds no PEM certificate{reason}")]
    NoCertificate {
        /// The file.
        path: PathBuf,
        /// What the parser said, if anything (starts with `: `).
        reason: String,
    },
}

/// Reads the PEM certificates of `path` (one or more `BEGIN CERTIFICATE` blocks).
pub fn load_ca_file(path: &Path) -> Result<Vec<reqwest::Certificate>, CaFileError> {
    let pem = std::fs::read(path).map_err(|source| CaFileError::Read {
        path: path.to_owned(),
        source,
    })?;
    let none = |reason: String| CaFileError::NoCertificate {
        path: path.to_owned(),
        reason,
    };
    let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| none(format!(": {e}")))?;
    if certs.is_empty() {
        return Err(none(String::new()));
    }
    Ok(certs)
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

/// Resolves as the system does, then drops link-local and metadata addresses: checked on every
/// connection, so a name that changes its answer later is caught too.
#[derive(Debug, Default)]
struct ReachableOnly;

impl Resolve for ReachableOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let kept = keep_reachable(&host, found)?;
            Ok(Box::new(kept.into_iter()) as Addrs)
        })
    }
}

/// The HTTP client deliveries go out with (its `User-Agent`, no proxy, no redirects), built on
/// first use: the TLS stack and its root certificates stay out of an idle sandbox's memory.
///
/// Building it reads nothing from the environment (built-in root certificates, no proxy
/// lookup) but `--callback-ca-file`, which the server reads once at start-up to refuse a bad
/// one early; a unit test checks that it builds. Should it ever fail, every attempt says so in
/// its `error` and it is logged once.
#[derive(Debug, Default)]
pub struct CallbackClient {
    settings: ClientSettings,
    client: OnceLock<Result<reqwest::Client, String>>,
}

impl CallbackClient {
    /// A client for `settings`, built on first use.
    pub fn new(settings: ClientSettings) -> Self {
        Self {
            settings,
            client: OnceLock::new(),
        }
    }

    /// The client, built now if this is the first call.
    pub fn get(&self) -> Result<&reqwest::Client, &str> {
        self.client
            .get_or_init(|| {
                build_client(&self.settings).inspect_err(|text| {
                    tracing::error!("cannot build the callback HTTP client: {text}");
                })
            })
            .as_ref()
            .map_err(String::as_str)
    }
}

fn build_client(settings: &ClientSettings) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .redirect(reqwest::redirect::Policy::none())
        // Callbacks go to the merchant directly, as ChinaUMS's would; a proxy from the
        // environment must not swallow loopback deliveries.
        .no_proxy()
        .pool_max_idle_per_host(64);
    if let Some(path) = &settings.ca_file {
        for cert in load_ca_file(path).map_err(|e| e.to_string())? {
            builder = builder.add_root_certificate(cert);
        }
    }
    if !settings.allow_link_local {
        builder = builder.dns_resolver(Arc::new(ReachableOnly));
    }
    builder.build().map_err(|e| {
        format!(
            "cannot build the callback HTTP client: {}",
            super::deliver::describe(&e)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_callback_client_builds() {
        let client = CallbackClient::default();
        assert!(client.get().is_ok());
    }

    #[test]
    fn the_callback_client_is_built_on_first_use_and_then_reused() {
        let client = CallbackClient::default();
        assert!(client.client.get().is_none());
        let first: *const reqwest::Client = client.get().expect("the client builds");
        let again: *const reqwest::Client = client.get().expect("the client builds");
        assert_eq!(first, again);
    }

    #[test]
    fn a_name_is_refused_when_every_address_it_resolves_to_is_link_local() {
        let addr = |s: &str| s.parse::<SocketAddr>().expect("an address");
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

    #[test]
    fn a_ca_file_without_a_certificate_is_refused() {
        let dir = std::env::temp_dir().join(format!("ca-file-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temp dir");
        let path = dir.join("empty.pem");
        std::fs::write(&path, "not a certificate\n").expect("written");
        let err = load_ca_file(&path).err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("holds no PEM certificate")));
        let missing = load_ca_file(&dir.join("missing.pem"))
            .err()
            .map(|e| e.to_string());
        assert!(missing.is_some_and(|e| e.contains("cannot read")));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
