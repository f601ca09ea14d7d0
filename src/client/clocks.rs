//! Control client: clocks of their own for groups of apps (`/__mock/clocks`). An app is on the
//! clock it named when it was created; moving a clock moves time for those apps only.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{Map, Value, json};

use super::control::{ControlClient, segment};
use super::error::ClientError;
use crate::api::clock::{Advanced, ClockList, ClockView, DEFAULT_CLOCK, NewClock};

/// The body of a `PUT` of a clock: the fields that are `Some`.
pub(super) fn set_body(now: Option<DateTime<Utc>>, frozen: Option<bool>) -> Value {
    let mut body = Map::new();
    if let Some(now) = now {
        body.insert("now".into(), Value::String(now.to_rfc3339()));
    }
    if let Some(frozen) = frozen {
        body.insert("frozen".into(), Value::Bool(frozen));
    }
    Value::Object(body)
}

impl ControlClient {
    /// `GET /__mock/clocks`: every clock, `default` first, then in creation order.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// let clocks = server.client().clocks().await?;
    /// assert_eq!(clocks.len(), 1);
    /// assert_eq!(clocks[0].id, "default");
    /// # Ok(()) }
    /// ```
    pub async fn clocks(&self) -> Result<Vec<ClockView>, ClientError> {
        let list: ClockList = self.call(self.request(Method::GET, "/clocks")).await?;
        Ok(list.clocks)
    }

    /// `POST /__mock/clocks`: a clock for a group of apps (a test, a CI job), running from wall
    /// time unless the spec gives `now` or `frozen`. Apps join it when they are created
    /// (`AppSpec { clock: Some(id), .. }`).
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::api::{app::AppSpec, clock::NewClock};
    /// use chrono::{TimeZone, Utc};
    /// let client = server.client();
    /// let at = Utc.with_ymd_and_hms(2026, 11, 25, 4, 0, 0).unwrap();
    /// let clock = client
    ///     .create_clock(NewClock { name: Some("job 7".into()), now: Some(at), frozen: Some(true) })
    ///     .await?;
    /// assert!(clock.id.starts_with("clk_"));
    /// assert_eq!((clock.now, clock.frozen), (at, true));
    /// let app = client
    ///     .create_app(AppSpec { clock: Some(clock.id.clone()), ..AppSpec::default() })
    ///     .await?;
    /// assert_eq!(app.clock, clock.id);
    /// # Ok(()) }
    /// ```
    pub async fn create_clock(&self, spec: NewClock) -> Result<ClockView, ClientError> {
        self.call(self.request(Method::POST, "/clocks").json(&spec))
            .await
    }

    /// `GET /__mock/clocks/{id}`; `default` is the instance's own clock.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// let client = server.client();
    /// assert_eq!(client.clock_by_id("default").await?.id, "default");
    /// let missing = client.clock_by_id("clk_0000000000000000").await.unwrap_err();
    /// assert_eq!((missing.status(), missing.code()), (Some(404), Some("CLOCK_NOT_FOUND")));
    /// # Ok(()) }
    /// ```
    pub async fn clock_by_id(&self, id: &str) -> Result<ClockView, ClientError> {
        let path = format!("/clocks/{}", segment(id));
        self.call(self.request(Method::GET, &path)).await
    }

    /// `PUT /__mock/clocks/{id}`: jumps that clock to `now` and/or freezes or unfreezes it
    /// (`None` keeps each as it is). Like [`set_clock`](Self::set_clock), a jump does not
    /// replay what falls due on the way.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::api::clock::NewClock;
    /// use chrono::{TimeZone, Utc};
    /// let client = server.client();
    /// let clock = client.create_clock(NewClock::default()).await?;
    /// let at = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
    /// let set = client.set_clock_by_id(&clock.id, Some(at), Some(true)).await?;
    /// assert_eq!((set.now, set.frozen), (at, true));
    /// assert!(!client.clock().await?.frozen, "the default clock runs on");
    /// # Ok(()) }
    /// ```
    pub async fn set_clock_by_id(
        &self,
        id: &str,
        now: Option<DateTime<Utc>>,
        frozen: Option<bool>,
    ) -> Result<ClockView, ClientError> {
        let path = format!("/clocks/{}", segment(id));
        let body = set_body(now, frozen);
        self.call(self.request(Method::PUT, &path).json(&body))
            .await
    }

