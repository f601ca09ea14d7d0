//! Runtime settings of one sandbox instance.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::api::app::{NotifySettings, PayerSettings};

/// Where the start-up fixtures (apps, and later scenarios and stubs) come from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum FixtureSource {
    /// The repository's `fixtures/` directory, compiled into the binary.
    #[default]
    Embedded,
    /// A directory on disk with the same layout (`apps.json`, …).
    Dir(PathBuf),
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// How the state file keeps the state (see [`Config::state_format`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum StateFormat {
    /// A database. A path ending in `.sqlite`, `.sqlite3` or `.db` is the database; for any
    /// other path (`state.json`) the database is beside it with the extension `.sqlite`, and
    /// a JSON state file at the path is imported into it once, when it is new.
    #[default]
    Auto,
    /// A database at the path as given, whatever its name.
    Sqlite,
    /// A JSON state file, saved periodically and at shutdown: a kill loses what changed since
    /// the last save.
    Json,
}

/// Whether `path` names a database rather than a JSON state file: by its extension
/// (`.sqlite`, `.sqlite3`, `.db`).
pub(crate) fn is_database_path(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["sqlite", "sqlite3", "db"].contains(&e.to_ascii_lowercase().as_str()))
}

/// Where the state is kept, as [`Config::state_storage`] resolves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateStorage {
    /// A SQLite database, and the JSON state file to start it from when it is new.
    Database {
        /// The database file.
        path: PathBuf,
        /// The JSON state file imported when the database is new, if any.
        import: Option<PathBuf>,
    },
    /// A JSON state file saved periodically.
    Json {
        /// The file.
        path: PathBuf,
    },
}

/// How the host names of callback URLs are resolved, for an embedder that wants them to resolve
/// elsewhere than the system says (a merchant's name pointing at a local server in a test, say).
///
/// Whatever it answers is checked like any other answer: a delivery never connects to a
/// link-local or cloud-metadata address (unless `callback_allow_link_local`), nor, for a
/// `/__mock` path other than the built-in sink, to the sandbox's own control API. Ports in its
/// answers are ignored: a delivery connects to the port of its URL.
///
/// ```
/// use std::net::SocketAddr;
/// use chinaums_mock::{CallbackResolver, Config};
/// use reqwest::dns::{Addrs, Name, Resolve, Resolving};
///
/// /// Every name is this machine.
/// struct Loopback;
///
/// impl Resolve for Loopback {
///     fn resolve(&self, _name: Name) -> Resolving {
///         let here = SocketAddr::from(([127, 0, 0, 1], 0));
///         Box::pin(async move { Ok(Box::new(std::iter::once(here)) as Addrs) })
///     }
/// }
///
/// let config = Config {
///     callback_resolver: Some(CallbackResolver::new(Loopback)),
///     ..Config::default()
/// };
/// # let _ = config;
/// ```
#[derive(Clone)]
pub struct CallbackResolver(Arc<dyn reqwest::dns::Resolve>);

impl CallbackResolver {
    /// Resolves callback host names with `resolver`.
    pub fn new(resolver: impl reqwest::dns::Resolve + 'static) -> Self {
        Self(Arc::new(resolver))
    }

    /// The resolver.
    pub(crate) fn get(&self) -> &Arc<dyn reqwest::dns::Resolve> {
        &self.0
    }
}

impl std::fmt::Debug for CallbackResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CallbackResolver(..)")
    }
}

