use chinaums_mock::protocol::signing::open_body_signature;

use crate::helpers::*;

fn form_query(app_id: &str, key: &str, content: &str) -> Vec<(&'static str, String)> {
    let sig = open_body_signature(app_id, VECTOR_TS, "n1", content.as_bytes(), key);
    vec![
        ("authorization", "OPEN-FORM-PARAM".to_owned()),
        ("appId", app_id.to_owned()),
        ("timestamp", VECTOR_TS.to_owned()),
        ("nonce", "n1".to_owned()),
        ("content", content.to_owned()),
        ("signature", sig),
    ]
}

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