    /// `POST /__mock/clocks/{id}/advance`: moves that clock forward by `by`, making every
    /// delivery attempt due on the way for the apps on it, in order, before it answers. Apps on
    /// other clocks do not see the time pass.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use chinaums_mock::{api::clock::NewClock, MockServer};
    /// use chinaums_mock::protocol::timefmt::rfc3339_beijing;
    /// let server = MockServer::builder().frozen_at("2026-11-25T12:00:00+08:00").start().await?;
    /// let client = server.client();
    /// let now = client.clock().await?.now;
    /// let clock = client
    ///     .create_clock(NewClock { now: Some(now), frozen: Some(true), ..NewClock::default() })
    ///     .await?;
    /// let advanced = client.advance_clock(&clock.id, Duration::from_secs(3601)).await?;
    /// assert_eq!(rfc3339_beijing(advanced.now), "2026-11-25T13:00:01+08:00");
    /// assert_eq!(rfc3339_beijing(client.clock().await?.now), "2026-11-25T12:00:00+08:00");
    /// # Ok(()) }
    /// ```
    pub async fn advance_clock(&self, id: &str, by: Duration) -> Result<Advanced, ClientError> {
        self.advance_clock_secs(id, by.as_secs_f64()).await
    }

    /// Like [`advance_clock`](Self::advance_clock), in seconds (fractions allowed).
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// # use chinaums_mock::api::clock::NewClock;
    /// let client = server.client();
    /// let clock = client.create_clock(NewClock { frozen: Some(true), ..NewClock::default() }).await?;
    /// let advanced = client.advance_clock_secs(&clock.id, 90.0).await?;
    /// assert_eq!((advanced.now - clock.now).num_seconds(), 90);
    /// # Ok(()) }
    /// ```
    pub async fn advance_clock_secs(
        &self,
        id: &str,
        seconds: f64,
    ) -> Result<Advanced, ClientError> {
        let path = format!("/clocks/{}/advance", segment(id));
        let body = json!({ "seconds": seconds });
        self.call(self.request(Method::POST, &path).json(&body))
            .await
    }

    /// `DELETE /__mock/clocks/{id}`: removes a clock no app is on (409 `CLOCK_IN_USE` while
    /// one is, 409 `CLOCK_IS_DEFAULT` for `default`, 404 `CLOCK_NOT_FOUND`).
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// # use chinaums_mock::api::clock::NewClock;
    /// let client = server.client();
    /// let clock = client.create_clock(NewClock::default()).await?;
    /// client.delete_clock(&clock.id).await?;
    /// assert_eq!(client.clocks().await?.len(), 1);
    /// let refused = client.delete_clock("default").await.unwrap_err();
    /// assert_eq!(refused.code(), Some("CLOCK_IS_DEFAULT"));
    /// # Ok(()) }
    /// ```
    pub async fn delete_clock(&self, id: &str) -> Result<(), ClientError> {
        let path = format!("/clocks/{}", segment(id));
        self.call_empty(self.request(Method::DELETE, &path)).await
    }

    /// The current time of the clock `id`: `GET /__mock/clock` for `default` (which every
    /// sandbox serves, with or without clocks of their own), `GET /__mock/clocks/{id}` for any
    /// other.
    pub(super) async fn time_of(&self, id: &str) -> Result<DateTime<Utc>, ClientError> {
        let clock = if id == DEFAULT_CLOCK {
            self.clock().await?
        } else {
            self.clock_by_id(id).await?
        };
        Ok(clock.now)
    }
}
