use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::*;
use crate::receiver::{Behavior, Receiver};

const WAIT: Duration = Duration::from_secs(10);

async fn opened_id(app: &TestApp, app_id: &str) -> String {
    let opened = app.open(json!({ "appId": app_id })).await;
    opened["notification"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn outcomes(n: &Value) -> Vec<String> {
    n["attempts"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| a["outcome"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn offsets(n: &Value) -> Vec<i64> {
    let attempts = n["attempts"].as_array().cloned().unwrap_or_default();
    attempts
        .iter()
        .map(|a| seconds_between(&n["createdAt"], &a["sentAt"]))
        .collect()
}

#[tokio::test]
async fn a_receiver_failing_three_times_gets_four_attempts_at_the_ladder_offsets_with_one_id() {
    let app = spawn_app().await;
    let receiver = Receiver::start(MD5_KEY).await;
    receiver.answer(
        vec![Behavior::Status(500), Behavior::Failed, Behavior::Close],
        Behavior::Success,
    );
    app.set_callback(APP_ID, &receiver.url(), Value::Null).await;
    let id = opened_id(&app, APP_ID).await;
    receiver.wait_for(1, WAIT).await;

    let r = app.advance(3600.0).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json()["attempts"],
        3,
        "retries due during the advance are made before it returns"
    );
    let n = app.notification(&id).await;
    assert_eq!(n["status"], "delivered");
    assert_eq!(
        outcomes(&n),
        ["rejected", "rejected", "connection_failed", "delivered"]
    );
    assert_eq!(offsets(&n), [0, 15, 30, 60]);
    let scheduled: Vec<i64> = n["attempts"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| seconds_between(&n["createdAt"], &a["scheduledAt"]))
        .collect();
    assert_eq!(scheduled, [0, 15, 30, 60]);
    assert_eq!(n["attempts"][0]["httpStatus"], 500);
    assert_eq!(n["attempts"][1]["responseBody"], "FAILED");
    assert!(n["attempts"][2]["error"]
        .as_str()
        .is_some_and(|e| !e.is_empty()));
    assert_eq!(n["nextAttemptAt"], Value::Null);
    let got = receiver.received();
    assert_eq!(got.len(), 4);
    assert!(
        got.iter()
            .all(|g| g.fields["id"] == id && g.body == got[0].body),
        "same id, same bytes"
    );
    assert_eq!(
        app.get("/__mock/clock").await.json()["now"],
        "2026-11-25T13:00:00+08:00"
    );
}

#[tokio::test]
async fn a_dead_receiver_is_given_up_on_exactly_24_hours_after_the_first_attempt() {
    let app = spawn_app().await;
    let receiver = Receiver::start(MD5_KEY).await;
    receiver.answer(vec![], Behavior::Status(503));
    app.set_callback(APP_ID, &receiver.url(), Value::Null).await;
    let id = opened_id(&app, APP_ID).await;
    let r = app.advance(86_399.0).await;
    assert_eq!(r.json()["exhausted"], 0);
    let n = app.notification(&id).await;
    assert_eq!(n["status"], "pending");
    assert_eq!(n["attempts"].as_array().map(Vec::len), Some(30));
    assert_eq!(n["giveUpAt"], "2026-11-26T12:00:00+08:00");
    let o = offsets(&n);
    assert_eq!(
        &o[..10],
        &[0, 15, 30, 60, 240, 2040, 3840, 5640, 7440, 11_040]
    );
    assert!(
        o[9..].windows(2).all(|w| w[1] - w[0] == 3600),
        "hourly after the ladder: {o:?}"
    );
    assert_eq!(o.last(), Some(&83_040));
    let r = app.advance(1.0).await;
    assert_eq!(r.json()["exhausted"], 1);
    let n = app.notification(&id).await;
    assert_eq!(n["status"], "exhausted");
    assert_eq!(n["settledAt"], "2026-11-26T12:00:00+08:00");
    assert_eq!(receiver.received().len(), 30);
    let settled = app.wait_status(&id, "settled").await;
    assert_eq!(settled["status"], "exhausted");
}

#[tokio::test]
async fn redelivery_makes_one_more_attempt_with_the_same_id() {
    let app = spawn_app_with(|c| c.notify_defaults.give_up_after_seconds = 60).await;
    let receiver = Receiver::start(MD5_KEY).await;
    receiver.answer(vec![], Behavior::Failed);
    app.set_callback(APP_ID, &receiver.url(), Value::Null).await;
    let id = opened_id(&app, APP_ID).await;
    app.advance(120.0).await;
    assert_eq!(app.notification(&id).await["status"], "exhausted");
    let before = receiver.received().len();
    receiver.answer(vec![], Behavior::Success);
    let r = app
        .post_json(&format!("/__mock/notifications/{id}/redeliver"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let n = r.json();
    assert_eq!(n["status"], "delivered");
    let last = n["attempts"]
        .as_array()
        .and_then(|a| a.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(last["trigger"], "redelivery");
    assert_eq!(last["outcome"], "delivered");
    let got = receiver.received();
    assert_eq!(got.len(), before + 1);
    assert_eq!(got[before].fields["id"], id);
    let r = app
        .post_json("/__mock/notifications/EV-0/redeliver", &json!({}))
        .await;
    r.assert_control(404, "NOTIFICATION_NOT_FOUND");
}

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
        let id = opened_id(&app, APP_ID).await;
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
        let id = opened_id(&app, APP_ID).await;
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
async fn a_notification_without_a_callback_waits_until_one_is_set() {
    let app = spawn_app().await;
    let id = opened_id(&app, QR_APP_ID).await;
    app.settle_in_flight().await;
    let n = app.notification(&id).await;
    assert_eq!(n["status"], "pending");
    assert_eq!(n["awaitingCallbackUrl"], true);
    assert_eq!(n["attempts"].as_array().map(Vec::len), Some(0));
    let r = app
        .post_json(&format!("/__mock/notifications/{id}/redeliver"), &json!({}))
        .await;
    r.assert_control(409, "NO_CALLBACK_URL");
    let receiver = Receiver::start(MD5_KEY).await;
    app.set_callback(QR_APP_ID, &receiver.url(), Value::Null)
        .await;
    let n = app.wait_status(&id, "delivered").await;
    assert_eq!(n["awaitingCallbackUrl"], false);
    assert_eq!(receiver.received()[0].fields["id"], id);
}

#[tokio::test]
async fn a_per_notification_callback_overrides_the_apps() {
    let app = spawn_app().await;
    let receiver = Receiver::start(MD5_KEY).await;
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
    assert!(apps["apps"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|a| a["callbackUrl"] == receiver.url()));
    let id = opened_id(&app, QR_APP_ID).await;
    app.wait_status(&id, "delivered").await;
    // Apps created later are the test's to wire.
    let created = app.post_json("/__mock/apps", &json!({})).await.json();
    assert_eq!(created["callbackUrl"], Value::Null);
}

#[tokio::test]
async fn a_hanging_receiver_times_out_and_blocks_nobody_else() {
    let app = spawn_app().await;
    let slow = Receiver::start(MD5_KEY).await;
    slow.answer(vec![], Behavior::Hang);
    app.set_callback(APP_ID, &slow.url(), json!({ "timeoutMs": 3000 }))
        .await;
    let stuck = opened_id(&app, APP_ID).await;
    slow.wait_for(1, WAIT).await;
    // While that attempt hangs, another app's notification is delivered and the API answers.
    let fast = Receiver::start(MD5_KEY).await;
    app.set_callback(QR_APP_ID, &fast.url(), Value::Null).await;
    let other = opened_id(&app, QR_APP_ID).await;
    let r = app
        .get(&format!(
            "/__mock/notifications/{other}/wait?status=delivered&timeoutMs=2500"
        ))
        .await;
    assert_eq!(
        r.status, 200,
        "delivered while the other attempt still hangs: {}",
        r.text
    );
    assert_eq!(app.get("/__mock/health").await.status, 200);
    app.settle_in_flight().await;
    let n = app.notification(&stuck).await;
    assert_eq!(outcomes(&n), ["timeout"]);
    assert_eq!(n["status"], "pending");
}

#[tokio::test]
async fn wait_answers_408_with_the_notification_when_the_state_is_not_reached() {
    let app = spawn_app().await;
    let id = opened_id(&app, QR_APP_ID).await;
    let r = app
        .get(&format!(
            "/__mock/notifications/{id}/wait?status=delivered&timeoutMs=50"
        ))
        .await;
    assert_eq!(r.status, 408, "{}", r.text);
    assert_eq!(r.json()["id"], id);
    app.get(&format!("/__mock/notifications/{id}/wait?status=gone"))
        .await
        .assert_control(400, "INVALID_QUERY");
    app.get("/__mock/notifications/EV-1/wait")
        .await
        .assert_control(404, "NOTIFICATION_NOT_FOUND");
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
    let id = opened_id(&app, APP_ID).await;
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
        let id = opened_id(&app, APP_ID).await;
        app.wait_status(&id, "delivered").await;
        ids.push(id);
    }
    // A pending one is never dropped.
    let pending = opened_id(&app, QR_APP_ID).await;
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

#[tokio::test]
async fn in_real_time_due_retries_fire_on_their_own() {
    let app = spawn_app_with(|c| {
        c.clock_frozen = false;
        c.clock_start = None;
        c.notify_defaults.retry_schedule = vec![1];
    })
    .await;
    let receiver = Receiver::start(MD5_KEY).await;
    receiver.answer(vec![Behavior::Failed], Behavior::Success);
    app.set_callback(APP_ID, &receiver.url(), Value::Null).await;
    let id = opened_id(&app, APP_ID).await;
    let n = app.wait_status(&id, "delivered").await;
    assert_eq!(outcomes(&n), ["rejected", "delivered"]);
    assert_eq!(
        seconds_between(
            &n["attempts"][0]["scheduledAt"],
            &n["attempts"][1]["scheduledAt"]
        ),
        1
    );
}
