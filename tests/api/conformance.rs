//! `POST /__mock/conformance`: a merchant's notification handler, checked over real HTTP.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::receiver::{Behavior, Receiver};

const CHECKS: [&str; 6] = [
    "accepts_valid",
    "accepts_duplicate",
    "rejects_forged_sign",
    "rejects_missing_sign",
    "accepts_late_delivery",
    "accepts_close_before_open",
];

/// Runs the Pay Score battery against `url` (or the app's callback when `None`) and returns
/// the report.
async fn run(app: &TestApp, app_id: &str, url: Option<&str>) -> Value {
    let mut body = json!({ "appId": app_id });
    if let Some(url) = url {
        body["callbackUrl"] = json!(url);
    }
    run_body(app, &body).await
}

/// Runs a conformance request and returns the report.
pub(crate) async fn run_body(app: &TestApp, body: &Value) -> Value {
    let r = app.post_json("/__mock/conformance", body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()
}

/// A receiver answering every request with `behavior`.
pub(crate) async fn receiver(behavior: Behavior) -> Receiver {
    let receiver = Receiver::start(MD5_KEY).await;
    receiver.answer(vec![], behavior);
    receiver
}

pub(crate) fn checks(report: &Value) -> Vec<Value> {
    report["checks"].as_array().cloned().unwrap_or_default()
}

/// `name → passed` for every check, in report order.
pub(crate) fn verdicts(report: &Value) -> Vec<(String, Value)> {
    checks(report)
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_owned(),
                c["passed"].clone(),
            )
        })
        .collect()
}

pub(crate) fn failed(report: &Value) -> Vec<String> {
    verdicts(report)
        .into_iter()
        .filter(|(_, passed)| *passed == json!(false))
        .map(|(name, _)| name)
        .collect()
}

/// Asserts that the report has exactly the checks `names`, in order, each run and passed, with
/// a description and the expectation its name says.
pub(crate) fn assert_every_check_passed(report: &Value, names: &[&str]) {
    let ran: Vec<String> = verdicts(report).into_iter().map(|(n, _)| n).collect();
    assert_eq!(ran, names);
    for check in checks(report) {
        assert_eq!(check["passed"], true, "{check:#}");
        assert!(check.get("skippedBecause").is_none());
        assert!(
            check["description"]
                .as_str()
                .is_some_and(|d| d.ends_with('.'))
        );
        let expected = if check["name"]
            .as_str()
            .is_some_and(|n| n.starts_with("rejects"))
        {
            "rejected"
        } else {
            "acknowledged"
        };
        assert_eq!(check["expectation"], expected);
    }
}

