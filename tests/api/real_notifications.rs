//! The six real notifications of `tests/data/real-notifications.json`, each signed with a
//! published demo md5Key: the signature tools and the built-in sink accept every one, and the
//! sign tool reproduces every sign.

use serde_json::{Map, Value, json};

use crate::helpers::*;
use crate::security::spawn_app_as_admin;
use crate::tools::{has_hint, hints, s};

const FORM: &str = "application/x-www-form-urlencoded; charset=UTF-8";

fn real_notifications() -> Vec<Value> {
    let file: Value = serde_json::from_str(include_str!("../data/real-notifications.json"))
        .expect("the real notifications parse");
    file["notifications"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The body's fields, decoded, as a JSON object in the order received.
fn fields_of(entry: &Value) -> Map<String, Value> {
    url::form_urlencoded::parse(s(entry, "body").as_bytes())
        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
        .collect()
}

/// The fixture app of the merchant whose key signed `entry`.
fn app_of(entry: &Value) -> &'static str {
    match s(entry, "keyOfMid").as_str() {
        QR_MID => QR_APP_ID,
        _ => APP_ID,
    }
}

fn is_legacy(entry: &Value) -> bool {
    entry["signType"].is_null()
}

#[tokio::test]
async fn every_real_notification_verifies_with_its_md5_key_a_missing_sign_type_as_md5() {
    let app = spawn_app().await;
    for entry in real_notifications() {
        let name = s(&entry, "name");
        let out = app
            .tool(
                "verify",
                json!({"rule": "notify", "md5Key": entry["md5Key"], "fields": fields_of(&entry)}),
            )
            .await;
        assert_eq!(out["valid"], true, "{name}: {out}");
        assert!(hints(&out).is_empty(), "{name}: {out}");
        assert_eq!(out["signType"], entry["algorithm"], "{name}");
        assert_eq!(
            s(&out["expected"], "canonical"),
            s(&entry, "signedString"),
            "{name}"
        );
        assert_eq!(out["expected"]["signature"], entry["sign"], "{name}");
    }
}

#[tokio::test]
async fn every_real_notification_verifies_with_the_key_of_its_fixture_merchant() {
    let app = spawn_app().await;
    for entry in real_notifications() {
        let name = s(&entry, "name");
        let out = app
            .tool(
                "verify",
                json!({"rule": "notify", "appId": app_of(&entry), "fields": fields_of(&entry)}),
            )
            .await;
        assert_eq!(out["valid"], true, "{name}: {out}");
        assert_eq!(out["keySource"], "app", "{name}");
    }
}

#[tokio::test]
async fn the_sign_tool_reproduces_every_real_sign_from_the_fields_without_it() {
    let app = spawn_app().await;
    for entry in real_notifications() {
        let mut fields = fields_of(&entry);
        fields.remove("sign");
        let out = app
            .tool(
                "sign",
                json!({"rule": "notify", "md5Key": entry["md5Key"], "fields": fields}),
            )
            .await;
        let name = s(&entry, "name");
        assert_eq!(out["sign"], entry["sign"], "{name}");
        assert_eq!(out["signedString"], entry["signedString"], "{name}");
        assert_eq!(out["signType"], entry["algorithm"], "{name}");
    }
}

#[tokio::test]
async fn a_sha256_sign_on_a_notification_without_sign_type_is_invalid_and_explained() {
    let app = spawn_app().await;
    let entry = real_notifications()
        .into_iter()
        .find(is_legacy)
        .unwrap_or_default();
    let fields = fields_of(&entry);
    let sha256 = chinaums_mock::protocol::signing::notify_sign(
        &fields
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
            .collect::<Vec<_>>(),
        chinaums_mock::protocol::signing::NotifySignType::Sha256,
        &s(&entry, "md5Key"),
    );
    let out = app
        .tool(
            "verify",
            json!({"rule": "notify", "md5Key": entry["md5Key"], "fields": fields, "sign": sha256}),
        )
        .await;
    assert_eq!(out["valid"], false, "{out}");
    assert_eq!(out["signType"], "MD5");
    assert!(
        has_hint(&out, "there is no signType, which means MD5"),
        "{out}"
    );
}

#[tokio::test]
async fn the_built_in_sink_accepts_every_real_notification_for_its_merchant() {
    // Posted to the sink directly, which takes the admin token.
    let app = spawn_app_as_admin().await;
    for entry in real_notifications() {
        let name = s(&entry, "name");
        let app_id = app_of(&entry);
        // A legacy notification goes to a merchant whose channel signs that way.
        let sign_type = if is_legacy(&entry) {
            "MD5_LEGACY"
        } else {
            "SHA256"
        };
        let r = app
            .patch_json(
                &format!("/__mock/apps/{app_id}"),
                &json!({"notify": {"signType": sign_type}}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let path = format!("/__mock/sink/{app_id}");
        let answer = app.post_raw(&path, FORM, s(&entry, "body")).await;
        assert_eq!(
            (answer.status, answer.text.as_str()),
            (200, "SUCCESS"),
            "{name}"
        );
        let received = app.get(&path).await.json()["received"].clone();
        let last = received
            .as_array()
            .and_then(|r| r.last())
            .cloned()
            .unwrap_or_default();
        assert_eq!(last["signValid"], true, "{name}: {last}");
        assert_eq!(last["problem"], Value::Null, "{name}: {last}");
        assert_eq!(last["format"], "form");
        assert_eq!(last["id"], fields_of(&entry)["notifyId"], "{name}");
    }
}

#[tokio::test]
async fn the_sink_refuses_a_real_notification_whose_random_field_was_changed() {
    // Posted to the sink directly, which takes the admin token.
    let app = spawn_app_as_admin().await;
    let entry = real_notifications()
        .into_iter()
        .find(|e| e["name"] == "spec_ns")
        .unwrap_or_default();
    let body = s(&entry, "body");
    assert!(body.contains("&ns=cyuT&"));
    let forged = body.replace("&ns=cyuT&", "&ns=cyuS&");
    let path = format!("/__mock/sink/{QR_APP_ID}");
    let answer = app.post_raw(&path, FORM, forged).await;
    assert_eq!(answer.text, "FAILED");
    let received = app.get(&path).await.json()["received"].clone();
    assert_eq!(received[0]["signValid"], false);
    // The legacy one, to a merchant that signs with SHA256: refused as the wrong hash.
    let legacy = real_notifications()
        .into_iter()
        .find(is_legacy)
        .unwrap_or_default();
    let answer = app.post_raw(&path, FORM, s(&legacy, "body")).await;
    assert_eq!(answer.text, "FAILED");
    let received = app.get(&path).await.json()["received"].clone();
    assert!(
        received[1]["problem"]
            .as_str()
            .is_some_and(|p| p.contains("no signType")),
        "{received}"
    );
}
