//! Who may post to the built-in sink: the sandbox's own deliveries, or a request with the
//! admin token; and what it keeps is bounded.

use chinaums_mock::protocol::signing::{NotifySignType, form_encode, notify_sign};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::security::{ADMIN_TOKEN, spawn_app_as_admin};

const FORM: &str = "application/x-www-form-urlencoded";

fn signed_form(id: &str, event_type: &str) -> String {
    let mut fields = vec![
        ("id", id.to_owned()),
        ("eventType", event_type.to_owned()),
        ("signType", "SHA256".to_owned()),
    ];
    let sign = notify_sign(&fields, NotifySignType::Sha256, MD5_KEY);
    fields.push(("sign", sign));
    form_encode(&fields)
}

async fn received(app: &TestApp) -> Value {
    app.get(&format!("/__mock/sink/{APP_ID}")).await.json()["received"].clone()
}

#[tokio::test]
async fn a_notification_the_sandbox_did_not_send_is_refused_and_not_kept() {
    let app = spawn_app().await;
    let path = format!("/__mock/sink/{APP_ID}");
    // Correctly signed, even: what counts is who sent it.
    let forged = app
        .post_raw(
            &path,
            FORM,
            signed_form("EV-1", "PAYSCORE.USER_OPEN_SERVICE"),
        )
        .await;
    forged.assert_control(403, "SINK_FORBIDDEN");
    assert!(forged.text.contains("--admin-token"), "{}", forged.text);
    // A browser's form from another site is refused the same way.
    let from_page = app
        .send(
            app.client
                .post(app.url(&path))
                .header("origin", "https://evil.example")
                .header("content-type", FORM)
                .body("id=EV-2"),
        )
        .await;
    from_page.assert_control(403, "SINK_FORBIDDEN");
    assert_eq!(received(&app).await, json!([]));
    // With --admin-token set, a request without it is refused too.
    let guarded = spawn_app_with(|c| c.admin_token = Some(ADMIN_TOKEN.into())).await;
    guarded
        .post_raw(&path, FORM, signed_form("EV-3", "X"))
        .await
        .assert_control(403, "SINK_FORBIDDEN");
}

#[tokio::test]
async fn the_sandboxs_own_delivery_to_its_sink_is_taken_and_kept() {
    let app = spawn_app().await;
    let sink = app.url(&format!("/__mock/sink/{APP_ID}"));
    app.set_callback(APP_ID, &sink, Value::Null).await;
    let id = app.opened_id(APP_ID).await;
    app.wait_status(&id, "delivered").await;
    let kept = received(&app).await;
    assert_eq!(kept[0]["id"], id.as_str(), "{kept}");
    assert_eq!(kept[0]["signValid"], true);
    assert_eq!(kept[0]["answer"], "SUCCESS");
    // Replaying the body once the delivery is over is not the sandbox's delivery.
    let body = app.notification(&id).await["body"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(body.contains("sign="), "{body}");
    app.post_raw(&format!("/__mock/sink/{APP_ID}"), FORM, body)
        .await
        .assert_control(403, "SINK_FORBIDDEN");
    assert_eq!(received(&app).await.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn with_the_admin_token_a_post_is_taken_and_its_texts_are_kept_bounded() {
    let app = spawn_app_as_admin().await;
    let path = format!("/__mock/sink/{APP_ID}");
    let r = app
        .post_raw(
            &path,
            FORM,
            signed_form("EV-1", "PAYSCORE.USER_OPEN_SERVICE"),
        )
        .await;
    assert_eq!((r.status, r.text.as_str()), (200, "SUCCESS"));
    // 600 kB of id and eventType: each kept up to 256 bytes.
    let huge = "x".repeat(300_000);
    let r = app.post_raw(&path, FORM, signed_form(&huge, &huge)).await;
    assert_eq!((r.status, r.text.as_str()), (200, "SUCCESS"));
    let kept = received(&app).await;
    for field in ["id", "eventType"] {
        let text = kept[1][field].as_str().unwrap_or_default();
        assert!(text.len() <= 256, "{field}: {} bytes", text.len());
        assert!(
            text.starts_with("xxxx") && text.ends_with('…'),
            "{field}: {text}"
        );
    }
}
