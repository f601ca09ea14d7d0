//! `POST /__mock/tools/verify`: expected against received, where they differ, and why.

use chinaums_mock::protocol::signing::{
    NotifySignType, TokenSignMethod, body_digest_hex, notify_sign, open_body_sig_header,
    open_body_signature, token_signature,
};
use serde_json::{Value, json};

use crate::helpers::*;

use crate::tools::{has_hint, hints, s};

#[tokio::test]
async fn verify_calls_a_vector_signature_valid_with_nothing_to_say() {
    let app = spawn_app().await;
    let c = &vectors()["openBodySig"];
    let out = app
        .tool(
            "verify",
            json!({"rule": "openBodySig", "header": c["header"], "body": c["body"]}),
        )
        .await;
    assert_eq!(out["valid"], json!(true), "{out}");
    assert_eq!(out["firstDifference"], Value::Null);
    assert_eq!(out["received"]["canonical"], Value::Null);
    assert!(hints(&out).is_empty(), "{out}");
    assert_eq!(s(&out["expected"], "header"), s(c, "header"));
}

#[tokio::test]
async fn verify_agrees_with_the_gateway_on_a_re_serialised_body_and_says_why() {
    let app = spawn_app().await;
    let signed = order_body(MID);
    let sent = serde_json::to_string_pretty(&serde_json::from_str::<Value>(&signed).expect("json"))
        .expect("pretty");
    let header = body_sig_header(APP_ID, APP_KEY, VECTOR_TS, &signed);
    app.call_with_header("/v1/netpay/query", &header, &sent)
        .await
        .assert_gateway(401, "BAD_SIGN");
    let their_canonical = format!(
        "{APP_ID}{VECTOR_TS}{VECTOR_NONCE}{}",
        body_digest_hex(signed.as_bytes())
    );
    let out = app
        .tool(
            "verify",
            json!({"rule": "openBodySig", "header": header, "body": sent, "canonical": their_canonical}),
        )
        .await;
    assert_eq!(out["valid"], json!(false));
    let diff = &out["firstDifference"];
    assert_eq!(
        diff["index"],
        json!(APP_ID.len() + VECTOR_TS.len() + VECTOR_NONCE.len())
    );
    assert_eq!(
        s(diff, "received"),
        &body_digest_hex(signed.as_bytes())[..20]
    );
    // The client signed the compact form of what it sent: named, with both digests.
    assert!(
        has_hint(&out, "a compact re-serialisation of the body"),
        "{out}"
    );
    assert!(has_hint(&out, &body_digest_hex(signed.as_bytes())), "{out}");
    assert!(has_hint(&out, &body_digest_hex(sent.as_bytes())), "{out}");
    assert!(
        has_hint(&out, "matches the canonical string the client sent"),
        "{out}"
    );
}

#[tokio::test]
async fn a_utc_timestamp_is_named_even_when_the_signature_is_right() {
    let app = spawn_app().await;
    let ts = "20261125040000";
    let sig = token_signature(TokenSignMethod::Sha256, APP_ID, ts, "n1", APP_KEY);
    let request = json!({"appId": APP_ID, "timestamp": ts, "nonce": "n1", "signMethod": "SHA256", "signature": sig});
    let r = app.post_json("/v1/token/access", &request).await;
    r.assert_gateway(412, "1001");
    let out = app
        .tool(
            "verify",
            json!({"rule": "token", "appId": APP_ID, "timestamp": ts, "nonce": "n1", "signature": sig}),
        )
        .await;
    assert_eq!(out["valid"], json!(true));
    assert!(has_hint(&out, "UTC instead of Beijing time"), "{out}");
    assert!(has_hint(&out, "outside the ±600 s window"), "{out}");
}

#[tokio::test]
async fn a_token_signed_with_the_md5_key_is_diagnosed_with_the_first_difference() {
    let app = spawn_app().await;
    let sig = token_signature(
        TokenSignMethod::Sha256,
        APP_ID,
        VECTOR_TS,
        VECTOR_NONCE,
        MD5_KEY,
    );
    let canonical = format!("{APP_ID}{VECTOR_TS}{VECTOR_NONCE}{MD5_KEY}");
    let out = app
        .tool(
            "verify",
            json!({"rule": "token", "appId": APP_ID, "timestamp": VECTOR_TS, "nonce": VECTOR_NONCE,
                   "signature": sig, "canonical": canonical}),
        )
        .await;
    assert_eq!(out["valid"], json!(false));
    assert_eq!(
        out["firstDifference"],
        json!({"index": 78, "expected": &APP_KEY[..20], "received": &MD5_KEY[..20]})
    );
    assert!(has_hint(&out, "md5Key where the appKey belongs"), "{out}");
    assert_eq!(
        s(&out["expected"], "canonical"),
        format!("{APP_ID}{VECTOR_TS}{VECTOR_NONCE}{APP_KEY}")
    );
    // The signature alone is enough to recognise it.
    let out = app
        .tool(
            "verify",
            json!({"rule": "token", "appId": APP_ID, "timestamp": VECTOR_TS, "nonce": VECTOR_NONCE, "signature": sig}),
        )
        .await;
    assert!(has_hint(&out, "md5Key where the appKey belongs"), "{out}");
}

#[tokio::test]
async fn a_sha1_token_signature_declared_sha256_is_named() {
    let app = spawn_app().await;
    let sig = token_signature(TokenSignMethod::Sha1, APP_ID, VECTOR_TS, "n", APP_KEY);
    let out = app
        .tool(
            "verify",
            json!({"rule": "token", "appId": APP_ID, "timestamp": VECTOR_TS, "nonce": "n", "signature": sig}),
        )
        .await;
    assert_eq!(out["valid"], json!(false));
    assert!(has_hint(&out, "SHA1 of the right string"), "{out}");
}

