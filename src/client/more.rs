//! Control client: a close with its own callback URL, the built-in sink, the live access
//! tokens, and access to a control API that needs an admin token.

use std::time::Duration;

use reqwest::Method;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use serde::Deserialize;
use serde_json::Value;

use super::control::{ControlClient, segment};
use super::error::ClientError;
use crate::api::conformance::ConformanceRequest;
use crate::api::payscore::{CloseRequest, Transition};
use crate::api::sink::Receipt;
use crate::api::token::{TokenFilter, TokenList};

impl ControlClient {
    /// A client of the control API at `base_url` for a script or a command line: no proxy from
    /// the environment (the sandbox is usually on loopback), every call bounded by `timeout`,
    /// and with `admin_token` (`--admin-token`) sent as a bearer token.
    ///
    /// ```
    /// use std::time::Duration;
    /// use chinaums_mock::client::ControlClient;
    /// let client = ControlClient::configured("http://127.0.0.1:8081", Some("s3cret"), Duration::from_secs(30))?;
    /// assert_eq!(client.base_url(), "http://127.0.0.1:8081");
    /// assert!(ControlClient::configured("http://h", Some("bad\ntoken"), Duration::from_secs(1)).is_err());
    /// # Ok::<(), chinaums_mock::client::ClientError>(())
    /// ```
    pub fn configured(
        base_url: impl Into<String>,
        admin_token: Option<&str>,
        timeout: Duration,
    ) -> Result<Self, ClientError> {
        let mut headers = HeaderMap::new();
        if let Some(token) = admin_token.filter(|t| !t.is_empty()) {
            let value = HeaderValue::from_str(&format!("Bearer {token}"))
                .map_err(|_| ClientError::Setup("the admin token is not a valid header".into()))?;
            headers.insert(AUTHORIZATION, value);
        }
        let http = reqwest::Client::builder()
            .user_agent(concat!(
                "chinaums-mock/",
                env!("CARGO_PKG_VERSION"),
                " (control client)"
            ))
            .no_proxy()
            .timeout(timeout)
            .default_headers(headers)
            .build()?;
        Ok(Self::with_http_client(base_url, http))
    }

    /// `POST /__mock/conformance`: the Pay Score notification-handler checks against the
    /// merchant behind the app (or `callback_url`); the report as JSON.
    pub async fn conformance(
        &self,
        app_id: &str,
        callback_url: Option<&str>,
    ) -> Result<Value, ClientError> {
        let mut request = ConformanceRequest::new(app_id);
        request.callback_url = callback_url.map(str::to_owned);
        self.conformance_with(&request).await
    }

    /// `POST /__mock/conformance` with every field of the request: the battery, say.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::client::{Battery, ConformanceRequest};
    /// let app_id = server.default_app().app_id;
    /// // A merchant that is not listening: every notification it should acknowledge fails.
    /// let request = ConformanceRequest::new(&app_id)
    ///     .battery(Battery::Payment)
    ///     .callback_url("http://127.0.0.1:9/chinaums/notify");
    /// let report = server.client().conformance_with(&request).await?;
    /// assert_eq!((report["battery"].as_str(), report["passed"].as_bool()), (Some("payment"), Some(false)));
    /// # Ok(()) }
    /// ```
    pub async fn conformance_with(
        &self,
        request: &ConformanceRequest,
    ) -> Result<Value, ClientError> {
        self.call(self.request(Method::POST, "/conformance").json(request))
            .await
    }

    /// `POST /__mock/payscore/close` with every field of the request (a callback URL for this
    /// notification only, say).
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::client::{CloseRequest, OpenRequest};
    /// let client = server.client();
    /// let app_id = server.default_app().app_id;
    /// let opened = client.open(OpenRequest::new(&app_id)).await?;
    /// let mut close = CloseRequest::new(&app_id, &opened.authorization.open_id);
    /// close.callback_url = Some("http://127.0.0.1:9/elsewhere".into());
    /// let closed = client.close_with(close).await?;
    /// assert_eq!(closed.notification.callback_url.as_deref(), Some("http://127.0.0.1:9/elsewhere"));
    /// # Ok(()) }
    /// ```
    pub async fn close_with(&self, request: CloseRequest) -> Result<Transition, ClientError> {
        self.call(self.request(Method::POST, "/payscore/close").json(&request))
            .await
    }

    /// `GET /__mock/sink/{appId}`: what the built-in merchant sink received for the app,
    /// oldest first.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// let received = server.client().sink(&server.default_app().app_id).await?;
    /// assert!(received.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn sink(&self, app_id: &str) -> Result<Vec<Receipt>, ClientError> {
        #[derive(Deserialize)]
        struct Received {
            received: Vec<Receipt>,
        }
        let path = format!("/sink/{}", segment(app_id));
        let list: Received = self.call(self.request(Method::GET, &path)).await?;
        Ok(list.received)
    }

    /// `GET /__mock/tokens`: the live access tokens, newest first, each judged by its app's
    /// clock, with the per-app cap.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::client::TokenFilter;
    /// let client = server.client();
    /// let app = server.default_app();
    /// let token = client.token(&app).await?;
    /// let filter = TokenFilter { app_id: Some(app.app_id.clone()), limit: None };
    /// let live = client.tokens(&filter).await?;
    /// assert_eq!(live.tokens[0].access_token, token);
    /// assert_eq!(live.max_per_app, 10);
    /// # Ok(()) }
    /// ```
    pub async fn tokens(&self, filter: &TokenFilter) -> Result<TokenList, ClientError> {
        self.call(self.request(Method::GET, "/tokens").query(filter))
            .await
    }
}
