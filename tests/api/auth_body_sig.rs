use chinaums_mock::protocol::signing::{open_body_sig_header, open_body_signature};

use crate::helpers::*;

#[tokio::test]
async fn the_vector_header_and_body_authenticate_byte_for_byte() {
    let app = spawn_app().await;
    let v = vectors();
    let c = &v["openBodySig"];
    let r = app
        .call_with_header(
            "/v1/netpay/wx/app-pre-order",
            c["header"].as_str().unwrap_or_default(),
            c["body"].as_str().unwrap_or_default(),
        )
        .await;
    r.assert_authenticated_as(APP_ID);
}

#[tokio::test]
async fn separators_without_spaces_and_any_parameter_case_are_accepted() {
    let app = spawn_app().await;
    let body = order_body(MID);
    let sig = open_body_signature(APP_ID, VECTOR_TS, "n1", body.as_bytes(), APP_KEY);
    for header in [
        format!(
            "OPEN-BODY-SIG AppId=\"{APP_ID}\",Timestamp=\"{VECTOR_TS}\",Nonce=\"n1\",Signature=\"{sig}\""
        ),
        format!(
            "open-body-sig appid=\"{APP_ID}\", timestamp=\"{VECTOR_TS}\", nonce=\"n1\", signature=\"{sig}\""
        ),
        format!("OPEN-BODY-SIG AppId={APP_ID}, Timestamp={VECTOR_TS}, Nonce=n1, Signature={sig}"),
        format!(
            "OPEN-BODY-SIG AppId=\"{APP_ID}\", Timestamp=\"{VECTOR_TS}\", Nonce=\"n1\", Signature=\"{}\"",
            sig.trim_end_matches('=')
        ),
    ] {
        let r = app
            .call_with_header("/v1/netpay/close", &header, &body)
            .await;
        r.assert_authenticated_as(APP_ID);
    }
}

#[tokio::test]
async fn the_header_name_may_come_in_any_case() {
    let app = spawn_app().await;
    let body = order_body(MID);
    let header = body_sig_header(APP_ID, APP_KEY, VECTOR_TS, &body);
    for name in ["AUTHORIZATION", "authorization", "AuThOrIzAtIoN"] {
        let request = format!(
            "POST /v1/netpay/close HTTP/1.1\r\nHost: localhost\r\n{name}: {header}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let (status, text) = app.raw(request.as_bytes()).await;
        assert_eq!(status, 200, "{name}: {text}");
        assert!(text.contains("NO_ORDER"), "{text}");
    }
}

#[tokio::test]
async fn the_signature_covers_the_exact_body_bytes() {
    let app = spawn_app().await;
    let body = order_body(MID);
    let header = body_sig_header(APP_ID, APP_KEY, VECTOR_TS, &body);
    // The same JSON, re-serialised with a space: a different digest.
    let respaced = body.replacen(":", ": ", 1);
    let r = app
        .call_with_header("/v1/netpay/close", &header, &respaced)
        .await;
    r.assert_gateway(401, "BAD_SIGN");
    assert!(r.text.contains("认证失败"));
    let r = app
        .call_with_header("/v1/netpay/close", &header, &body)
        .await;
    r.assert_authenticated_as(APP_ID);
}

#[tokio::test]
async fn a_signature_with_the_wrong_key_or_garbage_is_bad_sign() {
    let app = spawn_app().await;
    let body = order_body(MID);
    let wrong = body_sig_header(APP_ID, QR_APP_KEY, VECTOR_TS, &body);
    let r = app
        .call_with_header("/v1/netpay/close", &wrong, &body)
        .await;
    assert_eq!(r.code(), "BAD_SIGN", "{}", r.text);
    let garbage = open_body_sig_header(APP_ID, VECTOR_TS, "n", "!!not-base64!!");
    let r = app
        .call_with_header("/v1/netpay/close", &garbage, &body)
        .await;
    assert_eq!(r.code(), "BAD_SIGN", "{}", r.text);
}

#[tokio::test]
async fn a_stale_or_future_timestamp_is_abnormal_request_time() {
    let app = spawn_app().await;
    let body = order_body(MID);
    for ts in ["20261125114959", "20261125121001"] {
        let header = body_sig_header(APP_ID, APP_KEY, ts, &body);
        let r = app
            .call_with_header("/v1/netpay/close", &header, &body)
            .await;
        r.assert_gateway(401, "ABNORMAL_REQUEST_TIME");
        assert!(r.text.contains("认证失败：请求时间异常"), "{}", r.text);
    }
    // The window moves with the sandbox clock.
    app.advance(3600.0).await;
    let header = body_sig_header(APP_ID, APP_KEY, "20261125130000", &body);
    let r = app
        .call_with_header("/v1/netpay/close", &header, &body)
        .await;
    r.assert_authenticated_as(APP_ID);
}

#[tokio::test]
async fn an_unparsable_timestamp_and_an_unknown_app_are_told_apart() {
    let app = spawn_app().await;
    let body = order_body(MID);
    let header = body_sig_header(APP_ID, APP_KEY, "2026-11-25 12:00", &body);
    let r = app
        .call_with_header("/v1/netpay/close", &header, &body)
        .await;
    // As the real gateway answers it: 412, `1000`, `Timestamp解析失败` in errInfo.
    r.assert_gateway(412, "1000");
    assert_eq!(r.json()["errInfo"], "Timestamp解析失败");
    let header = body_sig_header(
        "ffffffffffffffffffffffffffffffff",
        APP_KEY,
        VECTOR_TS,
        &body,
    );
    let r = app
        .call_with_header("/v1/netpay/close", &header, &body)
        .await;
    r.assert_gateway(401, "INVALID_APPID");
}

#[tokio::test]
async fn a_business_body_over_the_limit_is_413_in_the_business_shape() {
    let app = spawn_app_with(|c| c.max_body_bytes = 1024).await;
    let body = "x".repeat(2048);
    let r = app
        .call_with_body_sig("/v1/netpay/close", APP_ID, APP_KEY, &body)
        .await;
    r.assert_gateway(413, "BAD_REQUEST");
}

#[tokio::test]
async fn non_json_and_non_utf8_bodies_are_signed_as_bytes_like_any_other() {
    let app = spawn_app().await;
    for body in ["a=1&b=2", "\u{7}binary"] {
        let r = app
            .call_with_body_sig("/v1/netpay/close", APP_ID, APP_KEY, body)
            .await;
        r.assert_authenticated_as(APP_ID);
    }
    let bytes: &[u8] = b"\xff\xfe\x00";
    let sig = open_body_signature(APP_ID, VECTOR_TS, "n", bytes, APP_KEY);
    let r = app
        .send(
            app.client
                .post(app.url("/v1/netpay/close"))
                .header(
                    "authorization",
                    open_body_sig_header(APP_ID, VECTOR_TS, "n", &sig),
                )
                .body(bytes.to_vec()),
        )
        .await;
    r.assert_authenticated_as(APP_ID);
}
