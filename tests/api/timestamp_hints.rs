//! A timestamp outside the window is refused exactly as before, and the sandbox says why in a
//! response header and the journal: UTC sent for Beijing time, or how far it is from the time of
//! the app's clock.

use serde_json::{Value, json};

use crate::helpers::*;

const HINT: &str = "x-chinaums-mock-hint";

/// Eight hours before the frozen sandbox time: the vectors' instant written in UTC.
const UTC_TS: &str = "20261125040000";

fn hint_of(r: &Reply) -> String {
    r.headers
        .get(HINT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {HINT} header: {}", r.text))
        .to_owned()
}

/// The hints of the newest journal entry for `path`.
async fn journal_hints(app: &TestApp, path: &str) -> Value {
    let journal = app
        .get(&format!("/__mock/requests?path={path}"))
        .await
        .json();
    journal["requests"][0]["hints"].clone()
}

#[tokio::test]
async fn a_token_request_in_utc_is_refused_as_before_and_told_it_sent_utc() {
    let app = spawn_app().await;
    let body = signed_token_body(APP_ID, APP_KEY, UTC_TS, "n");
    let r = app.post_json("/v1/token/access", &body).await;
    assert_eq!(r.status, 412);
    assert_eq!(
        r.json(),
        json!({
            "errCode": "1001",
            "errInfo": "认证失败：timestamp与服务器时间相差-28800秒，超出允许的±600秒",
        }),
        "the body clients parse is unchanged"
    );
    let hint = hint_of(&r);
    assert!(
        hint.starts_with(&format!(
            "timestamp {UTC_TS} is 8 hours behind the sandbox time of app {APP_ID} (clock \
             default), 20261125120000: the client sent UTC, but ChinaUMS timestamps are Beijing \
             time (UTC+8)"
        )),
        "{hint}"
    );
    assert_eq!(journal_hints(&app, "/v1/token/access").await, json!([hint]));
    // An accepted request has neither.
    let r = app.token_request(APP_ID, APP_KEY).await;
    assert!(r.headers.get(HINT).is_none());
    assert!(journal_hints(&app, "/v1/token/access").await.is_null());
}

#[tokio::test]
async fn a_token_request_eight_hours_ahead_is_told_it_shifted_beijing_time_twice() {
    let app = spawn_app().await;
    let body = signed_token_body(APP_ID, APP_KEY, "20261125200000", "n");
    let r = app.post_json("/v1/token/access", &body).await;
    r.assert_gateway(412, "1001");
    let hint = hint_of(&r);
    assert!(
        hint.contains("is 8 hours ahead of the sandbox time"),
        "{hint}"
    );
    assert!(hint.contains("already Beijing time (UTC+8)"), "{hint}");
}

#[tokio::test]
async fn signed_business_calls_in_utc_get_the_same_hint_with_their_usual_answer() {
    let app = spawn_app().await;
    let body = order_body(MID);
    let header = body_sig_header(APP_ID, APP_KEY, UTC_TS, &body);
    let r = app
        .call_with_header("/v1/netpay/close", &header, &body)
        .await;
    r.assert_gateway(401, "ABNORMAL_REQUEST_TIME");
    let keys: Vec<String> = r
        .json()
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(keys, ["errCode", "errMsg", "errInfo"], "{}", r.text);
    let hint = hint_of(&r);
    assert!(hint.contains("the client sent UTC"), "{hint}");
    assert_eq!(journal_hints(&app, "/v1/netpay/close").await, json!([hint]));

    let query = form_query_at(APP_ID, APP_KEY, UTC_TS, &body);
    let r = app
        .send(
            app.client
                .get(app.url("/v1/netpay/webpay/pay"))
                .query(&query),
        )
        .await;
    r.assert_gateway(401, "ABNORMAL_REQUEST_TIME");
    assert_eq!(hint_of(&r), hint);
}

#[tokio::test]
async fn another_offset_names_the_time_of_the_app_s_clock_that_would_be_accepted() {
    let app = spawn_app().await;
    let clock = app
        .post_json(
            "/__mock/clocks",
            &json!({"now": "2026-11-26T12:00:00+08:00", "frozen": true}),
        )
        .await
        .json();
    let clock = clock["id"].as_str().unwrap_or_default();
    let tenant = app
        .post_json("/__mock/apps", &json!({ "clock": clock }))
        .await
        .json();
    let (app_id, app_key) = (
        tenant["appId"].as_str().unwrap_or_default(),
        tenant["appKey"].as_str().unwrap_or_default(),
    );
    // Signed at the default clock's time: a day behind this app's.
    let body = signed_token_body(app_id, app_key, VECTOR_TS, "n");
    let r = app.post_json("/v1/token/access", &body).await;
    r.assert_gateway(412, "1001");
    let hint = hint_of(&r);
    let expected = format!(
        "timestamp {VECTOR_TS} is 24 h 0 min behind the sandbox time of app {app_id} (clock \
         {clock}), 20261126120000"
    );
    assert!(hint.starts_with(&expected), "{hint}");
    assert!(hint.contains("within +/-600 s"), "{hint}");
    assert_eq!(journal_hints(&app, "/v1/token/access").await, json!([hint]));
}
