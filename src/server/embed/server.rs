//! A sandbox running inside the test that uses it.

use std::net::SocketAddr;

use actix_web::web::Data;

use super::builder::MockServerBuilder;
use super::error::MockServerError;
use crate::api::app::{App, AppSpec};
use crate::client::ControlClient;
use crate::sandbox::Sandbox;
use crate::server::AppHandle;

/// A sandbox on `127.0.0.1` and a free port, served by the current tokio runtime, with its own
/// state, clock and seed: several in one process never interfere. Dropping it stops the HTTP
/// server and the notification workers.
///
/// [`MockServer::start`] uses the embedded fixtures (the two public demo apps), the seed
/// [`MockServer::DEFAULT_SEED`] and a default clock that follows the system clock;
/// [`MockServer::builder`] changes any of them.
///
/// ```
/// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use chinaums_mock::MockServer;
///
/// let server = MockServer::start().await?;
/// let app = server.default_app();
/// // point the merchant's ChinaUMS client at `server.uri()` with `app`'s credentials …
/// let token = server.client().token(&app).await?;
/// assert_eq!(token.len(), 32);
/// # Ok(()) }
/// ```
///
/// # Tests sharing one server
///
/// The fixture apps, and every app created without a `clock`, are on the default clock, the
/// one the builder's [`frozen_at`](MockServerBuilder::frozen_at) and
/// [`starting_at`](MockServerBuilder::starting_at) set and [`ControlClient::advance`] moves.
/// Tests that share one server (a `static`, a server per test binary) can each create an app
/// on a clock of its own instead — `"new"`, or a clock made with
/// [`ControlClient::create_clock`] to start frozen at a chosen time — and move that clock
/// alone: the other tests' tokens, notifications and retries do not see the time pass.
///
/// ```
/// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use chinaums_mock::api::{app::AppSpec, clock::NewClock};
/// use chinaums_mock::MockServer;
///
/// let server = MockServer::builder().frozen_at("2026-11-25T12:00:00+08:00").start().await?;
/// let client = server.client();
///
/// // An app with a clock of its own, running from wall time, deleted with the app:
/// let app = client.create_app(AppSpec { clock: Some("new".into()), ..AppSpec::default() }).await?;
/// client.advance_clock(&app.clock, Duration::from_secs(3601)).await?; // its tokens expire
///
/// // A clock standing still at the default clock's time, for the apps of one test:
/// let now = client.clock().await?.now;
/// let clock = client
///     .create_clock(NewClock { now: Some(now), frozen: Some(true), ..NewClock::default() })
///     .await?;
/// let shop = client.create_app(AppSpec { clock: Some(clock.id.clone()), ..AppSpec::default() }).await?;
/// assert_eq!(shop.clock, clock.id);
/// client.advance_clock(&clock.id, Duration::from_secs(60)).await?;
///
/// assert_eq!(client.clock().await?.now, now, "the default clock stood still");
/// # Ok(()) }
/// ```
///
/// # Orders
///
/// The netpay orders a merchant service creates through the gateway are kept; the client plays
/// the payer (and the merchant, for a test that needs an order of its own):
///
/// ```
/// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use chinaums_mock::api::order::{OrderStatus, PayRequest};
/// use chinaums_mock::client::WaitFor;
/// use chinaums_mock::MockServer;
///
/// let server = MockServer::builder().callback_url("http://127.0.0.1:9/notify").start().await?;
/// let client = server.client();
/// let app = server.default_app();
/// // the service under test would create it; here the client does, signed as the merchant
/// let order = client.create_order(&app, 288).await?;
/// let paid = client.pay_order(&order.mer_order_id, PayRequest::default()).await?;
/// assert_eq!(paid.order.status, OrderStatus::TradeSuccess);
/// let notice = paid.notification.expect("the payment-result notification");
/// let waited = client
///     .wait_for_notification(&notice.id, WaitFor::Delivered, Duration::from_millis(1))
///     .await;
/// assert!(waited.is_err(), "nothing listens on port 9");
/// # Ok(()) }
/// ```
pub struct MockServer {
    address: SocketAddr,
    handle: AppHandle,
    state: Data<Sandbox>,
    client: ControlClient,
    fixture_apps: Vec<App>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// The seed a `MockServer` starts with unless [`MockServerBuilder::seed`] says otherwise:
    /// generated apps, openIds, tokens and notification ids come out the same on every run.
    ///
    /// ```
    /// assert_eq!(chinaums_mock::MockServer::DEFAULT_SEED, 42);
    /// ```
    pub const DEFAULT_SEED: u64 = 42;

    /// Starts a sandbox with the defaults: embedded fixtures, seed
    /// [`DEFAULT_SEED`](Self::DEFAULT_SEED), a default clock on system time.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = chinaums_mock::MockServer::start().await?;
    /// assert!(server.uri().starts_with("http://127.0.0.1:"));
    /// # Ok(()) }
    /// ```
    pub async fn start() -> Result<Self, MockServerError> {
        Self::builder().start().await
    }

