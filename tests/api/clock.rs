use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn the_clock_reports_sandbox_time_in_beijing_time() {
    let app = spawn_app().await;
    let r = app.get("/__mock/clock").await;
    assert_eq!(r.status, 200);
    let c = r.json();
    assert_eq!(c["now"], "2026-11-25T12:00:00+08:00");
    assert_eq!(c["frozen"], true);
    assert!(c["offsetSeconds"].is_i64());
}

#[tokio::test]
async fn advancing_moves_sandbox_time_and_returns_the_new_time() {
    let app = spawn_app().await;
    let r = app.advance(3601.0).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["now"], "2026-11-25T13:00:01+08:00");
    let r = app.advance(0.5).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        app.get("/__mock/clock").await.json()["now"],
        "2026-11-25T13:00:01+08:00"
    );
    app.advance(0.5).await;
    assert_eq!(
        app.get("/__mock/clock").await.json()["now"],
        "2026-11-25T13:00:02+08:00"
    );
}

#[tokio::test]
async fn advancing_by_a_negative_or_absurd_amount_is_400() {
    let app = spawn_app().await;
    for seconds in [json!(-1), json!(1e12)] {
        let r = app
            .post_json("/__mock/clock/advance", &json!({ "seconds": seconds }))
            .await;
        r.assert_control(400, "VALIDATION_FAILED");
    }
    for body in [json!({}), json!({"seconds": "10"})] {
        let r = app.post_json("/__mock/clock/advance", &body).await;
        r.assert_control(400, "INVALID_JSON");
    }
}

#[tokio::test]
async fn put_sets_the_time_and_freezes_or_unfreezes() {
    let app = spawn_app().await;
    let r = app
        .send(
            app.client
                .put(app.url("/__mock/clock"))
                .json(&json!({"now": "2030-01-01T00:00:00Z"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["now"], "2030-01-01T08:00:00+08:00");
    assert_eq!(r.json()["frozen"], true);
    let r = app
        .send(
            app.client
                .put(app.url("/__mock/clock"))
                .json(&json!({"frozen": false})),
        )
        .await;
    assert_eq!(r.json()["frozen"], false);
    let offset = r.json()["offsetSeconds"].as_i64().unwrap_or_default();
    assert!(
        offset > 90_000_000,
        "running from 2030 is far ahead of today: {offset}"
    );
    let r = app
        .send(
            app.client
                .put(app.url("/__mock/clock"))
                .json(&json!({"now": "yesterday"})),
        )
        .await;
    r.assert_control(400, "VALIDATION_FAILED");
}

#[tokio::test]
async fn timestamps_are_judged_against_the_sandbox_clock_not_the_wall_clock() {
    let app = spawn_app().await;
    let r = app
        .send(
            app.client
                .put(app.url("/__mock/clock"))
                .json(&json!({"now": "2031-06-01T09:30:00+08:00"})),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(app.token_request(APP_ID, APP_KEY).await.code(), "1001");
    let body = signed_token_body(APP_ID, APP_KEY, "20310601093000", "n");
    assert_eq!(app.post_json("/v1/token/access", &body).await.status, 200);
}
