//! Scenarios run by the server against itself: the fixtures pass, broken ones explain why; each
//! run on a clock of its own (`scenarios/own_clock.rs`); the order steps and the payment
//! stories in `scenarios/orders.rs`.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

mod busy_tenants;
mod orders;
mod own_clock;

pub(crate) async fn run(app: &TestApp, body: Value) -> Value {
    let r = app.post_json("/__mock/scenarios/run", &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()
}

#[track_caller]
pub(crate) fn assert_passed(report: &Value) {
    assert_eq!(report["passed"], true, "{report:#}");
    assert_eq!(report["firstFailure"], Value::Null);
}

async fn run_fixture(name: &str) -> Value {
    let app = spawn_app().await;
    let report = run(&app, json!({ "name": name })).await;
    assert_passed(&report);
    assert_eq!(report["name"], name);
    report
}

#[tokio::test]
async fn the_happy_open_close_fixture_passes() {
    let report = run_fixture("happy-open-close").await;
    assert_eq!(report["steps"].as_array().map(Vec::len), Some(11));
}

#[tokio::test]
async fn the_merchant_down_three_hours_fixture_passes_in_three_hours_of_sandbox_time() {
    let report = run_fixture("merchant-down-three-hours").await;
    assert_eq!(report["sandboxStart"], "2026-11-25T12:00:00+08:00");
    assert_eq!(report["sandboxEnd"], "2026-11-25T15:04:00+08:00");
    assert_eq!(report["steps"][2]["sandboxSeconds"], 10800);
}

#[tokio::test]
async fn the_token_expires_mid_flow_fixture_passes() {
    run_fixture("token-expires-mid-flow").await;
}

#[tokio::test]
async fn the_revoke_and_reauthorise_fixture_passes() {
    run_fixture("revoke-and-reauthorise").await;
}

#[tokio::test]
async fn a_fixture_scenario_can_run_twice_on_the_same_sandbox() {
    let app = spawn_app().await;
    for _ in 0..2 {
        assert_passed(&run(&app, json!({ "name": "happy-open-close" })).await);
    }
}

#[tokio::test]
async fn the_fixture_list_names_every_scenario_with_its_step_count() {
    let app = spawn_app().await;
    let r = app.get("/__mock/scenarios").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let list = r.json()["scenarios"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let names: Vec<_> = list
        .iter()
        .map(|s| s["name"].as_str().unwrap_or(""))
        .collect();
    for name in [
        "happy-open-close",
        "merchant-down-three-hours",
        "revoke-and-reauthorise",
        "token-endpoint-flaky",
        "token-expires-mid-flow",
    ]
    .into_iter()
    .chain(orders::ORDER_SCENARIOS)
    {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    assert!(
        list.iter()
            .all(|s| s["steps"].as_u64() > Some(0) && s["description"].is_string())
    );
}

#[tokio::test]
async fn an_unknown_fixture_name_is_scenario_not_found() {
    let app = spawn_app().await;
    let r = app
        .post_json("/__mock/scenarios/run", &json!({ "name": "no-such-story" }))
        .await;
    r.assert_control(404, "SCENARIO_NOT_FOUND");
}

#[tokio::test]
async fn an_invalid_scenario_is_refused_with_the_step_index_and_the_problem() {
    let app = spawn_app().await;
    let cases = [
        (
            json!([{ "kind": "advance", "seconds": 1 }, { "kind": "teleport" }]),
            1,
            "unknown kind",
        ),
        (json!([{ "kind": "open" }]), 0, "open: missing field app"),
        (
            json!([{ "kind": "advance", "seconds": -5 }]),
            0,
            "seconds must be a number",
        ),
        (
            json!([{ "kind": "advance", "seconds": 1, "sconds": 2 }]),
            0,
            "unknown field sconds",
        ),
        (
            json!([{ "kind": "open", "app": "${shop.appId" }]),
            0,
            "unterminated",
        ),
    ];
    for (steps, index, problem) in cases {
        let r = app
            .post_json(
                "/__mock/scenarios/run",
                &json!({ "name": "bad", "steps": steps }),
            )
            .await;
        r.assert_control(400, "INVALID_SCENARIO");
        let error = &r.json()["error"];
        assert_eq!(error["step"], index, "{}", r.text);
        let message = error["message"].as_str().unwrap_or_default();
        assert!(message.starts_with(&format!("steps[{index}]")), "{message}");
        assert!(message.contains(problem), "{message}");
    }
    let r = app
        .post_json("/__mock/scenarios/run", &json!({ "steps": [] }))
        .await;
    r.assert_control(400, "INVALID_SCENARIO");
    let r = app
        .post_raw("/__mock/scenarios/run", "application/json", "{")
        .await;
    r.assert_control(400, "INVALID_JSON");
}

/// A scenario whose app acknowledges through the sink.
fn with_sink_app(more: Value) -> Value {
    let mut steps = vec![
        json!({ "kind": "createApp", "as": "shop" }),
        json!({
            "kind": "updateApp",
            "app": "shop",
            "patch": { "callbackUrl": "${sandbox.url}/__mock/sink/${shop.appId}" },
        }),
    ];
    steps.extend(more.as_array().cloned().unwrap_or_default());
    json!({ "name": "inline", "steps": steps })
}

#[tokio::test]
async fn expecting_two_deliveries_where_there_is_one_fails_there_and_skips_the_rest() {
    let app = spawn_app().await;
    let scenario = with_sink_app(json!([
        { "kind": "open", "as": "open1", "app": "shop" },
        { "kind": "expectDeliveries", "name": "one too many", "app": "shop", "count": 2 },
        { "kind": "advance", "seconds": 60 },
    ]));
    let report = run(&app, scenario).await;
    assert_eq!(report["passed"], false);
    let failure = &report["firstFailure"];
    assert_eq!(
        (failure["index"].clone(), failure["kind"].clone()),
        (json!(3), json!("expectDeliveries"))
    );
    let message = failure["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("expected 2 delivery attempts for app "),
        "{message}"
    );
    assert!(
        message.contains("found 1 (EV-") && message.ends_with(": delivered)"),
        "{message}"
    );
    let steps = report["steps"].as_array().cloned().unwrap_or_default();
    assert_eq!(steps[3]["passed"], false);
    assert_eq!(steps[3]["name"], "one too many");
    assert_eq!(steps[3]["error"], failure["message"]);
    assert_eq!(steps[4]["skipped"], true);
    assert_eq!(steps[4]["passed"], Value::Null);
    assert!(steps[2]["output"]["notification"]["id"].is_string());
}

#[tokio::test]
async fn an_unknown_reference_fails_its_step_and_says_what_exists() {
    let app = spawn_app().await;
    let scenario = json!({
        "name": "typo",
        "steps": [
            { "kind": "createApp", "as": "shop" },
            { "kind": "open", "app": "${shop.appid}" },
            { "kind": "open", "app": "${shopp.appId}" },
        ],
    });
    let report = run(&app, scenario).await;
    let failure = &report["firstFailure"];
    assert_eq!(failure["index"], 1);
    let message = failure["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("unknown reference ${shop.appid}"),
        "{message}"
    );
    assert!(message.contains("appId"), "{message}");
    assert_eq!(report["steps"][2]["skipped"], true);
}

#[tokio::test]
async fn a_notification_that_is_never_acknowledged_is_explained_with_its_attempts() {
    let app = spawn_app().await;
    let scenario = json!({
        "name": "never",
        "steps": [
            { "kind": "createApp", "as": "shop", "app": { "callbackUrl": "http://127.0.0.1:9/notify" } },
            { "kind": "open", "as": "open1", "app": "shop" },
            { "kind": "advance", "seconds": 15 },
            { "kind": "waitNotification", "notification": "${open1.notification.id}", "timeoutMs": 50 },
        ],
    });
    let report = run(&app, scenario).await;
    let message = report["firstFailure"]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.starts_with("expected notification EV-"),
        "{message}"
    );
    assert!(
        message.contains("to be delivered within 50 ms, it is pending after 2 attempts (last: connection_failed, HTTP –"),
        "{message}"
    );
    assert!(
        message.contains("next attempt at 2026-11-25T12:00:30+08:00"),
        "{message}"
    );
}

#[tokio::test]
async fn an_expected_status_and_attempt_count_that_differ_are_both_reported() {
    let app = spawn_app().await;
    let scenario = json!({
        "name": "miscount",
        "steps": [
            { "kind": "createApp", "as": "shop", "app": { "callbackUrl": "http://127.0.0.1:9/notify" } },
            { "kind": "open", "as": "open1", "app": "shop" },
            { "kind": "advance", "seconds": 30 },
            { "kind": "expectNotification", "notification": "${open1.notification.id}", "status": "delivered", "attempts": 4 },
        ],
    });
    let report = run(&app, scenario).await;
    let message = report["firstFailure"]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("to be delivered after 4 attempts, it is pending after 3 attempts (last: connection_failed, HTTP –"), "{message}");
}

#[tokio::test]
async fn a_refused_control_request_fails_its_step_with_the_answer() {
    let app = spawn_app().await;
    let scenario = json!({
        "name": "nobody",
        "steps": [{ "kind": "open", "app": "ffffffffffffffffffffffffffffffff" }],
    });
    let report = run(&app, scenario).await;
    let message = report["firstFailure"]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        message.starts_with(
            "POST /__mock/payscore/open: expected HTTP 201, got HTTP 404 APP_NOT_FOUND"
        ),
        "{message}"
    );
}

