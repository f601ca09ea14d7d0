//! What counts as delivered, how each format is signed, where notifications go, and what is kept.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::*;
use crate::receiver::{Behavior, Receiver};

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn the_ack_rule_decides_what_counts_as_delivered() {
    let app = spawn_app().await;
    let receiver = Receiver::start(MD5_KEY).await;
    app.set_callback(APP_ID, &receiver.url(), Value::Null).await;
    for (answer, outcome) in [
        (Behavior::Body(200, " SUCCESS\r\n".into()), "delivered"),
        (Behavior::Body(200, "OK".into()), "rejected"),
        (Behavior::Body(500, "SUCCESS".into()), "rejected"),
        (Behavior::Body(204, String::new()), "rejected"),
    ] {
        receiver.answer(vec![answer.clone()], Behavior::Success);
        let id = app.opened_id(APP_ID).await;
        app.settle_in_flight().await;
        assert_eq!(
            outcomes(&app.notification(&id).await)[0],
            outcome,
            "chinaums ack, {answer:?}"
        );
    }
    app.set_callback(APP_ID, &receiver.url(), json!({ "ack": "http2xx" }))
        .await;
    for (answer, outcome) in [
        (Behavior::Body(200, "OK".into()), "delivered"),
        (Behavior::Body(204, String::new()), "delivered"),
        (Behavior::Body(500, "SUCCESS".into()), "rejected"),
    ] {
        receiver.answer(vec![answer.clone()], Behavior::Success);
        let id = app.opened_id(APP_ID).await;
        app.settle_in_flight().await;
        assert_eq!(
            outcomes(&app.notification(&id).await)[0],
            outcome,
            "http2xx ack, {answer:?}"
        );
    }
}

#[tokio::test]
async fn each_sign_type_and_format_is_sent_as_documented_and_verifies_independently() {
    let app = spawn_app().await;
    let receiver = Receiver::start(MD5_KEY).await;
    let cases = [
        (
            json!({"format": "form", "signType": "MD5"}),
            "application/x-www-form-urlencoded",
            Some("MD5"),
        ),
        (
            json!({"format": "form", "signType": "NONE"}),
            "application/x-www-form-urlencoded",
            None,
        ),
        (
            json!({"format": "json", "signType": "SHA256"}),
            "application/json",
            Some("SHA256"),
        ),
        (
            json!({"format": "json", "signType": "MD5"}),
            "application/json",
            Some("MD5"),
        ),
        (
            json!({"format": "json", "signType": "NONE"}),
            "application/json",
            None,
        ),
    ];
    for (i, (notify, content_type, sign_type)) in cases.iter().enumerate() {
        app.set_callback(APP_ID, &receiver.url(), notify.clone())
            .await;
        app.open(json!({ "appId": APP_ID })).await;
        let got = receiver.wait_for(i + 1, WAIT).await.remove(i);
        assert!(
            got.content_type.starts_with(content_type),
            "{notify}: {}",
            got.content_type
        );
        match sign_type {
            Some(t) => {
                assert_eq!(got.fields["signType"], *t, "{notify}");
                assert_eq!(
                    got.sign_valid,
                    Some(true),
                    "{notify}: {:?}",
                    got.signed_string
                );
                let sign = &got.fields["sign"];
                assert_eq!(sign.len(), if *t == "MD5" { 32 } else { 64 });
                assert_eq!(sign, &sign.to_ascii_uppercase());
            }
            None => {
                assert!(
                    !got.fields.contains_key("sign") && !got.fields.contains_key("signType"),
                    "{notify}"
                );
                assert_eq!(got.sign_valid, None);
            }
        }
        if let Some(body) = &got.json {
            assert!(
                body["resource"].is_object(),
                "JSON bodies nest resource: {body}"
            );
            assert_eq!(body["resource"]["resoruceType"], "encryptreSource");
        }
    }
}

#[tokio::test]
async fn a_legacy_md5_app_sends_no_sign_type_and_an_md5_sign_that_verifies_independently() {
    let app = spawn_app().await;
    let receiver = Receiver::start(MD5_KEY).await;
    for (i, format) in ["form", "json"].into_iter().enumerate() {
        let notify = json!({"format": format, "signType": "MD5_LEGACY"});
        app.set_callback(APP_ID, &receiver.url(), notify.clone())
            .await;
        app.open(json!({ "appId": APP_ID })).await;
        let got = receiver.wait_for(i + 1, WAIT).await.remove(i);
        assert!(!got.fields.contains_key("signType"), "{notify}");
        let sign = &got.fields["sign"];
        assert_eq!((sign.len(), sign.clone()), (32, sign.to_ascii_uppercase()));
        assert_eq!(
            got.sign_valid,
            Some(true),
            "{notify}: {:?}",
            got.signed_string
        );
    }
    let shown = app.get(&format!("/__mock/apps/{APP_ID}")).await.json();
    assert_eq!(shown["notify"]["signType"], "MD5_LEGACY");
}