pub(crate) async fn set_notify(app: &TestApp, notify: Value) {
    let r = app
        .patch_json(
            &format!("/__mock/apps/{APP_ID}"),
            &json!({ "notify": notify }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn a_merchant_that_verifies_signs_passes_every_check() {
    let app = spawn_app().await;
    let merchant = receiver(Behavior::Verify).await;
    let report = run(&app, APP_ID, Some(&merchant.url())).await;

    assert_eq!(report["passed"], true, "{report:#}");
    assert_eq!(report["appId"], APP_ID);
    assert_eq!(
        report["battery"], "payscore",
        "without a battery: Pay Score"
    );
    assert_eq!(report["callbackUrl"], merchant.url());
    assert_every_check_passed(&report, &CHECKS);
    let counts: Vec<usize> = checks(&report)
        .iter()
        .map(|c| c["requests"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(counts, [1, 1, 1, 1, 1, 2]);
    let first = &report["checks"][0]["requests"][0];
    assert_eq!(first["httpStatus"], 200);
    assert_eq!(first["responseBody"], "SUCCESS");
    assert_eq!(first["acknowledged"], true);
    assert_eq!(first["error"], Value::Null);
    assert!(first["durationMs"].is_u64());
    assert_eq!(report["checks"][2]["requests"][0]["responseBody"], "FAILED");
}

#[tokio::test]
async fn the_merchant_receives_realistic_probes_in_the_order_of_the_checks() {
    let app = spawn_app().await;
    let merchant = receiver(Behavior::Verify).await;
    let report = run(&app, APP_ID, Some(&merchant.url())).await;
    let got = merchant.received();
    assert_eq!(got.len(), 7);
    let signs: Vec<Option<bool>> = got.iter().map(|g| g.sign_valid).collect();
    assert_eq!(
        signs,
        [
            Some(true),
            Some(true),
            Some(false),
            None,
            Some(true),
            Some(true),
            Some(true)
        ]
    );
    assert_eq!(got[1].body, got[0].body, "the duplicate is the same bytes");
    let ids: Vec<&str> = got.iter().map(|g| g.fields["id"].as_str()).collect();
    let reported: Vec<Value> = checks(&report)
        .iter()
        .flat_map(|c| c["requests"].as_array().cloned().unwrap_or_default())
        .map(|r| r["notificationId"].clone())
        .collect();
    assert_eq!(reported, ids.iter().map(|i| json!(i)).collect::<Vec<_>>());
    assert_eq!(ids[0], ids[1]);
    assert!(!got[3].fields.contains_key("signType"));
    assert!(
        got.iter()
            .all(|g| g.user_agent.starts_with("chinaums-mock/"))
    );
    assert!(got.iter().all(|g| {
        g.content_type
            .starts_with("application/x-www-form-urlencoded")
    }));

    assert_eq!(got[0].fields["createTime"], "2026-11-25T12:00:00+08:00");
    assert_eq!(got[4].fields["createTime"], "2026-11-24T13:00:00+08:00");
    let resource = |i: usize| -> Value {
        serde_json::from_str(&got[i].fields["resource"]).expect("resource is JSON")
    };
    assert_eq!(resource(4)["openorcloseTime"], "20261124130000");
    assert_eq!(resource(0)["mid"], MID);

    let (close, open) = (&got[5], &got[6]);
    assert_eq!(close.fields["eventType"], "PAYSCORE.USER_CLOSE_SERVICE");
    assert_eq!(open.fields["eventType"], "PAYSCORE.USER_OPEN_SERVICE");
    assert_eq!(resource(5)["openId"], resource(6)["openId"]);
    assert!(open.fields["createTime"] < close.fields["createTime"]);
}

#[tokio::test]
async fn a_careless_merchant_fails_exactly_the_two_sign_checks() {
    let app = spawn_app().await;
    let merchant = receiver(Behavior::Success).await;
    let report = run(&app, APP_ID, Some(&merchant.url())).await;
    assert_eq!(report["passed"], false);
    assert_eq!(
        failed(&report),
        ["rejects_forged_sign", "rejects_missing_sign"]
    );
    assert_eq!(report["checks"][2]["requests"][0]["acknowledged"], true);
}

#[tokio::test]
async fn an_unsigned_app_skips_the_sign_checks() {
    let app = spawn_app().await;
    set_notify(&app, json!({ "signType": "NONE" })).await;
    let merchant = receiver(Behavior::Success).await;
    let report = run(&app, APP_ID, Some(&merchant.url())).await;
    assert_eq!(report["passed"], true, "{report:#}");
    for check in &checks(&report)[2..4] {
        assert_eq!(check["passed"], Value::Null, "{check:#}");
        assert!(
            check["skippedBecause"]
                .as_str()
                .is_some_and(|r| r.contains("NONE"))
        );
        assert_eq!(check["requests"], json!([]));
    }
    let got = merchant.received();
    assert_eq!(got.len(), 5);
    assert!(got.iter().all(|g| g.sign_valid.is_none()));
}

#[tokio::test]
async fn a_dead_callback_url_fails_every_accepting_check() {
    let app = spawn_app().await;
    // A port that was free a moment ago and is closed now: connections are refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let url = format!("http://127.0.0.1:{port}/chinaums/notify");
    let report = run(&app, APP_ID, Some(&url)).await;
    assert_eq!(report["passed"], false);
    assert_eq!(
        failed(&report),
        [
            "accepts_valid",
            "accepts_duplicate",
            "accepts_late_delivery",
            "accepts_close_before_open"
        ]
    );
    let request = &report["checks"][0]["requests"][0];
    assert_eq!(request["httpStatus"], Value::Null);
    assert_eq!(request["acknowledged"], false);
    assert!(request["error"].as_str().is_some_and(|e| !e.is_empty()));
}

#[tokio::test]
async fn a_merchant_that_never_answers_fails_the_accepting_checks_within_the_timeout() {
    let app = spawn_app().await;
    let merchant = receiver(Behavior::Hang).await;
    let r = app
        .post_json(
            "/__mock/conformance",
            &json!({ "appId": APP_ID, "callbackUrl": merchant.url(), "timeoutMs": 100 }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let report = r.json();
    assert_eq!(failed(&report).len(), 4, "{report:#}");
    let request = &report["checks"][0]["requests"][0];
    assert!(request["error"].as_str().is_some_and(|e| !e.is_empty()));
    assert!(request["durationMs"].as_u64().is_some_and(|ms| ms < 5000));
}

#[tokio::test]
async fn a_json_app_is_probed_with_json_bodies_at_its_own_callback_url() {
    let app = spawn_app().await;
    let merchant = receiver(Behavior::Verify).await;
    app.set_callback(
        APP_ID,
        &merchant.url(),
        json!({ "format": "json", "signType": "MD5" }),
    )
    .await;
    let report = run(&app, APP_ID, None).await;
    assert_eq!(report["passed"], true, "{report:#}");
    assert_eq!(report["callbackUrl"], merchant.url());
    let got = merchant.received();
    assert_eq!(got.len(), 7);
    assert!(
        got.iter()
            .all(|g| g.content_type.starts_with("application/json"))
    );
    assert!(got.iter().all(|g| g.json.is_some()));
    assert_eq!(got[0].fields["signType"], "MD5");
    assert_eq!(got[2].sign_valid, Some(false));
}

#[tokio::test]
async fn the_apps_ack_rule_decides_what_counts_as_acknowledged() {
    let app = spawn_app().await;
    let merchant = receiver(Behavior::Body(200, "OK".into())).await;
    let strict = run(&app, APP_ID, Some(&merchant.url())).await;
    assert_eq!(
        failed(&strict).len(),
        4,
        "chinaums wants SUCCESS: {strict:#}"
    );
    set_notify(&app, json!({ "ack": "http2xx" })).await;
    let lenient = run(&app, APP_ID, Some(&merchant.url())).await;
    assert_eq!(
        failed(&lenient),
        ["rejects_forged_sign", "rejects_missing_sign"]
    );
}

#[tokio::test]
async fn probes_are_not_recorded_as_notifications_or_authorisations() {
    let app = spawn_app().await;
    let merchant = receiver(Behavior::Verify).await;
    app.set_callback(APP_ID, &merchant.url(), Value::Null).await;
    let report = run(&app, APP_ID, None).await;
    assert_eq!(report["passed"], true);
    let listed = app.get("/__mock/notifications").await.json();
    assert_eq!(listed["notifications"], json!([]));
    let probe_id = report["checks"][0]["requests"][0]["notificationId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    app.get(&format!("/__mock/notifications/{probe_id}"))
        .await
        .assert_control(404, "NOTIFICATION_NOT_FOUND");
    let auths = app.get("/__mock/payscore/authorizations").await.json();
    assert_eq!(auths["authorizations"], json!([]));

    // Real notifications still get ids of their own.
    let real = app.opened_id(APP_ID).await;
    let probe_ids: Vec<Value> = checks(&report)
        .iter()
        .flat_map(|c| c["requests"].as_array().cloned().unwrap_or_default())
        .map(|r| r["notificationId"].clone())
        .collect();
    assert!(!probe_ids.contains(&json!(real)), "{real}");
}

#[tokio::test]
async fn bad_requests_are_refused_before_anything_is_sent() {
    let app = spawn_app().await;
    let merchant = receiver(Behavior::Success).await;
    let url = merchant.url();
    let cases = [
        (
            json!({ "appId": "ffffffffffffffffffffffffffffffff", "callbackUrl": url }),
            404,
            "APP_NOT_FOUND",
        ),
        (json!({ "appId": APP_ID }), 409, "NO_CALLBACK_URL"),
        (
            json!({ "appId": APP_ID, "callbackUrl": "ftp://merchant.example/cb" }),
            400,
            "VALIDATION_FAILED",
        ),
        (
            json!({ "appId": APP_ID, "callbackUrl": "not a url" }),
            400,
            "VALIDATION_FAILED",
        ),
        (
            json!({ "appId": APP_ID, "callbackUrl": url, "timeoutMs": 0 }),
            400,
            "VALIDATION_FAILED",
        ),
        (
            json!({ "appId": APP_ID, "callbackUrl": url, "timeout": 5 }),
            400,
            "INVALID_JSON",
        ),
        (json!({ "callbackUrl": url }), 400, "INVALID_JSON"),
        (json!({ "appId": 7 }), 400, "INVALID_JSON"),
    ];
    for (body, status, code) in cases {
        app.post_json("/__mock/conformance", &body)
            .await
            .assert_control(status, code);
    }
    app.post_raw("/__mock/conformance", "application/json", "{\"appId\":")
        .await
        .assert_control(400, "INVALID_JSON");
    app.get("/__mock/conformance")
        .await
        .assert_control(405, "METHOD_NOT_ALLOWED");
    assert!(merchant.received().is_empty());
}
