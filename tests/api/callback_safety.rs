//! Callbacks that cannot hurt: never into the sandbox's own control API, never to link-local or
//! cloud-metadata addresses unless allowed, HTTPS merchants with their own CA; and
//! notifications that stay bounded per app and per notification.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chinaums_mock::{Application, CallbackResolver, Config};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::orders::{assert_refused, create, shop};
use crate::persistence::TempDir;
use crate::receiver::{Behavior, Receiver};
use crate::tls_receiver::TlsReceiver;

const SINK_APP: &str = "/__mock/sink/10037e6f66f2d0f901672aa27d690006";

/// Asserts a 400 `VALIDATION_FAILED` whose message names `field` and says `why`.
#[track_caller]
fn assert_refused_field(r: &Reply, field: &str, why: &str) {
    r.assert_control(400, "VALIDATION_FAILED");
    let message = r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains(field) && message.contains(why),
        "{message}"
    );
}

#[tokio::test]
async fn a_callback_into_the_sandbox_s_own_control_api_is_refused_wherever_it_is_set() {
    let app = spawn_app().await;
    let reset = app.url("/__mock/reset");
    let patch = app
        .patch_json(
            &format!("/__mock/apps/{APP_ID}"),
            &json!({ "callbackUrl": reset }),
        )
        .await;
    assert_refused_field(&patch, "callbackUrl", "control API");
    let localhost = format!("http://localhost:{}/__mock/apps", app.port);
    let created = app
        .post_json("/__mock/apps", &json!({ "callbackUrl": localhost }))
        .await;
    assert_refused_field(&created, "callbackUrl", "control API");
    let open = app
        .post_json(
            "/__mock/payscore/open",
            &json!({ "appId": APP_ID, "callbackUrl": reset }),
        )
        .await;
    assert_refused_field(&open, "callbackUrl", "control API");
    let conformance = app
        .post_json(
            "/__mock/conformance",
            &json!({ "appId": APP_ID, "callbackUrl": reset }),
        )
        .await;
    assert_refused_field(&conformance, "callbackUrl", "control API");

    // The built-in sink and the gateway are fine as callbacks.
    let sink = app
        .patch_json(
            &format!("/__mock/apps/{APP_ID}"),
            &json!({ "callbackUrl": app.url(SINK_APP) }),
        )
        .await;
    assert_eq!(sink.status, 200, "{}", sink.text);
    let id = app.opened_id(APP_ID).await;
    app.wait_status(&id, "delivered").await;
    let redeliver = app
        .post_json(
            &format!("/__mock/notifications/{id}/redeliver"),
            &json!({ "callbackUrl": reset }),
        )
        .await;
    assert_refused_field(&redeliver, "callbackUrl", "control API");
    assert_eq!(app.get("/__mock/apps").await.status, 200);
}

#[tokio::test]
async fn an_order_whose_notify_url_is_the_control_api_is_refused_naming_notify_url() {
    let shop = shop().await;
    let mut body = create(MID, "1017202611251200000009001", 100);
    body["notifyUrl"] = json!(shop.app.url("/__mock/reset"));
    let r = shop.call("/v1/netpay/wx/unified-order", body).await;
    assert_refused(&r, "BAD_REQUEST");
    assert!(r.text.contains("notifyUrl"), "{}", r.text);
}

/// A free port on 127.0.0.1 (bound, then released).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The test settings, with a state file and a port.
fn with_state(state_file: &std::path::Path, port: u16) -> Config {
    Config {
        port,
        seed: Some(42),
        workers: Some(1),
        clock_start: Some(vector_time()),
        clock_frozen: true,
        state_file: Some(state_file.to_owned()),
        state_save_interval_secs: 0,
        ..Config::default()
    }
}

/// Runs a sandbox for `config`, lets `work` use its base URL, then stops it (saving the state).
async fn run_once<F: Future<Output = ()>>(config: Config, work: impl FnOnce(String) -> F) {
    let server = Application::build(config).await.expect("builds");
    let base = server.url();
    let handle = server.handle();
    let task = tokio::spawn(server.run_until_stopped());
    work(base).await;
    handle.stop(true).await;
    task.await.expect("joined").expect("stopped and saved");
}

