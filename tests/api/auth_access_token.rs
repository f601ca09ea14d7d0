use crate::helpers::*;

#[tokio::test]
async fn a_valid_token_authenticates_and_an_unserved_path_answers_no_service() {
    let app = spawn_app().await;
    let token = app.token(APP_ID, APP_KEY).await;
    let r = app
        .call_with_token("/v1/netpay/wx/app-pre-query", &token, &order_body(MID))
        .await;
    r.assert_served_as(APP_ID);
    let body = r.json();
    assert!(
        body["errMsg"]
            .as_str()
            .unwrap_or_default()
            .contains("/v1/netpay/wx/app-pre-query")
    );
    // Other versions and deeper paths are business paths too.
    let r = app
        .call_with_token("/v3/poslink/transaction/pay", &token, "{}")
        .await;
    r.assert_served_as(APP_ID);
}

#[tokio::test]
async fn every_header_variant_real_clients_send_is_accepted() {
    let app = spawn_app().await;
    let token = app.token(APP_ID, APP_KEY).await;
    for header in [
        format!("OPEN-ACCESS-TOKEN AccessToken={token}"),
        format!("Open-Access-Token AccessToken={token}"),
        format!("open-access-token accessToken=\"{token}\""),
        format!("OPEN-ACCESS-TOKEN AccessToken=\"{token}\""),
        format!("OPEN-ACCESS-TOKEN {token}"),
    ] {
        let r = app
            .call_with_header("/v1/netpay/close", &header, "{}")
            .await;
        r.assert_authenticated_as(APP_ID);
    }
}

#[tokio::test]
async fn the_token_decides_which_app_is_calling() {
    let app = spawn_app().await;
    let qr = app.token(QR_APP_ID, QR_APP_KEY).await;
    let r = app
        .call_with_token("/v1/netpay/close", &qr, &order_body(QR_MID))
        .await;
    r.assert_authenticated_as(QR_APP_ID);
}

#[tokio::test]
async fn a_token_used_for_another_apps_merchant_is_refused_as_a_business_error() {
    let app = spawn_app().await;
    let qr = app.token(QR_APP_ID, QR_APP_KEY).await;
    let r = app
        .call_with_token("/v1/netpay/close", &qr, &order_body(MID))
        .await;
    r.assert_gateway(200, "NO_MERCHANT");
    // The token is fine: nothing tells the client to fetch another.
    assert!(!r.text.contains("认证失败"), "{}", r.text);
    assert!(r.json().get("errInfo").is_none(), "{}", r.text);
    // The message names only the caller's own app, never the other tenant.
    assert!(r.text.contains(QR_APP_ID) && !r.text.contains(APP_ID));
}

#[tokio::test]
async fn another_apps_merchant_inside_a_data_wrapper_is_rejected_too() {
    let app = spawn_app().await;
    let qr = app.token(QR_APP_ID, QR_APP_KEY).await;
    let wrapped = format!(r#"{{"data":{}}}"#, order_body(MID));
    let r = app.call_with_token("/v1/netpay/close", &qr, &wrapped).await;
    r.assert_gateway(200, "NO_MERCHANT");
    // Its own merchant, wrapped, is served.
    let own = format!(r#"{{"data":{}}}"#, order_body(QR_MID));
    app.call_with_token("/v1/netpay/close", &qr, &own)
        .await
        .assert_authenticated_as(QR_APP_ID);
}

#[tokio::test]
async fn unknown_tokens_and_tokens_of_deleted_apps_are_invalid() {
    let app = spawn_app().await;
    let r = app
        .call_with_token("/v1/x", "0123456789abcdef0123456789abcdef", "{}")
        .await;
    r.assert_gateway(401, "INVALID_TOKEN");
    assert_eq!(r.json()["errInfo"], r.json()["errMsg"]);
    let token = app.token(QR_APP_ID, QR_APP_KEY).await;
    let del = app
        .send(
            app.client
                .delete(app.url(&format!("/__mock/apps/{QR_APP_ID}"))),
        )
        .await;
    assert_eq!(del.status, 204);
    let r = app.call_with_token("/v1/x", &token, "{}").await;
    assert_eq!(r.code(), "INVALID_TOKEN", "{}", r.text);
}

#[tokio::test]
async fn a_missing_authorization_is_its_own_error() {
    let app = spawn_app().await;
    let r = app
        .send(app.client.post(app.url("/v1/netpay/close")).body("{}"))
        .await;
    r.assert_gateway(401, "MISSING_AUTHORIZATION");
}

#[tokio::test]
async fn garbled_authorization_headers_are_rejected_with_the_reason() {
    let app = spawn_app().await;
    for (header, code) in [
        ("", "INVALID_AUTHORIZATION"),
        ("OPEN-ACCESS-TOKEN", "INVALID_AUTHORIZATION"),
        ("OPEN-ACCESS-TOKEN AccessToken=", "INVALID_AUTHORIZATION"),
        ("OPEN-BODY-SIG AppId=\"x", "INVALID_AUTHORIZATION"),
        ("OPEN-BODY-SIG AppId=\"x\"", "INVALID_AUTHORIZATION"),
        ("Bearer abc", "UNSUPPORTED_AUTH_SCHEME"),
        ("Basic dXNlcjpwYXNz", "UNSUPPORTED_AUTH_SCHEME"),
    ] {
        let r = app.call_with_header("/v1/x", header, "{}").await;
        assert_eq!(
            (r.status, r.code().as_str()),
            (401, code),
            "{header:?}: {}",
            r.text
        );
    }
}

#[tokio::test]
async fn a_header_with_non_ascii_bytes_is_rejected_not_crashed_on() {
    let app = spawn_app().await;
    let request = b"POST /v1/x HTTP/1.1\r\nHost: localhost\r\nAuthorization: OPEN-ACCESS-TOKEN AccessToken=\xe4\xbd\xa0\xff\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
    let (status, body) = app.raw(request).await;
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("INVALID_AUTHORIZATION"), "{body}");
}
