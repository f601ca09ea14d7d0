//! Choosing fixtures, seed, clock and notification settings before a [`MockServer`] starts.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};

use super::error::MockServerError;
use super::server::MockServer;
use crate::api::app::NotifySettings;
use crate::config::{Config, FixtureSource};
use crate::domain::fixtures::load_apps;
use crate::server::Application;

/// An instant for the default clock: a chrono time, or RFC 3339 text checked when the server
/// starts.
///
/// ```
/// use chinaums_mock::StartTime;
/// use chrono::{TimeZone, Utc};
/// let from_text: StartTime = "2026-11-25T12:00:00+08:00".into();
/// let from_chrono: StartTime = Utc.with_ymd_and_hms(2026, 11, 25, 4, 0, 0).unwrap().into();
/// assert_eq!(from_text.resolve().ok(), from_chrono.resolve().ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartTime {
    /// This instant.
    At(DateTime<Utc>),
    /// RFC 3339 text, e.g. `2026-11-25T12:00:00+08:00`.
    Text(String),
}

impl StartTime {
    /// The instant, or why the text is not RFC 3339.
    ///
    /// ```
    /// use chinaums_mock::StartTime;
    /// assert!(StartTime::from("tomorrow").resolve().is_err());
    /// ```
    pub fn resolve(&self) -> Result<DateTime<Utc>, MockServerError> {
        match self {
            StartTime::At(t) => Ok(*t),
            StartTime::Text(text) => DateTime::parse_from_rfc3339(text)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|source| MockServerError::InvalidTime {
                    value: text.clone(),
                    source,
                }),
        }
    }
}

impl From<DateTime<Utc>> for StartTime {
    fn from(t: DateTime<Utc>) -> Self {
        StartTime::At(t)
    }
}

impl From<DateTime<FixedOffset>> for StartTime {
    fn from(t: DateTime<FixedOffset>) -> Self {
        StartTime::At(t.with_timezone(&Utc))
    }
}

impl From<&str> for StartTime {
    fn from(text: &str) -> Self {
        StartTime::Text(text.to_owned())
    }
}

impl From<String> for StartTime {
    fn from(text: String) -> Self {
        StartTime::Text(text)
    }
}

/// Builds a [`MockServer`]. Settings apply in call order; [`config`](Self::config) reaches
/// every field of [`Config`].
///
/// Defaults: `127.0.0.1` on a free port, the embedded fixtures, seed
/// [`MockServer::DEFAULT_SEED`], a default clock on system time, one HTTP worker thread, and the
/// [`NotifySettings`] defaults (form bodies, SHA256, the ChinaUMS ladder).
///
/// ```
/// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use chinaums_mock::MockServer;
/// let server = MockServer::builder()
///     .seed(1)
///     .frozen_at("2026-11-25T12:00:00+08:00")
///     .retry_schedule([10, 20])
///     .give_up_after(std::time::Duration::from_secs(3600))
///     .callback_url("http://127.0.0.1:9000/chinaums/notify")
///     .start()
///     .await?;
/// let app = server.default_app();
/// assert_eq!(app.notify.retry_schedule, [10, 20]);
/// assert_eq!(app.callback_url.as_deref(), Some("http://127.0.0.1:9000/chinaums/notify"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct MockServerBuilder {
    config: Config,
    start_time: Option<StartTime>,
}

impl Default for MockServerBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl MockServerBuilder {
    /// The defaults; the same as [`MockServer::builder`].
    ///
    /// ```
    /// use chinaums_mock::MockServerBuilder;
    /// let builder = MockServerBuilder::new();
    /// assert_eq!(builder.config_ref().seed, Some(42));
    /// assert_eq!(builder.config_ref().port, 0);
    /// ```
    pub fn new() -> Self {
        Self {
            config: Config {
                port: 0,
                seed: Some(MockServer::DEFAULT_SEED),
                workers: Some(1),
                ..Config::default()
            },
            start_time: None,
        }
    }