    /// A builder to choose fixtures, seed, clock and notification settings.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = chinaums_mock::MockServer::builder()
    ///     .seed(7)
    ///     .frozen_at("2026-11-25T12:00:00+08:00")
    ///     .start()
    ///     .await?;
    /// assert!(server.client().clock().await?.frozen);
    /// # Ok(()) }
    /// ```
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::new()
    }

    pub(super) fn new(
        address: SocketAddr,
        handle: AppHandle,
        state: Data<Sandbox>,
        fixture_specs: &[AppSpec],
    ) -> Self {
        let fixture_apps = fixture_order(fixture_specs, &state);
        Self {
            address,
            handle,
            client: ControlClient::new(format!("http://{address}")),
            state,
            fixture_apps,
        }
    }

    /// The base URL, `http://127.0.0.1:PORT`, without a trailing `/`: the gateway's base URL
    /// for the merchant's client.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// let port = server.address().port();
    /// assert_eq!(server.uri(), format!("http://127.0.0.1:{port}"));
    /// # Ok(()) }
    /// ```
    pub fn uri(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The bound address.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// assert!(server.address().ip().is_loopback());
    /// assert_ne!(server.address().port(), 0);
    /// # Ok(()) }
    /// ```
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The typed control client of this sandbox.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// assert_eq!(server.client().base_url(), server.uri());
    /// # Ok(()) }
    /// ```
    pub fn client(&self) -> &ControlClient {
        &self.client
    }

    /// The first app of the fixtures — with the embedded fixtures, the public netpay APP/MINI
    /// demo credentials (`appId 10037e6f66f2d0f901672aa27d690006`, mid `898201612345678`) —
    /// as it is now (a `PATCH` shows), or as it was at start if it has been deleted.
    ///
    /// # Panics
    ///
    /// When the fixtures define no app at all; [`fixture_apps`](Self::fixture_apps) never
    /// panics.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// let app = server.default_app();
    /// assert_eq!(app.app_id, "10037e6f66f2d0f901672aa27d690006");
    /// assert_eq!(app.app_key, "47ace12ae3b348fe93ab46cee97c6fde");
    /// assert_eq!(app.md5_key, "impARTxrQcfwmRijpDNCw6hPxaWCddKEpYxjaKXDhCaTCXJ6");
    /// assert_eq!((app.mid.as_str(), app.tid.as_str()), ("898201612345678", "88880001"));
    /// # Ok(()) }
    /// ```
    pub fn default_app(&self) -> App {
        match self.fixture_apps().into_iter().next() {
            Some(app) => app,
            None => panic!("the fixtures of this MockServer define no app"),
        }
    }

    /// The fixture apps, in `apps.json` order (apps whose appId the fixtures leave to the
    /// generator come last), each as it is now or as it was at start if deleted.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// let apps = server.fixture_apps();
    /// assert_eq!(apps.len(), 2);
    /// assert_eq!(apps[1].mid, "898340149000005");
    /// # Ok(()) }
    /// ```
    pub fn fixture_apps(&self) -> Vec<App> {
        self.fixture_apps
            .iter()
            .map(|at_start| match self.state.apps.get(&at_start.app_id) {
                Some(now) => (*now).clone(),
                None => at_start.clone(),
            })
            .collect()
    }

    /// The configuration it runs with (after the builder's changes).
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = chinaums_mock::MockServer::builder().seed(7).start().await?;
    /// assert_eq!(server.config().seed, Some(7));
    /// # Ok(()) }
    /// ```
    pub fn config(&self) -> &crate::Config {
        &self.state.config
    }

    /// A handle that stops the server; also valid after the `MockServer` is dropped, when
    /// awaiting its `stop` waits until the port is closed.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// let handle = server.handle();
    /// let address = server.address();
    /// drop(server);
    /// handle.stop(false).await;
    /// assert!(tokio::net::TcpStream::connect(address).await.is_err());
    /// # Ok(()) }
    /// ```
    pub fn handle(&self) -> AppHandle {
        self.handle.clone()
    }

    /// Stops the server, letting requests in flight finish, and waits until it has stopped.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// let address = server.address();
    /// server.stop().await;
    /// assert!(tokio::net::TcpStream::connect(address).await.is_err());
    /// # Ok(()) }
    /// ```
    pub async fn stop(self) {
        // Requested before the drop's own (non-graceful) stop, so this one is the one served.
        let stopped = self.handle.stop(true);
        drop(self);
        stopped.await;
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        // The stop is requested at once; the server winds down on the runtime's threads.
        drop(self.handle.stop(false));
    }
}

/// The apps present at start, in fixture-file order: first those the fixtures name by appId,
/// then the generated ones by appId.
fn fixture_order(specs: &[AppSpec], state: &Sandbox) -> Vec<App> {
    let mut remaining: Vec<App> = state.apps.list().iter().map(|a| (**a).clone()).collect();
    let mut ordered = Vec::with_capacity(remaining.len());
    for id in specs.iter().filter_map(|s| s.app_id.as_deref()) {
        if let Some(pos) = remaining.iter().position(|a| a.app_id == id) {
            ordered.push(remaining.remove(pos));
        }
    }
    ordered.extend(remaining);
    ordered
}
