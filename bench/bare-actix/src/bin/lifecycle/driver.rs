//! The netpay lifecycle, driven: each run of it creates an order through the gateway
//! (`POST /v1/netpay/wx/unified-order`, `OPEN-ACCESS-TOKEN`), pays it as the payer
//! (`POST /__mock/orders/{merOrderId}/pay`), waits for the payment notification at the
//! driver's own keep-alive sink (the order's `notifyUrl`), queries it (`POST /v1/netpay/query`,
//! answered `TRADE_SUCCESS`) and refunds part of it (`POST /v1/netpay/refund`): five HTTP round
//! trips, four made by the driver and one by the server.
//!
//! Against the bare actix-web reference the driver makes the same five round trips itself, in
//! the same order, to the same paths: the notification becomes a POST of a form body of the
//! payment notice's size.
//!
//! This file and `http.rs` are also compiled into the sandbox's integration tests
//! (`tests/api/bench_lifecycle.rs`), which run them briefly, so they build with both packages'
//! dependencies: `actix-web`, `reqwest`, `serde_json` and `tokio` only.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

// Imported so that they sort the same in the 2021 and 2024 style editions: this file is
// formatted with both packages.
use actix_web::web;
use actix_web::{App, HttpResponse, HttpServer};
use serde_json::json;
use tokio::sync::oneshot;

use super::http::Conn;

/// The fixture app's merchant number (the app whose token the driver is given).
const MID: &str = "898201612345678";
/// How long a lifecycle waits for its notification before it counts as lost.
const NOTIFY_TIMEOUT: Duration = Duration::from_secs(10);
/// HTTP round trips per lifecycle, the notification included.
pub const ROUND_TRIPS: usize = 5;

/// The server driven.
#[derive(Debug, Clone)]
pub struct Target {
    /// Its base URL, e.g. `http://127.0.0.1:8080`.
    pub base: String,
    /// The `Authorization` header of the gateway calls.
    pub authorization: String,
    /// The bare reference: the driver makes the notification's round trip itself.
    pub bare: bool,
}

/// How long, and how many lifecycles at a time.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    /// Seconds during which new lifecycles start.
    pub seconds: f64,
    /// Lifecycles in flight at once.
    pub concurrency: usize,
}

/// Notification waiters by merOrderId.
type Waiters = Arc<Mutex<HashMap<String, oneshot::Sender<Instant>>>>;

fn client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| e.to_string())
}

/// A number no earlier run against the same server used: the time, then a counter.
fn numbers() -> impl Fn(usize) -> String {
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() % 10_000_000_000)
        .unwrap_or_default();
    move |i| format!("3194{run:010}{i:08}")
}

/// The merOrderId of a form-encoded notification, e.g. `…&merOrderId=3194…&…`.
fn mer_order_id(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&')
        .find_map(|pair| pair.strip_prefix("merOrderId="))
        .map(str::to_owned)
}

async fn receive(waiters: web::Data<Waiters>, body: web::Bytes) -> HttpResponse {
    let at = Instant::now();
    if let Some(number) = mer_order_id(&body) {
        let waiter = waiters
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&number);
        if let Some(tx) = waiter {
            let _ = tx.send(at);
        }
    }
    HttpResponse::Ok()
        .content_type("text/plain")
        .body("SUCCESS")
}

/// The merchant's callback: answers `SUCCESS` and wakes the lifecycle the notification is for.
/// Answers its URL and a handle that stops it.
fn sink(waiters: Waiters) -> Result<(String, actix_web::dev::ServerHandle), String> {
    let data = web::Data::new(waiters);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .default_service(web::post().to(receive))
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .map_err(|e| e.to_string())?;
    let url = format!("http://{}/notify", server.addrs()[0]);
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    Ok((url, handle))
}

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

/// One POST of `body` (of `content_type`), answered 200 with `expect` in the body, or why not.
async fn post(
    conn: &mut Conn,
    path: &str,
    authorization: Option<&str>,
    (content_type, body): (&str, String),
    expect: &str,
) -> Result<(), String> {
    let answer = conn
        .post(path, authorization, content_type, body.as_bytes())
        .await
        .map_err(|e| format!("{path}: {e}"))?;
    if answer.status != 200 || !answer.contains(expect) {
        let text = String::from_utf8_lossy(&answer.body);
        return Err(format!(
            "{path} answered {} without {expect}: {text}",
            answer.status
        ));
    }
    Ok(())
}

