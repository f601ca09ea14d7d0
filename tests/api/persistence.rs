//! The state file with the real binary: a SIGTERM saves everything, a restart restores it and
//! goes on delivering where it stopped; a file it cannot restore stops the start.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::helpers::{
    APP_ID, APP_KEY, MD5_KEY, MID, VECTOR_TS, offsets, outcomes, signed_token_body,
};
use crate::receiver::{Behavior, Receiver};

const BIN: &str = env!("CARGO_BIN_EXE_chinaums-mock");

/// The settings of an in-process sandbox on `state_file` and `port` (0: any), seeded, with
/// one worker and the vectors' frozen clock.
pub(crate) fn state_config(state_file: &Path, port: u16) -> chinaums_mock::Config {
    chinaums_mock::Config {
        port,
        seed: Some(42),
        workers: Some(1),
        clock_start: Some(crate::helpers::vector_time()),
        clock_frozen: true,
        state_file: Some(state_file.to_owned()),
        state_save_interval_secs: 0,
        ..chinaums_mock::Config::default()
    }
}

/// A directory of its own, removed on drop.
pub(crate) struct TempDir(pub(crate) PathBuf);

impl TempDir {
    pub(crate) fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "chinaums-mock-{name}-{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The binary on a free port, seed 42, clock frozen at the vectors' instant, with this JSON
/// state file (given through the environment, as a container would).
fn sandbox(state_file: &Path) -> Command {
    seeded_sandbox(state_file, 42)
}

/// [`sandbox`] with another seed.
pub(crate) fn seeded_sandbox(state_file: &Path, seed: u64) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("CHINAUMS_MOCK_STATE_FILE", state_file)
        .env("CHINAUMS_MOCK_STATE_FORMAT", "json")
        .args(["--port", "0", "--seed", &seed.to_string(), "--workers", "1"])
        .args([
            "--clock-start",
            "2026-11-25T12:00:00+08:00",
            "--clock-frozen",
        ])
        .args(["--state-save-interval-secs", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

/// A running binary and its base URL.
pub(crate) struct Running {
    child: Child,
    url: String,
    client: reqwest::Client,
}

impl Running {
    async fn start(state_file: &Path) -> Running {
        Self::spawn(sandbox(state_file)).await
    }

    /// Starts `cmd` and waits for its `listening` line.
    pub(crate) async fn spawn(mut cmd: Command) -> Running {
        let mut child = cmd.spawn().expect("binary starts");
        let stdout = child.stdout.take().expect("stdout piped");
        let line = tokio::time::timeout(
            Duration::from_secs(30),
            BufReader::new(stdout).lines().next_line(),
        )
        .await
        .expect("listening line within 30 s")
        .expect("readable stdout")
        .expect("a first line");
        let event: Value = serde_json::from_str(&line).expect("listening JSON");
        let url = event["url"].as_str().expect("url").to_owned();
        Running {
            child,
            url,
            client: reqwest::Client::new(),
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value, Option<String>) {
        let resp = request.send().await.expect("request sent");
        let status = resp.status().as_u16();
        let app = resp
            .headers()
            .get("x-chinaums-mock-app-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let text = resp.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::Null),
            app,
        )
    }

    pub(crate) async fn get(&self, path: &str) -> Value {
        let (status, body, _) = self
            .send(self.client.get(format!("{}{path}", self.url)))
            .await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// A gateway call with `OPEN-ACCESS-TOKEN`: (status, answer).
    pub(crate) async fn call_with_token(&self, path: &str, token: &str, body: &Value) -> Value {
        let (status, answer, _) = self
            .send(
                self.client
                    .post(format!("{}{path}", self.url))
                    .header(
                        "authorization",
                        format!("OPEN-ACCESS-TOKEN AccessToken={token}"),
                    )
                    .json(body),
            )
            .await;
        assert_eq!(status, 200, "POST {path}: {answer}");
        answer
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let (status, body, _) = self
            .send(self.client.post(format!("{}{path}", self.url)).json(&body))
            .await;
        (status, body)
    }

    /// SIGTERM, and the exit status.
    pub(crate) async fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().expect("running").to_string();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -TERM works");
        tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("exits within 30 s of SIGTERM")
            .expect("exit status")
    }
}

#[tokio::test]
async fn a_notification_pending_at_shutdown_is_delivered_after_the_restart_with_nothing_lost() {
    let dir = TempDir::new("persist");
    let state_file = dir.0.join("state.json");
    let merchant = Receiver::start(MD5_KEY).await;
    merchant.answer(vec![], Behavior::Status(503));

    let first = Running::start(&state_file).await;
    let (status, _, _) = first
        .send(
            first
                .client
                .patch(format!("{}/__mock/apps/{APP_ID}", first.url))
                .json(&json!({ "callbackUrl": merchant.url() })),
        )
        .await;
    assert_eq!(status, 200);
    let (status, token) = first
        .post(
            "/v1/token/access",
            signed_token_body(APP_ID, APP_KEY, VECTOR_TS, "nonce-1"),
        )
        .await;
    assert_eq!(status, 200, "{token}");
    let token = token["accessToken"].as_str().expect("token").to_owned();
    let (status, opened) = first
        .post("/__mock/payscore/open", json!({ "appId": APP_ID }))
        .await;
    assert_eq!(status, 201, "{opened}");
    let id = opened["notification"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let open_id = opened["authorization"]["openId"]
        .as_str()
        .expect("openId")
        .to_owned();
    merchant.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(
        first
            .post("/__mock/clock/advance", json!({"seconds": 0}))
            .await
            .0,
        200
    );
    let before = first.get(&format!("/__mock/notifications/{id}")).await;
    assert_eq!(outcomes(&before), ["rejected"]);
    assert_eq!(before["nextAttemptAt"], "2026-11-25T12:00:15+08:00");

    let status = first.terminate().await;
    assert!(status.success(), "exit 0 on SIGTERM: {status:?}");
    let saved: Value =
        serde_json::from_slice(&std::fs::read(&state_file).expect("state file written"))
            .expect("state file is JSON");
    assert_eq!(
        (&saved["format"], &saved["version"]),
        (&json!("chinaums-mock-state"), &json!(1))
    );

    merchant.answer(vec![], Behavior::Verify);
    let second = Running::start(&state_file).await;
    let after = second.get(&format!("/__mock/notifications/{id}")).await;
    assert_eq!(after["status"], "pending");
    assert_eq!(
        after["attempts"], before["attempts"],
        "attempts carried over"
    );
    let clock = second.get("/__mock/clock").await;
    assert_eq!(
        (&clock["now"], &clock["frozen"]),
        (&json!("2026-11-25T12:00:00+08:00"), &json!(true))
    );

    let (status, answer, app) = second
        .send(
            second
                .client
                .post(format!("{}/v1/netpay/wx/unified-order", second.url))
                .header(
                    "authorization",
                    format!("OPEN-ACCESS-TOKEN AccessToken={token}"),
                )
                .header("content-type", "application/json")
                .body(format!(r#"{{"mid":"{MID}"}}"#)),
        )
        .await;
    assert_eq!(
        (status, app.as_deref()),
        (200, Some(APP_ID)),
        "token still valid, fixture stub still answering: {answer}"
    );
    let auths = second
        .get(&format!(
            "/__mock/payscore/authorizations?appId={APP_ID}&openId={open_id}"
        ))
        .await;
    assert_eq!(auths["authorizations"][0]["state"], "OPEN", "{auths}");
    assert_eq!(
        auths["authorizations"][0]["history"][0]["notificationId"],
        id.as_str()
    );

    let (status, advanced) = second
        .post("/__mock/clock/advance", json!({"seconds": 60}))
        .await;
    assert_eq!(
        (status, &advanced["attempts"]),
        (200, &json!(1)),
        "{advanced}"
    );
    let delivered = second.get(&format!("/__mock/notifications/{id}")).await;
    assert_eq!(delivered["status"], "delivered");
    assert_eq!(outcomes(&delivered), ["rejected", "delivered"]);
    assert_eq!(
        offsets(&delivered),
        [0, 15],
        "the ladder went on where it stopped"
    );
    let received = merchant.received();
    assert_eq!(received.len(), 2);
    assert!(received.iter().all(|r| r.fields.get("id") == Some(&id)));
    assert_eq!(received[1].sign_valid, Some(true));

    let (_, next) = second
        .post("/__mock/payscore/open", json!({ "appId": APP_ID }))
        .await;
    assert_ne!(
        next["notification"]["id"],
        id.as_str(),
        "ids go on, never repeat"
    );
    assert_ne!(next["authorization"]["openId"], open_id.as_str());
    assert!(second.terminate().await.success());
}

/// Starts the binary on a state file holding `text`; returns (exit code, stdout, stderr).
async fn start_on(text: &str) -> (Option<i32>, String, String, PathBuf, TempDir) {
    let dir = TempDir::new("bad-state");
    let state_file = dir.0.join("state.json");
    std::fs::write(&state_file, text).expect("written");
    let out = tokio::time::timeout(Duration::from_secs(30), sandbox(&state_file).output())
        .await
        .expect("stops within 30 s")
        .expect("binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code(), stdout, stderr, state_file, dir)
}

#[tokio::test]
async fn a_state_file_that_cannot_be_restored_stops_the_start_with_exit_code_2() {
    let cases = [
        (
            r#"{"format": "chinaums-mock-state", "version": 1, "apps": [{"appId""#,
            "is corrupt",
        ),
        (
            r#"{"name": "my-service", "version": "1.0.0"}"#,
            "is not a chinaums-mock state file",
        ),
        (
            r#"{"format": "chinaums-mock-state", "version": 9}"#,
            "newer than this chinaums-mock",
        ),
    ];
    for (text, problem) in cases {
        let (code, stdout, stderr, path, _dir) = start_on(text).await;
        assert_eq!(code, Some(2), "{text}: {stderr}");
        assert!(stdout.is_empty(), "no listening line: {stdout}");
        assert!(stderr.contains(problem), "{text}: {stderr}");
        assert!(
            stderr.contains(&path.display().to_string()),
            "names the file: {stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(&path).expect("still there"),
            text,
            "the file is left as it was"
        );
    }
}

#[tokio::test]
async fn an_attempt_in_flight_at_sigterm_finishes_before_the_state_is_saved() {
    let dir = TempDir::new("persist-drain");
    let state_file = dir.0.join("state.json");
    let merchant = Receiver::start(MD5_KEY).await;
    merchant.answer(vec![], Behavior::Hang);
    let sandbox = Running::start(&state_file).await;
    let (status, _, _) = sandbox
        .send(
            sandbox
                .client
                .patch(format!("{}/__mock/apps/{APP_ID}", sandbox.url))
                .json(&json!({ "callbackUrl": merchant.url(), "notify": {"timeoutMs": 1000} })),
        )
        .await;
    assert_eq!(status, 200);
    let (status, opened) = sandbox
        .post("/__mock/payscore/open", json!({ "appId": APP_ID }))
        .await;
    assert_eq!(status, 201, "{opened}");
    merchant.wait_for(1, Duration::from_secs(10)).await;

    let status = sandbox.terminate().await;
    assert!(status.success(), "exit 0 on SIGTERM: {status:?}");
    let saved: Value =
        serde_json::from_slice(&std::fs::read(&state_file).expect("state file written"))
            .expect("state file is JSON");
    let n = &saved["notifications"]["items"][0];
    assert_eq!(n["id"], opened["notification"]["id"]);
    assert_eq!(
        n["attempts"][0]["outcome"], "timeout",
        "the attempt finished: {n}"
    );
    assert_eq!(
        n["nextAttemptAt"], "2026-11-25T04:00:15Z",
        "and the next one is planned"
    );
}
