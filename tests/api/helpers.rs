//! Shared test helpers: a sandbox on port 0 per test, request builders and a raw HTTP client.

use chinaums_mock::client::{ControlClient, WaitFor};
use chinaums_mock::protocol::signing::{
    TokenSignMethod, open_body_sig_header, open_body_signature, token_signature,
};
use chinaums_mock::{AppHandle, Application, Config};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The first fixture app: the public netpay APP/MINI demo credentials (and the vectors').
pub const APP_ID: &str = "10037e6f66f2d0f901672aa27d690006";
pub const APP_KEY: &str = "47ace12ae3b348fe93ab46cee97c6fde";
pub const MID: &str = "898201612345678";
/// The second fixture app: the netpay QR demo credentials.
pub const QR_APP_ID: &str = "10037e6f6823b20801682b6a5e5a0006";
pub const QR_APP_KEY: &str = "1c4e3b16066244ae9b236a09e5b312e8";
pub const QR_MID: &str = "898340149000005";

/// The instant of the reference vectors: 2026-11-25 12:00:00 Beijing time.
pub const VECTOR_TS: &str = "20261125120000";
pub const VECTOR_NONCE: &str = "3f9a1c0e5b7d4e2f8a6b9c0d1e2f3a4b";

pub fn vector_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T12:00:00+08:00")
        .map(|t| t.with_timezone(&Utc))
        .expect("valid time")
}

pub fn vectors() -> Value {
    serde_json::from_str(include_str!("../data/vectors.json")).expect("vectors parse")
}

pub struct TestApp {
    pub base: String,
    pub port: u16,
    pub client: reqwest::Client,
    /// The typed control client: the helpers below script the sandbox through it.
    pub control: ControlClient,
    handle: AppHandle,
}

/// A typed answer as the JSON the control API sent, for assertions written against JSON.
fn as_json<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).expect("a wire type serialises")
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // The stop is requested at once; the server winds down on its own threads.
        drop(self.handle.stop(false));
    }
}

/// A sandbox on a free port with the embedded fixtures, seed 42, and the clock frozen at the
/// vectors' instant.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let mut config = Config {
        port: 0,
        seed: Some(42),
        workers: Some(1),
        clock_start: Some(vector_time()),
        clock_frozen: true,
        ..Config::default()
    };
    adjust(&mut config);
    let app = Application::build(config).await.expect("sandbox builds");
    let port = app.address().port();
    let base = app.url();
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        control: ControlClient::new(&base),
        base,
        port,
        client: reqwest::Client::new(),
        handle,
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// The `errCode` of a gateway error.
    pub fn code(&self) -> String {
        self.json()["errCode"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Asserts a gateway answer's HTTP status and `errCode`.
    #[track_caller]
    pub fn assert_gateway(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status, self.code().as_str()),
            (status, code),
            "{}",
            self.text
        );
    }

    /// Asserts a control answer's HTTP status and `error.code`.
    #[track_caller]
    pub fn assert_control(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status, self.control_code().as_str()),
            (status, code),
            "{}",
            self.text
        );
    }

    /// Asserts an authenticated call, answered `NO_SERVICE`, as `app_id`.
    #[track_caller]
    pub fn assert_served_as(&self, app_id: &str) {
        self.assert_gateway(404, "NO_SERVICE");
        let header = self
            .headers
            .get("x-chinaums-mock-app-id")
            .and_then(|v| v.to_str().ok());
        assert_eq!(header, Some(app_id));
    }

    /// Asserts a call authenticated as `app_id`, whatever then answered it (the netpay
    /// simulation, a stub, `NO_SERVICE`).
    #[track_caller]
    pub fn assert_authenticated_as(&self, app_id: &str) {
        assert!(
            matches!(self.status, 200 | 404),
            "{} {}",
            self.status,
            self.text
        );
        let header = self
            .headers
            .get("x-chinaums-mock-app-id")
            .and_then(|v| v.to_str().ok());
        assert_eq!(header, Some(app_id), "{}", self.text);
    }

    /// The `error.code` of a control error.
    pub fn control_code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

