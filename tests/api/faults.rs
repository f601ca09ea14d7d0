use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::*;
use crate::receiver::Receiver;

async fn add_fault(app: &TestApp, fault: Value) -> Value {
    let r = app.post_json("/__mock/faults", &fault).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()
}

#[tokio::test]
async fn a_token_fault_answers_the_chosen_error_for_the_next_n_requests_then_stops() {
    let app = spawn_app().await;
    let fault = add_fault(&app, json!({"target": "token", "action": "error", "times": 2, "httpStatus": 503, "errCode": "9200", "errMsg": "系统繁忙"})).await;
    for _ in 0..2 {
        let r = app.token_request(APP_ID, APP_KEY).await;
        r.assert_gateway(503, "9200");
        assert_eq!(r.json()["errInfo"], "系统繁忙");
    }
    assert_eq!(app.token_request(APP_ID, APP_KEY).await.status, 200);
    let listed = app
        .get(&format!(
            "/__mock/faults/{}",
            fault["id"].as_str().unwrap_or_default()
        ))
        .await
        .json();
    assert_eq!(
        (listed["hits"].clone(), listed["remaining"].clone()),
        (json!(2), json!(0))
    );
    // The journal tells the fault from a bug.
    let journal = app
        .get("/__mock/requests?path=/v1/token/access")
        .await
        .json();
    let outcomes: Vec<_> = journal["requests"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["outcome"].clone())
        .collect();
    assert_eq!(outcomes, [json!("ok"), json!("fault"), json!("fault")]);
    assert_eq!(
        journal["requests"][1]["response"]["answeredBy"],
        format!("fault:{}", fault["id"].as_str().unwrap_or_default())
    );
    assert_eq!(journal["requests"][1]["faults"][0], fault["id"]);
}

#[tokio::test]
async fn a_gateway_fault_can_target_one_app_and_one_path() {
    let app = spawn_app().await;
    add_fault(&app, json!({"target": "gateway", "action": "error", "appId": QR_APP_ID, "path": "/v1/netpay/*", "errCode": "TARGET_FAIL"})).await;
    let qr = app.token(QR_APP_ID, QR_APP_KEY).await;
    let main = app.token(APP_ID, APP_KEY).await;
    let r = app.call_with_token("/v1/netpay/close", &qr, "{}").await;
    // A business error, as the real platform answers it: HTTP 200, errCode and errMsg.
    r.assert_gateway(200, "TARGET_FAIL");
    assert!(r.json().get("errInfo").is_none(), "{}", r.text);
    assert!(
        r.headers.get("x-chinaums-mock-app-id").is_some(),
        "the call was authenticated first"
    );
    app.call_with_token("/v2/poslink/transaction/pay", &qr, "{}")
        .await
        .assert_authenticated_as(QR_APP_ID);
    app.call_with_token("/v1/netpay/close", &main, "{}")
        .await
        .assert_authenticated_as(APP_ID);
    // Authentication still comes first: a bad token is an auth failure, not the fault.
    app.call_with_token("/v1/netpay/close", "0000", "{}")
        .await
        .assert_gateway(401, "INVALID_TOKEN");
}

#[tokio::test]
async fn a_gateway_fault_with_an_error_status_answers_as_the_gateway_layer_with_err_info() {
    let app = spawn_app().await;
    add_fault(&app, json!({"target": "gateway", "action": "error", "httpStatus": 412, "errCode": "9200", "errMsg": "系统繁忙"})).await;
    let token = app.token(APP_ID, APP_KEY).await;
    let r = app.call_with_token("/v1/netpay/query", &token, "{}").await;
    r.assert_gateway(412, "9200");
    assert_eq!(
        (r.json()["errInfo"].as_str(), r.json()["errMsg"].as_str()),
        (Some("系统繁忙"), Some("系统繁忙"))
    );
}

