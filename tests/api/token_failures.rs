use serde_json::json;

use crate::helpers::*;

fn expect(r: Reply, status: u16, code: &str) -> serde_json::Value {
    r.assert_gateway(status, code);
    let body = r.json();
    assert!(
        body["errInfo"].as_str().is_some_and(|s| !s.is_empty()),
        "{}",
        r.text
    );
    assert_eq!(
        body.as_object().map(|o| o.len()),
        Some(2),
        "only errCode and errInfo: {}",
        r.text
    );
    body
}

#[tokio::test]
async fn a_wrong_signature_is_an_authentication_failure() {
    let app = spawn_app().await;
    let mut body = signed_token_body(APP_ID, APP_KEY, VECTOR_TS, "n");
    body["signature"] = json!("0".repeat(64));
    let b = expect(app.post_json("/v1/token/access", &body).await, 401, "1003");
    assert!(
        b["errInfo"]
            .as_str()
            .unwrap_or_default()
            .contains("认证失败")
    );
    // Signed with another app's key.
    let body = signed_token_body(APP_ID, QR_APP_KEY, VECTOR_TS, "n");
    expect(app.post_json("/v1/token/access", &body).await, 401, "1003");
}

#[tokio::test]
async fn an_unknown_app_id_is_an_authentication_failure() {
    let app = spawn_app().await;
    let body = signed_token_body("ffffffffffffffffffffffffffffffff", APP_KEY, VECTOR_TS, "n");
    let b = expect(app.post_json("/v1/token/access", &body).await, 401, "1002");
    assert!(
        b["errInfo"]
            .as_str()
            .unwrap_or_default()
            .contains("认证失败")
    );
}

#[tokio::test]
async fn an_unparsable_timestamp_is_1000_with_http_412_as_on_the_real_platform() {
    let app = spawn_app().await;
    for ts in ["2026-11-25 12:00:00", "1764043200", "20261325120000", "x"] {
        let body = signed_token_body(APP_ID, APP_KEY, ts, "n");
        let b = expect(app.post_json("/v1/token/access", &body).await, 412, "1000");
        assert_eq!(b["errInfo"], "Timestamp解析失败");
    }
}

#[tokio::test]
async fn a_timestamp_outside_the_window_is_rejected_on_either_side() {
    let app = spawn_app().await;
    // 10 minutes and 1 second early, then late; exactly 10 minutes is still fine.
    for ts in ["20261125114959", "20261125121001"] {
        let body = signed_token_body(APP_ID, APP_KEY, ts, "n");
        let b = expect(app.post_json("/v1/token/access", &body).await, 412, "1001");
        assert!(
            b["errInfo"]
                .as_str()
                .unwrap_or_default()
                .contains("认证失败")
        );
    }
    let body = signed_token_body(APP_ID, APP_KEY, "20261125115000", "n");
    assert_eq!(app.post_json("/v1/token/access", &body).await.status, 200);
}

#[tokio::test]
async fn a_window_of_zero_disables_the_timestamp_check() {
    let app = spawn_app_with(|c| c.timestamp_window_secs = 0).await;
    let body = signed_token_body(APP_ID, APP_KEY, "20200101000000", "n");
    let r = app.post_json("/v1/token/access", &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn an_unsupported_sign_method_is_named() {
    let app = spawn_app().await;
    let mut body = signed_token_body(APP_ID, APP_KEY, VECTOR_TS, "n");
    body["signMethod"] = json!("MD5");
    let b = expect(app.post_json("/v1/token/access", &body).await, 400, "1004");
    assert!(b["errInfo"].as_str().unwrap_or_default().contains("MD5"));
}

#[tokio::test]
async fn each_missing_or_empty_field_is_named() {
    let app = spawn_app().await;
    for field in ["appId", "timestamp", "nonce", "signature"] {
        for value in [None, Some(json!("")), Some(json!(null))] {
            let mut body = signed_token_body(APP_ID, APP_KEY, VECTOR_TS, "n");
            match &value {
                None => {
                    body.as_object_mut().map(|o| o.remove(field));
                }
                Some(v) => body[field] = v.clone(),
            }
            let b = expect(app.post_json("/v1/token/access", &body).await, 400, "1006");
            assert!(
                b["errInfo"].as_str().unwrap_or_default().contains(field),
                "{field} {value:?}: {b}"
            );
        }
    }
}

#[tokio::test]
async fn fields_of_the_wrong_type_are_rejected() {
    let app = spawn_app().await;
    for (field, value) in [
        ("appId", json!(1)),
        ("timestamp", json!(20261125120000u64)),
        ("nonce", json!(["a"])),
        ("signMethod", json!(256)),
    ] {
        let mut body = signed_token_body(APP_ID, APP_KEY, VECTOR_TS, "n");
        body[field] = value;
        let b = expect(app.post_json("/v1/token/access", &body).await, 400, "1007");
        assert!(b["errInfo"].as_str().unwrap_or_default().contains(field));
    }
    let long_nonce = "n".repeat(129);
    let body = signed_token_body(APP_ID, APP_KEY, VECTOR_TS, &long_nonce);
    expect(app.post_json("/v1/token/access", &body).await, 400, "1007");
}

#[tokio::test]
async fn bodies_that_are_not_a_json_object_are_malformed() {
    let app = spawn_app().await;
    for body in [
        &b"{\"appId\":"[..],
        b"not json",
        b"[1,2]",
        b"\"x\"",
        b"",
        b"{\"appId\":\"\xff\xfe\"}",
    ] {
        let r = app
            .post_raw("/v1/token/access", "application/json", body.to_vec())
            .await;
        expect(r, 400, "1005");
    }
    let r = app
        .post_raw("/v1/token/access", "application/json", b"\xff\xfe".to_vec())
        .await;
    let b = expect(r, 400, "1005");
    assert!(b["errInfo"].as_str().unwrap_or_default().contains("UTF-8"));
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let app = spawn_app().await;
    let big = format!("{{\"appId\":\"{}\"}}", "a".repeat(1024 * 1024));
    let r = app
        .post_raw("/v1/token/access", "application/json", big)
        .await;
    expect(r, 413, "1008");
    let small = spawn_app_with(|c| c.max_body_bytes = 64).await;
    let body = signed_token_body(APP_ID, APP_KEY, VECTOR_TS, "n");
    expect(
        small.post_json("/v1/token/access", &body).await,
        413,
        "1008",
    );
}

#[tokio::test]
async fn a_non_json_content_type_is_415_but_charset_and_missing_types_are_fine() {
    let app = spawn_app().await;
    let body = signed_token_body(APP_ID, APP_KEY, VECTOR_TS, "n").to_string();
    for ct in [
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data; boundary=x",
    ] {
        let r = app.post_raw("/v1/token/access", ct, body.clone()).await;
        expect(r, 415, "1009");
    }
    for ct in [
        "application/json;charset=UTF-8",
        "application/json; charset=utf-8",
        "APPLICATION/JSON",
    ] {
        let r = app.post_raw("/v1/token/access", ct, body.clone()).await;
        assert_eq!(r.status, 200, "{ct}: {}", r.text);
    }
    let r = app
        .send(
            app.client
                .post(app.url("/v1/token/access"))
                .body(body.clone()),
        )
        .await;
    assert_eq!(r.status, 200, "no content type: {}", r.text);
}

#[tokio::test]
async fn other_methods_on_the_token_endpoint_are_405() {
    let app = spawn_app().await;
    expect(app.get("/v1/token/access").await, 405, "1010");
    let r = app.send(app.client.put(app.url("/v1/token/access"))).await;
    expect(r, 405, "1010");
}
