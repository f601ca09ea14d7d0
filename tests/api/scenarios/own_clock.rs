//! A scenario run follows a clock of its own: the default clock, its apps and their tokens are
//! left where they were, whether the server runs the scenario or the library runner does.

use chinaums_mock::client::scenario::{Scenario, run as run_scenario};
use serde_json::{Value, json};

use super::{assert_passed, run};
use crate::helpers::{APP_ID, APP_KEY, MID, TestApp, order_body, spawn_app};

const NOON: &str = "2026-11-25T12:00:00+08:00";
const NOT_SERVED: &str = "/v1/netpay/scenario/not-served";

fn fixture_text(name: &str) -> String {
    let path = format!(
        "{}/fixtures/scenarios/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[track_caller]
fn clock_of(report: &Value) -> String {
    let id = report["clock"].as_str().unwrap_or_default().to_owned();
    assert!(id.starts_with("clk_"), "the run's clock: {report:#}");
    id
}

/// The default clock is where the test froze it, and a default-clock app's token (`token`,
/// fetched before) and a fresh one signed at that time both authenticate.
async fn assert_default_untouched(app: &TestApp, token: &str) {
    let clock = app.get("/__mock/clock").await.json();
    assert_eq!(
        (clock["now"].clone(), clock["frozen"].clone()),
        (json!(NOON), json!(true))
    );
    let call = app
        .call_with_token(NOT_SERVED, token, &order_body(MID))
        .await;
    call.assert_gateway(404, "NO_SERVICE");
    let fresh = app.token_request(APP_ID, APP_KEY).await;
    fresh.assert_gateway(200, "0000");
}

#[tokio::test]
async fn a_scenario_run_by_the_server_leaves_the_default_clock_and_its_apps_tokens_alone() {
    let app = spawn_app().await;
    let token = app.token(APP_ID, APP_KEY).await;
    let report = run(&app, json!({ "name": "merchant-down-three-hours" })).await;
    assert_passed(&report);
    let clock = clock_of(&report);
    assert_eq!(report["sandboxStart"], NOON);
    assert_eq!(report["sandboxEnd"], "2026-11-25T15:04:00+08:00");
    assert_default_untouched(&app, &token).await;

    let own = app.get(&format!("/__mock/clocks/{clock}")).await.json();
    assert_eq!(own["name"], "merchant-down-three-hours");
    assert_eq!(own["now"], "2026-11-25T15:04:00+08:00");
    assert_eq!(
        own["frozen"], true,
        "frozen like the default clock it started from"
    );
    assert_eq!(report["steps"][0]["output"]["clock"], clock.as_str());
}

#[tokio::test]
async fn the_library_runner_also_runs_on_a_clock_of_its_own() {
    let app = spawn_app().await;
    let token = app.token(APP_ID, APP_KEY).await;
    let scenario =
        Scenario::from_json(&fixture_text("merchant-down-three-hours")).expect("a valid fixture");
    let report = run_scenario(&scenario, &app.base).await;
    assert!(report.passed, "{}", report.to_text());
    let clock = report.clock.clone().unwrap_or_default();
    assert!(clock.starts_with("clk_"), "{}", report.to_text());
    assert!(report.to_text().contains(&format!("clock {clock}")));
    assert_default_untouched(&app, &token).await;
}

#[tokio::test]
async fn tokens_and_body_signatures_of_a_scenario_are_signed_in_the_time_of_the_app_s_clock() {
    let app = spawn_app().await;
    let report = run(&app, json!({ "name": "token-expires-mid-flow" })).await;
    assert_passed(&report);
    let app_id = report["steps"][0]["output"]["appId"]
        .as_str()
        .unwrap_or_default();
    // After the advance the app's clock is an hour ahead of both the default clock and the
    // wall clock: only a timestamp in its own time is accepted, and the journal says so.
    let journal = app
        .get(&format!("/__mock/requests?appId={app_id}&limit=100"))
        .await
        .json();
    let windows: Vec<&str> = journal["requests"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["auth"]["timestampWindow"].as_str())
        .collect();
    assert_eq!(windows, ["sandbox", "sandbox", "sandbox"], "{journal:#}");
}

#[tokio::test]
async fn a_scenario_that_asks_for_the_default_clock_moves_it_for_every_app() {
    let app = spawn_app().await;
    let report = run(
        &app,
        json!({
            "name": "old ways",
            "clock": "default",
            "steps": [
                { "kind": "createApp", "as": "shop" },
                { "kind": "advance", "seconds": 60 }
            ]
        }),
    )
    .await;
    assert_passed(&report);
    assert_eq!(report["clock"], "default");
    assert_eq!(report["steps"][0]["output"]["clock"], "default");
    assert_eq!(report["sandboxEnd"], "2026-11-25T12:01:00+08:00");
    let clock = app.get("/__mock/clock").await.json();
    assert_eq!(clock["now"], "2026-11-25T12:01:00+08:00");
}

#[tokio::test]
async fn a_scenario_can_share_an_existing_clock_and_an_app_may_name_its_own() {
    let app = spawn_app().await;
    let shared = app
        .post_json(
            "/__mock/clocks",
            &json!({ "now": NOON, "frozen": true, "name": "ci job" }),
        )
        .await
        .json();
    let id = shared["id"].as_str().unwrap_or_default();
    let report = run(
        &app,
        json!({
            "name": "shared",
            "clock": id,
            "steps": [
                { "kind": "createApp", "as": "shop" },
                { "kind": "createApp", "as": "elsewhere", "app": { "clock": "default" } },
                { "kind": "advance", "seconds": 30 }
            ]
        }),
    )
    .await;
    assert_passed(&report);
    assert_eq!(report["clock"], id);
    assert_eq!(report["steps"][0]["output"]["clock"], id);
    assert_eq!(report["steps"][1]["output"]["clock"], "default");
    let moved = app.get(&format!("/__mock/clocks/{id}")).await.json();
    assert_eq!(moved["now"], "2026-11-25T12:00:30+08:00");
    assert_eq!(app.get("/__mock/clock").await.json()["now"], NOON);
}

#[tokio::test]
async fn a_scenario_on_a_clock_that_does_not_exist_fails_at_its_first_step_and_runs_nothing() {
    let app = spawn_app().await;
    let report = run(
        &app,
        json!({
            "name": "lost",
            "clock": "clk_0000000000000000",
            "steps": [{ "kind": "createApp" }, { "kind": "advance", "seconds": 1 }]
        }),
    )
    .await;
    assert_eq!(report["passed"], false);
    assert_eq!(report["clock"], Value::Null);
    assert_eq!(report["firstFailure"]["index"], 0);
    let message = report["firstFailure"]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("CLOCK_NOT_FOUND"), "{message}");
    assert_eq!(report["steps"][1]["skipped"], true);
    assert_eq!(
        app.get("/__mock/apps").await.json()["apps"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}
