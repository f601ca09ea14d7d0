//! `serve`: the server's options (each also read from `CHINAUMS_MOCK_<FLAG>`) and its run loop.

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::Args;
use serde_json::json;

use crate::api::app::PayerSettings;
use crate::config::{Config, FixtureSource, LogFormat, StateFormat};
use crate::domain::apps::{AckMode, NotifyFormat, NotifySettings, NotifySigning};
use crate::server::Application;

/// Options of the server.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Interface to bind (0.0.0.0 inside containers).
    #[arg(long, env = "CHINAUMS_MOCK_HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// Port to bind; 0 picks a free one (read it from the `listening` line).
    #[arg(long, env = "CHINAUMS_MOCK_PORT", default_value_t = 8080)]
    pub port: u16,
    /// Directory of fixtures (apps.json …); default: the fixtures built into the binary.
    #[arg(long, env = "CHINAUMS_MOCK_FIXTURES", value_name = "DIR")]
    pub fixtures: Option<PathBuf>,
    /// Seed for every generated value (ids, keys, tokens), for reproducible runs.
    #[arg(long, env = "CHINAUMS_MOCK_SEED", value_name = "N")]
    pub seed: Option<u64>,
    /// Log line format on stderr.
    #[arg(
        long,
        env = "CHINAUMS_MOCK_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    pub log_format: LogFormat,
    /// Log filter, e.g. `info`, `debug`, `chinaums_mock=debug` (RUST_LOG wins when set).
    #[arg(long, env = "CHINAUMS_MOCK_LOG_LEVEL", default_value = "info")]
    pub log_level: String,
    /// Allowed distance in seconds between a request's timestamp and sandbox time; 0 disables.
    #[arg(
        long,
        env = "CHINAUMS_MOCK_TIMESTAMP_WINDOW_SECS",
        default_value_t = 600
    )]
    pub timestamp_window_secs: u64,
    /// Access token lifetime in sandbox seconds.
    #[arg(long, env = "CHINAUMS_MOCK_TOKEN_TTL_SECS", default_value_t = 3600)]
    pub token_ttl_secs: u64,
    /// Live tokens per app; one more invalidates the oldest.
    #[arg(long, env = "CHINAUMS_MOCK_MAX_TOKENS_PER_APP", default_value_t = 10)]
    pub max_tokens_per_app: usize,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "CHINAUMS_MOCK_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "CHINAUMS_MOCK_WORKERS")]
    pub workers: Option<usize>,
    /// Sandbox time at start, RFC 3339 (e.g. 2026-11-25T12:00:00+08:00).
    #[arg(long, env = "CHINAUMS_MOCK_CLOCK_START", value_parser = parse_time)]
    pub clock_start: Option<DateTime<Utc>>,
    /// Start with the sandbox clock frozen.
    #[arg(long, env = "CHINAUMS_MOCK_CLOCK_FROZEN")]
    pub clock_frozen: bool,
    /// Callback URL for every fixture app that has none.
    #[arg(long, env = "CHINAUMS_MOCK_CALLBACK_URL", value_name = "URL")]
    pub callback_url: Option<String>,
    /// Default notification body format: form or json.
    #[arg(long, env = "CHINAUMS_MOCK_NOTIFY_FORMAT", default_value = "form", value_parser = parse_setting::<NotifyFormat>)]
    pub notify_format: NotifyFormat,
    /// Default notification signature: SHA256, MD5, MD5_LEGACY (MD5 without signType) or NONE.
    #[arg(long, env = "CHINAUMS_MOCK_NOTIFY_SIGN_TYPE", default_value = "SHA256", value_parser = parse_setting::<NotifySigning>)]
    pub notify_sign_type: NotifySigning,
    /// Default acknowledgement rule: chinaums (2xx + body SUCCESS) or http2xx.
    #[arg(long, env = "CHINAUMS_MOCK_NOTIFY_ACK", default_value = "chinaums", value_parser = parse_setting::<AckMode>)]
    pub notify_ack: AckMode,
    /// Default retry ladder: seconds between attempts, comma-separated; the last repeats.
    #[arg(
        long,
        env = "CHINAUMS_MOCK_RETRY_SCHEDULE",
        value_delimiter = ',',
        default_value = "15,15,30,180,1800,1800,1800,1800,3600"
    )]
    pub retry_schedule: Vec<u64>,
    /// Default give-up time, seconds after the first attempt.
    #[arg(
        long,
        env = "CHINAUMS_MOCK_GIVE_UP_AFTER_SECS",
        default_value_t = 86_400
    )]
    pub give_up_after_secs: u64,
    /// Default per-attempt timeout in milliseconds.
    #[arg(long, env = "CHINAUMS_MOCK_NOTIFY_TIMEOUT_MS", default_value_t = 5000)]
    pub notify_timeout_ms: u64,
    /// Default of every app's `notify.refundNotify`: each netpay refund sends a refund
    /// notification.
    #[arg(long, env = "CHINAUMS_MOCK_REFUND_NOTIFY")]
    pub refund_notify: bool,
    /// Default of every app's `payer.autoPaySeconds`: pay each new netpay order and QR bill
    /// by itself this many seconds of sandbox time after it is created.
    #[arg(long, env = "CHINAUMS_MOCK_AUTO_PAY_SECS", value_parser = clap::value_parser!(u64).range(0..=315_360_000))]
    pub auto_pay_secs: Option<u64>,
    /// Default of every app's `payer.orderExpirySeconds`: an unpaid order whose create names
    /// no `expireTime` closes this many seconds after it was created.
    #[arg(long, env = "CHINAUMS_MOCK_ORDER_EXPIRY_SECS", default_value_t = 7200, value_parser = clap::value_parser!(u64).range(1..=315_360_000))]
    pub order_expiry_secs: u64,
    /// Delivery attempts in flight at once, at most.
    #[arg(long, env = "CHINAUMS_MOCK_MAX_IN_FLIGHT", default_value_t = 64)]
    pub max_in_flight: usize,
    /// Delivery attempts of one app in flight at once, at most; apps take turns for the rest.
    #[arg(long, env = "CHINAUMS_MOCK_MAX_IN_FLIGHT_PER_APP", default_value_t = 8)]
    pub max_in_flight_per_app: usize,
    /// Settled notifications kept in memory; the oldest settled go first.
    #[arg(
        long,
        env = "CHINAUMS_MOCK_NOTIFICATION_RETENTION",
        default_value_t = 10_000
    )]
    pub notification_retention: usize,
    /// Pay Score authorisations kept; the least recently changed closed go first, then open
    /// ones. 0 keeps open ones only (a close drops the record).
    #[arg(
        long,
        env = "CHINAUMS_MOCK_AUTHORIZATION_RETENTION",
        default_value_t = 10_000
    )]
    pub authorization_retention: usize,
    /// Netpay orders kept, and as many QR bills; the least recently changed settled ones
    /// (paid, closed, refunded) go first, then unpaid ones. 0 keeps unpaid ones only.
    #[arg(long, env = "CHINAUMS_MOCK_ORDER_RETENTION", default_value_t = 10_000)]
    pub order_retention: usize,
    /// Gateway requests kept in the request journal; the oldest go first.
    #[arg(long, env = "CHINAUMS_MOCK_JOURNAL_RETENTION", default_value_t = 1000)]
    pub journal_retention: usize,
    /// Require `Authorization: Bearer TOKEN` on every /__mock route but health.
    #[arg(
        long,
        env = "CHINAUMS_MOCK_ADMIN_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub admin_token: Option<String>,
    /// Serve the control API (/__mock) on this port only, apart from the gateway.
    #[arg(long, env = "CHINAUMS_MOCK_ADMIN_PORT", value_name = "PORT")]
    pub admin_port: Option<u16>,
    /// Deliver callbacks only to these hosts (`host` or `host:port`, comma-separated).
    #[arg(
        long,
        env = "CHINAUMS_MOCK_CALLBACK_ALLOW",
        value_name = "HOST[:PORT]",
        value_delimiter = ','
    )]
    pub callback_allow: Vec<String>,
    /// Let callbacks go to link-local (169.254.0.0/16, fe80::/10) and cloud-metadata addresses.
    #[arg(long, env = "CHINAUMS_MOCK_CALLBACK_ALLOW_LINK_LOCAL")]
    pub callback_allow_link_local: bool,
    /// Trust these PEM certificates (one or more) for HTTPS callbacks, besides the built-in
    /// roots: a merchant's own CA.
    #[arg(long, env = "CHINAUMS_MOCK_CALLBACK_CA_FILE", value_name = "PATH")]
    pub callback_ca_file: Option<PathBuf>,
    /// Unsettled notifications one app may have; a new one beyond it gives up the app's oldest
    /// pending one (`exhausted`, `giveUpReason: pending_cap`).
    #[arg(
        long,
        env = "CHINAUMS_MOCK_MAX_PENDING_PER_APP",
        default_value_t = 10_000,
        value_parser = clap::value_parser!(u64).range(1..=100_000_000)
    )]
    pub max_pending_per_app: u64,
    /// Restore the state from this file at start and keep it there: a SQLite database every
    /// acknowledged change reaches before its answer. A path not ending in .sqlite, .sqlite3
    /// or .db (state.json) puts the database beside it (state.sqlite) and imports a JSON state
    /// file found at the path, once.
    #[arg(long, env = "CHINAUMS_MOCK_STATE_FILE", value_name = "PATH")]
    pub state_file: Option<PathBuf>,
    /// How --state-file keeps the state: auto (a database, as above), sqlite (a database at the
    /// path as given) or json (a JSON file saved every --state-save-interval-secs and at
    /// shutdown; a kill loses what changed since the last save).
    #[arg(
        long,
        env = "CHINAUMS_MOCK_STATE_FORMAT",
        value_enum,
        default_value_t = StateFormat::Auto
    )]
    pub state_format: StateFormat,
    /// When the database holds no state yet: start from this JSON state file (which is only
    /// read).
    #[arg(long, env = "CHINAUMS_MOCK_STATE_IMPORT", value_name = "PATH")]
    pub state_import: Option<PathBuf>,
    /// With --state-format json: seconds between saves of the state file; 0 saves only at
    /// shutdown.
    #[arg(
        long,
        env = "CHINAUMS_MOCK_STATE_SAVE_INTERVAL_SECS",
        value_name = "N",
        default_value_t = 5
    )]
    pub state_save_interval_secs: u64,
    /// Milliseconds a request body may take to arrive after its headers; later: 408 and the
    /// connection closed. 0: no limit.
    #[arg(long, env = "CHINAUMS_MOCK_BODY_TIMEOUT_MS", default_value_t = 10_000)]
    pub body_timeout_ms: u64,
    /// Host names the control API (/__mock) answers besides localhost and IP addresses, e.g. a
    /// container's service name (`name` or `name:port`, comma-separated; `*`: any).
    #[arg(
        long,
        env = "CHINAUMS_MOCK_ALLOW_HOST",
        value_name = "NAME",
        value_delimiter = ','
    )]
    pub allow_host: Vec<String>,
    /// Origins whose web pages may change state through the control API, besides the sandbox's
    /// own pages (`http://host:port`, comma-separated; `*`: any).
    #[arg(
        long,
        env = "CHINAUMS_MOCK_ALLOW_ORIGIN",
        value_name = "ORIGIN",
        value_delimiter = ','
    )]
    pub allow_origin: Vec<String>,
}