#[tokio::test]
async fn a_notification_without_a_callback_waits_until_one_is_set() {
    let app = spawn_app().await;
    let id = app.opened_id(QR_APP_ID).await;
    app.settle_in_flight().await;
    let n = app.notification(&id).await;
    assert_eq!(n["status"], "pending");
    assert_eq!(n["awaitingCallbackUrl"], true);
    assert_eq!(n["attempts"].as_array().map(Vec::len), Some(0));
    let r = app
        .post_json(&format!("/__mock/notifications/{id}/redeliver"), &json!({}))
        .await;
    r.assert_control(409, "NO_CALLBACK_URL");
    let receiver = Receiver::start(QR_MD5_KEY).await;
    app.set_callback(QR_APP_ID, &receiver.url(), Value::Null)
        .await;
    let n = app.wait_status(&id, "delivered").await;
    assert_eq!(n["awaitingCallbackUrl"], false);
    assert_eq!(receiver.received()[0].fields["id"], id);
}

#[tokio::test]
async fn a_per_notification_callback_overrides_the_apps() {
    let app = spawn_app().await;
    let receiver = Receiver::start(QR_MD5_KEY).await;
    let opened = app
        .open(json!({ "appId": QR_APP_ID, "callbackUrl": receiver.url() }))
        .await;
    let id = opened["notification"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let n = app.wait_status(&id, "delivered").await;
    assert_eq!(n["callbackUrl"], receiver.url());
    assert_eq!(n["attempts"][0]["url"], receiver.url());
}

#[tokio::test]
async fn the_callback_url_setting_wires_every_fixture_app() {
    let receiver = Receiver::start(MD5_KEY).await;
    let url = receiver.url();
    let app = spawn_app_with(|c| c.callback_url = Some(url)).await;
    let apps = app.get("/__mock/apps").await.json();
    assert!(
        apps["apps"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|a| a["callbackUrl"] == receiver.url())
    );
    let id = app.opened_id(QR_APP_ID).await;
    app.wait_status(&id, "delivered").await;
    // Apps created later are the test's to wire.
    let created = app.post_json("/__mock/apps", &json!({})).await.json();
    assert_eq!(created["callbackUrl"], Value::Null);
}

#[tokio::test]
async fn long_answers_are_kept_up_to_4_kib() {
    let app = spawn_app().await;
    let receiver = Receiver::start(MD5_KEY).await;
    receiver.answer(
        vec![Behavior::Body(200, "界".repeat(3000))],
        Behavior::Success,
    );
    app.set_callback(APP_ID, &receiver.url(), Value::Null).await;
    let id = app.opened_id(APP_ID).await;
    app.settle_in_flight().await;
    let n = app.notification(&id).await;
    let kept = n["attempts"][0]["responseBody"]
        .as_str()
        .unwrap_or_default();
    assert!(
        kept.len() <= 4096 + 3 && kept.len() >= 4090,
        "{}",
        kept.len()
    );
}

#[tokio::test]
async fn settled_notifications_beyond_the_retention_bound_are_dropped_oldest_first() {
    let app = spawn_app_with(|c| c.notification_retention = 3).await;
    let receiver = Receiver::start(MD5_KEY).await;
    app.set_callback(APP_ID, &receiver.url(), Value::Null).await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        let id = app.opened_id(APP_ID).await;
        app.wait_status(&id, "delivered").await;
        ids.push(id);
    }
    // A pending one is never dropped.
    let pending = app.opened_id(QR_APP_ID).await;
    let listed = app.get("/__mock/notifications").await.json();
    let kept: Vec<_> = listed["notifications"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| n["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        kept,
        [
            pending.clone(),
            ids[4].clone(),
            ids[3].clone(),
            ids[2].clone()
        ]
    );
    app.get(&format!("/__mock/notifications/{}", ids[0]))
        .await
        .assert_control(404, "NOTIFICATION_NOT_FOUND");
}

#[tokio::test]
async fn filters_select_by_status_event_type_and_user() {
    let app = spawn_app().await;
    let receiver = Receiver::start(MD5_KEY).await;
    app.set_callback(APP_ID, &receiver.url(), Value::Null).await;
    app.open(json!({ "appId": APP_ID, "openId": "o-a" })).await;
    app.open(json!({ "appId": APP_ID, "openId": "o-b" })).await;
    let close = app.close(APP_ID, "o-a").await;
    app.wait_status(
        close["notification"]["id"].as_str().unwrap_or_default(),
        "delivered",
    )
    .await;
    app.open(json!({ "appId": QR_APP_ID, "openId": "o-a" }))
        .await;
    let count = |q: &'static str| {
        let app = &app;
        async move {
            let r = app.get(&format!("/__mock/notifications?{q}")).await;
            assert_eq!(r.status, 200, "{}", r.text);
            r.json()["notifications"]
                .as_array()
                .map(Vec::len)
                .unwrap_or_default()
        }
    };
    assert_eq!(count("openId=o-a").await, 3);
    assert_eq!(count("eventType=PAYSCORE.USER_CLOSE_SERVICE").await, 1);
    assert_eq!(count("status=pending").await, 1);
    assert_eq!(
        count("appId=10037e6f66f2d0f901672aa27d690006&openId=o-a").await,
        2
    );
    app.get("/__mock/notifications?status=lost")
        .await
        .assert_control(400, "INVALID_QUERY");
}
