//! One sandbox, many tenants: every built-in scenario passes again and again while another
//! tenant keeps opening authorisations and fetching tokens, and while the default clock moves
//! between runs. No run moves the default clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chinaums_mock::api::app::AppSpec;
use chinaums_mock::client::scenario::{Scenario, run as run_scenario};
use chinaums_mock::client::{ControlClient, OpenRequest};
use serde_json::json;

use super::{assert_passed, run};
use crate::helpers::{APP_ID, QR_APP_ID, spawn_app};

const BUILT_IN: [&str; 10] = [
    "happy-open-close",
    "merchant-down-three-hours",
    "revoke-and-reauthorise",
    "token-endpoint-flaky",
    "token-expires-mid-flow",
    "pay-and-notify",
    "merchant-down-during-payment",
    "partial-refunds",
    "qr-bill-paid",
    "h5-cashier-payment",
];
const ROUNDS: usize = 3;

fn fixture_text(name: &str) -> String {
    let path = format!(
        "{}/fixtures/scenarios/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Another tenant at work until `stop`: users authorise the QR fixture app (on the default
/// clock, acknowledged by the sink), the demo app and an app on a clock of its own fetch
/// tokens, and (with `advancing`) that app's clock moves on. Answers how many rounds it made,
/// or the first thing that went wrong.
async fn busy_tenant(
    control: ControlClient,
    stop: Arc<AtomicBool>,
    advancing: bool,
) -> Result<usize, String> {
    let demo = control.app(APP_ID).await.map_err(|e| e.to_string())?;
    let own = control
        .create_app(AppSpec {
            clock: Some("new".into()),
            ..AppSpec::default()
        })
        .await
        .map_err(|e| e.to_string())?;
    let mut rounds = 0;
    while !stop.load(Ordering::Acquire) {
        control
            .open(OpenRequest::new(QR_APP_ID))
            .await
            .map_err(|e| format!("open: {e}"))?;
        for app in [&demo, &own] {
            control
                .token(app)
                .await
                .map_err(|e| format!("token for {}: {e}", app.app_id))?;
        }
        if advancing {
            control
                .advance_clock_secs(&own.clock, 15.0)
                .await
                .map_err(|e| format!("advance: {e}"))?;
        }
        rounds += 1;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    Ok(rounds)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_built_in_scenario_passes_three_times_while_other_tenants_are_busy() {
    built_in_scenarios_pass_beside(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_built_in_scenario_passes_while_another_tenant_advances_its_own_clock() {
    built_in_scenarios_pass_beside(true).await;
}

/// Runs every built-in scenario `ROUNDS` times beside a busy tenant, moving the default clock
/// by a minute between runs; no run may move it.
async fn built_in_scenarios_pass_beside(advancing: bool) {
    let app = spawn_app().await;
    let sink = format!("{}/__mock/sink/{QR_APP_ID}", app.base);
    app.patch_json(
        &format!("/__mock/apps/{QR_APP_ID}"),
        &json!({ "callbackUrl": sink }),
    )
    .await;
    let stop = Arc::new(AtomicBool::new(false));
    let tenant = tokio::spawn(busy_tenant(
        app.control.clone(),
        Arc::clone(&stop),
        advancing,
    ));

    let mut runs = 0;
    for round in 0..ROUNDS {
        for name in BUILT_IN {
            // The server runs it in process on even rounds, the library runner over HTTP on odd.
            if round % 2 == 0 {
                let report = run(&app, json!({ "name": name })).await;
                assert_passed(&report);
            } else {
                let scenario = Scenario::from_json(&fixture_text(name)).expect("a fixture");
                let report = run_scenario(&scenario, &app.base).await;
                assert!(report.passed, "round {round}: {}", report.to_text());
            }
            runs += 1;
            app.control
                .advance_secs(60.0)
                .await
                .expect("the default clock moves between runs");
        }
    }

    stop.store(true, Ordering::Release);
    let rounds = tenant.await.expect("the tenant task ends");
    assert!(rounds.as_ref().is_ok_and(|r| *r > 0), "{rounds:?}");
    let clock = app.control.clock().await.expect("the default clock");
    let moved = clock.now - crate::helpers::vector_time();
    assert_eq!(
        moved.num_seconds(),
        60 * runs as i64,
        "only the test moved the default clock"
    );
}
