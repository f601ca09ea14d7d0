//! The sandbox under attack: the real binary in its own process, its stderr watched for panics.

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use chinaums_mock::protocol::timefmt::format_compact;
use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::helpers::signed_token_body;

const BIN: &str = env!("CARGO_BIN_EXE_chinaums-mock");

pub struct Sandbox {
    pub child: Child,
    pub url: String,
    pub panics: Arc<Mutex<Vec<String>>>,
}

pub async fn start(extra: &[&str]) -> Sandbox {
    let mut child = Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .args([
            "--port",
            "0",
            "--seed",
            "42",
            "--workers",
            "2",
            "--log-level",
            "warn",
        ])
        .args([
            "--clock-start",
            "2026-11-25T12:00:00+08:00",
            "--clock-frozen",
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("stdout piped");
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("listening line within 30 s")
        .expect("readable stdout")
        .expect("a first line");
    let event: Value = serde_json::from_str(&line).expect("listening line is JSON");
    let url = event["url"].as_str().expect("url").to_owned();
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let panics = Arc::new(Mutex::new(Vec::new()));
    let seen = panics.clone();
    let stderr = child.stderr.take().expect("stderr piped");
    tokio::spawn(async move {
        let mut lines = BufReader::new(stderr).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains("panicked") {
                seen.lock().push(line);
            }
        }
    });
    Sandbox { child, url, panics }
}

/// The sandbox still works: health, and a token for a new app at the sandbox's current time.
pub async fn still_serves(base: &str) {
    let client = reqwest::Client::new();
    let health = client
        .get(format!("{base}/__mock/health"))
        .send()
        .await
        .expect("health answers");
    assert_eq!(health.status().as_u16(), 200);
    let created = client
        .post(format!("{base}/__mock/apps"))
        .json(&json!({ "appKey": "afterthestorm" }))
        .send()
        .await
        .expect("apps answers");
    let status = created.status().as_u16();
    let created: Value = created.json().await.unwrap_or_default();
    assert_eq!(status, 201, "{created}");
    let app_id = created["appId"].as_str().unwrap_or_default();
    let clock: Value = client
        .get(format!("{base}/__mock/clock"))
        .send()
        .await
        .expect("clock")
        .json()
        .await
        .expect("clock JSON");
    let now = DateTime::parse_from_rfc3339(clock["now"].as_str().unwrap_or_default())
        .map(|t| t.with_timezone(&Utc))
        .expect("clock time");
    let body = signed_token_body(app_id, "afterthestorm", &format_compact(now), "after");
    let token = client
        .post(format!("{base}/v1/token/access"))
        .json(&body)
        .send()
        .await
        .expect("token answers");
    let status = token.status().as_u16();
    let text = token.text().await.unwrap_or_default();
    assert_eq!(status, 200, "{text}");
}
