//! `/__mock/tools/sign` and `/__mock/tools/verify`: the canonical strings and signatures of every
//! rule, and the diagnosis of a rejected one.

use serde_json::{Value, json};

use crate::helpers::*;

pub fn s(v: &Value, k: &str) -> String {
    v[k].as_str().unwrap_or_default().to_owned()
}

pub fn hints(v: &Value) -> Vec<String> {
    v["hints"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| h.as_str().unwrap_or_default().to_owned())
        .collect()
}

pub fn has_hint(v: &Value, needle: &str) -> bool {
    hints(v).iter().any(|h| h.contains(needle))
}

impl TestApp {
    pub async fn tool(&self, which: &str, body: Value) -> Value {
        let r = self
            .post_json(&format!("/__mock/tools/{which}"), &body)
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.json()
    }
}

#[tokio::test]
async fn sign_reproduces_every_vector_when_given_the_vector_inputs() {
    let app = spawn_app().await;
    let v = vectors();
    for case in v["token"].as_array().cloned().unwrap_or_default() {
        let out = app
            .tool(
                "sign",
                json!({"rule": "token", "appId": case["appId"], "timestamp": case["timestamp"],
                       "nonce": case["nonce"], "signMethod": case["signMethod"]}),
            )
            .await;
        assert_eq!(s(&out, "signature"), s(&case, "signature"));
        assert_eq!(
            s(&out, "canonical"),
            format!("{APP_ID}{VECTOR_TS}{VECTOR_NONCE}{APP_KEY}")
        );
        assert_eq!(s(&out, "keySource"), "app");
    }
    let c = &v["openBodySig"];
    let inputs = json!({"appId": c["appId"], "timestamp": c["timestamp"], "nonce": c["nonce"]});
    let mut body_sig = inputs.clone();
    body_sig["rule"] = json!("openBodySig");
    body_sig["body"] = c["body"].clone();
    let out = app.tool("sign", body_sig).await;
    for k in ["signature", "header", "bodySha256Hex"] {
        assert_eq!(s(&out, k), s(c, k), "{k}");
    }
    let digest = s(c, "bodySha256Hex");
    assert_eq!(
        s(&out, "canonical"),
        format!("{APP_ID}{VECTOR_TS}{VECTOR_NONCE}{digest}")
    );
    let mut form = inputs;
    form["rule"] = json!("openFormParam");
    form["content"] = c["body"].clone();
    let out = app.tool("sign", form).await;
    assert_eq!(s(&out, "signature"), s(c, "signature"));
    let query = s(&out, "query");
    assert!(query.starts_with(&format!("authorization=OPEN-FORM-PARAM&appId={APP_ID}&timestamp={VECTOR_TS}&nonce={VECTOR_NONCE}&content=%7B%22")), "{query}");
    for case in v["notifySign"].as_array().cloned().unwrap_or_default() {
        let out = app
            .tool(
                "sign",
                json!({"rule": "notify", "md5Key": MD5_KEY, "fields": case["fields"], "signType": case["signType"]}),
            )
            .await;
        assert_eq!(s(&out, "signedString"), s(&case, "signedString"));
        assert_eq!(s(&out, "sign"), s(&case, "sign"));
        assert_eq!(s(&out, "keySource"), "request");
    }
}

#[tokio::test]
async fn a_header_from_the_sign_tool_is_accepted_by_the_gateway() {
    let app = spawn_app().await;
    let body = order_body(MID);
    let out = app
        .tool(
            "sign",
            json!({"rule": "openBodySig", "appId": APP_ID, "body": body}),
        )
        .await;
    assert_eq!(s(&out, "timestamp"), VECTOR_TS, "sandbox time, Beijing");
    let nonce = s(&out, "nonce");
    assert!(nonce.len() == 32 && nonce.bytes().all(|b| b.is_ascii_hexdigit()));
    app.call_with_header("/v1/netpay/wx/app-pre-order", &s(&out, "header"), &body)
        .await
        .assert_authenticated_as(APP_ID);
}

#[tokio::test]
async fn a_token_signature_and_a_form_query_from_the_sign_tool_are_accepted() {
    let app = spawn_app().await;
    let out = app
        .tool("sign", json!({"rule": "token", "appId": QR_APP_ID}))
        .await;
    let request = json!({"appId": QR_APP_ID, "timestamp": out["timestamp"], "nonce": out["nonce"],
                         "signMethod": "SHA256", "signature": out["signature"]});
    let r = app.post_json("/v1/token/access", &request).await;
    assert_eq!((r.status, r.code().as_str()), (200, "0000"), "{}", r.text);

    let out = app
        .tool(
            "sign",
            json!({"rule": "openFormParam", "appId": QR_APP_ID, "content": order_body(QR_MID)}),
        )
        .await;
    let url = app.url(&format!("/v1/netpay/query?{}", s(&out, "query")));
    app.send(app.client.get(url))
        .await
        .assert_served_as(QR_APP_ID);
}

#[tokio::test]
async fn keys_given_in_the_request_work_for_any_app_id() {
    let app = spawn_app().await;
    let out = app
        .tool(
            "sign",
            json!({"rule": "token", "appId": "unknown-app", "appKey": "k", "timestamp": "t", "nonce": "n"}),
        )
        .await;
    assert_eq!(s(&out, "canonical"), "unknown-apptnk");
    assert_eq!(s(&out, "keySource"), "request");
}
