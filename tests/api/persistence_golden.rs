//! A state file written by chinaums-mock 0.1.0 (`tests/data/state-v1-0.1.0.json`, made by
//! `tests/data/state-v1-0.1.0.py`): the binary starts on it, its control API shows what 0.1.0
//! showed (`…views.json`), and at SIGTERM it saves the same file again.

use std::path::Path;

use serde_json::Value;

use crate::persistence::{Running, TempDir, seeded_sandbox};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
/// The `--seed` the file was made with: with it, the saved generator seed is the same.
const SEED: u64 = 20_261_125;

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("readable");
    serde_json::from_str(&text).expect("JSON")
}

/// A state file's JSON without what depends on the wall clock, and without what this version
/// adds to a 0.1.0 sandbox: every app now names its clock (`default` for a 0.1.0 app) and says
/// whether it wants refund notifications (not, for a 0.1.0 app).
fn comparable(mut file: Value) -> Value {
    file["savedAt"] = Value::Null;
    file["clock"]["offsetMs"] = Value::Null;
    without_default_clocks(&mut file["apps"]);
    file
}

/// Takes what this version adds to a 0.1.0 app out of every app of a list, after checking it
/// has the value a 0.1.0 app gets: `"clock": "default"`, `"notify": {"refundNotify": false}`,
/// the default `"payer"`.
fn without_default_clocks(apps: &mut Value) {
    for app in apps.as_array_mut().into_iter().flatten() {
        if let Some(app) = app.as_object_mut() {
            if app.get("clock").is_some() {
                assert_eq!(app.remove("clock"), Some(Value::from("default")));
            }
            if let Some(payer) = app.remove("payer") {
                let default = serde_json::json!({
                    "autoPayOutcome": "success", "refundStatus": "SUCCESS",
                    "refundSettleSeconds": 60, "orderExpirySeconds": 7200
                });
                assert_eq!(payer, default, "a 0.1.0 app gets the default payer");
            }
            if let Some(notify) = app.get_mut("notify").and_then(Value::as_object_mut) {
                if notify.get("refundNotify").is_some() {
                    assert_eq!(notify.remove("refundNotify"), Some(Value::Bool(false)));
                }
            }
        }
    }
}

#[tokio::test]
async fn the_binary_restores_a_0_1_0_state_file_shows_it_as_0_1_0_did_and_saves_it_unchanged() {
    let golden = Path::new(DATA).join("state-v1-0.1.0.json");
    let views = json(&Path::new(DATA).join("state-v1-0.1.0.views.json"));
    let dir = TempDir::new("golden-state");
    let state_file = dir.0.join("state.json");
    std::fs::copy(&golden, &state_file).expect("copied");

    let sandbox = Running::spawn(seeded_sandbox(&state_file, SEED)).await;
    let sink = |app: &str| format!("/__mock/sink/{app}");
    for (view, path) in [
        ("apps", "/__mock/apps".to_owned()),
        ("notifications", "/__mock/notifications".to_owned()),
        ("requests", "/__mock/requests".to_owned()),
        ("faults", "/__mock/faults".to_owned()),
        ("stubs", "/__mock/stubs".to_owned()),
        (
            "authorizations",
            "/__mock/payscore/authorizations".to_owned(),
        ),
        ("sinkA", sink("10037e6f66f2d0f901672aa27d690006")),
        ("sinkC", sink("46e6c8cb87bb611637ec365bf3a5731b")),
    ] {
        let mut shown = sandbox.get(&path).await;
        if view == "apps" {
            without_default_clocks(&mut shown["apps"]);
        }
        assert_eq!(shown, views[view], "GET {path}");
    }
    let clock = sandbox.get("/__mock/clock").await;
    assert_eq!(
        (&clock["now"], &clock["frozen"]),
        (&views["clock"]["now"], &views["clock"]["frozen"])
    );

    let status = sandbox.terminate().await;
    assert!(status.success(), "exit 0 on SIGTERM: {status:?}");
    assert_eq!(
        comparable(json(&state_file)),
        comparable(json(&golden)),
        "saved again, the file is the same"
    );
}