#[tokio::test]
async fn a_delay_fault_answers_late_but_correctly() {
    let app = spawn_app().await;
    add_fault(
        &app,
        json!({"target": "token", "action": "delay", "delayMs": 150, "times": 1}),
    )
    .await;
    let started = std::time::Instant::now();
    assert_eq!(app.token_request(APP_ID, APP_KEY).await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn a_probability_of_zero_never_fires_and_one_always_does() {
    let app = spawn_app().await;
    let never = add_fault(
        &app,
        json!({"target": "token", "action": "error", "probability": 0.0}),
    )
    .await;
    for _ in 0..5 {
        assert_eq!(app.token_request(APP_ID, APP_KEY).await.status, 200);
    }
    let id = never["id"].as_str().unwrap_or_default();
    assert_eq!(
        app.send(app.client.delete(app.url(&format!("/__mock/faults/{id}"))))
            .await
            .status,
        204
    );
    add_fault(
        &app,
        json!({"target": "token", "action": "error", "probability": 1.0}),
    )
    .await;
    assert_eq!(app.token_request(APP_ID, APP_KEY).await.status, 412);
    assert_eq!(
        app.send(app.client.delete(app.url("/__mock/faults")))
            .await
            .status,
        204
    );
    assert_eq!(app.token_request(APP_ID, APP_KEY).await.status, 200);
    assert_eq!(app.get("/__mock/faults").await.json()["faults"], json!([]));
}

#[tokio::test]
async fn malformed_faults_are_refused_with_the_reason() {
    let app = spawn_app().await;
    for (body, code) in [
        (
            json!({"target": "token", "action": "drop"}),
            "VALIDATION_FAILED",
        ),
        (
            json!({"target": "notification", "action": "error"}),
            "VALIDATION_FAILED",
        ),
        (
            json!({"target": "token", "action": "error", "probability": 2}),
            "VALIDATION_FAILED",
        ),
        (
            json!({"target": "gateway", "action": "delay"}),
            "VALIDATION_FAILED",
        ),
        (
            json!({"target": "notification", "action": "delay"}),
            "VALIDATION_FAILED",
        ),
        (
            json!({"target": "token", "action": "error", "path": "/v1/x"}),
            "VALIDATION_FAILED",
        ),
        (json!({"target": "moon", "action": "error"}), "INVALID_JSON"),
        (json!({"action": "error"}), "INVALID_JSON"),
    ] {
        app.post_json("/__mock/faults", &body)
            .await
            .assert_control(400, code);
    }
    app.send(app.client.delete(app.url("/__mock/faults/flt-99")))
        .await
        .assert_control(404, "FAULT_NOT_FOUND");
}

#[tokio::test]
async fn dropped_attempts_are_recorded_and_retried_on_the_ladder() {
    let app = spawn_app().await;
    let receiver = Receiver::start(MD5_KEY).await;
    app.set_callback(APP_ID, &receiver.url(), Value::Null).await;
    let fault = add_fault(
        &app,
        json!({"target": "notification", "action": "drop", "times": 2, "appId": APP_ID}),
    )
    .await;
    let id = app.opened_id(APP_ID).await;
    app.advance(60.0).await;
    let n = app.notification(&id).await;
    assert_eq!(
        outcomes(&n),
        ["connection_failed", "connection_failed", "delivered"]
    );
    assert_eq!(offsets(&n), [0, 15, 30]);
    assert_eq!(n["attempts"][0]["fault"], fault["id"]);
    assert!(
        n["attempts"][0]["error"]
            .as_str()
            .unwrap_or_default()
            .contains("dropped")
    );
    assert_eq!(n["attempts"][2]["fault"], Value::Null);
    assert_eq!(
        receiver.received().len(),
        1,
        "dropped attempts never reach the merchant"
    );
}

#[tokio::test]
async fn a_tampered_sign_is_sent_once_and_the_retry_carries_the_right_one() {
    let app = spawn_app().await;
    let receiver = Receiver::start(MD5_KEY).await;
    receiver.answer(
        vec![crate::receiver::Behavior::Verify],
        crate::receiver::Behavior::Verify,
    );
    app.set_callback(APP_ID, &receiver.url(), Value::Null).await;
    add_fault(
        &app,
        json!({"target": "notification", "action": "tamperSign", "times": 1}),
    )
    .await;
    let id = app.opened_id(APP_ID).await;
    app.advance(15.0).await;
    let got = receiver.received();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].sign_valid, Some(false));
    assert_eq!(got[1].sign_valid, Some(true));
    assert_eq!(got[0].fields["id"], got[1].fields["id"]);
    let n = app.notification(&id).await;
    assert_eq!(outcomes(&n), ["rejected", "delivered"]);
    assert!(n["attempts"][0]["fault"].is_string());
}

#[tokio::test]
async fn a_duplicate_fault_delivers_the_same_notification_twice() {
    let app = spawn_app().await;
    let receiver = Receiver::start(MD5_KEY).await;
    app.set_callback(APP_ID, &receiver.url(), Value::Null).await;
    add_fault(
        &app,
        json!({"target": "notification", "action": "duplicate", "times": 1}),
    )
    .await;
    let id = app.opened_id(APP_ID).await;
    app.settle_in_flight().await;
    let got = receiver.received();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].body, got[1].body);
    let n = app.notification(&id).await;
    assert_eq!(n["status"], "delivered");
    let triggers: Vec<_> = n["attempts"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| a["trigger"].clone())
        .collect();
    assert_eq!(triggers, [json!("fault"), json!("schedule")]);
}

#[tokio::test]
async fn an_out_of_order_fault_delivers_a_close_before_its_open() {
    let app = spawn_app().await;
    let receiver = Receiver::start(MD5_KEY).await;
    app.set_callback(APP_ID, &receiver.url(), Value::Null).await;
    add_fault(
        &app,
        json!({"target": "notification", "action": "outOfOrder", "times": 1}),
    )
    .await;
    let opened = app.open(json!({"appId": APP_ID, "openId": "o-ooo"})).await;
    app.settle_in_flight().await;
    let open_id = opened["notification"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(app.notification(&open_id).await["heldByFault"].is_string());
    assert_eq!(receiver.received().len(), 0);
    app.close(APP_ID, "o-ooo").await;
    let got = receiver.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(got[0].fields["eventType"], "PAYSCORE.USER_CLOSE_SERVICE");
    assert_eq!(got[1].fields["eventType"], "PAYSCORE.USER_OPEN_SERVICE");
    app.wait_status(&open_id, "delivered").await;
}

#[tokio::test]
async fn a_notification_delay_postpones_the_attempt_in_sandbox_time() {
    let app = spawn_app().await;
    let receiver = Receiver::start(MD5_KEY).await;
    app.set_callback(APP_ID, &receiver.url(), Value::Null).await;
    add_fault(
        &app,
        json!({"target": "notification", "action": "delay", "delaySeconds": 600, "times": 1}),
    )
    .await;
    let id = app.opened_id(APP_ID).await;
    app.advance(599.0).await;
    let n = app.notification(&id).await;
    assert_eq!(n["attempts"].as_array().map(Vec::len), Some(0));
    assert!(n["delayedByFault"].is_string());
    app.advance(1.0).await;
    let n = app.notification(&id).await;
    assert_eq!(outcomes(&n), ["delivered"]);
    assert_eq!(offsets(&n), [600]);
    assert!(n["attempts"][0]["fault"].is_string());
}
