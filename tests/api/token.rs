use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn the_sha256_vector_gets_a_token_in_the_exact_success_shape() {
    let app = spawn_app().await;
    let v = vectors();
    let case = &v["token"][0];
    let r = app
        .post_json(
            "/v1/token/access",
            &json!({
                "appId": case["appId"], "timestamp": case["timestamp"], "nonce": case["nonce"],
                "signMethod": "SHA256", "signature": case["signature"],
            }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        r.text
            .starts_with(r#"{"errCode":"0000","errInfo":"正常","accessToken":""#),
        "{}",
        r.text
    );
    assert!(r.text.ends_with(r#"","expiresIn":3600}"#), "{}", r.text);
    let token = r.json()["accessToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(token.len(), 32);
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
}

#[tokio::test]
async fn a_legacy_client_without_sign_method_is_checked_with_sha1() {
    let app = spawn_app().await;
    let v = vectors();
    let case = &v["token"][1];
    let body = json!({
        "appId": case["appId"], "timestamp": case["timestamp"], "nonce": case["nonce"],
        "signature": case["signature"],
    });
    let r = app.post_json("/v1/token/access", &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The same SHA-1 signature claimed as SHA256 is wrong.
    let mut as_sha256 = body.clone();
    as_sha256["signMethod"] = json!("SHA256");
    let r = app.post_json("/v1/token/access", &as_sha256).await;
    r.assert_gateway(401, "1003");
}

#[tokio::test]
async fn signatures_are_compared_ignoring_hex_case() {
    let app = spawn_app().await;
    let mut body = signed_token_body(APP_ID, APP_KEY, VECTOR_TS, "n");
    let upper = body["signature"]
        .as_str()
        .unwrap_or_default()
        .to_ascii_uppercase();
    body["signature"] = json!(upper);
    let r = app.post_json("/v1/token/access", &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn every_nonce_style_real_clients_send_is_accepted() {
    let app = spawn_app().await;
    let long = "a".repeat(128);
    for nonce in [
        "3f9a1c0e-5b7d-4e2f-8a6b-9c0d1e2f3a4b",
        "3f9a1c0e5b7d4e2f8a6b9c0d1e2f3a4b",
        "Zx9aB8cD7eF6gH5iJ4kL3mN2oP1qR0sT9uV8wX7yZ6aB5cD4eF3gH2iJ1kL0mN9o",
        long.as_str(),
    ] {
        let r = app
            .post_json(
                "/v1/token/access",
                &signed_token_body(APP_ID, APP_KEY, VECTOR_TS, nonce),
            )
            .await;
        assert_eq!(r.status, 200, "{nonce}: {}", r.text);
    }
}

#[tokio::test]
async fn an_eleventh_token_invalidates_the_oldest_and_only_that_one() {
    let app = spawn_app().await;
    let mut tokens = Vec::new();
    for _ in 0..11 {
        tokens.push(app.token(APP_ID, APP_KEY).await);
    }
    let body = order_body(MID);
    let r = app
        .call_with_token("/v1/netpay/close", &tokens[0], &body)
        .await;
    r.assert_gateway(401, "TOKEN_SUPERSEDED");
    assert!(
        r.json()["errMsg"]
            .as_str()
            .unwrap_or_default()
            .contains("认证失败")
    );
    for token in &tokens[1..] {
        let r = app.call_with_token("/v1/netpay/close", token, &body).await;
        assert_eq!(r.code(), "NO_ORDER", "{}", r.text);
    }
    // Another app's cap is its own.
    let qr = app.token(QR_APP_ID, QR_APP_KEY).await;
    let r = app
        .call_with_token("/v1/netpay/close", &qr, &order_body(QR_MID))
        .await;
    assert_eq!(r.code(), "NO_ORDER");
    let r = app
        .call_with_token("/v1/netpay/close", &tokens[1], &body)
        .await;
    assert_eq!(r.code(), "NO_ORDER");
}

#[tokio::test]
async fn a_token_lives_exactly_its_lifetime_on_the_sandbox_clock() {
    let app = spawn_app().await;
    let token = app.token(APP_ID, APP_KEY).await;
    let body = order_body(MID);
    assert_eq!(app.advance(3599.0).await.status, 200);
    let r = app.call_with_token("/v1/netpay/close", &token, &body).await;
    assert_eq!(r.code(), "NO_ORDER", "{}", r.text);
    app.advance(2.0).await;
    let r = app.call_with_token("/v1/netpay/close", &token, &body).await;
    r.assert_gateway(401, "TOKEN_EXPIRED");
    assert!(r.text.contains("认证失败"));
}

#[tokio::test]
async fn the_token_lifetime_and_cap_are_configurable() {
    let app = spawn_app_with(|c| {
        c.token_ttl_secs = 60;
        c.max_tokens_per_app = 2;
    })
    .await;
    let r = app.token_request(APP_ID, APP_KEY).await;
    assert_eq!(r.json()["expiresIn"], 60);
    let first = r.json()["accessToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    app.token(APP_ID, APP_KEY).await;
    app.token(APP_ID, APP_KEY).await;
    let r = app.call_with_token("/v1/x", &first, "{}").await;
    assert_eq!(r.code(), "TOKEN_SUPERSEDED");
}

#[tokio::test]
async fn the_same_seed_issues_the_same_tokens() {
    let a = spawn_app().await;
    let b = spawn_app().await;
    assert_eq!(
        a.token(APP_ID, APP_KEY).await,
        b.token(APP_ID, APP_KEY).await
    );
    let c = spawn_app_with(|c| c.seed = Some(43)).await;
    assert_ne!(
        a.token(APP_ID, APP_KEY).await,
        c.token(APP_ID, APP_KEY).await
    );
}
