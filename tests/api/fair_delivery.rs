//! Fair delivery over real HTTP: an app whose merchant accepts connections and never answers
//! keeps at most its share of attempts in flight, and another app's notifications go out
//! while those attempts still hang.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::helpers::*;
use crate::receiver::Receiver;

/// A merchant that accepts every connection and never reads or answers; it counts the
/// connections it holds open.
struct HangingMerchant {
    url: String,
    accepted: watch::Receiver<usize>,
    task: tokio::task::JoinHandle<()>,
}

impl HangingMerchant {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("local address").port();
        let (counter, accepted) = watch::channel(0);
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
                counter.send_replace(held.len());
            }
        });
        Self {
            url: format!("http://127.0.0.1:{port}/notify"),
            accepted,
            task,
        }
    }

    fn accepted(&self) -> usize {
        *self.accepted.borrow()
    }

    /// Waits (up to 10 s) until `n` connections are held.
    async fn until_accepted(&self, n: usize) {
        let mut accepted = self.accepted.clone();
        let reached = tokio::time::timeout(
            Duration::from_secs(10),
            accepted.wait_for(|held| *held >= n),
        )
        .await;
        assert!(
            matches!(reached, Ok(Ok(_))),
            "only {} of {n} attempts reached the merchant",
            self.accepted()
        );
    }
}

impl Drop for HangingMerchant {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A new app sending to `url`, waiting up to a minute for each answer.
async fn app_sending_to(app: &TestApp, url: &str) -> String {
    let created = app
        .post_json(
            "/__mock/apps",
            &json!({ "callbackUrl": url, "notify": { "timeoutMs": 60_000 } }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    created.json()["appId"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn another_app_is_delivered_while_a_hanging_merchant_holds_its_share_of_attempts() {
    let app = spawn_app_with(|c| c.max_in_flight_per_app = 3).await;
    let hanging = HangingMerchant::start().await;
    let stuck_app = app_sending_to(&app, &hanging.url).await;
    let mut stuck = Vec::new();
    for _ in 0..300 {
        stuck.push(app.opened_id(&stuck_app).await);
    }
    hanging.until_accepted(3).await;

    let merchant = Receiver::start(QR_MD5_KEY).await;
    app.set_callback(QR_APP_ID, &merchant.url(), Value::Null)
        .await;
    let mut others = Vec::new();
    for _ in 0..5 {
        others.push(app.opened_id(QR_APP_ID).await);
    }
    for id in &others {
        let n = app.wait_status(id, "delivered").await;
        assert_eq!(outcomes(&n), ["delivered"]);
    }

    assert_eq!(
        hanging.accepted(),
        3,
        "no more than the app's share at once"
    );
    let waiting = app.notification(&stuck[299]).await;
    assert_eq!(waiting["status"], "pending");
    assert_eq!(
        outcomes(&waiting),
        Vec::<String>::new(),
        "still waiting its turn"
    );
}

#[tokio::test]
async fn the_api_answers_and_long_polls_end_while_attempts_hang() {
    let app = spawn_app().await;
    let hanging = HangingMerchant::start().await;
    let stuck_app = app_sending_to(&app, &hanging.url).await;
    let mut stuck = Vec::new();
    for _ in 0..200 {
        stuck.push(app.opened_id(&stuck_app).await);
    }
    hanging.until_accepted(8).await;

    let r = app
        .get(&format!(
            "/__mock/notifications/{}/wait?status=delivered&timeoutMs=200",
            stuck[0]
        ))
        .await;
    assert_eq!(r.status, 408, "{}", r.text);
    assert_eq!(app.get("/__mock/health").await.status, 200);
    let opened = app.opened_id(APP_ID).await;
    assert!(!opened.is_empty(), "opening still works");
    assert_eq!(hanging.accepted(), 8, "the default share is 8");
}
