//! Delivery in sandbox time: the retry ladder, give-up, redelivery, timeouts, real time.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::*;
use crate::receiver::{Behavior, Receiver};

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn a_receiver_failing_three_times_gets_four_attempts_at_the_ladder_offsets_with_one_id() {
    let app = spawn_app().await;
    let receiver = Receiver::start(MD5_KEY).await;
    receiver.answer(
        vec![Behavior::Status(500), Behavior::Failed, Behavior::Close],
        Behavior::Success,
    );
    app.set_callback(APP_ID, &receiver.url(), Value::Null).await;
    let id = app.opened_id(APP_ID).await;
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
    assert!(
        n["attempts"][2]["error"]
            .as_str()
            .is_some_and(|e| !e.is_empty())
    );
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
    let id = app.opened_id(APP_ID).await;
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
    let id = app.opened_id(APP_ID).await;
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
async fn a_hanging_receiver_times_out_and_blocks_nobody_else() {
    let app = spawn_app().await;
    let slow = Receiver::start(MD5_KEY).await;
    slow.answer(vec![], Behavior::Hang);
    app.set_callback(APP_ID, &slow.url(), json!({ "timeoutMs": 3000 }))
        .await;
    let stuck = app.opened_id(APP_ID).await;
    slow.wait_for(1, WAIT).await;
    // While that attempt hangs, another app's notification is delivered and the API answers.
    let fast = Receiver::start(MD5_KEY).await;
    app.set_callback(QR_APP_ID, &fast.url(), Value::Null).await;
    let other = app.opened_id(QR_APP_ID).await;
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
    let id = app.opened_id(QR_APP_ID).await;
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
    let id = app.opened_id(APP_ID).await;
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
