//! Scenario steps that drive the faults, stubs, request-journal and conformance routes. They
//! need those routes on the server: add `mod scenarios_pending;` to main.rs once they exist.

use std::process::Stdio;

use serde_json::{Value, json};
use tokio::process::Command;

use crate::helpers::spawn_app;

async fn run(app: &crate::helpers::TestApp, body: Value) -> Value {
    let r = app.post_json("/__mock/scenarios/run", &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()
}

#[track_caller]
fn assert_passed(report: &Value) {
    assert_eq!(report["passed"], true, "{report:#}");
}

#[tokio::test]
async fn the_token_endpoint_flaky_fixture_passes() {
    let app = spawn_app().await;
    assert_passed(&run(&app, json!({ "name": "token-endpoint-flaky" })).await);
}

#[tokio::test]
async fn faults_stubs_and_the_journal_are_steps_like_any_other() {
    let app = spawn_app().await;
    let path = "/v1/netpay/scenario/stubbed";
    let scenario = json!({
        "name": "faults-stubs-journal",
        "steps": [
            { "kind": "createApp", "as": "shop" },
            { "kind": "requestToken", "as": "tok", "app": "shop" },
            {
                "kind": "stub", "as": "order",
                "stub": { "method": "POST", "path": path, "appId": "${shop.appId}",
                          "response": { "status": 200, "body": { "errCode": "SUCCESS", "status": "TRADE_SUCCESS" } } },
            },
            { "kind": "call", "as": "paid", "app": "shop", "path": path, "auth": "token", "token": "tok", "body": {},
              "expect": { "httpStatus": 200, "errCode": "SUCCESS" } },
            {
                "kind": "setFault", "as": "down",
                "fault": { "target": "gateway", "action": "error", "appId": "${shop.appId}", "path": path,
                           "httpStatus": 503, "errCode": "SYSTEM_ERROR", "times": 1 },
            },
            { "kind": "call", "app": "shop", "path": path, "auth": "token", "token": "tok", "body": {},
              "expect": { "httpStatus": 503, "errCode": "SYSTEM_ERROR" } },
            { "kind": "clearFault", "fault": "${down.id}" },
            { "kind": "clearFault", "name": "all faults" },
            { "kind": "clearStub", "stub": "${order.id}" },
            { "kind": "clearStub", "name": "a stub that is already gone", "stub": "${order.id}" },
            { "kind": "call", "app": "shop", "path": path, "auth": "token", "token": "tok", "body": {},
              "expect": { "httpStatus": 404, "errCode": "NO_SERVICE" } },
            { "kind": "expectJournal", "app": "shop", "path": path, "count": 3 },
            { "kind": "expectJournal", "app": "shop", "path": path, "outcome": "fault", "count": 1 },
            { "kind": "expectJournal", "app": "shop", "path": path, "outcome": "no_service", "count": 1 },
            { "kind": "expectJournal", "app": "shop", "path": "/v1/token/access", "count": 1 },
            { "kind": "clearStub", "name": "all stubs" },
        ],
    });
    let report = run(&app, scenario).await;
    assert_passed(&report);
    assert_eq!(report["steps"][3]["output"]["status"], "TRADE_SUCCESS");
    assert_eq!(report["steps"][9]["output"]["alreadyGone"], true);
}

#[tokio::test]
async fn a_journal_count_that_differs_lists_the_requests_it_found() {
    let app = spawn_app().await;
    let scenario = json!({
        "name": "journal-miscount",
        "steps": [
            { "kind": "createApp", "as": "shop" },
            { "kind": "requestToken", "app": "shop" },
            { "kind": "expectJournal", "app": "shop", "path": "/v1/token/access", "count": 2 },
        ],
    });
    let report = run(&app, scenario).await;
    let message = report["firstFailure"]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.starts_with("expected 2 journal entries (appId="),
        "{message}"
    );
    assert!(
        message.contains("found 1: POST /v1/token/access 200 ok"),
        "{message}"
    );
}

#[tokio::test]
async fn conformance_of_an_app_acknowledging_through_the_sink_passes_and_exits_0() {
    let app = spawn_app().await;
    let created = app.post_json("/__mock/apps", &json!({})).await.json();
    let app_id = created["appId"].as_str().unwrap_or_default().to_owned();
    let sink = format!("{}/__mock/sink/{app_id}", app.base);
    let out = Command::new(env!("CARGO_BIN_EXE_chinaums-mock"))
        .env_clear()
        .args([
            "conformance",
            "--app",
            &app_id,
            "--callback-url",
            &sink,
            "--server",
            &app.base,
        ])
        .stdin(Stdio::null())
        .output()
        .await
        .expect("binary runs");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(report["passed"], true);
}
