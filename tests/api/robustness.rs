//! Thousands of malformed requests against a running sandbox process: every control route from
//! the OpenAPI document, the token endpoint and business paths, plus raw broken HTTP. Nothing
//! may answer 5xx or panic, and the sandbox must still serve afterwards.
//!
//! Reproducible: case `n` is generated from `ROBUSTNESS_SEED` (default below) and `n` alone.
//! `ROBUSTNESS_CASES=100000` runs more.

mod case;
mod contract;
mod extremes;
mod generate;
mod pieces;
mod raw;
mod sandbox;
mod schema;
mod values;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{APP_ID, APP_KEY, QR_APP_ID, VECTOR_TS, signed_token_body};
use generate::{Case, Target};
use sandbox::{start, still_serves};

const DEFAULT_SEED: u64 = 0x00C4_1AA5_2026;
const IN_FLIGHT: usize = 16;
const PER_REQUEST: Duration = Duration::from_secs(10);
const WHOLE_RUN: Duration = Duration::from_secs(180);

/// What came back, counted.
#[derive(Default)]
struct Tally {
    statuses: BTreeMap<(&'static str, u16), u64>,
    /// Connections closed without an answer, by kind of case.
    closed: BTreeMap<&'static str, u64>,
    closed_cases: Vec<String>,
    timeouts: Vec<String>,
    server_errors: Vec<String>,
}

enum Outcome {
    /// The status and the start of the body.
    Status(u16, String),
    Closed(String),
    TimedOut,
}

async fn send_raw(addr: &str, bytes: &[u8]) -> Outcome {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
        // The server may answer and close before reading everything; that is its right.
        let _ = stream.write_all(bytes).await;
        let _ = stream.shutdown().await;
        let mut out = Vec::new();
        let _ = stream.read_to_end(&mut out).await;
        Some(out)
    };
    match tokio::time::timeout(PER_REQUEST, exchange).await {
        Err(_) => Outcome::TimedOut,
        Ok(None) => Outcome::Closed("no answer".into()),
        Ok(Some(out)) => {
            // The final answer's status, after any `100 Continue`.
            let text = String::from_utf8_lossy(&out);
            let mut statuses = text
                .split("\r\n")
                .filter_map(|line| line.strip_prefix("HTTP/1."))
                .filter_map(|rest| rest.get(2..5)?.parse::<u16>().ok());
            match statuses.find(|s| *s >= 200) {
                Some(status) => {
                    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
                    Outcome::Status(status, body.chars().take(200).collect())
                }
                None => Outcome::Closed("no answer".into()),
            }
        }
    }
}

async fn send(client: &reqwest::Client, base: &str, case: &Case) -> Outcome {
    let addr = base.trim_start_matches("http://");
    let (method, path_and_query, headers, body) = match case {
        Case::Raw(bytes) => return send_raw(addr, bytes).await,
        Case::Http {
            method,
            path_and_query,
            headers,
            body,
        } => (method, path_and_query, headers, body),
    };
    // What no URL type holds (e.g. a 100 KB query) goes out as the same bytes on a socket.
    let Ok(url) = reqwest::Url::parse(&format!("{base}{path_and_query}")) else {
        return send_raw(addr, &case.to_raw()).await;
    };
    let mut request = client.request(method.clone(), url).body(body.clone());
    for (name, value) in headers {
        if let (Ok(n), Ok(v)) = (
            reqwest::header::HeaderName::from_bytes(name.as_bytes()),
            reqwest::header::HeaderValue::from_bytes(value),
        ) {
            request = request.header(n, v);
        }
    }
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            Outcome::Status(status, body.chars().take(200).collect())
        }
        Err(e) if e.is_timeout() => Outcome::TimedOut,
        Err(e) if e.is_builder() => send_raw(addr, &case.to_raw()).await,
        Err(e) => Outcome::Closed(format!("{e:?}")),
    }
}

