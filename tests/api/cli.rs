//! The client verbs of the binary: `scenario run`, `trigger`, `sign`, `health`, `conformance`;
//! `clock` in `cli/clock.rs`, `order` and `bill` in `cli/order.rs`.

use std::process::{Output, Stdio};

use serde_json::Value;
use tokio::process::Command;

use crate::helpers::{APP_ID, spawn_app, vectors};

mod clock;
mod order;

const BIN: &str = env!("CARGO_BIN_EXE_chinaums-mock");

fn fixture(name: &str) -> String {
    format!(
        "{}/fixtures/scenarios/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

async fn cli(args: &[&str]) -> Output {
    Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .args(args)
        .stdin(Stdio::null())
        .output()
        .await
        .expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json_out(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is JSON ({e}): {}{}", stdout(o), stderr(o)))
}

/// `chinaums-mock <group> <verb…> --server <base>`.
async fn verb(base: &str, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--server", base]);
    cli(&all).await
}

/// The JSON a verb printed, once it exited 0.
#[track_caller]
fn printed(out: &Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    json_out(out)
}

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("chinaums-mock-{}-{name}", std::process::id()));
    std::fs::write(&path, text).expect("temp file written");
    path
}

#[tokio::test]
async fn scenario_run_of_a_fixture_file_in_its_own_sandbox_exits_0() {
    let out = cli(&["scenario", "run", &fixture("merchant-down-three-hours")]).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(
        text.starts_with("scenario merchant-down-three-hours: PASSED"),
        "{text}"
    );
    assert!(
        text.contains("advance — three hours pass  (+10800 s sandbox"),
        "{text}"
    );
}

#[tokio::test]
async fn a_built_in_scenario_runs_by_name_and_prints_json_on_request() {
    let out = cli(&["scenario", "run", "revoke-and-reauthorise", "--json"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json_out(&out);
    assert_eq!(report["passed"], true);
    assert_eq!(report["name"], "revoke-and-reauthorise");
}

#[tokio::test]
async fn a_failing_scenario_exits_1_and_prints_the_failure() {
    let file = temp_file(
        "broken.json",
        r#"{"name":"broken","steps":[
            {"kind":"createApp","as":"shop"},
            {"kind":"expectDeliveries","app":"shop","count":2},
            {"kind":"advance","seconds":1}
        ]}"#,
    );
    let out = cli(&["scenario", "run", &file.to_string_lossy()]).await;
    let _ = std::fs::remove_file(&file);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("scenario broken: FAILED"), "{text}");
    assert!(text.contains("[FAIL]  1 expectDeliveries"), "{text}");
    assert!(text.contains("[skip]  2 advance"), "{text}");
    assert!(
        text.contains(
            "first failure: steps[1] (expectDeliveries): expected 2 delivery attempts for app"
        ),
        "{text}"
    );
}