/// Parses a setting by its JSON name (`form`, `SHA256`, `http2xx`, …).
fn parse_setting<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|e| e.to_string())
}

/// The entries of a list flag, trimmed, without empty ones (an empty variable sets none).
fn non_empty(entries: &[String]) -> Vec<String> {
    entries
        .iter()
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty())
        .collect()
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("expected RFC 3339 such as 2026-11-25T12:00:00+08:00: {e}"))
}

impl ServeArgs {
    /// The server configuration these options describe.
    pub fn to_config(&self) -> Config {
        Config {
            host: self.host.clone(),
            port: self.port,
            fixtures: self
                .fixtures
                .clone()
                .map_or(FixtureSource::Embedded, FixtureSource::Dir),
            seed: self.seed,
            timestamp_window_secs: self.timestamp_window_secs,
            token_ttl_secs: self.token_ttl_secs,
            max_tokens_per_app: self.max_tokens_per_app,
            max_body_bytes: self.max_body_bytes,
            workers: self.workers,
            clock_start: self.clock_start,
            clock_frozen: self.clock_frozen,
            notify_defaults: NotifySettings {
                format: self.notify_format,
                sign_type: self.notify_sign_type,
                ack: self.notify_ack,
                retry_schedule: self.retry_schedule.clone(),
                give_up_after_seconds: self.give_up_after_secs,
                timeout_ms: self.notify_timeout_ms,
                refund_notify: self.refund_notify,
            },
            payer_defaults: PayerSettings {
                auto_pay_seconds: self.auto_pay_secs,
                order_expiry_seconds: self.order_expiry_secs,
                ..PayerSettings::default()
            },
            callback_url: self.callback_url.clone(),
            max_in_flight: self.max_in_flight,
            max_in_flight_per_app: self.max_in_flight_per_app,
            notification_retention: self.notification_retention,
            authorization_retention: self.authorization_retention,
            order_retention: self.order_retention,
            journal_retention: self.journal_retention,
            admin_token: self.admin_token.clone().filter(|t| !t.is_empty()),
            admin_port: self.admin_port,
            callback_allow: self.callback_allow.clone(),
            callback_allow_link_local: self.callback_allow_link_local,
            callback_ca_file: self
                .callback_ca_file
                .clone()
                .filter(|p| !p.as_os_str().is_empty()),
            callback_resolver: None,
            max_pending_per_app: usize::try_from(self.max_pending_per_app).unwrap_or(usize::MAX),
            state_file: self
                .state_file
                .clone()
                .filter(|p| !p.as_os_str().is_empty()),
            state_format: self.state_format,
            state_import: self
                .state_import
                .clone()
                .filter(|p| !p.as_os_str().is_empty()),
            state_save_interval_secs: self.state_save_interval_secs,
            body_timeout_ms: self.body_timeout_ms,
            allow_hosts: non_empty(&self.allow_host),
            allow_origins: non_empty(&self.allow_origin),
        }
    }
}

