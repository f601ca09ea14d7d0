//! The built-in merchant sink judges notifications like a correct merchant. These tests post
//! to it directly, which takes the admin token (tests/api/security/sink.rs: who may post).

use chinaums_mock::protocol::signing::{NotifySignType, form_encode, notify_sign};
use serde_json::{Value, json};

use crate::helpers::{APP_ID, MD5_KEY};
use crate::security::spawn_app_as_admin;

fn signed_form(id: &str, key: &str) -> String {
    let mut fields = vec![
        ("id", id.to_owned()),
        ("eventType", "PAYSCORE.USER_OPEN_SERVICE".to_owned()),
        ("resource", r#"{"openId":"o1"}"#.to_owned()),
        ("signType", "SHA256".to_owned()),
    ];
    let sign = notify_sign(&fields, NotifySignType::Sha256, key);
    fields.push(("sign", sign));
    form_encode(&fields)
}

#[tokio::test]
async fn the_sink_acknowledges_a_signed_notification_and_refuses_a_forged_one() {
    let app = spawn_app_as_admin().await;
    let form = "application/x-www-form-urlencoded; charset=UTF-8";
    let path = format!("/__mock/sink/{APP_ID}");
    let good = app
        .post_raw(&path, form, signed_form("EV-1", MD5_KEY))
        .await;
    assert_eq!((good.status, good.text.as_str()), (200, "SUCCESS"));
    let forged = app
        .post_raw(&path, form, signed_form("EV-2", "not-the-key"))
        .await;
    assert_eq!((forged.status, forged.text.as_str()), (200, "FAILED"));
    let received = app.get(&path).await.json()["received"].clone();
    assert_eq!(received[0]["id"], "EV-1");
    assert_eq!(received[0]["signValid"], true);
    assert_eq!(received[0]["eventType"], "PAYSCORE.USER_OPEN_SERVICE");
    assert_eq!(received[0]["at"], "2026-11-25T12:00:00+08:00");
    assert_eq!(received[1]["signValid"], false);
    assert_eq!(received[1]["answer"], "FAILED");
    assert_eq!(
        app.send(app.client.delete(app.url(&path))).await.status,
        204
    );
    assert_eq!(app.get(&path).await.json()["received"], json!([]));
}

#[tokio::test]
async fn the_sink_refuses_notifications_for_an_unknown_app_and_unsigned_ones_for_a_signing_app() {
    let app = spawn_app_as_admin().await;
    let form = "application/x-www-form-urlencoded";
    let unknown = app
        .post_raw(
            "/__mock/sink/ffffffffffffffffffffffffffffffff",
            form,
            signed_form("EV-1", MD5_KEY),
        )
        .await;
    assert_eq!(unknown.text, "FAILED");
    let unsigned = app
        .post_raw(
            &format!("/__mock/sink/{APP_ID}"),
            form,
            "id=EV-3&eventType=X",
        )
        .await;
    assert_eq!(unsigned.text, "FAILED");
    let r = app
        .patch_json(
            &format!("/__mock/apps/{APP_ID}"),
            &json!({ "notify": { "signType": "NONE" } }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let accepted = app
        .post_raw(
            &format!("/__mock/sink/{APP_ID}"),
            form,
            "id=EV-4&eventType=X",
        )
        .await;
    assert_eq!(accepted.text, "SUCCESS");
    let received = app.get(&format!("/__mock/sink/{APP_ID}")).await.json()["received"].clone();
    assert_eq!(received[1]["signValid"], Value::Null);
}
