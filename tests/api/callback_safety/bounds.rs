//! Notifications bounded per app (the pending cap) and per notification (stored answers).

use super::*;

#[tokio::test]
async fn beyond_the_pending_cap_the_app_s_oldest_pending_notification_is_given_up() {
    // The fixture apps have no callback URL: every notification waits for one.
    let app = spawn_app_with(|c| c.max_pending_per_app = 2).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(app.opened_id(APP_ID).await);
    }
    let oldest = app.notification(&ids[0]).await;
    assert_eq!(oldest["status"], "exhausted");
    assert_eq!(oldest["giveUpReason"], "pending_cap");
    assert_eq!(oldest["awaitingCallbackUrl"], false);
    for id in &ids[1..] {
        assert_eq!(app.notification(id).await["status"], "pending");
    }
    // Another app's notifications are not counted with these.
    let other = app.opened_id(QR_APP_ID).await;
    assert_eq!(app.notification(&other).await["status"], "pending");
    assert_eq!(app.notification(&ids[1]).await["status"], "pending");
}

#[tokio::test]
async fn a_long_ladder_keeps_its_first_and_latest_attempts_and_whole_answers_only_at_its_ends() {
    let receiver = Receiver::start(MD5_KEY).await;
    let answer = "F".repeat(4096);
    receiver.answer(Vec::new(), Behavior::Body(200, answer));
    let app = spawn_app().await;
    let ladder = json!({ "retrySchedule": [1], "giveUpAfterSeconds": 3600 });
    app.set_callback(APP_ID, &receiver.url(), ladder).await;
    let id = app.opened_id(APP_ID).await;
    app.settle_in_flight().await;
    let advanced = app.advance(59.0).await;
    assert_eq!(advanced.json()["attempts"], 59, "{}", advanced.text);
    receiver.wait_for(60, Duration::from_secs(10)).await;

    let n = app.notification(&id).await;
    let attempts = n["attempts"].as_array().cloned().unwrap_or_default();
    assert_eq!(attempts.len(), 50);
    assert_eq!(n["attemptsDropped"], 10);
    let numbers: Vec<u64> = attempts.iter().filter_map(|a| a["n"].as_u64()).collect();
    assert_eq!(numbers[..10], (1..=10).collect::<Vec<_>>()[..]);
    assert_eq!(numbers[10..], (21..=60).collect::<Vec<_>>()[..]);
    let kept: Vec<usize> = attempts
        .iter()
        .map(|a| a["responseBody"].as_str().map_or(0, str::len))
        .collect();
    assert_eq!(kept[0], 4096, "the first answer is kept whole");
    assert!(kept[1..49].iter().all(|len| *len == 128), "{kept:?}");
    assert_eq!(kept[49], 4096, "the latest answer is kept whole");
    assert!(attempts[1..49].iter().all(|a| a["trimmed"] == true));
    assert!(attempts[49].get("trimmed").is_none());
}
