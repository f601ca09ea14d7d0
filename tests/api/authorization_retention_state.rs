//! The authorisation bound across the state file and from the command line: the order in which
//! authorisations are dropped and the dropped count survive a restart, and an older file is
//! restored within the bound.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use chinaums_mock::{AppHandle, Application, Config, StateFormat};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::helpers::{APP_ID, vector_time};

/// A file path of its own under the system's temporary directory, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str) -> Self {
        Self(std::env::temp_dir().join(format!(
            "chinaums-mock-auth-{name}-{}-{}.json",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        )))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A sandbox in this process with a state file (saved only when it stops).
struct Sandbox {
    base: String,
    client: reqwest::Client,
    handle: AppHandle,
    run: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Sandbox {
    async fn start(state_file: &Path, retention: usize) -> Sandbox {
        let config = Config {
            port: 0,
            seed: Some(42),
            workers: Some(1),
            clock_start: Some(vector_time()),
            clock_frozen: true,
            state_file: Some(state_file.to_owned()),
            state_format: StateFormat::Json,
            state_save_interval_secs: 0,
            authorization_retention: retention,
            ..Config::default()
        };
        let app = Application::build(config).await.expect("sandbox builds");
        Sandbox {
            base: app.url(),
            client: reqwest::Client::new(),
            handle: app.handle(),
            run: tokio::spawn(app.run_until_stopped()),
        }
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let r = self
            .client
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .expect("request sent");
        assert_eq!(r.status(), 201, "POST {path}");
        r.json().await.expect("JSON")
    }

    async fn open(&self, open_id: &str) {
        let body = json!({ "appId": APP_ID, "openId": open_id });
        self.post("/__mock/payscore/open", body).await;
    }

    async fn close(&self, open_id: &str) {
        let body = json!({ "appId": APP_ID, "openId": open_id });
        self.post("/__mock/payscore/close", body).await;
    }

    async fn list(&self) -> Value {
        let url = format!("{}/__mock/payscore/authorizations", self.base);
        let r = self.client.get(url).send().await.expect("request sent");
        r.json().await.expect("JSON")
    }

    /// openIds kept, in list order, and the dropped count.
    async fn kept(&self) -> (Vec<String>, u64) {
        let list = self.list().await;
        (
            open_ids(&list["authorizations"]),
            list["dropped"].as_u64().expect("count"),
        )
    }

    /// Stops, which saves the state file.
    async fn stop(self) {
        self.handle.stop(true).await;
        let saved = self.run.await.expect("server task");
        assert!(saved.is_ok(), "stopped and saved: {saved:?}");
    }
}

fn open_ids(list: &Value) -> Vec<String> {
    let all = list.as_array().expect("a list of authorisations");
    all.iter()
        .map(|a| a["openId"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn a_restart_keeps_the_bound_the_order_of_last_change_and_the_dropped_count() {
    let file = TempFile::new("round-trip");
    let first = Sandbox::start(&file.0, 3).await;
    for user in ["u3", "u1", "u4", "u2"] {
        first.open(user).await;
    }
    first.close("u1").await;
    assert_eq!(
        first.kept().await,
        (vec!["u1".into(), "u2".into(), "u4".into()], 1)
    );
    first.stop().await;

    let saved: Value = serde_json::from_slice(&std::fs::read(&file.0).expect("state file written"))
        .expect("state file JSON");
    assert_eq!(
        open_ids(&saved["authorizations"]),
        ["u4", "u2", "u1"],
        "least recently changed first"
    );
    assert_eq!(saved["authorizationsDropped"], 1);

    let second = Sandbox::start(&file.0, 3).await;
    assert_eq!(
        second.kept().await,
        (vec!["u1".into(), "u2".into(), "u4".into()], 1)
    );
    second.open("u5").await;
    assert_eq!(
        second.kept().await,
        (vec!["u2".into(), "u4".into(), "u5".into()], 2),
        "the closed u1 goes first, as before the restart"
    );
    second.open("u6").await;
    assert_eq!(
        second.kept().await,
        (vec!["u2".into(), "u5".into(), "u6".into()], 3),
        "then u4, opened before u2"
    );
    second.stop().await;
}

#[tokio::test]
async fn a_restart_with_a_smaller_bound_drops_the_excess_at_once() {
    let file = TempFile::new("smaller");
    let first = Sandbox::start(&file.0, 10).await;
    for user in ["u1", "u2", "u3", "u4"] {
        first.open(user).await;
    }
    first.close("u3").await;
    first.stop().await;

    let second = Sandbox::start(&file.0, 2).await;
    assert_eq!(second.kept().await, (vec!["u2".into(), "u4".into()], 2));
    second.stop().await;
}

#[tokio::test]
async fn a_state_file_without_the_dropped_count_restores_by_time_of_last_change() {
    let file = TempFile::new("older");
    let auth = |open_id: &str, state: &str, at: &str| {
        json!({
            "appId": APP_ID, "openId": open_id, "subOpenId": "s", "authorizationCode": "c",
            "state": state, "history": [{ "state": state, "at": at, "notificationId": null }],
        })
    };
    // Listed by openId, as files were written before authorisations were bounded.
    let older = json!({
        "format": "chinaums-mock-state",
        "version": 1,
        "authorizations": [
            auth("a", "OPEN", "2026-11-25T12:00:03+08:00"),
            auth("b", "OPEN", "2026-11-25T12:00:01+08:00"),
            auth("c", "CLOSED", "2026-11-25T12:00:04+08:00"),
            auth("d", "OPEN", "2026-11-25T12:00:02+08:00"),
        ],
    });
    std::fs::write(&file.0, older.to_string()).expect("written");

    let sandbox = Sandbox::start(&file.0, 2).await;
    assert_eq!(
        sandbox.kept().await,
        (vec!["a".into(), "d".into()], 2),
        "closed c first, then b, the oldest open"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn the_binary_reads_the_bound_from_its_environment() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chinaums-mock"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("CHINAUMS_MOCK_AUTHORIZATION_RETENTION", "1")
        .args(["--port", "0", "--seed", "42", "--workers", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("stdout piped");
    let line = tokio::time::timeout(
        Duration::from_secs(30),
        BufReader::new(stdout).lines().next_line(),
    )
    .await
    .expect("listening line within 30 s")
    .expect("readable stdout")
    .expect("a first line");
    let listening: Value = serde_json::from_str(&line).expect("listening JSON");
    let control = listening["control"].as_str().expect("control URL");
    let client = reqwest::Client::new();
    for user in ["u1", "u2"] {
        let r = client
            .post(format!("{control}/payscore/open"))
            .json(&json!({ "appId": APP_ID, "openId": user }))
            .send()
            .await
            .expect("open sent");
        assert_eq!(r.status(), 201);
    }
    let list: Value = client
        .get(format!("{control}/payscore/authorizations"))
        .send()
        .await
        .expect("list sent")
        .json()
        .await
        .expect("JSON");
    assert_eq!(open_ids(&list["authorizations"]), ["u2"]);
    assert_eq!(list["dropped"], 1);
}
