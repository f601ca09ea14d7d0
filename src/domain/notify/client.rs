//! The HTTP clients deliveries go out with: their trusted certificates (the built-in roots and
//! `--callback-ca-file`) and a resolver that checks every answer a connection is made with
//! (`resolve.rs`).
//!
//! Two clients, each with its own connections: one for requests that ask for the sandbox's
//! control API paths on its port, whose resolver never lets a connection reach the sandbox, and
//! one for everything else (the built-in sink, merchants, the sandbox's gateway). A connection
//! the second one keeps open to the sandbox is thus never reused for a control path.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::engine::USER_AGENT;
use super::guard::ControlListener;
use super::resolve::{Lookup, Screened};
use crate::config::CallbackResolver;

/// How deliveries connect.
#[derive(Debug, Clone, Default)]
pub struct ClientSettings {
    /// `--callback-ca-file`: PEM certificates trusted besides the built-in roots.
    pub ca_file: Option<PathBuf>,
    /// `--callback-allow-link-local`: names may resolve to link-local and metadata addresses.
    pub allow_link_local: bool,
    /// The address the control API listens on, once bound.
    pub control: Option<SocketAddr>,
    /// How names are resolved; `None`: as the system does.
    pub resolver: Option<CallbackResolver>,
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

/// The HTTP client deliveries go out with (its `User-Agent`, no proxy, no redirects), built on
/// first use: the TLS stack and its root certificates stay out of an idle sandbox's memory.
///
/// Building it reads nothing from the environment (built-in root certificates, no proxy
/// lookup) but `--callback-ca-file`, which the server reads once at start-up to refuse a bad
/// one early; a unit test checks that it builds. Should it ever fail, every attempt says so in
/// its `error` and it is logged once.
///
/// The client for control paths (see the module's documentation) is built only if such a URL
/// is ever asked for.
#[derive(Debug, Default)]
pub struct CallbackClient {
    settings: ClientSettings,
    client: OnceLock<Result<reqwest::Client, String>>,
    control_client: OnceLock<Result<reqwest::Client, String>>,
}

impl CallbackClient {
    /// A client for `settings`, built on first use.
    pub fn new(settings: ClientSettings) -> Self {
        Self {
            settings,
            client: OnceLock::new(),
            control_client: OnceLock::new(),
        }
    }

    /// The client for everything but the control API's paths, built now if this is the first
    /// call.
    pub fn get(&self) -> Result<&reqwest::Client, &str> {
        built(&self.client, &self.settings, None)
    }

    /// The client a delivery to `url` goes out with, built now if this is its first use.
    pub fn for_url(&self, url: &str) -> Result<&reqwest::Client, &str> {
        match self.settings.control.map(ControlListener::new) {
            Some(control) if control.asks_control_str(url) => {
                built(&self.control_client, &self.settings, Some(control))
            }
            _ => self.get(),
        }
    }
}

fn built<'a>(
    cell: &'a OnceLock<Result<reqwest::Client, String>>,
    settings: &ClientSettings,
    control: Option<ControlListener>,
) -> Result<&'a reqwest::Client, &'a str> {
    cell.get_or_init(|| {
        build_client(settings, control).inspect_err(|text| {
            tracing::error!("cannot build the callback HTTP client: {text}");
        })
    })
    .as_ref()
    .map_err(String::as_str)
}

/// A client for `settings`; with `control`, its connections never reach that listener.
fn build_client(
    settings: &ClientSettings,
    control: Option<ControlListener>,
) -> Result<reqwest::Client, String> {
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
    let lookup = Lookup::new(settings.resolver.clone());
    builder = builder.dns_resolver(Arc::new(Screened::new(
        lookup,
        settings.allow_link_local,
        control,
    )));
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
