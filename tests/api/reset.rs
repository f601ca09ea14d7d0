use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn reset_brings_back_the_fixtures_and_the_clock() {
    let app = spawn_app().await;
    let before = app.open(json!({"appId": APP_ID})).await;
    app.post_json("/__mock/apps", &json!({})).await;
    let token = app.token(QR_APP_ID, QR_APP_KEY).await;
    app.post_json(
        "/__mock/faults",
        &json!({"target": "token", "action": "error"}),
    )
    .await;
    app.post_json("/__mock/stubs", &json!({"path": "/v1/x", "response": {}}))
        .await;
    app.patch_json(
        &format!("/__mock/apps/{APP_ID}"),
        &json!({"appKey": "changed"}),
    )
    .await;
    app.advance(7200.0).await;

    let r = app.post_json("/__mock/reset", &Value::Null).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        app.get("/__mock/apps").await.json()["apps"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(
        app.get(&format!("/__mock/apps/{APP_ID}")).await.json()["appKey"],
        APP_KEY
    );
    assert_eq!(
        app.get("/__mock/clock").await.json()["now"],
        "2026-11-25T12:00:00+08:00"
    );
    assert_eq!(app.get("/__mock/faults").await.json()["faults"], json!([]));
    assert_eq!(
        app.get("/__mock/stubs").await.json()["stubs"],
        json!([]),
        "the stub added is gone and no fixture stub ships"
    );
    assert_eq!(
        app.get("/__mock/notifications").await.json()["notifications"],
        json!([])
    );
    assert_eq!(
        app.get("/__mock/requests").await.json()["requests"],
        json!([])
    );
    app.call_with_token("/v1/x", &token, "{}")
        .await
        .assert_gateway(401, "INVALID_TOKEN");
    // Seeded: the same story after a reset produces the same bytes.
    let after = app.open(json!({"appId": APP_ID})).await;
    assert_eq!(
        before["notification"]["body"],
        after["notification"]["body"]
    );
}

#[tokio::test]
async fn resetting_one_app_leaves_the_others_alone() {
    let app = spawn_app().await;
    app.open(json!({"appId": APP_ID, "openId": "o-1"})).await;
    app.open(json!({"appId": QR_APP_ID, "openId": "o-1"})).await;
    app.patch_json(
        &format!("/__mock/apps/{QR_APP_ID}"),
        &json!({"name": "改过的名字"}),
    )
    .await;
    let r = app
        .post_json(&format!("/__mock/reset?appId={QR_APP_ID}"), &Value::Null)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["restoredFromFixtures"], true);
    assert_eq!(
        app.get(&format!("/__mock/apps/{QR_APP_ID}")).await.json()["name"],
        "银商测试商户（网付扫码）"
    );
    let mine = app
        .get(&format!(
            "/__mock/payscore/authorizations?appId={QR_APP_ID}"
        ))
        .await
        .json();
    assert_eq!(mine["authorizations"], json!([]));
    let other = app
        .get(&format!("/__mock/payscore/authorizations?appId={APP_ID}"))
        .await
        .json();
    assert_eq!(other["authorizations"].as_array().map(Vec::len), Some(1));
    // A non-fixture app is simply removed; an unknown one is 404.
    let created = app.post_json("/__mock/apps", &json!({})).await.json();
    let id = created["appId"].as_str().unwrap_or_default();
    let r = app
        .post_json(&format!("/__mock/reset?appId={id}"), &Value::Null)
        .await;
    assert_eq!(r.json()["restoredFromFixtures"], false);
    app.get(&format!("/__mock/apps/{id}"))
        .await
        .assert_control(404, "APP_NOT_FOUND");
    app.post_json(&format!("/__mock/reset?appId={id}"), &Value::Null)
        .await
        .assert_control(404, "APP_NOT_FOUND");
}

/// Every id a short story makes: an app on a clock of its own, a token, a fault, a stub, an
/// authorisation and its notification, a paid order, a clock.
async fn ids_of_a_story(app: &TestApp) -> Value {
    let created = app
        .post_json("/__mock/apps", &json!({"clock": "new"}))
        .await
        .json();
    let token = app.token(APP_ID, APP_KEY).await;
    let fault = app
        .post_json(
            "/__mock/faults",
            &json!({"target": "token", "action": "delay", "delayMs": 1, "appId": QR_APP_ID}),
        )
        .await
        .json();
    let stub = app
        .post_json("/__mock/stubs", &json!({"path": "/v1/x", "response": {}}))
        .await
        .json();
    let opened = app.open(json!({"appId": APP_ID})).await;
    let order = app
        .call_with_token(
            "/v1/netpay/wx/unified-order",
            &token,
            &crate::orders::create(MID, "3194202611251200001", 1).to_string(),
        )
        .await;
    let paid = app
        .post_json("/__mock/orders/3194202611251200001/pay", &json!({}))
        .await
        .json();
    let clock = app.post_json("/__mock/clocks", &json!({})).await.json();
    json!({
        "app": [&created["appId"], &created["appKey"], &created["md5Key"], &created["clock"]],
        "token": token,
        "fault": fault["id"],
        "stub": stub["id"],
        "authorization": opened["authorization"],
        "notification": opened["notification"]["id"],
        "order": order.json()["miniPayRequest"],
        "paid": [&paid["order"]["targetOrderId"], &paid["notification"]["id"]],
        "clock": clock["id"],
    })
}

#[tokio::test]
async fn a_seeded_sandbox_makes_the_same_ids_after_every_reset() {
    let app = spawn_app().await;
    let first = ids_of_a_story(&app).await;
    for _ in 0..2 {
        app.post_json("/__mock/reset", &Value::Null).await;
        assert_eq!(ids_of_a_story(&app).await, first);
    }
}
