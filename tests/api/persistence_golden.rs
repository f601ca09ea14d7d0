//! State files written by earlier builds, with the binary: `tests/data/state-v1-0.1.0.json`
//! (made by `tests/data/state-v1-0.1.0.py`) — the binary starts on it, its control API shows
//! what 0.1.0 showed (`…views.json`), and at SIGTERM it saves the same file again — and
//! `tests/data/state-v1-orders.json` (made by `tests/data/state-v1-orders.py`), whose orders,
//! bills and their notifications the control API and the gateway show as they did.

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
fn comparable(file: Value) -> Value {
    let mut file = blanked(file);
    without_default_clocks(&mut file["apps"]);
    file
}

/// A state file's JSON without what depends on the wall clock, nor the version that saved it.
fn blanked(mut file: Value) -> Value {
    file["savedAt"] = Value::Null;
    file["savedBy"] = Value::Null;
    file["clock"]["offsetMs"] = Value::Null;
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
            if let Some(notify) = app.get_mut("notify").and_then(Value::as_object_mut)
                && notify.get("refundNotify").is_some()
            {
                assert_eq!(notify.remove("refundNotify"), Some(Value::Bool(false)));
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

/// The answers a gateway call gave when `tests/data/state-v1-orders.json` was made, and the
/// call: (view, app, path, body).
fn orders_calls() -> [(&'static str, &'static str, &'static str, Value); 3] {
    let about = serde_json::json!({
        "requestTimestamp": "2026-11-25 12:00:05", "mid": "898201612345678", "tid": "88880001",
        "instMid": "MINIDEFAULT", "merOrderId": "3194G1",
    });
    let mut refund = about.clone();
    refund["refundOrderId"] = "3194GR1".into();
    let bill = serde_json::json!({
        "requestTimestamp": "2026-11-25 12:00:00", "mid": "898340149000005", "tid": "88880001",
        "instMid": "QRPAYDEFAULT", "billNo": "3194GB1",
    });
    let (a, b) = (
        "10037e6f66f2d0f901672aa27d690006",
        "10037e6f6823b20801682b6a5e5a0006",
    );
    [
        ("query", a, "/v1/netpay/query", about),
        ("refundQuery", a, "/v1/netpay/refund-query", refund),
        ("billQuery", b, "/v1/netpay/bills/query", bill),
    ]
}

#[tokio::test]
async fn the_binary_restores_a_state_file_with_orders_and_answers_about_them_as_it_did() {
    let golden = Path::new(DATA).join("state-v1-orders.json");
    let views = json(&Path::new(DATA).join("state-v1-orders.views.json"));
    let saved = json(&golden);
    let dir = TempDir::new("golden-orders");
    let state_file = dir.0.join("state.json");
    std::fs::copy(&golden, &state_file).expect("copied");

    let sandbox = Running::spawn(seeded_sandbox(&state_file, 20_261_203)).await;
    for (view, path) in [
        ("orders", "/__mock/orders"),
        ("bills", "/__mock/bills"),
        ("notifications", "/__mock/notifications"),
    ] {
        assert_eq!(sandbox.get(path).await, views[view], "GET {path}");
    }
    let issued = saved["tokens"]["issued"].as_array().expect("tokens");
    let token_of = |app: &str| {
        let token = issued.iter().find(|t| t["appId"] == app);
        token.and_then(|t| t["token"].as_str()).expect("a token")
    };
    for (view, app, path, body) in orders_calls() {
        let answer = sandbox.call_with_token(path, token_of(app), &body).await;
        assert_eq!(answer, views[view], "{path} answers as it did");
    }

    let status = sandbox.terminate().await;
    assert!(status.success(), "exit 0 on SIGTERM: {status:?}");
    let mut again = blanked(json(&state_file));
    let mut before = blanked(saved);
    // The file predates apps' `payer` settings: each app came back with the default one.
    for app in again["apps"].as_array_mut().into_iter().flatten() {
        let payer = app.as_object_mut().and_then(|a| a.remove("payer"));
        assert_eq!(
            payer.map(|p| p["orderExpirySeconds"].clone()),
            Some(Value::from(7200))
        );
    }
    // The calls above are in the journal now (and the generator's seed counts them); the
    // entries before them are as they were.
    let (journal, journal_before) = (again["journal"].take(), before["journal"].take());
    again["generator"].take();
    before["generator"].take();
    let entries = journal_before["items"].as_array().expect("entries").len();
    assert_eq!(
        journal["items"].as_array().map(|e| e[..entries].to_vec()),
        journal_before["items"].as_array().cloned()
    );
    assert_eq!(again["orders"], before["orders"], "the orders section");
    assert_eq!(again, before, "saved again, the file is the same");
}

/// `sqlite3 FILE SQL` as a user would type it, its output lines. `sqlite3` must be installed
/// where the tests run in CI (`.ci/run` installs it); elsewhere a missing one is skipped.
fn sqlite3(file: &Path, sql: &str) -> Option<Vec<String>> {
    match std::process::Command::new("sqlite3")
        .arg(file)
        .arg(sql)
        .output()
    {
        Ok(out) => {
            assert!(out.status.success(), "sqlite3: {out:?}");
            let text = String::from_utf8(out.stdout).expect("UTF-8");
            Some(text.lines().map(str::to_owned).collect())
        }
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("sqlite3 not run ({e}); install it to run this check");
            None
        }
        Err(e) => panic!("sqlite3 is needed in CI: {e}"),
    }
}

#[tokio::test]
async fn a_0_1_0_json_state_file_is_imported_once_into_a_database_beside_it() {
    let golden = Path::new(DATA).join("state-v1-0.1.0.json");
    let views = json(&Path::new(DATA).join("state-v1-0.1.0.views.json"));
    let dir = TempDir::new("golden-import");
    let state_file = dir.0.join("state.json");
    std::fs::copy(&golden, &state_file).expect("copied");
    let start = || {
        let mut cmd = seeded_sandbox(&state_file, SEED);
        // The default format, as an upgrade from 0.1.0 with `--state-file state.json` gets.
        cmd.env_remove("CHINAUMS_MOCK_STATE_FORMAT");
        Running::spawn(cmd)
    };

    let sandbox = start().await;
    let mut shown = sandbox.get("/__mock/apps").await;
    without_default_clocks(&mut shown["apps"]);
    assert_eq!(shown, views["apps"], "the JSON file's apps");
    let status = sandbox.terminate().await;
    assert!(status.success(), "exit 0 on SIGTERM: {status:?}");
    let database = dir.0.join("state.sqlite");
    assert!(database.exists(), "the database is beside the JSON file");
    assert_eq!(
        std::fs::read(&state_file).expect("readable"),
        std::fs::read(&golden).expect("readable"),
        "the JSON file is only read"
    );
    let apps: Vec<String> = views["apps"]["apps"]
        .as_array()
        .expect("apps")
        .iter()
        .map(|a| a["appId"].as_str().expect("appId").to_owned())
        .collect();
    if let Some(keys) = sqlite3(&database, "SELECT key FROM apps ORDER BY key") {
        let mut sorted = apps.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "a user can look inside with sqlite3");
    }

    // Read once: a JSON file that could not even be parsed now is not read again.
    std::fs::write(&state_file, "{ not a state file").expect("written");
    let sandbox = start().await;
    let shown = sandbox.get("/__mock/apps").await;
    let ids: Vec<&str> = shown["apps"]
        .as_array()
        .expect("apps")
        .iter()
        .filter_map(|a| a["appId"].as_str())
        .collect();
    assert_eq!(ids, apps, "the state comes from the database");
    assert!(sandbox.terminate().await.success());
}
