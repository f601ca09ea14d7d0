//! `ControlClient::run_scenario` against `POST /__mock/scenarios/run`: a report for a story
//! that passes, one that fails, and a control error for one that is malformed.
//!
//! Register with `mod embedding_scenarios;` in `tests/api/main.rs` once the sandbox serves
//! the scenario routes.

use chinaums_mock::MockServer;
use chinaums_mock::client::ClientError;
use serde_json::json;

use crate::helpers::vector_time;

async fn server() -> MockServer {
    MockServer::builder()
        .frozen_at(vector_time())
        .start()
        .await
        .expect("the sandbox starts")
}

#[tokio::test]
async fn a_scenario_that_holds_answers_a_passed_report_without_a_failure() {
    let server = server().await;
    let report = server
        .client()
        .run_scenario(&json!({
            "name": "inline",
            "steps": [
                { "kind": "createApp", "as": "shop" },
                { "kind": "open", "as": "open1", "app": "shop" },
                { "kind": "expectAuthorization", "app": "shop",
                  "openId": "${open1.authorization.openId}", "state": "OPEN" }
            ]
        }))
        .await
        .expect("a report");
    assert!(report.passed, "{:#}", report.raw);
    assert_eq!(report.name, "inline");
    assert_eq!(report.steps.len(), 3);
    assert_eq!(report.first_failure, None);
    assert_eq!(report.raw["passed"], true);
}

#[tokio::test]
async fn a_scenario_that_fails_answers_its_first_failure_and_the_raw_report() {
    let server = server().await;
    let report = server
        .client()
        .run_scenario(&json!({
            "name": "one too many",
            "steps": [
                { "kind": "createApp", "as": "shop" },
                { "kind": "open", "as": "open1", "app": "shop" },
                { "kind": "expectDeliveries", "app": "shop", "count": 2 },
                { "kind": "advance", "seconds": 60 }
            ]
        }))
        .await
        .expect("a report");
    assert!(!report.passed);
    let failure = report.first_failure.expect("a first failure");
    assert_eq!(failure["index"], 2);
    assert_eq!(report.steps[3]["skipped"], true);
    assert!(report.raw["steps"].is_array());
}

#[tokio::test]
async fn a_fixture_scenario_runs_by_name_and_an_unknown_name_is_an_error() {
    let server = server().await;
    let client = server.client();
    let report = client
        .run_named_scenario("happy-open-close")
        .await
        .expect("a report");
    assert!(report.passed, "{:#}", report.raw);
    let unknown = client
        .run_named_scenario("no-such-story")
        .await
        .expect_err("unknown");
    assert_eq!(
        (unknown.status(), unknown.code()),
        (Some(404), Some("SCENARIO_NOT_FOUND"))
    );
}

#[tokio::test]
async fn a_malformed_scenario_is_a_control_error_with_its_code() {
    let server = server().await;
    let err = server
        .client()
        .run_scenario(&json!({ "name": "bad", "steps": [{ "kind": "teleport" }] }))
        .await
        .expect_err("refused");
    assert!(
        matches!(&err, ClientError::Control { status: 400, code, .. } if code == "INVALID_SCENARIO")
    );
}