async fn hammer(base: &str, target: Arc<Target>, cases: u64) -> Tally {
    let client = reqwest::Client::builder()
        .timeout(PER_REQUEST)
        .redirect(reqwest::redirect::Policy::none())
        // Below the server's 5 s keep-alive, so an idle connection is never reused as it closes.
        .pool_idle_timeout(Duration::from_secs(2))
        .build()
        .expect("client");
    // After a 431 on a reused connection the HTTP layer closes the connection without saying
    // `Connection: close`; requests with an oversized head get connections of their own so that
    // cannot reach a pooled connection the other cases use.
    let unpooled = reqwest::Client::builder()
        .timeout(PER_REQUEST)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    let next = Arc::new(AtomicU64::new(0));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let deadline = Instant::now() + WHOLE_RUN;
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..IN_FLIGHT {
        let (client, unpooled, next, tally, target, base) = (
            client.clone(),
            unpooled.clone(),
            next.clone(),
            tally.clone(),
            target.clone(),
            base.to_owned(),
        );
        workers.spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= cases || Instant::now() > deadline {
                    break;
                }
                let (kind, case) = target.case(n);
                let via = if kind == "oversized" || case.head_too_large() {
                    &unpooled
                } else {
                    &client
                };
                let outcome = send(via, &base, &case).await;
                let mut t = tally.lock();
                match outcome {
                    Outcome::Status(status, body) => {
                        *t.statuses.entry((kind, status)).or_default() += 1;
                        if status >= 500 {
                            t.server_errors.push(format!(
                                "case {n} ({kind}) answered {status} {body:?} to {}",
                                case.describe()
                            ));
                        }
                    }
                    Outcome::Closed(why) => {
                        *t.closed.entry(kind).or_default() += 1;
                        t.closed_cases
                            .push(format!("case {n} ({kind}): {} — {why}", case.describe()));
                    }
                    Outcome::TimedOut => t
                        .timeouts
                        .push(format!("case {n} ({kind}): {}", case.describe())),
                }
            }
        });
    }
    while workers.join_next().await.is_some() {}
    assert!(
        Instant::now() <= deadline,
        "the run took longer than {WHOLE_RUN:?}"
    );
    std::mem::take(&mut *tally.lock())
}

async fn run(extra: &[&str], limit: usize, cases: u64) {
    let seed = std::env::var("ROBUSTNESS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let cases = std::env::var("ROBUSTNESS_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(cases);
    let mut sandbox = start(extra).await;
    let client = reqwest::Client::new();
    let doc: Value = client
        .get(format!("{}/__mock/openapi.json", sandbox.url))
        .send()
        .await
        .expect("doc")
        .json()
        .await
        .expect("doc JSON");
    let routes = schema::routes(&doc);
    assert!(
        routes.len() >= 30,
        "the document lists the control routes: {}",
        routes.len()
    );
    let token = client
        .post(format!("{}/v1/token/access", sandbox.url))
        .json(&signed_token_body(APP_ID, APP_KEY, VECTOR_TS, "robustness"))
        .send()
        .await
        .expect("token")
        .json::<Value>()
        .await
        .expect("token JSON")["accessToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    // Deliveries happen for real: the first app's go to the built-in merchant, the second's to a
    // port nobody listens on.
    for (app_id, callback) in [
        (APP_ID, format!("{}/__mock/sink/{APP_ID}", sandbox.url)),
        (QR_APP_ID, "http://127.0.0.1:1/refused".to_owned()),
    ] {
        let r = client
            .patch(format!("{}/__mock/apps/{app_id}", sandbox.url))
            .json(&json!({ "callbackUrl": callback }))
            .send()
            .await
            .expect("patch answers");
        assert_eq!(r.status().as_u16(), 200);
    }
    let target = Arc::new(Target {
        routes,
        token,
        limit,
        seed,
    });
    let started = Instant::now();
    let tally = hammer(&sandbox.url, target, cases).await;
    let took = started.elapsed();
    let answered: u64 = tally.statuses.values().sum();
    let closed: u64 = tally.closed.values().sum();
    println!(
        "{cases} cases (seed {seed:#x}, limit {limit}) in {took:.1?}: {answered} answered, {closed} closed without an answer {:?}, {} timed out",
        tally.closed,
        tally.timeouts.len()
    );
    let mut by_status: BTreeMap<u16, u64> = BTreeMap::new();
    for ((_, status), n) in &tally.statuses {
        *by_status.entry(*status).or_default() += n;
    }
    println!("statuses: {by_status:?}");
    for line in tally.closed_cases.iter().take(30) {
        println!("closed without an answer: {line}");
    }
    assert!(
        tally.server_errors.is_empty(),
        "{} answers were 5xx:\n{}",
        tally.server_errors.len(),
        tally.server_errors.join("\n")
    );
    assert!(
        tally.timeouts.is_empty(),
        "{} requests got no answer within {PER_REQUEST:?}:\n{}",
        tally.timeouts.len(),
        tally.timeouts.join("\n")
    );
    // Only broken framing, floods and oversized bodies may end a connection without an answer.
    for kind in ["control", "token", "business", "huge"] {
        assert_eq!(
            tally.closed.get(kind),
            None,
            "{kind} requests were cut off: {:?}",
            tally.closed
        );
    }
    assert!(
        sandbox.child.try_wait().expect("process state").is_none(),
        "the sandbox process died"
    );
    still_serves(&sandbox.url).await;
    let panics = sandbox.panics.lock().clone();
    assert!(
        panics.is_empty(),
        "the sandbox panicked:\n{}",
        panics.join("\n")
    );
    let _ = sandbox.child.start_kill();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_malformed_requests_get_no_server_error_and_leave_the_sandbox_serving() {
    run(&[], 1024 * 1024, 10_000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_small_body_limit_malformed_and_oversized_requests_still_get_no_server_error() {
    run(&["--max-body-bytes", "2048"], 2048, 2_000).await;
}