    /// The configuration so far (the start time is applied by [`start`](Self::start)).
    ///
    /// ```
    /// let builder = chinaums_mock::MockServer::builder().seed(9);
    /// assert_eq!(builder.config_ref().seed, Some(9));
    /// ```
    pub fn config_ref(&self) -> &Config {
        &self.config
    }

    /// Fixtures from a directory (`apps.json`, `stubs.json`) instead of the embedded ones.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = std::env::temp_dir().join(format!("chinaums-fixtures-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// std::fs::write(dir.join("apps.json"), r#"{"apps": [{"name": "Only shop"}]}"#)?;
    /// let server = chinaums_mock::MockServer::builder().fixtures(&dir).start().await?;
    /// assert_eq!(server.default_app().name, "Only shop");
    /// assert!(server.client().stubs().await?.is_empty());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(()) }
    /// ```
    pub fn fixtures(mut self, dir: impl Into<PathBuf>) -> Self {
        self.config.fixtures = FixtureSource::Dir(dir.into());
        self
    }

    /// Seeds every generated value (appIds, keys, openIds, tokens, notification ids).
    ///
    /// ```
    /// let builder = chinaums_mock::MockServer::builder().seed(2026);
    /// assert_eq!(builder.config_ref().seed, Some(2026));
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = Some(seed);
        self
    }

    /// Seeds from the operating system: different values on every run.
    ///
    /// ```
    /// let builder = chinaums_mock::MockServer::builder().random_seed();
    /// assert_eq!(builder.config_ref().seed, None);
    /// ```
    pub fn random_seed(mut self) -> Self {
        self.config.seed = None;
        self
    }

    /// Starts the default clock standing still at `at` (a `DateTime` or RFC 3339 text); it
    /// moves only when the test advances or sets it. The fixture apps and every app created
    /// without a `clock` are on it; clocks created later start where their creator says (see
    /// [`MockServer`]'s "Tests sharing one server").
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = chinaums_mock::MockServer::builder()
    ///     .frozen_at("2026-11-25T12:00:00+08:00")
    ///     .start()
    ///     .await?;
    /// # use chinaums_mock::protocol::timefmt::rfc3339_beijing;
    /// let clock = server.client().clock().await?;
    /// assert_eq!(rfc3339_beijing(clock.now), "2026-11-25T12:00:00+08:00");
    /// # Ok(()) }
    /// ```
    pub fn frozen_at(mut self, at: impl Into<StartTime>) -> Self {
        self.start_time = Some(at.into());
        self.config.clock_frozen = true;
        self
    }

    /// Starts the default clock at `at` and lets it run with wall time from there.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = chinaums_mock::MockServer::builder()
    ///     .starting_at("2030-01-01T00:00:00+08:00")
    ///     .start()
    ///     .await?;
    /// # use chinaums_mock::protocol::timefmt::rfc3339_beijing;
    /// let clock = server.client().clock().await?;
    /// assert!(!clock.frozen);
    /// assert!(rfc3339_beijing(clock.now).starts_with("2030-01-01T00:00"));
    /// # Ok(()) }
    /// ```
    pub fn starting_at(mut self, at: impl Into<StartTime>) -> Self {
        self.start_time = Some(at.into());
        self.config.clock_frozen = false;
        self
    }

    /// Notification settings for every app that does not set its own.
    ///
    /// ```
    /// use chinaums_mock::api::app::{NotifyFormat, NotifySettings};
    /// let builder = chinaums_mock::MockServer::builder().notify_defaults(NotifySettings {
    ///     format: NotifyFormat::Json,
    ///     ..NotifySettings::default()
    /// });
    /// assert_eq!(builder.config_ref().notify_defaults.format, NotifyFormat::Json);
    /// ```
    pub fn notify_defaults(mut self, settings: NotifySettings) -> Self {
        self.config.notify_defaults = settings;
        self
    }

    /// The default waits between delivery attempts, in seconds; the last repeats.
    ///
    /// ```
    /// let builder = chinaums_mock::MockServer::builder().retry_schedule([5, 60]);
    /// assert_eq!(builder.config_ref().notify_defaults.retry_schedule, [5, 60]);
    /// ```
    pub fn retry_schedule(mut self, seconds: impl IntoIterator<Item = u64>) -> Self {
        self.config.notify_defaults.retry_schedule = seconds.into_iter().collect();
        self
    }

    /// The default time after the first attempt at which a notification is given up on
    /// (whole seconds).
    ///
    /// ```
    /// use std::time::Duration;
    /// let builder = chinaums_mock::MockServer::builder().give_up_after(Duration::from_secs(600));
    /// assert_eq!(builder.config_ref().notify_defaults.give_up_after_seconds, 600);
    /// ```
    pub fn give_up_after(mut self, after: Duration) -> Self {
        self.config.notify_defaults.give_up_after_seconds = after.as_secs();
        self
    }

    /// Whether apps that do not say otherwise get a refund notification for each new netpay
    /// refund (`notify.refundNotify`, the command line's `--refund-notify`).
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use chinaums_mock::api::order::{PayRequest, RefundRequest};
    /// let server = chinaums_mock::MockServer::builder().refund_notify(true).start().await?;
    /// let client = server.client();
    /// let order = client.create_order(&server.default_app(), 100).await?;
    /// client.pay_order(&order.mer_order_id, PayRequest::default()).await?;
    /// let refunded = client.refund_order(&order.mer_order_id, RefundRequest::default()).await?;
    /// let notice = refunded.notification.expect("a refund notification");
    /// assert_eq!(notice.event_type, "NETPAY.REFUND");
    /// # Ok(()) }
    /// ```
    pub fn refund_notify(mut self, on: bool) -> Self {
        self.config.notify_defaults.refund_notify = on;
        self
    }

    /// How many netpay orders and QR bills are kept across all apps (`--order-retention`,
    /// default 10 000); beyond it settled ones go first.
    ///
    /// ```
    /// let builder = chinaums_mock::MockServer::builder().order_retention(100);
    /// assert_eq!(builder.config_ref().order_retention, 100);
    /// ```
    pub fn order_retention(mut self, orders: usize) -> Self {
        self.config.order_retention = orders;
        self
    }

    /// The callback URL of every fixture app that has none (at start and after a reset);
    /// apps created later set their own.
    ///
    /// ```
    /// let builder = chinaums_mock::MockServer::builder().callback_url("http://127.0.0.1:9000/notify");
    /// assert!(builder.config_ref().callback_url.is_some());
    /// ```
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.config.callback_url = Some(url.into());
        self
    }

    /// HTTP worker threads (default 1).
    ///
    /// ```
    /// let builder = chinaums_mock::MockServer::builder().workers(4);
    /// assert_eq!(builder.config_ref().workers, Some(4));
    /// ```
    pub fn workers(mut self, workers: usize) -> Self {
        self.config.workers = Some(workers.max(1));
        self
    }

    /// Changes anything else of the [`Config`], e.g. the token lifetime.
    ///
    /// ```
    /// let builder = chinaums_mock::MockServer::builder().config(|c| c.token_ttl_secs = 60);
    /// assert_eq!(builder.config_ref().token_ttl_secs, 60);
    /// ```
    pub fn config(mut self, change: impl FnOnce(&mut Config)) -> Self {
        change(&mut self.config);
        self
    }

    /// Binds, loads the fixtures and starts serving on the current tokio runtime.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = chinaums_mock::MockServer::builder().start().await?;
    /// assert_eq!(server.client().health().await?.status, "ok");
    /// # Ok(()) }
    /// ```
    pub async fn start(self) -> Result<MockServer, MockServerError> {
        let mut config = self.config;
        if let Some(at) = &self.start_time {
            config.clock_start = Some(at.resolve()?);
        }
        let app = Application::build(config).await?;
        let address = app.address();
        let state = app.state();
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        // The build has just read these fixtures successfully.
        let specs = load_apps(&state.config.fixtures).unwrap_or_default();
        Ok(MockServer::new(address, handle, state, &specs))
    }
}
