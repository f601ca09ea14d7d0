//! The request head limit: up to 32 KiB of request line and headers is served; past it the
//! sandbox answers 431 in the shape of the surface asked, and keeps the connection; past the
//! HTTP layer's own 128 KiB it answers 431 with no body and closes the connection.

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::*;

fn request(path: &str, header_bytes: usize) -> Vec<u8> {
    format!(
        "GET {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nx-padding: {}\r\nconnection: close\r\n\r\n",
        "a".repeat(header_bytes)
    )
    .into_bytes()
}

#[tokio::test]
async fn a_head_up_to_32_kib_is_served_and_a_larger_one_is_answered_431_in_the_surface_s_shape() {
    let app = spawn_app().await;
    let (status, _) = app.raw(&request("/__mock/health", 30 * 1024)).await;
    assert_eq!(status, 200);

    let (status, body) = app.raw(&request("/__mock/health", 33 * 1024)).await;
    assert_eq!(status, 431);
    let body: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(body["error"]["code"], "HEADERS_TOO_LARGE");

    let (status, body) = app.raw(&request("/v1/token/access", 100 * 1024)).await;
    assert_eq!(status, 431);
    let body: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(body["errCode"], "HEADERS_TOO_LARGE");
}

#[tokio::test]
async fn after_a_431_from_the_sandbox_the_connection_still_serves_the_next_request() {
    let app = spawn_app().await;
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", app.port))
        .await
        .expect("connect");
    let big = format!(
        "GET /__mock/health HTTP/1.1\r\nhost: 127.0.0.1\r\nx-padding: {}\r\n\r\n",
        "a".repeat(40 * 1024)
    );
    let small = "GET /__mock/health HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n";
    stream.write_all(big.as_bytes()).await.expect("write");
    stream.write_all(small.as_bytes()).await.expect("write");
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.expect("read");
    let text = String::from_utf8_lossy(&out);
    let statuses: Vec<&str> = text
        .match_indices("HTTP/1.1 ")
        .map(|(i, m)| &text[i + m.len()..i + m.len() + 3])
        .collect();
    assert_eq!(statuses, ["431", "200"], "{text}");
}

#[tokio::test]
async fn past_128_kib_the_http_layer_answers_431_without_a_body_or_resets_the_connection() {
    let app = spawn_app().await;
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", app.port))
        .await
        .expect("connect");
    // The server stops reading at its limit: the rest of the write may fail.
    let _ = stream
        .write_all(&request("/v1/token/access", 200 * 1024))
        .await;
    let mut out = Vec::new();
    let read = stream.read_to_end(&mut out).await;
    let text = String::from_utf8_lossy(&out);
    match read {
        Ok(_) => {
            assert!(text.starts_with("HTTP/1.1 431"), "{text}");
            assert!(text.ends_with("\r\n\r\n"), "no body: {text}");
        }
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
    }
    assert_eq!(app.get("/__mock/health").await.status, 200);
}
