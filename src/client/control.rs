//! The typed control client: plumbing, health and apps.

use reqwest::{Method, RequestBuilder, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::ClientError;
use crate::api::app::{App, AppSpec};
use crate::api::health::Health;

/// A typed client of the control API (`/__mock`) of any running sandbox: an embedded
/// [`MockServer`](super::MockServer), a `cargo run`, a container.
///
/// Every method answers the server's JSON as a typed value, or a [`ClientError`] that carries
/// the HTTP status and the control error code.
///
/// ```
/// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use chinaums_mock::{client::ControlClient, MockServer};
/// let server = MockServer::start().await?;
/// let client = ControlClient::new(server.uri());
/// assert_eq!(client.health().await?.status, "ok");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ControlClient {
    base: String,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    code: String,
    #[serde(default)]
    message: String,
}

impl ControlClient {
    /// A client of the sandbox at `base_url` (`http://127.0.0.1:8080`; a trailing `/` is
    /// ignored).
    ///
    /// ```
    /// use chinaums_mock::client::ControlClient;
    /// let client = ControlClient::new("http://127.0.0.1:8080/");
    /// assert_eq!(client.base_url(), "http://127.0.0.1:8080");
    /// ```
    pub fn new(base_url: impl Into<String>) -> Self {
        Self::with_http_client(base_url, reqwest::Client::new())
    }

    /// A client that sends through a `reqwest::Client` of your own (proxy, timeouts, …).
    ///
    /// ```
    /// use chinaums_mock::client::ControlClient;
    /// let http = reqwest::Client::builder().no_proxy().build().expect("a client");
    /// let client = ControlClient::with_http_client("http://127.0.0.1:8080", http);
    /// assert_eq!(client.base_url(), "http://127.0.0.1:8080");
    /// ```
    pub fn with_http_client(base_url: impl Into<String>, http: reqwest::Client) -> Self {
        let base = base_url.into().trim_end_matches('/').to_owned();
        Self { base, http }
    }

    /// The sandbox's base URL, without a trailing `/`.
    ///
    /// ```
    /// # use chinaums_mock::client::ControlClient;
    /// assert_eq!(ControlClient::new("http://h:1").base_url(), "http://h:1");
    /// ```
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The underlying HTTP client, for calls of your own (the gateway, say).
    ///
    /// ```
    /// # use chinaums_mock::client::ControlClient;
    /// let client = ControlClient::new("http://127.0.0.1:8080");
    /// let _request = client.http().get(format!("{}/", client.base_url()));
    /// ```
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub(super) fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}/__mock{path}", self.base))
    }

    /// Sends and reads a JSON answer.
    pub(super) async fn call<T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
    ) -> Result<T, ClientError> {
        let response = checked(request.send().await?).await?;
        decode(response).await
    }

    /// Sends and ignores the (successful) answer's body.
    pub(super) async fn call_empty(&self, request: RequestBuilder) -> Result<(), ClientError> {
        checked(request.send().await?).await.map(drop)
    }

    /// `GET /__mock/health`.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// let health = server.client().health().await?;
    /// assert_eq!(health.apps, 2);
    /// # Ok(()) }
    /// ```
    pub async fn health(&self) -> Result<Health, ClientError> {
        self.call(self.request(Method::GET, "/health")).await
    }

    /// `GET /__mock/openapi.json`: the control API's OpenAPI document.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// let doc = server.client().openapi().await?;
    /// assert!(doc["paths"].is_object());
    /// # Ok(()) }
    /// ```
    pub async fn openapi(&self) -> Result<Value, ClientError> {
        self.call(self.request(Method::GET, "/openapi.json")).await
    }

    /// `POST /__mock/apps`: creates an app; every field left out is generated.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::api::app::AppSpec;
    /// let app = server.client()
    ///     .create_app(AppSpec { name: Some("Demo shop".into()), ..AppSpec::default() })
    ///     .await?;
    /// assert_eq!(app.name, "Demo shop");
    /// assert_eq!(app.app_id.len(), 32);
    /// # Ok(()) }
    /// ```
    pub async fn create_app(&self, spec: AppSpec) -> Result<App, ClientError> {
        self.call(self.request(Method::POST, "/apps").json(&spec_body(&spec)))
            .await
    }

    /// `GET /__mock/apps/{appId}`.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// let app = server.client().app("10037e6f66f2d0f901672aa27d690006").await?;
    /// assert_eq!(app.mid, "898201612345678");
    /// # Ok(()) }
    /// ```
    pub async fn app(&self, app_id: &str) -> Result<App, ClientError> {
        self.call(self.request(Method::GET, &format!("/apps/{}", segment(app_id))))
            .await
    }

    /// `GET /__mock/apps`: every app, ordered by appId, secrets included.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// assert_eq!(server.client().apps().await?.len(), 2);
    /// # Ok(()) }
    /// ```
    pub async fn apps(&self) -> Result<Vec<App>, ClientError> {
        #[derive(Deserialize)]
        struct Apps {
            apps: Vec<App>,
        }
        let list: Apps = self.call(self.request(Method::GET, "/apps")).await?;
        Ok(list.apps)
    }

    /// `PATCH /__mock/apps/{appId}`: changes the fields that are `Some`;
    /// `callback_url: Some(None)` clears the callback URL.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::api::app::AppSpec;
    /// let spec = AppSpec {
    ///     callback_url: Some(Some("http://127.0.0.1:9000/notify".into())),
    ///     ..AppSpec::default()
    /// };
    /// let app = server.client().update_app("10037e6f66f2d0f901672aa27d690006", spec).await?;
    /// assert_eq!(app.callback_url.as_deref(), Some("http://127.0.0.1:9000/notify"));
    /// # Ok(()) }
    /// ```
    pub async fn update_app(&self, app_id: &str, spec: AppSpec) -> Result<App, ClientError> {
        let path = format!("/apps/{}", segment(app_id));
        self.call(self.request(Method::PATCH, &path).json(&spec_body(&spec)))
            .await
    }

    /// `DELETE /__mock/apps/{appId}`: removes the app with its tokens, authorisations and
    /// notifications.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// let client = server.client();
    /// client.delete_app("10037e6f6823b20801682b6a5e5a0006").await?;
    /// assert_eq!(client.apps().await?.len(), 1);
    /// # Ok(()) }
    /// ```
    pub async fn delete_app(&self, app_id: &str) -> Result<(), ClientError> {
        let path = format!("/apps/{}", segment(app_id));
        self.call_empty(self.request(Method::DELETE, &path)).await
    }
}

