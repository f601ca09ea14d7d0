//! Stopping the binary as Docker does: SIGTERM with a long-poll open and an attempt hanging at
//! a merchant that never answers. The long-poll is answered at once, no new attempt starts,
//! and the process exits within 8 s, inside Docker's 10 s grace.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use tokio::net::TcpListener;

use crate::helpers::APP_ID;

/// A merchant that takes connections and never answers; it keeps them open until dropped, and
/// says when the first one arrives.
async fn hanging_merchant() -> (
    String,
    tokio::sync::oneshot::Receiver<()>,
    tokio::task::JoinHandle<()>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bound");
    let url = format!("http://{}/notify", listener.local_addr().expect("address"));
    let (first, arrived) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(async move {
        let mut first = Some(first);
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
            if let Some(first) = first.take() {
                let _ = first.send(());
            }
        }
    });
    (url, arrived, task)
}

#[tokio::test]
async fn sigterm_answers_long_polls_at_once_and_exits_within_eight_seconds() {
    let (merchant, attempt_started, _held) = hanging_merchant().await;
    let dir = std::env::temp_dir().join(format!("chinaums-mock-shutdown-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let state = dir.join("state.json");
    let args: [&std::ffi::OsStr; 9] = [
        "--state-format".as_ref(),
        "json".as_ref(),
        "--port".as_ref(),
        "0".as_ref(),
        "--seed".as_ref(),
        "7".as_ref(),
        "--log-level".as_ref(),
        "warn".as_ref(),
        "--state-file".as_ref(),
    ];
    let (mut child, url) =
        crate::binary::spawn_binary(args.into_iter().chain([state.as_os_str()])).await;
    let http = reqwest::Client::new();
    let patched = http
        .patch(format!("{url}/__mock/apps/{APP_ID}"))
        .json(&json!({"callbackUrl": merchant}))
        .send()
        .await
        .expect("patched");
    assert_eq!(patched.status(), 200);
    let opened = crate::helpers::open_at(&url, APP_ID).await;
    let id = opened["notification"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let wait_url = format!("{url}/__mock/notifications/{id}/wait?status=delivered&timeoutMs=60000");
    let long_poll = tokio::spawn(async move {
        let answer = reqwest::get(wait_url).await.expect("answered");
        (
            answer.status().as_u16(),
            answer.json::<Value>().await.expect("JSON"),
        )
    });
    // The first attempt now hangs at the merchant (5 s timeout) while the long-poll, sent
    // before it, waits; a moment more lets the server take the long-poll in.
    tokio::time::timeout(Duration::from_secs(10), attempt_started)
        .await
        .expect("the attempt reaches the merchant")
        .expect("the merchant is listening");
    tokio::time::sleep(Duration::from_millis(200)).await;

    let asked = Instant::now();
    let pid = child.id().expect("running").to_string();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status();
    assert!(sent.is_ok_and(|s| s.success()));
    let (status, body) = tokio::time::timeout(Duration::from_secs(3), long_poll)
        .await
        .expect("the long-poll is answered at once")
        .expect("the long-poll task");
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (503, Some("SHUTTING_DOWN")),
        "{body}"
    );
    let exit = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("exits")
        .expect("an exit status");
    let took = asked.elapsed();
    assert!(exit.success(), "{exit:?}");
    assert!(took < Duration::from_secs(8), "stopped in {took:?}");
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("state.json")).expect("saved"))
            .expect("JSON");
    let kept = saved["notifications"]["items"]
        .as_array()
        .and_then(|items| items.iter().find(|n| n["id"] == id.as_str()))
        .cloned()
        .expect("the notification is saved");
    assert_eq!(kept["status"], "pending", "saved to be sent again: {kept}");
    let _ = std::fs::remove_dir_all(&dir);
}
