//! `--body-timeout-ms`: a body that stops arriving is answered 408 and its connection closed.

use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::*;

/// The limit the tests run with: short, so that they stay short.
const LIMIT_MS: u64 = 300;

async fn spawn_with_short_limit() -> TestApp {
    spawn_app_with(|c| c.body_timeout_ms = LIMIT_MS).await
}

/// What the sandbox answered to a request that sent `start` and then nothing more (the
/// connection left open), and how long it took to answer and close the connection.
struct Stalled {
    status: u16,
    head: String,
    body: Value,
    took: Duration,
}

async fn stall(app: &TestApp, start: &str) -> Stalled {
    let started = Instant::now();
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", app.port))
        .await
        .expect("connect");
    stream.write_all(start.as_bytes()).await.expect("write");
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut out))
        .await
        .expect("the sandbox closes the connection within 10 s")
        .expect("read");
    let took = started.elapsed();
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Stalled {
        status,
        head: head.to_ascii_lowercase(),
        body: serde_json::from_str(body).unwrap_or(Value::Null),
        took,
    }
}

#[track_caller]
fn assert_answered_in_time_and_closed(r: &Stalled) {
    assert!(r.took >= Duration::from_millis(LIMIT_MS), "{:?}", r.took);
    assert!(r.took < Duration::from_secs(5), "{:?}", r.took);
    assert!(r.head.contains("connection: close"), "{}", r.head);
}

#[tokio::test]
async fn a_token_request_whose_body_stops_arriving_is_answered_408_in_the_token_shape() {
    let app = spawn_with_short_limit().await;
    let r = stall(
        &app,
        "POST /v1/token/access HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: 200\r\n\r\n{\"appId\":",
    )
    .await;
    assert_eq!(r.status, 408, "{}", r.head);
    assert_eq!(r.body["errCode"], "1012", "{}", r.body);
    assert!(
        r.body["errInfo"]
            .as_str()
            .is_some_and(|m| m.contains("300"))
    );
    assert_answered_in_time_and_closed(&r);
    assert_eq!(app.token_request(APP_ID, APP_KEY).await.status, 200);
}

#[tokio::test]
async fn a_business_call_whose_chunked_body_stops_arriving_is_answered_408_in_the_gateway_shape() {
    let app = spawn_with_short_limit().await;
    let r = stall(
        &app,
        "POST /v1/netpay/wx/unified-order HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"mid\r\n",
    )
    .await;
    assert_eq!(r.status, 408, "{}", r.head);
    assert_eq!(r.body["errCode"], "REQUEST_TIMEOUT", "{}", r.body);
    assert_answered_in_time_and_closed(&r);
}

#[tokio::test]
async fn a_control_request_whose_body_stops_arriving_is_answered_408_in_the_control_shape() {
    let app = spawn_with_short_limit().await;
    for framing in [
        "Content-Length: 100\r\n\r\n{\"appId\"",
        "Transfer-Encoding: chunked\r\n\r\n8\r\n{\"appId\"\r\n",
    ] {
        let r = stall(
            &app,
            &format!(
                "POST /__mock/apps HTTP/1.1\r\nHost: 127.0.0.1\r\n\
                 Content-Type: application/json\r\n{framing}"
            ),
        )
        .await;
        assert_eq!(r.status, 408, "{framing}: {}", r.head);
        assert_eq!(r.body["error"]["code"], "BODY_TIMEOUT", "{}", r.body);
        assert!(
            r.body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("--body-timeout-ms")),
            "{}",
            r.body
        );
        assert_answered_in_time_and_closed(&r);
    }
}

#[tokio::test]
async fn a_body_that_nobody_reads_closes_its_connection_after_the_answer() {
    let app = spawn_with_short_limit().await;
    // Health reads no body: it answers at once, and a chunked body that never ends must not
    // keep the connection open behind the answer.
    let r = stall(
        &app,
        "GET /__mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.head);
    assert!(r.took < Duration::from_secs(5), "{:?}", r.took);
    assert!(r.head.contains("connection: close"), "{}", r.head);
}