async fn patch(base: &str, app_id: &str, body: Value) -> u16 {
    reqwest::Client::new()
        .patch(format!("{base}/__mock/apps/{app_id}"))
        .json(&body)
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

/// Opens an authorisation, lets the attempt happen and returns the notification.
async fn opened_notification(base: &str) -> Value {
    let client = reqwest::Client::new();
    let opened: Value = client
        .post(format!("{base}/__mock/payscore/open"))
        .json(&json!({ "appId": APP_ID }))
        .send()
        .await
        .expect("opened")
        .json()
        .await
        .expect("JSON");
    let id = opened["notification"]["id"].as_str().unwrap_or_default();
    client
        .post(format!("{base}/__mock/clock/advance"))
        .json(&json!({ "seconds": 0 }))
        .send()
        .await
        .expect("advanced by 0");
    client
        .get(format!("{base}/__mock/notifications/{id}"))
        .send()
        .await
        .expect("the notification")
        .json()
        .await
        .expect("JSON")
}

#[tokio::test]
async fn a_callback_that_only_later_points_at_the_control_api_is_blocked_and_resets_nothing() {
    let dir = TempDir::new("callback-self");
    let state = dir.0.join("state.json");
    let later = free_port();
    let reset = format!("http://127.0.0.1:{later}/__mock/reset");
    // Another sandbox's control API when set: accepted.
    run_once(with_state(&state, 0), async |base: String| {
        assert_eq!(
            patch(&base, APP_ID, json!({ "callbackUrl": reset })).await,
            200
        );
    })
    .await;
    // Restored on that very port, the URL is its own control API.
    run_once(with_state(&state, later), async |base: String| {
        let n = opened_notification(&base).await;
        assert_eq!(outcomes(&n), ["blocked"]);
        let error = n["attempts"][0]["error"].as_str().unwrap_or_default();
        assert!(error.contains("control API"), "{error}");
        let app: Value = reqwest::get(format!("{base}/__mock/apps/{APP_ID}"))
            .await
            .expect("the app")
            .json()
            .await
            .expect("JSON");
        assert_eq!(app["callbackUrl"], json!(reset), "nothing was reset");
    })
    .await;
}

/// Resolves every name to 127.0.0.1, but answers nothing to the one lookup after
/// [`Self::blank_next`]: a name whose answer changes between a check and the connection.
#[derive(Clone, Default)]
struct Rebinding {
    blank: Arc<AtomicBool>,
}

impl Rebinding {
    fn blank_next(&self) {
        self.blank.store(true, Ordering::SeqCst);
    }
}

impl Resolve for Rebinding {
    fn resolve(&self, _name: Name) -> Resolving {
        let answer = if self.blank.swap(false, Ordering::SeqCst) {
            Vec::new()
        } else {
            vec![SocketAddr::from(([127, 0, 0, 1], 0))]
        };
        Box::pin(async move { Ok(Box::new(answer.into_iter()) as Addrs) })
    }
}

#[tokio::test]
async fn a_name_that_resolves_to_the_sandbox_only_when_connecting_is_blocked_and_resets_nothing() {
    let names = Rebinding::default();
    let resolver = CallbackResolver::new(names.clone());
    let app = spawn_app_with(|c| {
        c.callback_resolver = Some(resolver);
        // The control API answers the name too (as with `--allow-host` in a container): only
        // the callback rules stand between the delivery and `/__mock/reset`.
        c.allow_hosts = vec!["merchant.test".into()];
    })
    .await;
    let by_name = |path: &str| format!("http://merchant.test:{}{path}", app.port);

    // The built-in sink by a name that resolves to the sandbox: delivered.
    app.set_callback(APP_ID, &by_name(SINK_APP), Value::Null)
        .await;
    let sunk = app.opened_id(APP_ID).await;
    app.wait_status(&sunk, "delivered").await;

    // The control API by that name: accepted where it is set (no lookup there); the lookup
    // before the attempt finds nothing, the connection's own finds the sandbox.
    let reset = by_name("/__mock/reset");
    app.set_callback(APP_ID, &reset, Value::Null).await;
    names.blank_next();
    let id = app.opened_id(APP_ID).await;
    app.settle_in_flight().await;
    let n = app.notification(&id).await;
    assert_eq!(outcomes(&n), ["blocked"], "{n}");
    let attempt = &n["attempts"][0];
    assert_eq!(attempt["httpStatus"], Value::Null);
    let error = attempt["error"].as_str().unwrap_or_default();
    assert!(error.contains("own control API (/__mock/reset)"), "{error}");
    assert!(error.contains("when connecting"), "{error}");

    // Nothing was reset: the app keeps its callback URL, the first notification is still there.
    let apps = app.get(&format!("/__mock/apps/{APP_ID}")).await;
    assert_eq!(apps.json()["callbackUrl"], json!(reset), "{}", apps.text);
    assert_eq!(app.notification(&sunk).await["status"], "delivered");
}

#[tokio::test]
async fn link_local_and_metadata_callbacks_are_refused_unless_the_flag_allows_them() {
    let app = spawn_app().await;
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/notify",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
    ] {
        let r = app
            .patch_json(
                &format!("/__mock/apps/{APP_ID}"),
                &json!({ "callbackUrl": url }),
            )
            .await;
        assert_refused_field(&r, "callbackUrl", "--callback-allow-link-local");
    }
    // Loopback and private ranges stay allowed: merchants run there in CI.
    for url in ["http://127.0.0.1:9/notify", "http://10.0.0.5:9/notify"] {
        let r = app
            .patch_json(
                &format!("/__mock/apps/{APP_ID}"),
                &json!({ "callbackUrl": url }),
            )
            .await;
        assert_eq!(r.status, 200, "{url}: {}", r.text);
    }
    let allowed = spawn_app_with(|c| c.callback_allow_link_local = true).await;
    let r = allowed
        .patch_json(
            &format!("/__mock/apps/{APP_ID}"),
            &json!({ "callbackUrl": "http://169.254.169.254/notify" }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn a_link_local_callback_restored_without_the_flag_is_blocked_before_any_connection() {
    let dir = TempDir::new("callback-link-local");
    let state = dir.0.join("state.json");
    let mut first = with_state(&state, 0);
    first.callback_allow_link_local = true;
    // Set, never used: nothing is sent from this run.
    run_once(first, async |base: String| {
        let url = json!({ "callbackUrl": "http://169.254.169.254/notify" });
        assert_eq!(patch(&base, APP_ID, url).await, 200);
    })
    .await;
    let mut second = with_state(&state, 0);
    // Belt and braces: nothing but loopback could be reached even if the check failed.
    second.callback_allow = vec!["127.0.0.1".into()];
    run_once(second, async |base: String| {
        let n = opened_notification(&base).await;
        assert_eq!(outcomes(&n), ["blocked"]);
        let attempt = &n["attempts"][0];
        assert_eq!(attempt["durationMs"], 0, "no connection was attempted");
        assert_eq!(attempt["httpStatus"], Value::Null);
        let error = attempt["error"].as_str().unwrap_or_default();
        assert!(error.contains("--callback-allow-link-local"), "{error}");
    })
    .await;
}

#[tokio::test]
async fn an_https_merchant_with_its_own_ca_is_reached_only_once_the_ca_file_is_trusted() {
    let merchant = TlsReceiver::start().await;
    let untrusted = spawn_app().await;
    untrusted
        .set_callback(APP_ID, &merchant.url(), Value::Null)
        .await;
    let id = untrusted.opened_id(APP_ID).await;
    untrusted.settle_in_flight().await;
    let n = untrusted.notification(&id).await;
    assert_eq!(outcomes(&n), ["connection_failed"]);
    let error = n["attempts"][0]["error"].as_str().unwrap_or_default();
    assert!(error.to_lowercase().contains("certificate"), "{error}");
    assert_eq!(merchant.served(), 0, "the handshake failed");

    let dir = TempDir::new("callback-ca");
    let ca_file = dir.0.join("merchant-ca.pem");
    std::fs::write(&ca_file, merchant.ca_pem()).expect("written");
    let trusting = spawn_app_with(|c| c.callback_ca_file = Some(ca_file)).await;
    trusting
        .set_callback(APP_ID, &merchant.url(), Value::Null)
        .await;
    let id = trusting.opened_id(APP_ID).await;
    trusting.wait_status(&id, "delivered").await;
    assert_eq!(merchant.served(), 1);
}

#[tokio::test]
async fn a_ca_file_without_a_certificate_stops_the_start_naming_the_flag() {
    let dir = TempDir::new("callback-ca-bad");
    let ca_file = dir.0.join("not-pem.txt");
    std::fs::write(&ca_file, "no certificate here\n").expect("written");
    let config = Config {
        port: 0,
        callback_ca_file: Some(ca_file),
        ..Config::default()
    };
    let error = Application::build(config)
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(error.contains("--callback-ca-file"), "{error}");
}

#[tokio::test]
async fn beyond_the_pending_cap_the_app_s_oldest_pending_notification_is_given_up() {
    // The fixture apps have no callback URL: every notification waits for one.
    let app = spawn_app_with(|c| c.max_pending_per_app = 2).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(app.opened_id(APP_ID).await);
    }
    let oldest = app.notification(&ids[0]).await;
    assert_eq!(oldest["status"], "exhausted");
    assert_eq!(oldest["giveUpReason"], "pending_cap");
    assert_eq!(oldest["awaitingCallbackUrl"], false);
    for id in &ids[1..] {
        assert_eq!(app.notification(id).await["status"], "pending");
    }
    // Another app's notifications are not counted with these.
    let other = app.opened_id(QR_APP_ID).await;
    assert_eq!(app.notification(&other).await["status"], "pending");
    assert_eq!(app.notification(&ids[1]).await["status"], "pending");
}

#[tokio::test]
async fn a_long_ladder_keeps_its_first_and_latest_attempts_and_whole_answers_only_at_its_ends() {
    let receiver = Receiver::start(MD5_KEY).await;
    let answer = "F".repeat(4096);
    receiver.answer(Vec::new(), Behavior::Body(200, answer));
    let app = spawn_app().await;
    let ladder = json!({ "retrySchedule": [1], "giveUpAfterSeconds": 3600 });
    app.set_callback(APP_ID, &receiver.url(), ladder).await;
    let id = app.opened_id(APP_ID).await;
    app.settle_in_flight().await;
    let advanced = app.advance(59.0).await;
    assert_eq!(advanced.json()["attempts"], 59, "{}", advanced.text);
    receiver.wait_for(60, Duration::from_secs(10)).await;

    let n = app.notification(&id).await;
    let attempts = n["attempts"].as_array().cloned().unwrap_or_default();
    assert_eq!(attempts.len(), 50);
    assert_eq!(n["attemptsDropped"], 10);
    let numbers: Vec<u64> = attempts.iter().filter_map(|a| a["n"].as_u64()).collect();
    assert_eq!(numbers[..10], (1..=10).collect::<Vec<_>>()[..]);
    assert_eq!(numbers[10..], (21..=60).collect::<Vec<_>>()[..]);
    let kept: Vec<usize> = attempts
        .iter()
        .map(|a| a["responseBody"].as_str().map_or(0, str::len))
        .collect();
    assert_eq!(kept[0], 4096, "the first answer is kept whole");
    assert!(kept[1..49].iter().all(|len| *len == 128), "{kept:?}");
    assert_eq!(kept[49], 4096, "the latest answer is kept whole");
    assert!(attempts[1..49].iter().all(|a| a["trimmed"] == true));
    assert!(attempts[49].get("trimmed").is_none());
}

#[tokio::test]
async fn the_binary_reads_the_new_flags_from_the_environment() {
    use tokio::io::AsyncBufReadExt;
    let bin = env!("CARGO_BIN_EXE_chinaums-mock");
    let command = || {
        let mut cmd = tokio::process::Command::new(bin);
        cmd.env_clear()
            .args(["--port", "0", "--log-level", "warn"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        cmd
    };
    let bad = command()
        .env("CHINAUMS_MOCK_CALLBACK_CA_FILE", "/nonexistent/ca.pem")
        .output()
        .await
        .expect("runs");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--callback-ca-file"));

    let mut child = command()
        .env("CHINAUMS_MOCK_CALLBACK_ALLOW_LINK_LOCAL", "true")
        .env("CHINAUMS_MOCK_MAX_PENDING_PER_APP", "1")
        .spawn()
        .expect("starts");
    let stdout = child.stdout.take().expect("piped");
    let line = tokio::io::BufReader::new(stdout).lines().next_line().await;
    let event: Value =
        serde_json::from_str(&line.ok().flatten().unwrap_or_default()).expect("the listening line");
    let base = event["url"].as_str().unwrap_or_default().to_owned();
    let link_local = json!({ "callbackUrl": "http://169.254.169.254/notify" });
    assert_eq!(patch(&base, QR_APP_ID, link_local).await, 200);
    let first = opened_notification(&base).await;
    let second = opened_notification(&base).await;
    let first: Value = reqwest::get(format!(
        "{base}/__mock/notifications/{}",
        first["id"].as_str().unwrap_or_default()
    ))
    .await
    .expect("the notification")
    .json()
    .await
    .expect("JSON");
    assert_eq!(first["giveUpReason"], "pending_cap");
    assert_eq!(second["status"], "pending");
}