/// A mini-program order of 1.00 yuan; without `notifyUrl` its notification goes to the app's
/// callback URL.
fn create_body(number: &str, notify_url: Option<&str>) -> String {
    let mut body = json!({
        "requestTimestamp": "2026-11-25 12:00:00", "merOrderId": number, "mid": MID,
        "tid": "88880001", "instMid": "MINIDEFAULT", "totalAmount": 100,
        "subAppId": "wx1234567890abcdef", "subOpenId": "oMXJN5fYT4VCfmUQP8nl9oCHXQhM",
        "tradeType": "MINI",
    });
    if let Some(url) = notify_url {
        body["notifyUrl"] = json!(url);
    }
    body.to_string()
}

fn about_body(number: &str, refund: bool) -> String {
    let mut body = json!({
        "requestTimestamp": "2026-11-25 12:00:05", "mid": MID, "tid": "88880001",
        "instMid": "MINIDEFAULT", "merOrderId": number,
    });
    if refund {
        body["refundOrderId"] = json!(format!("{number}R"));
        body["refundAmount"] = json!(30);
    }
    body.to_string()
}

/// A form body of the size of the sandbox's payment notice, for the bare reference.
fn notice_body(number: &str) -> String {
    let mut body = format!("mid={MID}&tid=88880001&instMid=MINIDEFAULT&merOrderId={number}");
    while body.len() < 1000 {
        body.push_str("&field=0123456789abcdef");
    }
    body
}

/// What one lifecycle took: all of it, and from sending the payment to the notification's
/// arrival (which often comes before the payment's answer).
struct Timing {
    total: Duration,
    notify: Option<Duration>,
}

async fn lifecycle(
    conn: &mut Conn,
    target: &Target,
    number: &str,
    sink: Option<(&str, &Waiters)>,
) -> Result<Timing, String> {
    let started = Instant::now();
    let auth = Some(target.authorization.as_str());
    // The bare reference answers the same fixed JSON everywhere: its `errCode` is all there is
    // to check.
    let paid_state = if target.bare {
        "SUCCESS"
    } else {
        "TRADE_SUCCESS"
    };
    let arrival = sink.map(|(_, waiters)| {
        let (tx, rx) = oneshot::channel();
        let mut waiting = waiters.lock().unwrap_or_else(PoisonError::into_inner);
        waiting.insert(number.to_owned(), tx);
        rx
    });
    let create = (JSON, create_body(number, sink.map(|(url, _)| url)));
    let path = "/v1/netpay/wx/unified-order";
    post(conn, path, auth, create, "\"errCode\":\"SUCCESS\"").await?;
    let paying = Instant::now();
    let path = format!("/__mock/orders/{number}/pay");
    post(conn, &path, None, (JSON, "{}".into()), paid_state).await?;
    let notify = match arrival {
        Some(rx) => {
            let at = tokio::time::timeout(NOTIFY_TIMEOUT, rx)
                .await
                .map_err(|_| format!("no notification for {number} within 10 s"))?
                .map_err(|_| "the sink stopped".to_owned())?;
            Some(at.saturating_duration_since(paying))
        }
        None => {
            let notice = (FORM, notice_body(number));
            post(conn, "/notify", None, notice, "SUCCESS").await?;
            None
        }
    };
    let query = (JSON, about_body(number, false));
    post(conn, "/v1/netpay/query", auth, query, paid_state).await?;
    let refund = (JSON, about_body(number, true));
    let path = "/v1/netpay/refund";
    post(conn, path, auth, refund, "\"errCode\":\"SUCCESS\"").await?;
    Ok(Timing {
        total: started.elapsed(),
        notify,
    })
}

