use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn every_gateway_request_is_journaled_newest_first_with_its_verdict() {
    let app = spawn_app().await;
    let token = app.token(APP_ID, APP_KEY).await;
    app.call_with_token(
        "/v1/netpay/wx/app-pre-query",
        &token,
        r#"{"mid":"898201612345678"}"#,
    )
    .await;
    app.call_with_token("/v1/netpay/close", "bad-token-value", "{}")
        .await;
    app.post_raw("/v1/token/access", "application/json", "not json")
        .await;
    let r = app.get("/__mock/requests").await;
    assert_eq!(r.status, 200);
    let entries = r.json()["requests"].as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len(), 4);
    let outcomes: Vec<_> = entries.iter().map(|e| e["outcome"].clone()).collect();
    assert_eq!(
        outcomes,
        [
            json!("bad_request"),
            json!("auth_failed"),
            json!("no_service"),
            json!("ok")
        ]
    );
    let served = &entries[2];
    assert_eq!(served["appId"], APP_ID);
    assert_eq!(served["auth"]["scheme"], "OPEN-ACCESS-TOKEN");
    assert_eq!(served["auth"]["verdict"], "accepted");
    assert_eq!(served["response"]["status"], 404);
    assert_eq!(served["response"]["answeredBy"], "no_service");
    assert_eq!(served["body"], r#"{"mid":"898201612345678"}"#);
    assert_eq!(served["at"], "2026-11-25T12:00:00+08:00");
    let rejected = &entries[1];
    assert_eq!(rejected["auth"]["verdict"], "rejected");
    assert_eq!(rejected["response"]["errCode"], "INVALID_TOKEN");
    assert!(
        rejected["auth"]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("认证失败")
    );
    assert_eq!(entries[3]["appId"], APP_ID);
    assert_eq!(entries[3]["response"]["answeredBy"], "token");
}

#[tokio::test]
async fn tokens_and_signatures_are_masked_in_the_journal() {
    let app = spawn_app().await;
    let token = app.token(APP_ID, APP_KEY).await;
    app.call_with_token("/v1/netpay/close", &token, "{}").await;
    app.call_with_body_sig("/v1/netpay/close", APP_ID, APP_KEY, "{}")
        .await;
    let text = app.get("/__mock/requests").await.text;
    assert!(!text.contains(&token), "the token must not appear in full");
    assert!(
        text.contains(&format!("AccessToken={}…", &token[..4])),
        "{text}"
    );
    let sig_header = body_sig_header(APP_ID, APP_KEY, VECTOR_TS, "{}");
    let sig = sig_header
        .rsplit("Signature=\"")
        .next()
        .unwrap_or_default()
        .trim_end_matches('"');
    assert!(!text.contains(sig), "the signature must not appear in full");
    assert!(!text.contains(APP_KEY));
}

#[tokio::test]
async fn the_journal_filters_by_app_path_and_outcome_and_can_be_cleared() {
    let app = spawn_app().await;
    app.token(APP_ID, APP_KEY).await;
    app.token(QR_APP_ID, QR_APP_KEY).await;
    app.token_request(QR_APP_ID, APP_KEY).await;
    let count = |q: &'static str| {
        let app = &app;
        async move {
            app.get(&format!("/__mock/requests?{q}")).await.json()["requests"]
                .as_array()
                .map(Vec::len)
                .unwrap_or_default()
        }
    };
    assert_eq!(count("appId=10037e6f6823b20801682b6a5e5a0006").await, 2);
    assert_eq!(count("outcome=auth_failed").await, 1);
    assert_eq!(count("path=/v1/token/access&outcome=ok").await, 2);
    assert_eq!(count("limit=1").await, 1);
    app.get("/__mock/requests?outcome=weird")
        .await
        .assert_control(400, "INVALID_QUERY");
    assert_eq!(
        app.send(app.client.delete(app.url("/__mock/requests")))
            .await
            .status,
        204
    );
    assert_eq!(count("").await, 0);
}

