//! One HTTP delivery attempt and its verdict.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;

use crate::domain::apps::AckMode;

use super::engine::USER_AGENT;
use crate::api::notification::Outcome;

/// Answers kept in the attempt record are cut here.
pub const KEPT_RESPONSE_BYTES: usize = 4096;
/// The acknowledgement is judged on at most this much of the answer.
const READ_RESPONSE_BYTES: usize = 64 * 1024;

/// What the wire said.
#[derive(Debug, Clone)]
pub struct WireResult {
    /// HTTP status, if an answer came.
    pub http_status: Option<u16>,
    /// The first [`KEPT_RESPONSE_BYTES`] of the answer.
    pub response_body: Option<String>,
    /// Transport error, if any.
    pub error: Option<String>,
    /// Verdict.
    pub outcome: Outcome,
    /// Real time taken.
    pub duration: Duration,
}

/// Whether an answer acknowledges the notification: with [`AckMode::Chinaums`], a 2xx whose
/// body is `SUCCESS` (surrounding whitespace allowed); with [`AckMode::Http2xx`], any 2xx.
pub fn is_ack(mode: AckMode, status: u16, body: &[u8]) -> bool {
    let ok = (200..300).contains(&status);
    match mode {
        AckMode::Chinaums => ok && body.trim_ascii() == b"SUCCESS",
        AckMode::Http2xx => ok,
    }
}

fn describe(e: &reqwest::Error) -> String {
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

fn failure(e: &reqwest::Error, http_status: Option<u16>, started: Instant) -> WireResult {
    WireResult {
        http_status,
        response_body: None,
        error: Some(describe(e)),
        outcome: if e.is_timeout() {
            Outcome::Timeout
        } else {
            Outcome::ConnectionFailed
        },
        duration: started.elapsed(),
    }
}

/// Whether `--callback-allow` lets a callback go to `url`: an empty list allows everything;
/// an entry `host` allows any port of that host, `host:port` that port only.
///
/// ```text
/// --callback-allow 127.0.0.1:9000,merchant
///   http://127.0.0.1:9000/notify  allowed
///   https://merchant/cb           allowed
///   http://127.0.0.1:9001/notify  refused
///   http://example.com/           refused
/// ```
pub fn callback_allowed(allow: &[String], url: &str) -> bool {
    if allow.is_empty() {
        return true;
    }
    let Ok(parsed) = url::Url::parse(url) else {
        return false;
    };
    let host = parsed
        .host_str()
        .unwrap_or("")
        .trim_matches(|c| c == '[' || c == ']')
        .to_ascii_lowercase();
    let port = parsed.port_or_known_default();
    allow.iter().any(|entry| {
        let entry = entry.trim().to_ascii_lowercase();
        match entry
            .rsplit_once(':')
            .filter(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok() && !h.ends_with(':'))
        {
            Some((h, p)) => {
                h.trim_matches(|c| c == '[' || c == ']') == host && p.parse::<u16>().ok() == port
            }
            None => entry.trim_matches(|c| c == '[' || c == ']') == host,
        }
    })
}

/// The HTTP client deliveries go out with (its `User-Agent`, no proxy, no redirects), built on
/// first use: the TLS stack and its root certificates stay out of an idle sandbox's memory.
///
/// Building it reads nothing from the environment (built-in root certificates, no proxy
/// lookup), so it either always works or never does; a unit test checks that it works. Should
/// it ever fail, every attempt says so in its `error` and it is logged once.
#[derive(Debug, Default)]
pub struct CallbackClient {
    client: OnceLock<Result<reqwest::Client, String>>,
}

impl CallbackClient {
    /// The client, built now if this is the first call.
    pub fn get(&self) -> Result<&reqwest::Client, &str> {
        self.client
            .get_or_init(|| {
                build_client().map_err(|e| {
                    let text = format!("cannot build the callback HTTP client: {}", describe(&e));
                    tracing::error!("{text}");
                    text
                })
            })
            .as_ref()
            .map_err(String::as_str)
    }
}

fn build_client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .redirect(reqwest::redirect::Policy::none())
        // Callbacks go to the merchant directly, as ChinaUMS's would; a proxy from the
        // environment must not swallow loopback deliveries.
        .no_proxy()
        .pool_max_idle_per_host(64)
        .build()
}

