use serde_json::{Value, json};

use crate::helpers::*;

async fn add_stub(app: &TestApp, stub: Value) -> Value {
    let r = app.post_json("/__mock/stubs", &stub).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()
}

fn unified_order(mid: &str) -> String {
    format!(
        r#"{{"requestTimestamp":"2026-11-25 12:00:00","mid":"{mid}","tid":"88880001","instMid":"MINIDEFAULT","merOrderId":"3194202611251200001","totalAmount":288,"subOpenId":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","tradeType":"MINI"}}"#
    )
}

#[tokio::test]
async fn the_netpay_mini_program_flow_works_out_of_the_box() {
    let app = spawn_app().await;
    let token = app.token(APP_ID, APP_KEY).await;
    let r = app
        .call_with_token("/v1/netpay/wx/unified-order", &token, &unified_order(MID))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let b = r.json();
    assert_eq!(b["errCode"], "SUCCESS");
    assert_eq!(b["merOrderId"], "3194202611251200001");
    assert_eq!(b["totalAmount"], 288, "numbers stay numbers");
    assert_eq!(b["mid"], MID);
    assert_eq!(b["status"], "WAIT_BUYER_PAY");
    assert_eq!(b["responseTimestamp"], "2026-11-25 12:00:00");
    assert_eq!(b["miniPayRequest"]["appId"], "wx1234567890abcdef");
    assert!(
        b["miniPayRequest"]["package"]
            .as_str()
            .is_some_and(|p| p.starts_with("prepay_id=wx20261125120000"))
    );
    assert_eq!(b["miniPayRequest"]["timeStamp"], "1795579200");
    assert!(
        r.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"))
    );
    // The payer pays, and the query tells.
    let paid = app
        .post_json("/__mock/orders/3194202611251200001/pay", &json!({}))
        .await;
    assert_eq!(paid.status, 200, "{}", paid.text);
    let query = r#"{"requestTimestamp":"2026-11-25 12:00:05","mid":"898201612345678","tid":"88880001","instMid":"MINIDEFAULT","merOrderId":"3194202611251200001"}"#;
    let q = app
        .call_with_body_sig("/v1/netpay/query", APP_ID, APP_KEY, query)
        .await;
    assert_eq!(q.status, 200, "{}", q.text);
    assert_eq!(q.json()["status"], "TRADE_SUCCESS");
    assert_eq!(q.json()["merOrderId"], "3194202611251200001");
    assert!(
        q.json()["targetOrderId"]
            .as_str()
            .is_some_and(|t| t.starts_with("4200"))
    );
    // Stubs sit behind real authentication.
    app.call_with_token("/v1/netpay/query", "nope", query)
        .await
        .assert_gateway(401, "INVALID_TOKEN");
}