/// Everything one [`crate::Application`] needs to start.
///
/// ```
/// use chinaums_mock::Config;
/// let config = Config { port: 0, seed: Some(7), ..Config::default() };
/// assert_eq!(config.host, "127.0.0.1");
/// assert_eq!(config.token_ttl_secs, 3600);
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    /// Interface to bind.
    pub host: String,
    /// Port to bind; 0 picks a free one.
    pub port: u16,
    /// Start-up fixtures.
    pub fixtures: FixtureSource,
    /// Seed for every generated value; `None` seeds from the operating system.
    pub seed: Option<u64>,
    /// Allowed distance between a request's timestamp and sandbox time; 0 disables the check.
    pub timestamp_window_secs: u64,
    /// Lifetime of an access token, in sandbox seconds.
    pub token_ttl_secs: u64,
    /// Live tokens one app may hold; issuing one more invalidates the oldest.
    pub max_tokens_per_app: usize,
    /// Largest request body accepted on any route, in bytes.
    pub max_body_bytes: usize,
    /// HTTP worker threads; `None` uses one per core.
    pub workers: Option<usize>,
    /// Sandbox time at start; `None` starts at wall time.
    pub clock_start: Option<DateTime<Utc>>,
    /// Start with the clock frozen.
    pub clock_frozen: bool,
    /// Notification settings for apps that do not set their own.
    pub notify_defaults: NotifySettings,
    /// Payer settings for apps that do not set their own.
    pub payer_defaults: PayerSettings,
    /// Callback URL for fixture apps that have none.
    pub callback_url: Option<String>,
    /// Delivery attempts in flight at once, at most.
    pub max_in_flight: usize,
    /// Delivery attempts of one app in flight at once, at most; when `max_in_flight` is
    /// contended, apps take turns.
    pub max_in_flight_per_app: usize,
    /// Settled notifications kept; older ones are dropped first.
    pub notification_retention: usize,
    /// Pay Score authorisation records kept across the sandbox; beyond it the least recently
    /// changed closed one goes first, then the least recently changed open one. 0 keeps no
    /// closed authorisation (a close drops the record) and never drops an open one.
    pub authorization_retention: usize,
    /// Netpay orders kept across the sandbox, and as many QR bills; beyond it the least
    /// recently changed settled one (paid, closed, refunded) goes first, then the least
    /// recently changed unpaid one. 0 keeps unpaid ones only (a record goes when it settles).
    pub order_retention: usize,
    /// Gateway requests kept in the journal.
    pub journal_retention: usize,
    /// When set, every `/__mock` route but health (and the dashboard's static files, the built-in
    /// sink's `POST` and the cashier pages) requires
    /// `Authorization: Bearer <token>`.
    pub admin_token: Option<String>,
    /// When set, the control API is served on this port only, apart from the gateway.
    pub admin_port: Option<u16>,
    /// When not empty, callbacks go only to these `host` or `host:port` entries.
    pub callback_allow: Vec<String>,
    /// Callbacks may go to link-local (169.254.0.0/16, fe80::/10) and cloud-metadata
    /// addresses.
    pub callback_allow_link_local: bool,
    /// PEM certificates deliveries trust besides the built-in roots (a merchant's own CA).
    pub callback_ca_file: Option<PathBuf>,
    /// How host names of callback URLs are resolved; `None`: as the system does.
    pub callback_resolver: Option<CallbackResolver>,
    /// Unsettled notifications one app may have; a new one beyond it gives up the app's oldest
    /// pending one (`exhausted`, `giveUpReason: "pending_cap"`).
    pub max_pending_per_app: usize,
    /// When set, the state is restored from this file at start (when it exists) and kept in
    /// it: a database that every acknowledged change reaches before its answer (see
    /// [`StateFormat`] for where it is and [`Config::state_storage`]).
    pub state_file: Option<PathBuf>,
    /// How `state_file` keeps the state.
    pub state_format: StateFormat,
    /// A JSON state file the database starts from when it holds no state yet (read only).
    pub state_import: Option<PathBuf>,
    /// Seconds between periodic saves of the state file; 0 saves only at shutdown.
    pub state_save_interval_secs: u64,
    /// Milliseconds a request body may take to arrive once the head is in; 0: no limit.
    pub body_timeout_ms: u64,
    /// `Host` names (`name` or `name:port`) the control API answers besides loopback names and
    /// IP addresses; `*` answers any (see `http/control/guard/rules.rs`).
    pub allow_hosts: Vec<String>,
    /// Origins (`http://host:port`) whose pages may change state through the control API,
    /// besides the sandbox's own; `*` allows any.
    pub allow_origins: Vec<String>,
}

impl Config {
    /// Where the state is kept: `None` without a `state_file`.
    ///
    /// ```
    /// use chinaums_mock::{Config, StateStorage};
    ///
    /// let config = Config {
    ///     state_file: Some("data/state.json".into()),
    ///     ..Config::default()
    /// };
    /// assert_eq!(
    ///     config.state_storage(),
    ///     Some(StateStorage::Database {
    ///         path: "data/state.sqlite".into(),
    ///         import: Some("data/state.json".into()),
    ///     })
    /// );
    /// ```
    pub fn state_storage(&self) -> Option<StateStorage> {
        let path = self.state_file.clone()?;
        let database = |path: PathBuf, import: Option<PathBuf>| StateStorage::Database {
            path,
            import: self.state_import.clone().or(import),
        };
        Some(match self.state_format {
            StateFormat::Json => StateStorage::Json { path },
            StateFormat::Sqlite => database(path, None),
            StateFormat::Auto if is_database_path(&path) => database(path, None),
            StateFormat::Auto => database(path.with_extension("sqlite"), Some(path)),
        })
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            port: 8080,
            fixtures: FixtureSource::Embedded,
            seed: None,
            timestamp_window_secs: 600,
            token_ttl_secs: 3600,
            max_tokens_per_app: 10,
            max_body_bytes: 1024 * 1024,
            workers: None,
            clock_start: None,
            clock_frozen: false,
            notify_defaults: NotifySettings::default(),
            payer_defaults: PayerSettings::default(),
            callback_url: None,
            max_in_flight: 64,
            max_in_flight_per_app: 8,
            notification_retention: 10_000,
            authorization_retention: 10_000,
            order_retention: 10_000,
            journal_retention: 1000,
            admin_token: None,
            admin_port: None,
            callback_allow: Vec::new(),
            callback_allow_link_local: false,
            callback_ca_file: None,
            callback_resolver: None,
            max_pending_per_app: 10_000,
            state_file: None,
            state_format: StateFormat::Auto,
            state_import: None,
            state_save_interval_secs: 5,
            body_timeout_ms: 10_000,
            allow_hosts: Vec::new(),
            allow_origins: Vec::new(),
        }
    }
}
