//! One HTTP delivery attempt and its verdict.

use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;

use crate::domain::apps::AckMode;

use super::client::CallbackClient;
use super::guard::Refusal;
use super::resolve::{LinkLocalName, OwnAddressName};
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

pub(super) fn describe(e: &reqwest::Error) -> String {
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

/// The first error of `e`'s chain that is an `E`.
fn cause<E: std::error::Error + 'static>(e: &reqwest::Error) -> Option<&E> {
    use std::error::Error;
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(found) = s.downcast_ref::<E>() {
            return Some(found);
        }
        source = s.source();
    }
    None
}

fn failure(
    e: &reqwest::Error,
    http_status: Option<u16>,
    started: Instant,
    url: &str,
) -> WireResult {
    let (error, outcome) = if let Some(own) = cause::<OwnAddressName>(e) {
        // Nothing was sent: the resolver refused the address the connection would have used.
        let path = url::Url::parse(url).map_or_else(|_| url.to_owned(), |u| u.path().to_owned());
        let refusal = Refusal::ControlApi { path };
        (
            format!("the callback URL {refusal} ({own}); nothing was sent"),
            Outcome::Blocked,
        )
    } else if cause::<LinkLocalName>(e).is_some() {
        // Nothing was sent: the resolver left no address to connect to.
        (describe(e), Outcome::Blocked)
    } else if e.is_timeout() {
        (describe(e), Outcome::Timeout)
    } else {
        (describe(e), Outcome::ConnectionFailed)
    };
    WireResult {
        http_status,
        response_body: None,
        error: Some(error),
        outcome,
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
    let client = match client.for_url(url) {
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
        Err(e) => return failure(&e, None, started, url),
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
            Err(e) => return failure(&e, Some(status), started, url),
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
    use std::sync::Arc;
    use std::time::Instant;

    use reqwest::dns::{Addrs, Name, Resolve, Resolving};

    use super::{Outcome, callback_allowed, failure, is_ack};
    use crate::api::app::AckMode;
    use crate::domain::notify::resolve::keep_reachable;

    /// Resolves every name to the cloud metadata address, through the delivery client's filter.
    struct OnlyMetadata;

    impl Resolve for OnlyMetadata {
        fn resolve(&self, name: Name) -> Resolving {
            let host = name.as_str().to_owned();
            Box::pin(async move {
                let found = vec![std::net::SocketAddr::from(([169, 254, 169, 254], 0))];
                let kept = keep_reachable(&host, found)?;
                Ok(Box::new(kept.into_iter()) as Addrs)
            })
        }
    }

    #[tokio::test]
    async fn a_name_resolving_only_to_link_local_addresses_is_blocked_without_connecting() {
        let client = reqwest::Client::builder()
            .no_proxy()
            .dns_resolver(Arc::new(OnlyMetadata))
            .build()
            .expect("a client");
        let started = Instant::now();
        let sent = client.post("http://metadata-alias.test/").send().await;
        let err = sent.expect_err("refused by the resolver");
        let wire = failure(&err, None, started, "http://metadata-alias.test/");
        assert_eq!(wire.outcome, Outcome::Blocked);
        let error = wire.error.unwrap_or_default();
        assert!(error.contains("--callback-allow-link-local"), "{error}");
    }

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
}

#[cfg(test)]
#[path = "rebinding_tests.rs"]
mod rebinding_tests;