fn percentile(sorted: &[f64], p: f64) -> serde_json::Value {
    if sorted.is_empty() {
        return serde_json::Value::Null;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    json!(sorted[rank.clamp(1, sorted.len()) - 1])
}

fn ms(durations: impl Iterator<Item = Duration>) -> Vec<f64> {
    let mut all: Vec<f64> = durations.map(|d| d.as_secs_f64() * 1000.0).collect();
    all.sort_by(f64::total_cmp);
    all
}

/// Runs lifecycles from `concurrency` workers for `seconds`; answers the count, the rate and
/// the latencies as JSON.
pub async fn lifecycles(target: &Target, load: Load) -> Result<serde_json::Value, String> {
    let waiters: Waiters = Arc::default();
    let sink = if target.bare {
        None
    } else {
        Some(sink(waiters.clone())?)
    };
    let number = Arc::new(numbers());
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(load.seconds);
    let mut workers = Vec::new();
    for _ in 0..load.concurrency.max(1) {
        let (target, waiters) = (target.clone(), waiters.clone());
        let (number, next) = (number.clone(), next.clone());
        let sink_url = sink.as_ref().map(|(url, _)| url.clone());
        let mut conn = Conn::new(&target.base)?;
        workers.push(tokio::spawn(async move {
            let mut timings = Vec::new();
            while Instant::now() < deadline {
                let n = number(next.fetch_add(1, Ordering::Relaxed));
                let sink = sink_url.as_deref().map(|url| (url, &waiters));
                timings.push(lifecycle(&mut conn, &target, &n, sink).await?);
            }
            Ok::<_, String>(timings)
        }));
    }
    let mut timings = Vec::new();
    for worker in workers {
        timings.extend(worker.await.map_err(|e| e.to_string())??);
    }
    let seconds = started.elapsed().as_secs_f64();
    if let Some((_, handle)) = sink {
        handle.stop(true).await;
    }
    let total = ms(timings.iter().map(|t| t.total));
    let notify = ms(timings.iter().filter_map(|t| t.notify));
    Ok(json!({
        "mode": if target.bare { "bare" } else { "sandbox" },
        "roundTripsPerLifecycle": ROUND_TRIPS,
        "concurrency": load.concurrency,
        "seconds": seconds,
        "lifecycles": timings.len(),
        "lifecyclesPerSec": timings.len() as f64 / seconds,
        "p50Ms": percentile(&total, 50.0),
        "p99Ms": percentile(&total, 99.0),
        "notifyP50Ms": percentile(&notify, 50.0),
        "notifyP99Ms": percentile(&notify, 99.0),
    }))
}

/// Creates and pays `n` orders from `concurrency` workers (their notifications go to the app's
/// callback URL), then waits until no notification is pending; answers the times as JSON.
pub async fn orders(
    target: &Target,
    n: usize,
    concurrency: usize,
) -> Result<serde_json::Value, String> {
    let http = client()?;
    let number = Arc::new(numbers());
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency.max(1) {
        let auth = target.authorization.clone();
        let (number, next) = (number.clone(), next.clone());
        let mut conn = Conn::new(&target.base)?;
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return Ok::<_, String>(());
                }
                let n = number(i);
                let create = (JSON, create_body(&n, None));
                let path = "/v1/netpay/wx/unified-order";
                post(&mut conn, path, Some(&auth), create, "SUCCESS").await?;
                let path = format!("/__mock/orders/{n}/pay");
                post(&mut conn, &path, None, (JSON, "{}".into()), "TRADE_SUCCESS").await?;
            }
        }));
    }
    for worker in workers {
        worker.await.map_err(|e| e.to_string())??;
    }
    let requests = started.elapsed().as_secs_f64();
    let pending = format!(
        "{}/__mock/notifications?status=pending&limit=1",
        target.base
    );
    loop {
        let answer = http.get(&pending).send().await.map_err(|e| e.to_string())?;
        let list: serde_json::Value = answer.json().await.map_err(|e| e.to_string())?;
        if list["notifications"].as_array().is_some_and(Vec::is_empty) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let settled = started.elapsed().as_secs_f64();
    Ok(json!({
        "orders": n,
        "concurrency": concurrency,
        "requestsSecs": requests,
        "ordersPerSec": n as f64 / requests,
        "allSettledSecs": settled,
    }))
}