/// Serves until SIGINT or SIGTERM, then stops gracefully: no new connections, requests and
/// delivery attempts in flight finish (bounded), the state file (if any) is saved, exit 0.
pub async fn serve(config: Config) -> i32 {
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("chinaums-mock: {e}");
            return 2;
        }
    };
    let stop_signal = shutdown_signal();
    // The first stdout line, so a CI script can read the port. A closed stdout is no reason to
    // stop serving, so write errors are ignored.
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "{}", listening_event(&app));
    let _ = stdout.flush();
    let handle = app.handle();
    let server = tokio::spawn(app.run_until_stopped());
    tokio::spawn(async move {
        stop_signal.await;
        tracing::info!("shutting down");
        handle.stop(true).await;
    });
    match server.await {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            eprintln!("chinaums-mock: {e}");
            1
        }
        Err(e) => {
            eprintln!("chinaums-mock: server task failed: {e}");
            1
        }
    }
}

/// The `listening` event. `url` and `control` can be dialled (a wildcard bind, as in a
/// container, names loopback); `bound` is the address itself, and `controlBound` the control
/// API's when it has a port of its own.
fn listening_event(app: &Application) -> serde_json::Value {
    let mut event = json!({
        "event": "listening",
        "url": app.url(),
        "control": format!("{}/__mock", app.control_url()),
        "bound": app.address().to_string(),
        "version": env!("CARGO_PKG_VERSION"),
        "apps": app.state().apps.len(),
    });
    if app.control_address() != app.address() {
        event["controlBound"] = json!(app.control_address().to_string());
    }
    event
}

/// Resolves at the first SIGINT or SIGTERM. The handlers are installed when this is called, not
/// when it is first polled: called before the `listening` line is printed, a script that stops
/// the sandbox as soon as it reads the line gets a graceful stop, not the default death.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{Signal, SignalKind, signal};
        let term = signal(SignalKind::terminate()).ok();
        let int = signal(SignalKind::interrupt()).ok();
        // A handler that could not be installed waits forever, leaving the other one.
        async fn received(signal: Option<Signal>) {
            match signal {
                Some(mut signal) => {
                    signal.recv().await;
                }
                None => std::future::pending().await,
            }
        }
        async move {
            tokio::select! {
                _ = received(term) => {}
                _ = received(int) => {}
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
