//! The typed control client over real HTTP: tokens, faults, stubs, the journal and reset.

use chinaums_mock::api::app::AppSpec;
use chinaums_mock::api::fault::{FaultAction, FaultSpec, FaultTarget};
use chinaums_mock::api::stub::{StubResponse, StubSpec};
use chinaums_mock::client::{ClientError, OpenRequest, RequestFilter};
use serde_json::{Value, json};

use super::frozen;
use crate::helpers::{APP_ID, QR_APP_ID, vector_time};

#[tokio::test]
async fn the_client_fetches_a_token_that_the_gateway_accepts() {
    let server = frozen().await;
    let token = server
        .client()
        .token(&server.default_app())
        .await
        .expect("token");
    let answer = reqwest::Client::new()
        .post(format!("{}/v1/netpay/nothing-here", server.uri()))
        .header(
            "authorization",
            format!("OPEN-ACCESS-TOKEN AccessToken={token}"),
        )
        .body("{}")
        .send()
        .await
        .expect("sent");
    assert_eq!(answer.status().as_u16(), 404);
    assert_eq!(
        answer
            .headers()
            .get("x-chinaums-mock-app-id")
            .and_then(|v| v.to_str().ok()),
        Some(APP_ID)
    );

    let mut wrong_key = server.default_app();
    wrong_key.app_key = "0".repeat(32);
    match server.client().token(&wrong_key).await {
        Err(ClientError::Token {
            status, err_code, ..
        }) => assert_eq!((status, err_code.as_str()), (401, "1003")),
        other => panic!("expected a refused token, got {other:?}"),
    }
}

#[tokio::test]
async fn the_client_adds_lists_removes_and_clears_faults() {
    let server = frozen().await;
    let c = server.client();
    let app = server.default_app();
    let fault = c
        .add_fault(&json!({"target": "token", "action": "error", "times": 1, "httpStatus": 503, "errCode": "9200"}))
        .await
        .expect("added");
    assert_eq!(
        (fault.target, fault.action),
        (FaultTarget::Token, FaultAction::Error)
    );
    match c.token(&app).await {
        Err(ClientError::Token {
            status, err_code, ..
        }) => assert_eq!((status, err_code.as_str()), (503, "9200")),
        other => panic!("expected the fault's answer, got {other:?}"),
    }
    c.token(&app).await.expect("recovered after one");
    let listed = c.faults().await.expect("listed");
    assert_eq!((listed[0].hits, listed[0].remaining), (1, Some(0)));

    let typed = FaultSpec {
        target: FaultTarget::Notification,
        action: FaultAction::Drop,
        app_id: Some(QR_APP_ID.into()),
        path: None,
        http_status: None,
        err_code: None,
        err_msg: None,
        delay_ms: None,
        delay_seconds: None,
        times: Some(2),
        probability: None,
        description: Some("lose two deliveries".into()),
    };
    let dropped = c.add_fault(&typed).await.expect("typed fault");
    assert_eq!(dropped.app_id.as_deref(), Some(QR_APP_ID));
    c.remove_fault(&dropped.id).await.expect("removed");
    let again = c.remove_fault(&dropped.id).await.expect_err("gone");
    assert_eq!(
        (again.status(), again.code()),
        (Some(404), Some("FAULT_NOT_FOUND"))
    );
    let bad = c
        .add_fault(&json!({"target": "token", "action": "drop"}))
        .await
        .expect_err("invalid");
    assert_eq!(bad.status(), Some(400));

    c.clear_faults().await.expect("cleared");
    assert!(c.faults().await.expect("listed").is_empty());
}