#[tokio::test]
async fn a_stub_answers_with_its_status_body_headers_and_only_for_matching_calls() {
    let app = spawn_app().await;
    let stub = add_stub(&app, json!({
        "method": "POST", "path": "/v1/netpay/refund", "appId": APP_ID,
        "bodyJson": {"merOrderId": "R1"},
        "response": {"status": 200, "body": {"errCode": "SUCCESS", "refundStatus": "SUCCESS", "refundAmount": "{{request.body.refundAmount}}"}, "headers": {"x-trace": "t-1"}}
    })).await;
    let token = app.token(APP_ID, APP_KEY).await;
    let r = app
        .call_with_token(
            "/v1/netpay/refund",
            &token,
            r#"{"merOrderId":"R1","refundAmount":50,"mid":"898201612345678"}"#,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["refundAmount"], 50);
    assert_eq!(
        r.headers.get("x-trace").and_then(|v| v.to_str().ok()),
        Some("t-1")
    );
    // Other body, other app, other method: not this stub.
    app.call_with_token("/v1/netpay/refund", &token, r#"{"merOrderId":"R2"}"#)
        .await
        .assert_authenticated_as(APP_ID);
    let qr = app.token(QR_APP_ID, QR_APP_KEY).await;
    app.call_with_token("/v1/netpay/refund", &qr, r#"{"merOrderId":"R1"}"#)
        .await
        .assert_authenticated_as(QR_APP_ID);
    let got = app
        .get(&format!(
            "/__mock/stubs/{}",
            stub["id"].as_str().unwrap_or_default()
        ))
        .await
        .json();
    assert_eq!(got["hits"], 1);
}

#[tokio::test]
async fn a_sequence_of_answers_and_times_script_a_flaky_service() {
    let app = spawn_app().await;
    add_stub(
        &app,
        json!({
            "path": "/v1/netpay/query",
            "responses": [
                {"status": 200, "body": {"errCode": "SUCCESS", "status": "WAIT_BUYER_PAY"}},
                {"status": 200, "body": {"errCode": "SUCCESS", "status": "TRADE_SUCCESS"}}
            ],
            "times": 3
        }),
    )
    .await;
    let token = app.token(APP_ID, APP_KEY).await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let r = app.call_with_token("/v1/netpay/query", &token, "{}").await;
        let b = r.json();
        statuses.push(b["status"].as_str().unwrap_or(&r.code()).to_owned());
    }
    // Two answers in order, the last repeats, and after 3 matches the netpay simulation answers
    // again (a query naming no order is a bad request).
    assert_eq!(
        statuses,
        [
            "WAIT_BUYER_PAY",
            "TRADE_SUCCESS",
            "TRADE_SUCCESS",
            "BAD_REQUEST"
        ]
    );
    let journal = app
        .get("/__mock/requests?path=/v1/netpay/query")
        .await
        .json();
    let answered: Vec<_> = journal["requests"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            e["response"]["answeredBy"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(answered[0], "simulation", "{answered:?}");
    assert!(
        answered[1..].iter().all(|a| a == "stub:stb-1"),
        "{answered:?}"
    );
}

#[tokio::test]
async fn text_answers_error_statuses_and_prefix_paths_are_supported() {
    let app = spawn_app().await;
    add_stub(
        &app,
        json!({"path": "/v2/poslink/*", "response": {"status": 502, "body": "upstream down"}}),
    )
    .await;
    let token = app.token(APP_ID, APP_KEY).await;
    let r = app
        .call_with_token("/v2/poslink/transaction/pay", &token, "{}")
        .await;
    assert_eq!((r.status, r.text.as_str()), (502, "upstream down"));
    assert!(
        r.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/plain"))
    );
}

#[tokio::test]
async fn stubs_can_be_listed_removed_and_refused_when_malformed() {
    let app = spawn_app().await;
    let listed = app.get("/__mock/stubs").await.json();
    // No fixture stub ships: the netpay simulation answers the netpay paths.
    assert_eq!(listed["stubs"].as_array().map(Vec::len), Some(0));
    assert!(
        listed["stubs"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|s| s["fixture"] == true)
    );
    let stub = add_stub(&app, json!({"path": "/v1/x", "response": {"status": 204}})).await;
    let id = stub["id"].as_str().unwrap_or_default();
    assert_eq!(
        app.send(app.client.delete(app.url(&format!("/__mock/stubs/{id}"))))
            .await
            .status,
        204
    );
    app.send(app.client.delete(app.url(&format!("/__mock/stubs/{id}"))))
        .await
        .assert_control(404, "STUB_NOT_FOUND");
    for bad in [
        json!({"path": "/v1/x"}),
        json!({"path": "x", "response": {}}),
        json!({"path": "/v1/x", "response": {"status": 99}}),
    ] {
        app.post_json("/__mock/stubs", &bad)
            .await
            .assert_control(400, "VALIDATION_FAILED");
    }
    app.post_json(
        "/__mock/stubs",
        &json!({"path": "/v1/x", "response": {"status": "200"}}),
    )
    .await
    .assert_control(400, "INVALID_JSON");
    assert_eq!(
        app.send(app.client.delete(app.url("/__mock/stubs")))
            .await
            .status,
        204
    );
    let token = app.token(APP_ID, APP_KEY).await;
    app.call_with_token("/v1/netpay/query", &token, "{}")
        .await
        .assert_authenticated_as(APP_ID);
}

#[tokio::test]
async fn fixture_stubs_from_a_directory_answer_and_come_back_on_reset() {
    let dir = std::env::temp_dir().join(format!(
        "chinaums-mock-fixture-stubs-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("apps.json"),
        include_str!("../../fixtures/apps.json"),
    )
    .expect("apps written");
    let stubs = json!({"stubs": [{
        "path": "/v1/netpay/query",
        "response": {"body": {"errCode": "SUCCESS", "status": "TRADE_SUCCESS"}}
    }]});
    std::fs::write(dir.join("stubs.json"), stubs.to_string()).expect("stubs written");
    let fixtures = chinaums_mock::FixtureSource::Dir(dir.clone());
    let app = spawn_app_with(|c| c.fixtures = fixtures).await;
    let listed = app.get("/__mock/stubs").await.json();
    assert_eq!(listed["stubs"][0]["fixture"], true, "{listed}");
    let token = app.token(APP_ID, APP_KEY).await;
    let query = app.call_with_token("/v1/netpay/query", &token, "{}").await;
    assert_eq!(
        query.json()["status"],
        "TRADE_SUCCESS",
        "the fixture stub wins"
    );
    app.send(app.client.delete(app.url("/__mock/stubs"))).await;
    assert_eq!(app.get("/__mock/stubs").await.json()["stubs"], json!([]));
    app.post_json("/__mock/reset", &Value::Null).await;
    let back = app.get("/__mock/stubs").await.json();
    assert_eq!(back["stubs"].as_array().map(Vec::len), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_body_wrapped_in_data_is_matched_and_echoed_by_its_inner_members() {
    let app = spawn_app().await;
    add_stub(
        &app,
        json!({
            "path": "/v1/netpay/refund", "bodyJson": {"merOrderId": "R1"},
            "response": {"body": {"errCode": "SUCCESS", "merOrderId": "{{request.body.merOrderId}}", "refundAmount": "{{request.body.refundAmount}}"}}
        }),
    )
    .await;
    let token = app.token(APP_ID, APP_KEY).await;
    let r = app
        .call_with_token(
            "/v1/netpay/refund",
            &token,
            &format!(r#"{{"data":{{"mid":"{MID}","merOrderId":"R1","refundAmount":50}}}}"#),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json(),
        json!({"errCode": "SUCCESS", "merOrderId": "R1", "refundAmount": 50})
    );
}

#[tokio::test]
async fn members_the_request_lacks_are_left_out_of_the_answer_not_echoed_empty() {
    let app = spawn_app().await;
    add_stub(
        &app,
        json!({
            "method": "POST", "path": "/v1/netpay/custom/echo",
            "response": {"status": 200, "body": {
                "errCode": "SUCCESS",
                "merOrderId": "{{request.body.merOrderId}}",
                "srcReserve": "{{request.body.srcReserve}}",
                "tid": "{{request.body.tid}}",
                "instMid": "{{request.body.instMid}}"
            }}
        }),
    )
    .await;
    let token = app.token(APP_ID, APP_KEY).await;
    let r = app
        .call_with_token(
            "/v1/netpay/custom/echo",
            &token,
            &format!(r#"{{"mid":"{MID}","merOrderId":"3194202611251200002","totalAmount":1}}"#),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let b = r.json();
    assert_eq!(b["merOrderId"], "3194202611251200002");
    for lacking in ["srcReserve", "tid", "instMid"] {
        assert!(b.get(lacking).is_none(), "{lacking}: {}", r.text);
    }
    // Sent, it is echoed.
    let r = app
        .call_with_token(
            "/v1/netpay/custom/echo",
            &token,
            &format!(r#"{{"mid":"{MID}","tid":"88880001","srcReserve":"r1"}}"#),
        )
        .await;
    assert_eq!(
        (r.json()["srcReserve"].as_str(), r.json()["tid"].as_str()),
        (Some("r1"), Some("88880001"))
    );
    assert!(r.json().get("merOrderId").is_none(), "{}", r.text);
}