/// One delivery to make: where, what, and how long to wait for the answer.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The callback URL.
    pub url: String,
    /// The `Content-Type` header.
    pub content_type: String,
    /// The exact bytes to send.
    pub body: String,
    /// How long to wait for the whole answer.
    pub timeout: Duration,
    /// What counts as an acknowledgement.
    pub ack: AckMode,
}

/// What deliveries go out through: HTTP in the server ([`CallbackClient`]), a scripted fake in
/// tests of the engine.
pub trait Transport: Send + Sync + 'static {
    /// Sends one delivery and judges the answer. Never fails: a failure is a [`WireResult`].
    fn send(&self, delivery: Delivery) -> BoxFuture<'_, WireResult>;
}

impl Transport for CallbackClient {
    fn send(&self, delivery: Delivery) -> BoxFuture<'_, WireResult> {
        Box::pin(async move {
            send(
                self,
                &delivery.url,
                &delivery.content_type,
                delivery.body,
                delivery.timeout,
                delivery.ack,
            )
            .await
        })
    }
}

/// POSTs `body` to `url` and judges the answer.
pub async fn send(
    client: &CallbackClient,
    url: &str,
    content_type: &str,
    body: String,
    timeout: Duration,
    ack: AckMode,
) -> WireResult {
    let started = Instant::now();
    let client = match client.get() {
        Ok(client) => client,
        Err(error) => {
            return WireResult {
                http_status: None,
                response_body: None,
                error: Some(error.to_owned()),
                outcome: Outcome::ConnectionFailed,
                duration: started.elapsed(),
            };
        }
    };
    let request = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .timeout(timeout)
        .body(body);
    let mut response = match request.send().await {
        Ok(r) => r,
        Err(e) => return failure(&e, None, started),
    };
    let status = response.status().as_u16();
    let mut answer = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = READ_RESPONSE_BYTES.saturating_sub(answer.len());
                answer.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if room <= chunk.len() {
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => return failure(&e, Some(status), started),
        }
    }
    let kept = &answer[..answer.len().min(KEPT_RESPONSE_BYTES)];
    WireResult {
        http_status: Some(status),
        response_body: Some(String::from_utf8_lossy(kept).into_owned()),
        error: None,
        outcome: if is_ack(ack, status, &answer) {
            Outcome::Delivered
        } else {
            Outcome::Rejected
        },
        duration: started.elapsed(),
    }
}

#[cfg(test)]
mod tests {
    use super::{CallbackClient, callback_allowed, is_ack};
    use crate::api::app::AckMode;

    #[test]
    fn only_a_2xx_with_success_acknowledges_in_chinaums_mode_and_any_2xx_in_http_mode() {
        assert!(is_ack(AckMode::Chinaums, 200, b" SUCCESS\n"));
        assert!(!is_ack(AckMode::Chinaums, 200, b"FAILED"));
        assert!(!is_ack(AckMode::Chinaums, 500, b"SUCCESS"));
        assert!(is_ack(AckMode::Http2xx, 204, b""));
    }

    #[test]
    fn the_callback_allow_list_matches_a_host_on_any_port_or_a_host_and_port_exactly() {
        let allow = vec!["127.0.0.1:9000".to_string(), "merchant".to_string()];
        assert!(callback_allowed(&allow, "http://127.0.0.1:9000/notify"));
        assert!(callback_allowed(&allow, "https://merchant/cb"));
        assert!(!callback_allowed(&allow, "http://127.0.0.1:9001/notify"));
        assert!(!callback_allowed(&allow, "http://example.com/"));
        assert!(callback_allowed(&[], "http://example.com/"));
    }

    #[test]
    fn the_callback_client_builds() {
        let client = CallbackClient::default();
        assert!(client.get().is_ok());
    }

    #[test]
    fn the_callback_client_is_built_on_first_use_and_then_reused() {
        let client = CallbackClient::default();
        assert!(client.client.get().is_none());
        let first: *const reqwest::Client = client.get().expect("the client builds");
        let again: *const reqwest::Client = client.get().expect("the client builds");
        assert_eq!(first, again);
    }
}