#[tokio::test]
async fn notification_signs_are_verified_with_the_md5_key_and_an_app_key_sign_is_named() {
    let app = spawn_app().await;
    let case = &vectors()["notifySign"][0];
    let mut fields = case["fields"].clone();
    fields["sign"] = json!(s(case, "sign").to_ascii_lowercase());
    let out = app
        .tool(
            "verify",
            json!({"rule": "notify", "appId": APP_ID, "fields": fields}),
        )
        .await;
    assert_eq!(out["valid"], json!(true), "{out}");
    assert!(
        has_hint(&out, "lower-case hex of the right value: fine"),
        "{out}"
    );
    assert_eq!(s(&out["expected"], "canonical"), s(case, "signedString"));

    let pairs: Vec<(String, String)> = case["fields"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
        .collect();
    let with_app_key = notify_sign(&pairs, NotifySignType::Sha256, APP_KEY);
    let out = app
        .tool(
            "verify",
            json!({"rule": "notify", "appId": APP_ID, "fields": case["fields"], "sign": with_app_key}),
        )
        .await;
    assert_eq!(out["valid"], json!(false));
    assert!(has_hint(&out, "appKey where the md5Key"), "{out}");
}

#[tokio::test]
async fn a_header_that_does_not_match_is_invalid_like_at_the_gateway() {
    let app = spawn_app().await;
    let body = order_body(MID);
    let sig = open_body_signature(APP_ID, VECTOR_TS, "n", body.as_bytes(), QR_APP_KEY);
    let header = open_body_sig_header(APP_ID, VECTOR_TS, "n", &sig);
    app.call_with_header("/v1/netpay/query", &header, &body)
        .await
        .assert_gateway(401, "BAD_SIGN");
    let out = app
        .tool(
            "verify",
            json!({"rule": "openBodySig", "header": header, "body": body}),
        )
        .await;
    assert_eq!(out["valid"], json!(false));
    assert!(
        has_hint(&out, "no common mistake reproduces this signature"),
        "{out}"
    );
}

#[tokio::test]
async fn incomplete_or_contradictory_requests_are_rejected_naming_the_field() {
    let app = spawn_app().await;
    let cases = [
        (
            "sign",
            json!({"appId": APP_ID}),
            400,
            "VALIDATION_FAILED",
            "rule",
        ),
        (
            "sign",
            json!({"rule": "md5"}),
            400,
            "VALIDATION_FAILED",
            "rule",
        ),
        (
            "sign",
            json!({"rule": "token"}),
            400,
            "VALIDATION_FAILED",
            "appId",
        ),
        (
            "sign",
            json!({"rule": "openBodySig", "appId": APP_ID}),
            400,
            "VALIDATION_FAILED",
            "body",
        ),
        (
            "sign",
            json!({"rule": "openFormParam", "appId": APP_ID}),
            400,
            "VALIDATION_FAILED",
            "content",
        ),
        (
            "sign",
            json!({"rule": "notify", "appId": APP_ID}),
            400,
            "VALIDATION_FAILED",
            "fields",
        ),
        (
            "sign",
            json!({"rule": "notify", "fields": {"a": "1"}}),
            400,
            "VALIDATION_FAILED",
            "md5Key",
        ),
        (
            "sign",
            json!({"rule": "notify", "md5Key": "k", "fields": {"a": 1}}),
            400,
            "VALIDATION_FAILED",
            "fields.a",
        ),
        (
            "sign",
            json!({"rule": "token", "appId": "nope"}),
            404,
            "APP_NOT_FOUND",
            "nope",
        ),
        (
            "sign",
            json!({"rule": "token", "appId": APP_ID, "signMethod": "MD5"}),
            400,
            "VALIDATION_FAILED",
            "signMethod",
        ),
        (
            "sign",
            json!({"rule": "token", "appId": APP_ID, "body": "{}"}),
            400,
            "VALIDATION_FAILED",
            "body",
        ),
        (
            "sign",
            json!({"rule": "token", "appId": APP_ID, "signature": "x"}),
            400,
            "VALIDATION_FAILED",
            "verify",
        ),
        (
            "sign",
            json!({"rule": "token", "appId": APP_ID, "appkey": "x"}),
            400,
            "INVALID_JSON",
            "appkey",
        ),
        (
            "verify",
            json!({"rule": "token", "appId": APP_ID, "timestamp": VECTOR_TS, "nonce": "n"}),
            400,
            "VALIDATION_FAILED",
            "signature",
        ),
        (
            "verify",
            json!({"rule": "token", "appId": APP_ID, "nonce": "n", "signature": "x"}),
            400,
            "VALIDATION_FAILED",
            "timestamp",
        ),
        (
            "verify",
            json!({"rule": "notify", "appId": APP_ID, "fields": {"a": "1"}}),
            400,
            "VALIDATION_FAILED",
            "sign",
        ),
        (
            "verify",
            json!({"rule": "openBodySig", "body": "", "header": "OPEN-ACCESS-TOKEN AccessToken=x"}),
            400,
            "VALIDATION_FAILED",
            "OPEN-BODY-SIG",
        ),
        (
            "verify",
            json!({"rule": "openBodySig", "appId": QR_APP_ID, "body": "", "header": vectors()["openBodySig"]["header"]}),
            400,
            "VALIDATION_FAILED",
            "appId",
        ),
    ];
    for (which, body, status, code, names) in cases {
        let r = app
            .post_json(&format!("/__mock/tools/{which}"), &body)
            .await;
        r.assert_control(status, code);
        let message = s(&r.json()["error"], "message");
        assert!(message.contains(names), "{body}: {message}");
    }
    app.get("/__mock/tools/sign")
        .await
        .assert_control(405, "METHOD_NOT_ALLOWED");
}
