//! Requests signed by `support/chinaums_sign.py`, an implementation that shares no code with the
//! sandbox, are accepted; and it agrees with the reference vectors.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::helpers::*;

fn python_sign(request: Value) -> Value {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/api/support/chinaums_sign.py"
    );
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 is installed (the CI script installs it)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(request.to_string().as_bytes())
        .expect("request written");
    let out = child.wait_with_output().expect("signer ran");
    assert!(out.status.success(), "signer failed");
    serde_json::from_slice(&out.stdout).expect("signer prints JSON")
}

#[test]
fn the_independent_signer_reproduces_every_vector() {
    let v = vectors();
    let creds = &v["credentials"];
    for case in v["token"].as_array().into_iter().flatten() {
        let mut req = case.clone();
        req["rule"] = json!("token");
        req["appKey"] = creds["appKey"].clone();
        assert_eq!(python_sign(req)["signature"], case["signature"]);
    }
    let c = &v["openBodySig"];
    let out = python_sign(
        json!({"rule": "body", "appId": c["appId"], "appKey": creds["appKey"],
        "timestamp": c["timestamp"], "nonce": c["nonce"], "body": c["body"]}),
    );
    assert_eq!(out["authorization"], c["header"]);
    for case in v["notifySign"].as_array().into_iter().flatten() {
        let out = python_sign(json!({"rule": "notify", "md5Key": creds["md5Key"],
            "signType": case["signType"], "fields": case["fields"]}));
        assert_eq!(out["signedString"], case["signedString"]);
        assert_eq!(out["sign"], case["sign"]);
    }
}

#[tokio::test]
async fn tokens_signed_by_an_independent_client_are_issued_for_both_methods() {
    let app = spawn_app().await;
    for method in ["SHA256", "SHA1"] {
        let sig = python_sign(
            json!({"rule": "token", "appId": QR_APP_ID, "appKey": QR_APP_KEY,
            "timestamp": "20261125120500", "nonce": "b7c1e0d2-4f7a-4c1e-9d2b-0a1b2c3d4e5f", "signMethod": method}),
        );
        let mut body = json!({"appId": QR_APP_ID, "timestamp": "20261125120500",
            "nonce": "b7c1e0d2-4f7a-4c1e-9d2b-0a1b2c3d4e5f", "signature": sig["signature"]});
        if method == "SHA256" {
            body["signMethod"] = json!("SHA256");
        }
        let r = app.post_json("/v1/token/access", &body).await;
        assert_eq!(r.status, 200, "{method}: {}", r.text);
    }
}

#[tokio::test]
async fn a_body_signed_by_an_independent_client_authenticates() {
    let app = spawn_app().await;
    let body = "{\"mid\":\"898340149000005\",\"tid\":\"88880001\",\"instMid\":\"QRPAYDEFAULT\",\"billNo\":\"31940000201\",\"totalAmount\":88,\"remark\":\"测试订单\"}";
    let out = python_sign(
        json!({"rule": "body", "appId": QR_APP_ID, "appKey": QR_APP_KEY,
        "timestamp": "20261125115501", "nonce": "a1b2c3", "body": body}),
    );
    let r = app
        .call_with_header(
            "/v1/netpay/bills/get-qrcode",
            out["authorization"].as_str().unwrap_or_default(),
            body,
        )
        .await;
    r.assert_gateway(200, "SUCCESS");
    assert_eq!(r.json()["billNo"], "31940000201");
    assert_eq!(
        r.headers
            .get("x-chinaums-mock-app-id")
            .and_then(|v| v.to_str().ok()),
        Some(QR_APP_ID)
    );
}
