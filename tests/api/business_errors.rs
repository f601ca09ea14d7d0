//! What the business layer refuses is answered as the real platform answers it: HTTP 200 with
//! `errCode` and `errMsg`.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_malformed_mid_is_a_bad_request_that_names_the_member() {
    let app = spawn_app().await;
    let token = app.token(APP_ID, APP_KEY).await;
    for body in [
        r#"{"mid":{"id":"898201612345678"},"merOrderId":"M1"}"#,
        r#"{"data":{"mid":true}}"#,
    ] {
        let r = app.call_with_token("/v1/netpay/query", &token, body).await;
        r.assert_gateway(200, "BAD_REQUEST");
        let msg = r.json()["errMsg"].as_str().unwrap_or_default().to_owned();
        assert!(msg.starts_with("参数不合法: mid "), "{msg}");
        assert_eq!(
            r.headers
                .get("x-chinaums-mock-app-id")
                .and_then(|v| v.to_str().ok()),
            Some(APP_ID)
        );
    }
}

#[tokio::test]
async fn a_mid_sent_as_a_number_is_checked_like_a_string() {
    let app = spawn_app().await;
    let qr = app.token(QR_APP_ID, QR_APP_KEY).await;
    let r = app
        .call_with_token("/v1/netpay/close", &qr, &format!(r#"{{"mid":{MID}}}"#))
        .await;
    r.assert_gateway(200, "NO_MERCHANT");
    app.call_with_token("/v1/netpay/close", &qr, &format!(r#"{{"mid":{QR_MID}}}"#))
        .await
        .assert_authenticated_as(QR_APP_ID);
}

#[tokio::test]
async fn a_refused_call_never_reaches_a_stub_and_is_journaled_with_its_code() {
    let app = spawn_app().await;
    let stub = app
        .post_json(
            "/__mock/stubs",
            &json!({"path": "/v1/netpay/close", "response": {"body": {"errCode": "SUCCESS"}}}),
        )
        .await;
    assert_eq!(stub.status, 201, "{}", stub.text);
    let qr = app.token(QR_APP_ID, QR_APP_KEY).await;
    app.call_with_token("/v1/netpay/close", &qr, &order_body(MID))
        .await
        .assert_gateway(200, "NO_MERCHANT");
    let journal = app
        .get("/__mock/requests?path=/v1/netpay/close")
        .await
        .json();
    let entry = &journal["requests"][0];
    assert_eq!(entry["auth"]["verdict"], "accepted");
    assert_eq!(entry["response"]["status"], 200);
    assert_eq!(entry["response"]["errCode"], "NO_MERCHANT");
    assert_eq!(entry["response"]["answeredBy"], "error");
    assert_eq!(entry["outcome"], "bad_request");
    let stubs = app.get("/__mock/stubs").await.json();
    assert!(
        stubs["stubs"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|s| s["hits"] == 0),
        "{stubs}"
    );
}

#[tokio::test]
async fn an_open_form_param_content_is_the_request_stubs_and_the_merchant_check_read() {
    let app = spawn_app().await;
    let stub = app
        .post_json(
            "/__mock/stubs",
            &json!({
                "method": "GET", "path": "/v1/netpay/trade/h5-pay", "bodyJson": {"merOrderId": "H1"},
                "response": {"body": {"errCode": "SUCCESS", "merOrderId": "{{request.body.merOrderId}}", "totalAmount": "{{request.body.totalAmount}}"}}
            }),
        )
        .await;
    assert_eq!(stub.status, 201, "{}", stub.text);
    let content = format!(r#"{{"data":{{"mid":"{MID}","merOrderId":"H1","totalAmount":5}}}}"#);
    let r = app
        .send(
            app.client
                .get(app.url("/v1/netpay/trade/h5-pay"))
                .query(&form_query(APP_ID, APP_KEY, &content)),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json(),
        json!({"errCode": "SUCCESS", "merOrderId": "H1", "totalAmount": 5})
    );
    let content = order_body(MID);
    app.send(
        app.client
            .get(app.url("/v1/netpay/trade/h5-pay"))
            .query(&form_query(QR_APP_ID, QR_APP_KEY, &content)),
    )
    .await
    .assert_gateway(200, "NO_MERCHANT");
}

#[tokio::test]
async fn a_mid_of_another_app_is_journaled_with_both_apps_though_the_answer_names_one() {
    let app = spawn_app().await;
    let qr = app.token(QR_APP_ID, QR_APP_KEY).await;
    let r = app
        .call_with_token("/v1/netpay/close", &qr, &order_body(MID))
        .await;
    r.assert_gateway(200, "NO_MERCHANT");
    assert!(!r.text.contains(APP_ID), "the answer keeps tenants apart");
    let journal = app
        .get(&format!(
            "/__mock/requests?appId={QR_APP_ID}&path=/v1/netpay/close"
        ))
        .await
        .json();
    let entry = &journal["requests"][0];
    assert_eq!(entry["response"]["errCode"], "NO_MERCHANT");
    assert_eq!(
        entry["hints"],
        json!([format!(
            "mid {MID} is the merchant of app {APP_ID}, but the call used the credentials of \
             app {QR_APP_ID} (whose mid is {QR_MID}): the client mixed up two apps' settings"
        )])
    );
}