/// An [`AppSpec`] as JSON, with the fields that are `None` left out: the server reads a JSON
/// `null` callback URL as "clear it", which an absent field must not mean.
fn spec_body(spec: &AppSpec) -> Value {
    let mut body = serde_json::to_value(spec).unwrap_or_default();
    let explicit_clear = matches!(spec.callback_url, Some(None));
    if let Value::Object(members) = &mut body {
        members.retain(|_, v| !v.is_null());
        if let Some(Value::Object(notify)) = members.get_mut("notify") {
            notify.retain(|_, v| !v.is_null());
        }
        if explicit_clear {
            members.insert("callbackUrl".to_owned(), Value::Null);
        }
    }
    body
}

/// Escapes a value for use as one path segment.
pub(super) fn segment(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes())
        .collect::<String>()
        // form encoding writes spaces as `+`, which a path keeps literally
        .replace('+', "%20")
}

/// Turns a non-success answer into the matching error.
pub(super) async fn checked(response: Response) -> Result<Response, ClientError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let body = response.text().await?;
    Err(match serde_json::from_str::<ErrorBody>(&body) {
        Ok(e) => ClientError::Control {
            status: status.as_u16(),
            code: e.error.code,
            message: e.error.message,
        },
        Err(_) => ClientError::Unexpected {
            status: status.as_u16(),
            body,
        },
    })
}

/// Reads a JSON body as `T`.
pub(super) async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ClientError> {
    let body = response.text().await?;
    serde_json::from_str(&body).map_err(|source| ClientError::Decode { body, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_app_spec_leaves_out_what_it_does_not_set_but_keeps_an_explicit_clear() {
        let body = spec_body(&AppSpec {
            name: Some("n".into()),
            ..AppSpec::default()
        });
        assert_eq!(body, serde_json::json!({ "name": "n" }));
        let clear = spec_body(&AppSpec {
            callback_url: Some(None),
            ..AppSpec::default()
        });
        assert_eq!(clear, serde_json::json!({ "callbackUrl": null }));
    }

    #[test]
    fn path_segments_are_escaped() {
        assert_eq!(segment("a b/c"), "a%20b%2Fc");
        assert_eq!(segment("EV-2026"), "EV-2026");
    }
}
