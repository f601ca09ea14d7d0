//! A small HTTP client of a sandbox (control API and gateway), used by the scenario runner and
//! the command line, so the same code drives a remote sandbox and the server's own.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::Value;

/// Requests without their own timeout give up after this long.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// One answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The body as JSON, or as a JSON string when it is not JSON (empty: `null`).
    pub body: Value,
}

impl Answer {
    /// `error.code` of a control error, or `errCode` of a gateway answer.
    pub fn code(&self) -> Option<&str> {
        self.body["error"]["code"]
            .as_str()
            .or_else(|| self.body["errCode"].as_str())
    }

    /// `error.message`, `errMsg` or `errInfo`, whichever the answer has.
    pub fn message(&self) -> Option<&str> {
        self.body["error"]["message"]
            .as_str()
            .or_else(|| self.body["errMsg"].as_str())
            .or_else(|| self.body["errInfo"].as_str())
    }

    /// `HTTP 409 AUTHORIZATION_ALREADY_OPEN: …` — for failure messages.
    pub fn summary(&self) -> String {
        let mut s = format!("HTTP {}", self.status);
        if let Some(code) = self.code() {
            s.push(' ');
            s.push_str(code);
        }
        match (self.message(), &self.body) {
            (Some(m), _) => {
                s.push_str(": ");
                s.push_str(m);
            }
            (None, Value::String(text)) if !text.is_empty() => {
                s.push_str(": ");
                s.push_str(&text.chars().take(200).collect::<String>());
            }
            _ => {}
        }
        s
    }
}

/// Describes a transport error with its causes ("connection refused", …).
pub fn describe(e: &reqwest::Error) -> String {
    use std::error::Error;
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// A client of one sandbox.
#[derive(Debug, Clone)]
pub struct Sandbox {
    base: String,
    control: String,
    admin_token: Option<String>,
    http: reqwest::Client,
}

impl Sandbox {
    /// A client of the sandbox at `base` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base: &str) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .user_agent(concat!(
                "chinaums-mock/",
                env!("CARGO_PKG_VERSION"),
                " (scenario runner)"
            ))
            // The sandbox is usually on loopback; an environment proxy must not swallow that.
            .no_proxy()
            .build()
            .map_err(|e| describe(&e))?;
        let base = base.trim_end_matches('/').to_owned();
        Ok(Self {
            control: base.clone(),
            base,
            admin_token: None,
            http,
        })
    }

    /// Where the control API is, when it has its own port (`--admin-port`), and the admin token
    /// (`--admin-token`) it needs. Requests to `/__mock/…` go there, with the token.
    pub fn with_control(mut self, control: Option<&str>, admin_token: Option<String>) -> Self {
        if let Some(control) = control {
            self.control = control.trim_end_matches('/').to_owned();
        }
        self.admin_token = admin_token.filter(|t| !t.is_empty());
        self
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Sends a request with optional headers and body; `timeout` defaults to
    /// [`DEFAULT_TIMEOUT`].
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, String)],
        body: Option<Vec<u8>>,
        timeout: Option<Duration>,
    ) -> Result<Answer, String> {
        let is_control = path.starts_with("/__mock");
        let url = if is_control {
            format!("{}{path}", self.control)
        } else {
            format!("{}{path}", self.base)
        };
        let mut request = self
            .http
            .request(method.clone(), &url)
            .timeout(timeout.unwrap_or(DEFAULT_TIMEOUT));
        if let (true, Some(token)) = (is_control, &self.admin_token) {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| format!("{method} {url} failed: {}", describe(&e)))?;
        let status = response.status().as_u16();
        let text = response.text().await.map_err(|e| {
            format!(
                "{method} {url}: the answer could not be read: {}",
                describe(&e)
            )
        })?;
        let body = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Ok(Answer { status, body })
    }

    /// Sends JSON (or nothing) to a control route.
    pub async fn control(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Answer, String> {
        let (headers, bytes) = match body {
            Some(b) => (
                vec![("content-type", "application/json".to_owned())],
                Some(b.to_string().into_bytes()),
            ),
            None => (Vec::new(), None),
        };
        self.request(method, path, &headers, bytes, None).await
    }

    /// `GET` a control route and expect 200.
    pub async fn get_ok(&self, path: &str) -> Result<Value, String> {
        let answer = self.control(Method::GET, path, None).await?;
        if answer.status == 200 {
            Ok(answer.body)
        } else {
            Err(format!("GET {path} answered {}", answer.summary()))
        }
    }

    /// The sandbox's current time, from `GET /__mock/clock`.
    pub async fn now(&self) -> Result<DateTime<Utc>, String> {
        let clock = self.get_ok("/__mock/clock").await?;
        let now = clock["now"].as_str().unwrap_or_default();
        DateTime::parse_from_rfc3339(now)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| format!("GET /__mock/clock answered an unreadable time {now:?}: {e}"))
    }
}

/// A query string from the pairs whose value is present: `?appId=…&path=…`.
pub fn query(pairs: &[(&str, Option<String>)]) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (k, v) in pairs {
        if let Some(v) = v {
            ser.append_pair(k, v);
            any = true;
        }
    }
    if any {
        format!("?{}", ser.finish())
    } else {
        String::new()
    }
}

/// Percent-encodes one path segment.
pub fn segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}