#[tokio::test]
async fn every_step_kind_the_sandbox_serves_today_runs_and_reports_its_output() {
    let app = spawn_app().await;
    let order = json!({ "mid": "${shop.mid}", "totalAmount": 1 });
    let scenario = with_sink_app(json!([
        { "kind": "open", "as": "open1", "app": "shop", "openId": "oScenarioUser000000000000001" },
        { "kind": "waitNotification", "notification": "${open1.notification.id}", "status": "settled", "timeoutMs": 5000 },
        { "kind": "close", "as": "close1", "app": "${shop.appId}", "openId": "${open1.authorization.openId}", "callbackUrl": "http://127.0.0.1:9/elsewhere" },
        { "kind": "advance", "as": "tick", "name": "a minute", "seconds": 60 },
        { "kind": "expectNotification", "notification": "${close1.notification.id}", "status": "pending", "attempts": 4, "offsets": [0, 15, 30, 60] },
        { "kind": "expectNotification", "app": "shop", "eventType": "PAYSCORE.USER_OPEN_SERVICE", "status": "delivered", "attempts": 1 },
        { "kind": "expectDeliveries", "app": "shop", "count": 5 },
        { "kind": "expectDeliveries", "app": "shop", "count": 4, "outcome": "connection_failed" },
        { "kind": "expectAuthorization", "app": "shop", "openId": "oScenarioUser000000000000001", "state": "CLOSED" },
        { "kind": "expectSink", "app": "shop", "count": 1, "signValid": true },
        { "kind": "requestToken", "as": "tok", "app": "shop" },
        { "kind": "requestToken", "app": "shop", "signMethod": "SHA1" },
        { "kind": "call", "app": "shop", "path": "/v1/netpay/scenario/not-served", "auth": "token", "token": "tok", "body": order, "expect": { "httpStatus": 404, "errCode": "NO_SERVICE" } },
        { "kind": "call", "app": "shop", "path": "/v1/netpay/scenario/not-served", "auth": "token", "body": order, "expect": { "errCode": "NO_SERVICE" } },
        { "kind": "call", "app": "shop", "path": "/v1/netpay/scenario/not-served", "auth": "token", "token": "0123456789abcdef0123456789abcdef", "expect": { "httpStatus": 401, "errCode": "INVALID_TOKEN" } },
        { "kind": "call", "app": "shop", "method": "get", "path": "/v1/netpay/scenario/not-served", "auth": "bodySig", "expect": { "httpStatus": 404 } },
        { "kind": "call", "as": "bare", "app": "shop", "path": "/v1/netpay/scenario/not-served", "auth": "none", "body": "{}" },
    ]));
    let report = run(&app, scenario).await;
    assert_passed(&report);
    let steps = report["steps"].as_array().cloned().unwrap_or_default();
    assert_eq!(steps.len(), 19);
    let tick = &steps[5];
    assert_eq!(tick["name"], "a minute");
    assert_eq!(tick["sandboxSeconds"], 60);
    assert_eq!(tick["startedAt"], "2026-11-25T12:00:00+08:00");
    assert_eq!(tick["output"]["now"], "2026-11-25T12:01:00+08:00");
    assert!(tick["realMs"].is_u64());
    assert_eq!(steps[6]["startedAt"], "2026-11-25T12:01:00+08:00");
    assert_eq!(steps[12]["output"]["errCode"], "0000");
    assert_eq!(steps[18]["output"]["errCode"], "MISSING_AUTHORIZATION");
}

#[tokio::test]
async fn scenarios_come_from_the_fixture_directory_when_one_is_given() {
    let dir = std::env::temp_dir().join(format!("chinaums-mock-scenarios-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("scenarios")).expect("temp dir");
    std::fs::write(dir.join("apps.json"), r#"{"apps":[]}"#).expect("apps written");
    std::fs::write(
        dir.join("scenarios/one-app.json"),
        r#"{"name":"one-app","description":"d","seed":7,"steps":[{"kind":"createApp","as":"a"},{"kind":"advance","seconds":1}]}"#,
    )
    .expect("scenario written");
    let app = spawn_app_with(|c| c.fixtures = chinaums_mock::FixtureSource::Dir(dir.clone())).await;
    let list = app.get("/__mock/scenarios").await.json();
    assert_eq!(
        list,
        json!({ "scenarios": [{ "name": "one-app", "description": "d", "steps": 2 }] })
    );
    assert_passed(&run(&app, json!({ "name": "one-app" })).await);
    let _ = std::fs::remove_dir_all(&dir);
}