#[tokio::test]
async fn the_client_adds_lists_removes_and_clears_stubs() {
    let server = frozen().await;
    let c = server.client();
    let spec = StubSpec {
        method: Some("POST".into()),
        path: "/v1/netpay/refund".into(),
        app_id: Some(APP_ID.into()),
        body_contains: None,
        body_json: None,
        response: Some(StubResponse {
            status: 200,
            body: json!({"errCode": "SUCCESS", "refundStatus": "PROCESSING"}),
            headers: Default::default(),
            delay_ms: 0,
        }),
        responses: None,
        times: None,
        priority: None,
        description: None,
    };
    let stub = c.add_stub(&spec).await.expect("added");
    assert_eq!(stub.path, "/v1/netpay/refund");

    let token = c.token(&server.default_app()).await.expect("token");
    let answer: Value = reqwest::Client::new()
        .post(format!("{}/v1/netpay/refund", server.uri()))
        .header(
            "authorization",
            format!("OPEN-ACCESS-TOKEN AccessToken={token}"),
        )
        .header("content-type", "application/json")
        .body(r#"{"merOrderId":"1"}"#)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(answer["refundStatus"], "PROCESSING");

    let listed = c.stubs().await.expect("listed");
    let mine = listed.iter().find(|s| s.id == stub.id).expect("listed");
    assert_eq!(mine.hits, 1);
    assert!(listed.iter().all(|s| !s.fixture), "no fixture stub ships");

    let other = c
        .add_stub(
            &json!({"path": "/v1/netpay/query", "response": {"body": {"errCode": "SUCCESS"}}}),
        )
        .await
        .expect("added");
    c.remove_stub(&other.id).await.expect("removed");
    let gone = c.remove_stub(&other.id).await.expect_err("gone");
    assert_eq!(gone.code(), Some("STUB_NOT_FOUND"));
    c.clear_stubs().await.expect("cleared");
    assert!(c.stubs().await.expect("listed").is_empty());
}

#[tokio::test]
async fn the_client_reads_filters_and_clears_the_request_journal() {
    let server = frozen().await;
    let c = server.client();
    c.token(&server.default_app()).await.expect("token");
    let unauthenticated = reqwest::Client::new()
        .post(format!("{}/v1/netpay/query", server.uri()))
        .body("{}")
        .send()
        .await
        .expect("sent");
    assert_eq!(unauthenticated.status().as_u16(), 401);

    let all = c
        .requests(&RequestFilter::default())
        .await
        .expect("journal");
    let paths: Vec<&str> = all.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["/v1/netpay/query", "/v1/token/access"]);
    assert_eq!(all[1].at, vector_time());
    assert_eq!(all[1].response.answered_by, "token");
    assert_eq!(all[1].app_id.as_deref(), Some(APP_ID));

    let failed = RequestFilter {
        outcome: Some("auth_failed".into()),
        ..RequestFilter::default()
    };
    let failed = c.requests(&failed).await.expect("filtered");
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].response.status, 401);
    let tokens = RequestFilter {
        path: Some("/v1/token/access".into()),
        limit: Some(5),
        ..RequestFilter::default()
    };
    assert_eq!(c.requests(&tokens).await.expect("filtered").len(), 1);

    c.clear_requests().await.expect("cleared");
    assert!(
        c.requests(&RequestFilter::default())
            .await
            .expect("empty")
            .is_empty()
    );
}

#[tokio::test]
async fn the_client_resets_everything_or_one_app() {
    let server = frozen().await;
    let c = server.client();
    let extra = c.create_app(AppSpec::default()).await.expect("created");
    c.open(OpenRequest::new(APP_ID)).await.expect("opened");
    c.advance_secs(600.0).await.expect("advanced");

    c.reset().await.expect("reset");
    assert_eq!(c.apps().await.expect("apps").len(), 2);
    assert!(
        c.notifications(&Default::default())
            .await
            .expect("none")
            .is_empty()
    );
    assert_eq!(c.clock().await.expect("clock").now, vector_time());
    // The seeded generator starts over too: the same app comes out again.
    assert_eq!(
        c.create_app(AppSpec::default()).await.expect("again"),
        extra
    );

    assert!(!c.reset_app(&extra.app_id).await.expect("removed"));
    assert!(c.app(&extra.app_id).await.is_err());
    assert!(c.reset_app(APP_ID).await.expect("restored"));
    let unknown = c.reset_app(&extra.app_id).await.expect_err("unknown");
    assert_eq!(unknown.code(), Some("APP_NOT_FOUND"));
}
