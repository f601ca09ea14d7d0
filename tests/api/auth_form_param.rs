use crate::helpers::*;

#[tokio::test]
async fn a_get_with_form_params_authenticates_over_the_decoded_content() {
    let app = spawn_app().await;
    let content = order_body(MID);
    let r = app
        .send(
            app.client
                .get(app.url("/v1/netpay/webpay/pay"))
                .query(&form_query(APP_ID, APP_KEY, &content)),
        )
        .await;
    r.assert_gateway(404, "NO_SERVICE");
    assert_eq!(
        r.headers
            .get("x-chinaums-mock-app-id")
            .and_then(|v| v.to_str().ok()),
        Some(APP_ID)
    );
}

#[tokio::test]
async fn a_form_signature_over_other_content_is_bad_sign() {
    let app = spawn_app().await;
    let mut query = form_query(APP_ID, APP_KEY, &order_body(MID));
    query[4].1 = order_body(MID).replace("\"totalAmount\":1", "\"totalAmount\":100");
    let r = app
        .send(
            app.client
                .get(app.url("/v1/netpay/webpay/pay"))
                .query(&query),
        )
        .await;
    r.assert_gateway(401, "BAD_SIGN");
}

#[tokio::test]
async fn missing_form_parameters_are_named() {
    let app = spawn_app().await;
    let mut query = form_query(APP_ID, APP_KEY, "{}");
    query.remove(5);
    let r = app
        .send(
            app.client
                .get(app.url("/v1/netpay/webpay/pay"))
                .query(&query),
        )
        .await;
    r.assert_gateway(401, "INVALID_AUTHORIZATION");
    assert!(r.text.contains("signature"));
}

#[tokio::test]
async fn another_authorization_value_in_the_query_is_unsupported() {
    let app = spawn_app().await;
    let mut query = form_query(APP_ID, APP_KEY, "{}");
    query[0].1 = "OPEN-SOMETHING".to_owned();
    let r = app
        .send(
            app.client
                .get(app.url("/v1/netpay/webpay/pay"))
                .query(&query),
        )
        .await;
    assert_eq!(r.code(), "UNSUPPORTED_AUTH_SCHEME", "{}", r.text);
}

/// A query whose `content` spells a space `%20` (as `encodeURIComponent` and RFC 3986 encoders
/// do) instead of `+` (Java `URLEncoder`, `application/x-www-form-urlencoded`).
fn query_with_percent_20(query: &[(&str, String)]) -> String {
    query
        .iter()
        .map(|(k, v)| {
            let encoded: String = url::form_urlencoded::byte_serialize(v.as_bytes()).collect();
            let encoded = if *k == "content" {
                encoded.replace('+', "%20")
            } else {
                encoded
            };
            format!("{k}={encoded}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn a_content_encoded_with_percent_20_for_a_space_is_refused_as_the_real_gateway_does() {
    let app = spawn_app().await;
    let content = r#"{"mid":"898201612345678","orderDesc":"a cup of tea"}"#;
    let query = form_query(APP_ID, APP_KEY, content);
    let raw = query_with_percent_20(&query);
    assert!(raw.contains("%20"), "{raw}");
    let r = app
        .send(
            app.client
                .get(app.url(&format!("/v1/netpay/trade/h5-pay?{raw}"))),
        )
        .await;
    r.assert_gateway(412, "1000");
    assert_eq!(r.json()["errInfo"], "Timestamp解析失败");
    let journal = app
        .get("/__mock/requests?path=/v1/netpay/trade/h5-pay")
        .await
        .json();
    let auth = &journal["requests"][0]["auth"];
    assert_eq!(auth["scheme"], "OPEN-FORM-PARAM");
    assert_eq!(auth["verdict"], "rejected");
    let reason = auth["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("%20") && reason.contains("URLEncoder"),
        "{reason}"
    );
    // The same content encoded the Java way authenticates.
    app.send(
        app.client
            .get(app.url("/v1/netpay/trade/h5-pay"))
            .query(&query),
    )
    .await
    .assert_authenticated_as(APP_ID);
}
