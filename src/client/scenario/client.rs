//! The gateway side of a scenario: token requests and business calls go over HTTP to the
//! sandbox's base URL, as a merchant's client would send them. Control steps go through the
//! [`Control`](crate::client::Control) trait instead.

use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

/// Requests without their own timeout give up after this long.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// One answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The body as JSON, or as a JSON string when it is not JSON (empty: `null`).
    pub body: Value,
}

impl Reply {
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

/// The gateway of one sandbox, reached over HTTP.
#[derive(Debug, Clone)]
pub struct Gateway {
    base: String,
    http: reqwest::Client,
}

impl Gateway {
    /// The gateway of the sandbox at `base` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base: &str) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .user_agent(concat!(
                "chinaums-mock/",
                env!("CARGO_PKG_VERSION"),
                " (scenario runner)"
            ))
            // The sandbox is usually on loopback; an environment proxy must not swallow that.
            .no_proxy()
            // A step sees what the gateway answered: the H5 cashier's 302 is the answer.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| describe(&e))?;
        let base = base.trim_end_matches('/').to_owned();
        Ok(Self { base, http })
    }

    /// The HTTP client it sends with (no proxy, its own `User-Agent`).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
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
    ) -> Result<Reply, String> {
        let url = format!("{}{path}", self.base);
        self.exchange(method, &url, headers, body, timeout)
            .await
            .map(|(reply, _)| reply)
    }

    /// Sends a request to `url` (a path of the sandbox, or a whole URL such as a cashier page)
    /// and answers the reply with the `Location` it redirects to, if any. Redirects are not
    /// followed.
    pub async fn exchange(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, String)],
        body: Option<Vec<u8>>,
        timeout: Option<Duration>,
    ) -> Result<(Reply, Option<String>), String> {
        let url = if url.starts_with('/') {
            format!("{}{url}", self.base)
        } else {
            url.to_owned()
        };
        let mut request = self
            .http
            .request(method.clone(), &url)
            .timeout(timeout.unwrap_or(DEFAULT_TIMEOUT));
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
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
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
        Ok((Reply { status, body }, location))
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
