//! `kill -9` at random moments with a state database: every change the sandbox answered is
//! there after the restart, and the deliveries pending at the kill resume.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::RngExt;
use serde_json::{Value, json};

use tokio::process::Child;
use tokio::sync::Mutex;

use crate::helpers::APP_ID;

/// What the sandbox acknowledged: created apps and opened authorisations' notifications.
#[derive(Default)]
struct Acked {
    apps: Vec<String>,
    notifications: Vec<String>,
}

async fn start(db: &std::path::Path, port: u16) -> (Child, String) {
    let port = port.to_string();
    let args: [&std::ffi::OsStr; 8] = [
        "--seed".as_ref(),
        "7".as_ref(),
        "--log-level".as_ref(),
        "warn".as_ref(),
        "--port".as_ref(),
        port.as_ref(),
        "--state-file".as_ref(),
        db.as_os_str(),
    ];
    crate::binary::spawn_binary(args).await
}

/// Creates apps and opens authorisations until the requests fail (the process is gone),
/// noting what was answered.
async fn drive(http: reqwest::Client, url: String, acked: Arc<Mutex<Acked>>, n: usize) {
    for i in 0.. {
        let open_id = format!("crash-{n}-{i}");
        let Ok(r) = http
            .post(format!("{url}/__mock/apps"))
            .json(&json!({}))
            .send()
            .await
        else {
            return;
        };
        let Ok(app) = r.json::<Value>().await else {
            return;
        };
        if let Some(id) = app["appId"].as_str() {
            acked.lock().await.apps.push(id.to_owned());
        }
        let Ok(r) = http
            .post(format!("{url}/__mock/payscore/open"))
            .json(&json!({"appId": APP_ID, "openId": open_id}))
            .send()
            .await
        else {
            return;
        };
        let Ok(opened) = r.json::<Value>().await else {
            return;
        };
        if let Some(id) = opened["notification"]["id"].as_str() {
            acked.lock().await.notifications.push(id.to_owned());
        }
    }
}

async fn status_of(http: &reqwest::Client, url: &str, path: &str) -> (u16, Value) {
    let r = http
        .get(format!("{url}{path}"))
        .send()
        .await
        .expect("answered");
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn every_answered_change_survives_kill_9_and_pending_deliveries_resume() {
    let began = Instant::now();
    let dir = std::env::temp_dir().join(format!("chinaums-mock-crash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db = dir.join("state.sqlite");
    let _ = std::fs::remove_file(&db);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let http = reqwest::Client::new();
    let acked = Arc::new(Mutex::new(Acked::default()));
    let (mut child, url) = start(&db, port).await;
    // The fixture app's notifications go to the built-in sink, which acknowledges them.
    let sink = json!({"callbackUrl": format!("{url}/__mock/sink/{APP_ID}")});
    let r = http
        .patch(format!("{url}/__mock/apps/{APP_ID}"))
        .json(&sink)
        .send()
        .await
        .expect("patched");
    assert_eq!(r.status(), 200);

    for round in 0..5 {
        let drivers: Vec<_> = (0..4)
            .map(|n| tokio::spawn(drive(http.clone(), url.clone(), acked.clone(), n)))
            .collect();
        let wait = rand::rng().random_range(150..700);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        child.start_kill().expect("killed");
        let _ = child.wait().await;
        for d in drivers {
            let _ = d.await;
        }
        (child, _) = start(&db, port).await;
        let acked = acked.lock().await;
        assert!(
            !acked.apps.is_empty(),
            "round {round}: something was answered"
        );
        for id in &acked.apps {
            let (status, _) = status_of(&http, &url, &format!("/__mock/apps/{id}")).await;
            assert_eq!(status, 200, "round {round}: the answered app {id} is gone");
        }
        for id in &acked.notifications {
            let (status, _) = status_of(&http, &url, &format!("/__mock/notifications/{id}")).await;
            assert_eq!(status, 200, "round {round}: the notification {id} is gone");
        }
    }

    // Every notification is delivered in the end: those pending (or in flight) at a kill were
    // sent again after the restart.
    let acked = acked.lock().await;
    assert!(
        acked.notifications.len() >= 5,
        "{} answered",
        acked.notifications.len()
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    for id in &acked.notifications {
        loop {
            let (_, n) = status_of(&http, &url, &format!("/__mock/notifications/{id}")).await;
            if n["status"] == "delivered" {
                break;
            }
            let waited = Instant::now() < deadline;
            assert!(waited, "{id} is still {}", n["status"]);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let _ = child.start_kill();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        began.elapsed() < Duration::from_secs(30),
        "{:?}",
        began.elapsed()
    );
}
