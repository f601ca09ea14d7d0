//! Control client: the default clock (`/__mock/clock`), and access tokens signed in the time of
//! the app's clock.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::RngExt;
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use super::clocks::set_body;
use super::control::ControlClient;
use super::error::ClientError;
use crate::api::app::App;
use crate::api::clock::{Advanced, ClockView};
use crate::protocol::signing::{TokenSignMethod, token_signature};
use crate::protocol::timefmt::format_compact;

impl ControlClient {
    /// `GET /__mock/clock`: the default clock, which every app is on unless it was created on
    /// another (see [`clocks`](Self::clocks)).
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use chinaums_mock::MockServer;
    /// let server = MockServer::builder().frozen_at("2026-11-25T12:00:00+08:00").start().await?;
    /// use chinaums_mock::protocol::timefmt::rfc3339_beijing;
    /// let clock = server.client().clock().await?;
    /// assert!(clock.frozen);
    /// assert_eq!(rfc3339_beijing(clock.now), "2026-11-25T12:00:00+08:00");
    /// # Ok(()) }
    /// ```
    pub async fn clock(&self) -> Result<ClockView, ClientError> {
        self.call(self.request(Method::GET, "/clock")).await
    }

    /// `POST /__mock/clock/advance`: moves the default clock forward by `by`, making every
    /// delivery attempt that falls due on the way for the apps on it, in order, before it
    /// answers. [`advance_clock`](Self::advance_clock) moves another clock.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use chinaums_mock::MockServer;
    /// use chinaums_mock::protocol::timefmt::rfc3339_beijing;
    /// let server = MockServer::builder().frozen_at("2026-11-25T12:00:00+08:00").start().await?;
    /// let advanced = server.client().advance(Duration::from_secs(3601)).await?;
    /// assert_eq!(rfc3339_beijing(advanced.now), "2026-11-25T13:00:01+08:00");
    /// # Ok(()) }
    /// ```
    pub async fn advance(&self, by: Duration) -> Result<Advanced, ClientError> {
        self.advance_secs(by.as_secs_f64()).await
    }

    /// Like [`advance`](Self::advance), in seconds (fractions allowed).
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::builder().frozen_at("2026-11-25T12:00:00+08:00").start().await?;
    /// # use chinaums_mock::protocol::timefmt::rfc3339_beijing;
    /// let advanced = server.client().advance_secs(90.0).await?;
    /// assert_eq!(rfc3339_beijing(advanced.now), "2026-11-25T12:01:30+08:00");
    /// # Ok(()) }
    /// ```
    pub async fn advance_secs(&self, seconds: f64) -> Result<Advanced, ClientError> {
        let body = json!({ "seconds": seconds });
        self.call(self.request(Method::POST, "/clock/advance").json(&body))
            .await
    }

    /// `PUT /__mock/clock`: jumps the default clock to `now` and/or freezes or unfreezes it
    /// (`None` keeps each as it is). Unlike an advance, a jump does not replay what falls due
    /// on the way. [`set_clock_by_id`](Self::set_clock_by_id) sets another clock.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chrono::{TimeZone, Utc};
    /// let at = Utc.with_ymd_and_hms(2026, 11, 25, 4, 0, 0).unwrap();
    /// let clock = server.client().set_clock(Some(at), Some(true)).await?;
    /// assert_eq!(clock.now, at);
    /// assert!(clock.frozen);
    /// # Ok(()) }
    /// ```
    pub async fn set_clock(
        &self,
        now: Option<DateTime<Utc>>,
        frozen: Option<bool>,
    ) -> Result<ClockView, ClientError> {
        let body = set_body(now, frozen);
        self.call(self.request(Method::PUT, "/clock").json(&body))
            .await
    }

    /// Fetches an access token for `app` from the gateway (`POST /v1/token/access`), signed
    /// with SHA256 at the current time of the app's clock (`app.clock`), as a merchant's
    /// client would.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// let token = server.client().token(&server.default_app()).await?;
    /// assert_eq!(token.len(), 32);
    ///
    /// // An app on a clock of its own, a year ahead: its token is signed in its time.
    /// use chinaums_mock::api::{app::AppSpec, clock::NewClock};
    /// let client = server.client();
    /// let ahead = client.clock().await?.now + chrono::Duration::days(365);
    /// let clock = client.create_clock(NewClock { now: Some(ahead), ..NewClock::default() }).await?;
    /// let app = client.create_app(AppSpec { clock: Some(clock.id), ..AppSpec::default() }).await?;
    /// assert_eq!(client.token(&app).await?.len(), 32);
    /// # Ok(()) }
    /// ```
    pub async fn token(&self, app: &App) -> Result<String, ClientError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Answer {
            #[serde(default)]
            err_code: String,
            #[serde(default)]
            err_info: String,
            access_token: Option<String>,
        }
        let now = self.time_of(&app.clock).await?;
        let timestamp = format_compact(now);
        let nonce = format!("{:032x}", rand::rng().random::<u128>());
        let signature = token_signature(
            TokenSignMethod::Sha256,
            &app.app_id,
            &timestamp,
            &nonce,
            &app.app_key,
        );
        let body = json!({
            "appId": app.app_id,
            "timestamp": timestamp,
            "nonce": nonce,
            "signMethod": "SHA256",
            "signature": signature,
        });
        let response = self
            .http()
            .post(format!("{}/v1/token/access", self.base_url()))
            .json(&body)
            .send()
            .await?;
        let status = response.status().as_u16();
        let text = response.text().await?;
        match serde_json::from_str::<Answer>(&text) {
            Ok(Answer {
                access_token: Some(token),
                ..
            }) if status == 200 => Ok(token),
            Ok(answer) if !answer.err_code.is_empty() => Err(ClientError::Token {
                status,
                err_code: answer.err_code,
                err_info: answer.err_info,
            }),
            _ => Err(ClientError::Unexpected { status, body: text }),
        }
    }
}
