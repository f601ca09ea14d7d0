//! Thousands of notifications to a merchant that fails at random (seeded): every one ends
//! delivered once or exhausted, every attempt on its ladder time, and the merchant saw exactly
//! the attempts the sandbox recorded.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use futures_util::future::join_all;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::{Value, json};

use crate::helpers::{MD5_KEY, TestApp, offsets, outcomes, spawn_app_with};
use crate::receiver::{Behavior, Receiver};

/// Opens per batch for each of the merchant's apps, and for the app whose merchant is gone.
const PER_LIVE_APP: usize = 160;
const PER_DEAD_APP: usize = 25;
const BATCHES: usize = 4;
const LIVE_APPS: usize = 3;

/// The default ladder's attempt times, in seconds after the first: 30 attempts within 24 h.
fn ladder() -> Vec<i64> {
    let mut out = vec![0, 15, 30, 60, 240, 2040, 3840, 5640, 7440, 11_040];
    while out.len() < 30 {
        out.push(out[out.len() - 1] + 3600);
    }
    out
}

/// What the merchant answers, request after request: a seeded mix of every failure.
fn script(seed: u64, len: usize) -> Vec<Behavior> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..len)
        .map(|_| match rng.random_range(0..100) {
            0..35 => Behavior::Success,
            35..55 => Behavior::Failed,
            55..75 => Behavior::Status(500),
            75..81 => Behavior::Hang,
            _ => Behavior::Close,
        })
        .collect()
}

/// The outcome the sandbox must record for what the merchant did.
fn expected_outcome(b: &Behavior) -> &'static str {
    match b {
        Behavior::Success => "delivered",
        Behavior::Failed | Behavior::Status(_) => "rejected",
        Behavior::Hang => "timeout",
        Behavior::Close => "connection_failed",
        other => panic!("not in the script: {other:?}"),
    }
}

async fn create_app(app: &TestApp, callback_url: &str) -> String {
    let r = app
        .post_json(
            "/__mock/apps",
            &json!({
                "md5Key": MD5_KEY,
                "callbackUrl": callback_url,
                "notify": {"timeoutMs": 200},
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()["appId"].as_str().expect("appId").to_owned()
}

/// A URL nothing listens on: a port bound, then released.
fn dead_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    format!("http://127.0.0.1:{port}/notify")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_notifications_to_a_flaky_merchant_end_delivered_once_or_exhausted_on_the_ladder()
 {
    let started = Instant::now();
    let app = spawn_app_with(|c| c.workers = Some(2)).await;
    let merchant = Receiver::start(MD5_KEY).await;
    merchant.answer(script(2026, 40_000), Behavior::Success);
    let mut live = Vec::new();
    for _ in 0..LIVE_APPS {
        live.push(create_app(&app, &merchant.url()).await);
    }
    let dead = create_app(&app, &dead_url()).await;

    let mut opens: Vec<&str> = Vec::new();
    for _ in 0..PER_LIVE_APP {
        opens.extend(live.iter().map(String::as_str));
    }
    opens.extend(std::iter::repeat_n(dead.as_str(), PER_DEAD_APP));
    let mut triggered = Vec::new();
    for batch in 0..BATCHES {
        for chunk in opens.chunks(16) {
            let ids = join_all(chunk.iter().map(|a| app.opened_id(a))).await;
            triggered.extend(ids);
        }
        if batch + 1 < BATCHES {
            // Staggered creation times, so ladders of different batches interleave.
            assert_eq!(app.advance(7.0).await.status, 200);
        }
    }
    let total = BATCHES * (LIVE_APPS * PER_LIVE_APP + PER_DEAD_APP);
    assert_eq!(triggered.len(), total);
    for seconds in [60.0, 3600.0, 86_400.0 + 60.0] {
        let r = app.advance(seconds).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }

    let listed = app
        .get(&format!("/__mock/notifications?limit={}", total * 2))
        .await;
    let all = listed.json()["notifications"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let by_id: HashMap<String, Value> = all
        .iter()
        .map(|n| (n["id"].as_str().unwrap_or_default().to_owned(), n.clone()))
        .collect();
    assert_eq!(by_id.len(), all.len(), "ids are unique");
    let unique: HashSet<&String> = triggered.iter().collect();
    assert_eq!(unique.len(), total, "every open got its own id");
    assert!(
        triggered.iter().all(|id| by_id.contains_key(id)),
        "nothing lost"
    );

    let count = |status: &str| all.iter().filter(|n| n["status"] == status).count();
    let (delivered, exhausted, pending) =
        (count("delivered"), count("exhausted"), count("pending"));
    assert_eq!(delivered + exhausted + pending, total);
    assert_eq!(pending, 0, "every notification settled");

    let ladder = ladder();
    let mut heard: HashMap<String, Vec<Behavior>> = HashMap::new();
    let received = merchant.received();
    for r in &received {
        assert_eq!(r.sign_valid, Some(true), "signed with the app's md5Key");
        let id = r.fields.get("id").cloned().unwrap_or_default();
        heard.entry(id).or_default().push(r.answered.clone());
    }
    let (mut attempts_to_merchant, mut late) = (0, 0);
    for n in &all {
        let id = n["id"].as_str().unwrap_or_default();
        let outcomes = outcomes(n);
        assert_eq!(offsets(n), ladder[..outcomes.len()], "{id} off its ladder");
        for a in n["attempts"].as_array().into_iter().flatten() {
            assert_eq!(a["scheduledAt"], a["sentAt"], "{id}: sent when planned");
        }
        let acknowledged = outcomes.iter().position(|o| o == "delivered");
        match acknowledged {
            Some(i) => {
                assert_eq!(
                    i + 1,
                    outcomes.len(),
                    "{id}: nothing after the acknowledgement"
                );
                assert_eq!(n["status"], "delivered");
            }
            None => {
                assert_eq!(outcomes.len(), ladder.len(), "{id}: the whole ladder");
                assert_eq!(n["status"], "exhausted");
            }
        }
        if n["appId"] == dead.as_str() {
            assert!(outcomes.iter().all(|o| o == "connection_failed"), "{id}");
            assert!(!heard.contains_key(id));
            continue;
        }
        attempts_to_merchant += outcomes.len();
        let seen = heard.get(id).cloned().unwrap_or_default();
        assert_eq!(
            seen.len(),
            outcomes.len(),
            "{id}: the merchant saw every attempt"
        );
        for (behavior, outcome) in seen.iter().zip(&outcomes) {
            // An answer can miss the 200 ms deadline on a loaded machine; then it is a timeout.
            let expected = expected_outcome(behavior);
            assert!(
                outcome == expected || outcome == "timeout",
                "{id}: {behavior:?} recorded as {outcome}"
            );
            late += usize::from(outcome != expected);
        }
    }
    assert_eq!(received.len(), attempts_to_merchant);
    // A live one is exhausted only after 30 failures in a row (p ≈ 0.65^30): possible, rare.
    assert!(
        exhausted >= BATCHES * PER_DEAD_APP,
        "the dead merchant's are all exhausted"
    );
    eprintln!(
        "chaos: {total} notifications, {} requests to the merchant ({late} answered too late), \
         {delivered} delivered, {exhausted} exhausted, in {:?}",
        received.len(),
        started.elapsed()
    );
}