#[tokio::test]
async fn the_journal_keeps_only_the_newest_entries() {
    let app = spawn_app_with(|c| c.journal_retention = 3).await;
    for _ in 0..5 {
        app.token(APP_ID, APP_KEY).await;
    }
    let entries = app.get("/__mock/requests").await.json()["requests"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let ids: Vec<_> = entries
        .iter()
        .map(|e| e["id"].as_u64().unwrap_or_default())
        .collect();
    assert_eq!(ids, [5, 4, 3]);
}

#[tokio::test]
async fn a_signature_failure_in_the_journal_carries_the_diagnosis_without_the_key() {
    let app = spawn_app().await;
    let body = order_body(MID);
    let header = body_sig_header(APP_ID, APP_KEY, VECTOR_TS, &body);
    // The client re-serialised the body after signing it.
    app.call_with_header("/v1/netpay/close", &header, &body.replace(',', ", "))
        .await
        .assert_gateway(401, "BAD_SIGN");
    let mut token_body = signed_token_body(APP_ID, MD5_KEY, VECTOR_TS, "n-1");
    token_body["signMethod"] = json!("SHA256");
    app.post_json("/v1/token/access", &token_body)
        .await
        .assert_gateway(401, "1003");
    let r = app.get("/__mock/requests?outcome=auth_failed").await;
    let entries = r.json()["requests"].as_array().cloned().unwrap_or_default();
    let token = &entries[0]["auth"]["diagnosis"];
    assert_eq!(token["rule"], "token");
    assert!(
        token["expectedCanonical"]
            .as_str()
            .is_some_and(|c| c.ends_with("<appKey>")),
        "{token}"
    );
    assert!(token["hints"].to_string().contains("md5Key"), "{token}");
    let sig = &entries[1]["auth"]["diagnosis"];
    assert_eq!(sig["rule"], "openBodySig");
    assert!(
        sig["hints"].as_array().is_some_and(|h| !h.is_empty()),
        "{sig}"
    );
    assert!(!r.text.contains(APP_KEY), "the key never appears");
}

#[tokio::test]
async fn a_request_signed_with_the_md5_key_gets_one_hint_in_the_journal_that_says_so() {
    let app = spawn_app().await;
    app.post_json(
        "/v1/token/access",
        &signed_token_body(APP_ID, MD5_KEY, VECTOR_TS, "n-1"),
    )
    .await
    .assert_gateway(401, "1003");
    let body = order_body(MID);
    let header = body_sig_header(APP_ID, MD5_KEY, VECTOR_TS, &body);
    app.call_with_header("/v1/netpay/close", &header, &body)
        .await
        .assert_gateway(401, "BAD_SIGN");
    let r = app.get("/__mock/requests?outcome=auth_failed").await;
    let entries = r.json()["requests"].as_array().cloned().unwrap_or_default();
    for entry in &entries {
        let hints = &entry["auth"]["diagnosis"]["hints"];
        assert_eq!(hints.as_array().map(Vec::len), Some(1), "{hints}");
        let hint = hints[0].as_str().unwrap_or_default();
        for part in ["md5Key", "signs notifications", "appKey"] {
            assert!(hint.contains(part), "{part:?} not in {hint}");
        }
    }
    assert_eq!(entries.len(), 2);
    assert!(!r.text.contains(MD5_KEY), "the key never appears");
}

#[tokio::test]
async fn a_rejected_call_is_journaled_under_the_app_its_credentials_name() {
    let app = spawn_app().await;
    let body = order_body(MID);
    let header = body_sig_header(APP_ID, "not-the-key", VECTOR_TS, &body);
    app.call_with_header("/v1/netpay/close", &header, &body)
        .await
        .assert_gateway(401, "BAD_SIGN");
    let header = body_sig_header(
        "00000000000000000000000000000000",
        APP_KEY,
        VECTOR_TS,
        &body,
    );
    app.call_with_header("/v1/netpay/close", &header, &body)
        .await
        .assert_gateway(401, "INVALID_APPID");
    let token = app.token(QR_APP_ID, QR_APP_KEY).await;
    app.advance(7200.0).await;
    app.call_with_token("/v1/netpay/close", &token, "{}")
        .await
        .assert_gateway(401, "TOKEN_EXPIRED");
    let journal = app
        .get("/__mock/requests?path=/v1/netpay/close")
        .await
        .json();
    let filed: Vec<_> = journal["requests"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| (e["response"]["errCode"].clone(), e["appId"].clone()))
        .collect();
    assert_eq!(
        filed,
        [
            (json!("TOKEN_EXPIRED"), json!(QR_APP_ID)),
            (json!("INVALID_APPID"), json!(null)),
            (json!("BAD_SIGN"), json!(APP_ID)),
        ]
    );
}