async fn reply(resp: reqwest::Response) -> Reply {
    Reply {
        status: resp.status().as_u16(),
        headers: resp.headers().clone(),
        text: resp.text().await.expect("body"),
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        reply(request.send().await.expect("request sent")).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.client.get(self.url(path))).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Reply {
        self.send(self.client.post(self.url(path)).json(body)).await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Reply {
        self.send(
            self.client
                .post(self.url(path))
                .header("content-type", content_type)
                .body(body),
        )
        .await
    }

    /// `POST /v1/token/access` for a fixture app, signed with SHA256 at the frozen time.
    pub async fn token_request(&self, app_id: &str, app_key: &str) -> Reply {
        self.post_json(
            "/v1/token/access",
            &signed_token_body(app_id, app_key, VECTOR_TS, "nonce-1"),
        )
        .await
    }

    /// A valid token for a fixture app.
    pub async fn token(&self, app_id: &str, app_key: &str) -> String {
        let r = self.token_request(app_id, app_key).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.json()["accessToken"].as_str().expect("token").to_owned()
    }

    /// A business call with `OPEN-ACCESS-TOKEN`.
    pub async fn call_with_token(&self, path: &str, token: &str, body: &str) -> Reply {
        self.send(
            self.client
                .post(self.url(path))
                .header(
                    "authorization",
                    format!("OPEN-ACCESS-TOKEN AccessToken={token}"),
                )
                .header("content-type", "application/json")
                .body(body.to_owned()),
        )
        .await
    }

    /// A business call with `OPEN-BODY-SIG` at the frozen time.
    pub async fn call_with_body_sig(
        &self,
        path: &str,
        app_id: &str,
        app_key: &str,
        body: &str,
    ) -> Reply {
        self.call_with_header(
            path,
            &body_sig_header(app_id, app_key, VECTOR_TS, body),
            body,
        )
        .await
    }

    pub async fn call_with_header(&self, path: &str, authorization: &str, body: &str) -> Reply {
        self.send(
            self.client
                .post(self.url(path))
                .header("authorization", authorization)
                .header("content-type", "application/json")
                .body(body.to_owned()),
        )
        .await
    }

    pub async fn advance(&self, seconds: f64) -> Reply {
        self.post_json("/__mock/clock/advance", &json!({ "seconds": seconds }))
            .await
    }

    /// Sends bytes as they are and returns (status, body). For what HTTP clients refuse to send:
    /// odd header-name case, non-ASCII header bytes.
    pub async fn raw(&self, request: &[u8]) -> (u16, String) {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", self.port))
            .await
            .expect("connect");
        stream.write_all(request).await.expect("write");
        let mut out = Vec::new();
        stream.read_to_end(&mut out).await.expect("read");
        let text = String::from_utf8_lossy(&out).into_owned();
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default();
        (status, body)
    }
}

pub fn signed_token_body(app_id: &str, app_key: &str, ts: &str, nonce: &str) -> Value {
    json!({
        "appId": app_id,
        "timestamp": ts,
        "nonce": nonce,
        "signMethod": "SHA256",
        "signature": token_signature(TokenSignMethod::Sha256, app_id, ts, nonce, app_key),
    })
}

pub fn body_sig_header(app_id: &str, app_key: &str, ts: &str, body: &str) -> String {
    let sig = open_body_signature(app_id, ts, VECTOR_NONCE, body.as_bytes(), app_key);
    open_body_sig_header(app_id, ts, VECTOR_NONCE, &sig)
}

/// The query of an OPEN-FORM-PARAM call of `app_id` at `ts` (nonce `n1`), signed with `key`.
pub fn form_query_at(
    app_id: &str,
    key: &str,
    ts: &str,
    content: &str,
) -> Vec<(&'static str, String)> {
    let sig = open_body_signature(app_id, ts, "n1", content.as_bytes(), key);
    vec![
        ("authorization", "OPEN-FORM-PARAM".to_owned()),
        ("appId", app_id.to_owned()),
        ("timestamp", ts.to_owned()),
        ("nonce", "n1".to_owned()),
        ("content", content.to_owned()),
        ("signature", sig),
    ]
}

/// [`form_query_at`] at the vectors' timestamp.
pub fn form_query(app_id: &str, key: &str, content: &str) -> Vec<(&'static str, String)> {
    form_query_at(app_id, key, VECTOR_TS, content)
}

pub fn order_body(mid: &str) -> String {
    format!(
        r#"{{"requestTimestamp":"2026-11-25 12:00:00","mid":"{mid}","tid":"88880001","instMid":"MINIDEFAULT","merOrderId":"1017202611251200000001234","totalAmount":1}}"#
    )
}

/// The communication key of the fixture app `APP_ID` (mid 898201612345678).
pub const MD5_KEY: &str = "impARTxrQcfwmRijpDNCw6hPxaWCddKEpYxjaKXDhCaTCXJ6";
/// The communication key of the fixture app `QR_APP_ID` (mid 898340149000005): the one that
/// signs that merchant's real notifications (tests/data/real-notifications.json).
pub const QR_MD5_KEY: &str = "fcAmtnx7MwismjWNhNKdHC44mNXtnEQeJkRrhKJwyrW2ysRR";

impl TestApp {
    pub async fn patch_json(&self, path: &str, body: &Value) -> Reply {
        self.send(self.client.patch(self.url(path)).json(body))
            .await
    }

    /// Points an app's callbacks at `url`, optionally with notification settings.
    pub async fn set_callback(&self, app_id: &str, url: &str, notify: Value) {
        let mut body = json!({ "callbackUrl": url });
        if !notify.is_null() {
            body["notify"] = notify;
        }
        let spec = serde_json::from_value(body).expect("an app patch");
        self.control
            .update_app(app_id, spec)
            .await
            .expect("the app is updated");
    }

    /// `POST /__mock/payscore/open`; returns `{authorization, notification}`.
    pub async fn open(&self, body: Value) -> Value {
        let request = serde_json::from_value(body).expect("an open request");
        as_json(self.control.open(request).await.expect("opened"))
    }

    /// `POST /__mock/payscore/close`; returns `{authorization, notification}`.
    pub async fn close(&self, app_id: &str, open_id: &str) -> Value {
        as_json(self.control.close(app_id, open_id).await.expect("closed"))
    }

    pub async fn notification(&self, id: &str) -> Value {
        as_json(
            self.control
                .notification(id)
                .await
                .expect("the notification"),
        )
    }

    /// Long-polls until the notification reaches `status` (`delivered`, `settled`, …).
    pub async fn wait_status(&self, id: &str, status: &str) -> Value {
        let wanted = match status {
            "delivered" => WaitFor::Delivered,
            "exhausted" => WaitFor::Exhausted,
            "settled" => WaitFor::Settled,
            "pending" => WaitFor::Pending,
            other => panic!("no such status to wait for: {other}"),
        };
        let waited = self
            .control
            .wait_for_notification(id, wanted, std::time::Duration::from_secs(10))
            .await;
        as_json(waited.unwrap_or_else(|e| panic!("{id} did not become {status}: {e}")))
    }

    /// Lets in-flight attempts finish without moving time (an advance by 0 waits for them).
    pub async fn settle_in_flight(&self) {
        self.control.advance_secs(0.0).await.expect("advanced by 0");
    }
}

/// Seconds between two RFC 3339 times.
pub fn seconds_between(from: &Value, to: &Value) -> i64 {
    let parse = |v: &Value| {
        DateTime::parse_from_rfc3339(v.as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{v} is not RFC 3339: {e}"))
    };
    (parse(to) - parse(from)).num_seconds()
}

/// `POST {base}/__mock/payscore/open` for a new user of `app_id`, on any running sandbox (a
/// child process, an instance of its own); returns `{authorization, notification}`.
pub async fn open_at(base: &str, app_id: &str) -> Value {
    reqwest::Client::new()
        .post(format!("{base}/__mock/payscore/open"))
        .json(&json!({ "appId": app_id }))
        .send()
        .await
        .expect("opened")
        .json()
        .await
        .expect("JSON")
}

impl TestApp {
    /// Opens an authorisation for a new user and returns the notification id.
    pub async fn opened_id(&self, app_id: &str) -> String {
        let opened = self.open(json!({ "appId": app_id })).await;
        opened["notification"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

/// The outcome of every attempt of a notification.
pub fn outcomes(n: &Value) -> Vec<String> {
    n["attempts"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| a["outcome"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// When each attempt was sent, in seconds after the notification was created.
pub fn offsets(n: &Value) -> Vec<i64> {
    let attempts = n["attempts"].as_array().cloned().unwrap_or_default();
    attempts
        .iter()
        .map(|a| seconds_between(&n["createdAt"], &a["sentAt"]))
        .collect()
}