#[tokio::test]
async fn an_invalid_or_missing_scenario_file_exits_2() {
    let file = temp_file(
        "invalid.json",
        r#"{"name":"x","steps":[{"kind":"advance"}]}"#,
    );
    let out = cli(&["scenario", "run", &file.to_string_lossy()]).await;
    let _ = std::fs::remove_file(&file);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("steps[0]: advance: missing field seconds"),
        "{}",
        stderr(&out)
    );
    let out = cli(&["scenario", "run", "/nonexistent/scenario.json"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read scenario file"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn scenario_run_with_server_runs_against_that_sandbox() {
    let app = spawn_app().await;
    let out = cli(&[
        "scenario",
        "run",
        &fixture("happy-open-close"),
        "--server",
        &app.base,
        "--json",
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json_out(&out);
    assert_eq!(report["sandboxStart"], "2026-11-25T12:00:00+08:00");
    let run_clock = report["clock"].as_str().unwrap_or_default();
    assert!(
        run_clock.starts_with("clk_"),
        "a clock of its own: {report}"
    );
    let default = app.get("/__mock/clock").await.json();
    assert_eq!(
        default["now"], "2026-11-25T12:00:00+08:00",
        "the default clock stays"
    );
    let app_id = report["steps"][0]["output"]["appId"]
        .as_str()
        .unwrap_or_default();
    let created = app.get(&format!("/__mock/apps/{app_id}")).await;
    assert_eq!(
        created.status, 200,
        "the scenario's app lives in the test's sandbox"
    );
}

#[tokio::test]
async fn scenario_run_against_an_unreachable_server_exits_2() {
    let port = closed_port();
    let url = format!("http://127.0.0.1:{port}");
    let out = cli(&["scenario", "run", "happy-open-close", "--server", &url]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot reach the sandbox"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn trigger_open_and_close_print_the_sandbox_answer() {
    let app = spawn_app().await;
    let out = cli(&[
        "trigger",
        "open",
        "--app",
        APP_ID,
        "--open-id",
        "oCliUser",
        "--server",
        &app.base,
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let opened = json_out(&out);
    assert_eq!(opened["authorization"]["state"], "OPEN");
    assert_eq!(opened["authorization"]["openId"], "oCliUser");
    assert!(
        opened["notification"]["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("EV-"))
    );
    let out = cli(&["trigger", "close", "--app", APP_ID, "--server", &app.base]).await;
    assert_eq!(out.status.code(), Some(2), "close needs --open-id");
    let out = cli(&[
        "trigger",
        "close",
        "--app",
        APP_ID,
        "--open-id",
        "oCliUser",
        "--server",
        &app.base,
    ])
    .await;
    assert_eq!(json_out(&out)["authorization"]["state"], "CLOSED");
    let out = cli(&[
        "trigger",
        "close",
        "--app",
        APP_ID,
        "--open-id",
        "oCliUser",
        "--server",
        &app.base,
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_out(&out)["error"]["code"], "AUTHORIZATION_NOT_OPEN");
}

#[tokio::test]
async fn the_server_comes_from_the_environment_when_not_given() {
    let app = spawn_app().await;
    let out = Command::new(BIN)
        .env_clear()
        .env("CHINAUMS_MOCK_PORT", app.port.to_string())
        .args(["trigger", "open", "--app", APP_ID])
        .output()
        .await
        .expect("binary runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = Command::new(BIN)
        .env_clear()
        .env("CHINAUMS_MOCK_PORT", "1")
        .env("CHINAUMS_MOCK_SERVER", &app.base)
        .args(["health"])
        .output()
        .await
        .expect("binary runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[tokio::test]
async fn sign_token_reproduces_both_reference_vectors() {
    let v = vectors();
    let key = v["credentials"]["appKey"].as_str().unwrap_or_default();
    for case in v["token"].as_array().cloned().unwrap_or_default() {
        let s = |k: &str| case[k].as_str().unwrap_or_default().to_owned();
        let out = cli(&[
            "sign",
            "token",
            "--app-id",
            &s("appId"),
            "--app-key",
            key,
            "--timestamp",
            &s("timestamp"),
            "--nonce",
            &s("nonce"),
            "--sign-method",
            &s("signMethod"),
        ])
        .await;
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let signed = json_out(&out);
        assert_eq!(signed["signature"], case["signature"]);
        assert_eq!(signed["request"]["signature"], case["signature"]);
        assert_eq!(
            signed["canonical"],
            format!("{}{}{}{key}", s("appId"), s("timestamp"), s("nonce"))
        );
    }
}

#[tokio::test]
async fn sign_body_sig_and_notify_reproduce_the_reference_vectors() {
    let v = vectors();
    let creds = &v["credentials"];
    let c = &v["openBodySig"];
    let s = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_owned();
    let out = cli(&[
        "sign",
        "body-sig",
        "--app-id",
        &s(c, "appId"),
        "--app-key",
        &s(creds, "appKey"),
        "--body",
        &s(c, "body"),
        "--timestamp",
        &s(c, "timestamp"),
        "--nonce",
        &s(c, "nonce"),
    ])
    .await;
    let signed = json_out(&out);
    assert_eq!(signed["signature"], c["signature"]);
    assert_eq!(signed["authorization"], c["header"]);
    assert_eq!(signed["bodySha256Hex"], c["bodySha256Hex"]);
    for case in v["notifySign"].as_array().cloned().unwrap_or_default() {
        let out = cli(&[
            "sign",
            "notify",
            "--md5-key",
            &s(creds, "md5Key"),
            "--fields",
            &case["fields"].to_string(),
            "--sign-type",
            &s(&case, "signType"),
        ])
        .await;
        let signed = json_out(&out);
        assert_eq!(signed["sign"], case["sign"]);
        assert_eq!(signed["signedString"], case["signedString"]);
    }
}

fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

#[tokio::test]
async fn health_exits_0_against_a_live_sandbox_and_1_against_a_closed_port() {
    let app = spawn_app().await;
    let out = cli(&["health", "--server", &app.base]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let port = closed_port();
    let out = cli(&["health", "--server", &format!("http://127.0.0.1:{port}")]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("unhealthy"), "{}", stderr(&out));
}

#[tokio::test]
async fn conformance_exits_1_when_the_sandbox_does_not_pass_the_app() {
    let app = spawn_app().await;
    let out = cli(&[
        "conformance",
        "--app",
        "ffffffffffffffffffffffffffffffff",
        "--server",
        &app.base,
    ])
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(json_out(&out)["error"]["code"].is_string());
}

#[tokio::test]
async fn conformance_with_the_payment_battery_probes_with_payment_notifications() {
    let app = spawn_app().await;
    let url = format!("http://127.0.0.1:{}/chinaums/notify", closed_port());
    let out = cli(&[
        "conformance",
        "--app",
        APP_ID,
        "--battery",
        "payment",
        "--callback-url",
        &url,
        "--server",
        &app.base,
    ])
    .await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "nobody acknowledges: {}",
        stderr(&out)
    );
    let report = json_out(&out);
    assert_eq!(report["battery"], "payment");
    assert_eq!(report["checks"][0]["name"], "accepts_random_field");
}
