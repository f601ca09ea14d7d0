//! Callbacks that cannot hurt: never into the sandbox's own control API, never to link-local or
//! cloud-metadata addresses unless allowed, HTTPS merchants with their own CA; and
//! notifications that stay bounded per app and per notification.

mod addresses;
mod bounds;
mod control_api;
mod environment;
mod tls;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chinaums_mock::{Application, CallbackResolver, Config};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::orders::{assert_refused, create, shop};
use crate::persistence::TempDir;
use crate::receiver::{Behavior, Receiver};
use crate::tls_receiver::TlsReceiver;

const SINK_APP: &str = "/__mock/sink/10037e6f66f2d0f901672aa27d690006";

/// Asserts a 400 `VALIDATION_FAILED` whose message names `field` and says `why`.
#[track_caller]
fn assert_refused_field(r: &Reply, field: &str, why: &str) {
    r.assert_control(400, "VALIDATION_FAILED");
    let message = r.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains(field) && message.contains(why),
        "{message}"
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The test settings, with a state file and a port.
fn with_state(state_file: &std::path::Path, port: u16) -> Config {
    crate::persistence::state_config(state_file, port)
}

/// Runs a sandbox for `config`, lets `work` use its base URL, then stops it (saving the state).
async fn run_once<F: Future<Output = ()>>(config: Config, work: impl FnOnce(String) -> F) {
    let server = Application::build(config).await.expect("builds");
    let base = server.url();
    let handle = server.handle();
    let task = tokio::spawn(server.run_until_stopped());
    work(base).await;
    handle.stop(true).await;
    task.await.expect("joined").expect("stopped and saved");
}

async fn patch(base: &str, app_id: &str, body: Value) -> u16 {
    reqwest::Client::new()
        .patch(format!("{base}/__mock/apps/{app_id}"))
        .json(&body)
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

/// Opens an authorisation, lets the attempt happen and returns the notification.
async fn opened_notification(base: &str) -> Value {
    let client = reqwest::Client::new();
    let opened = open_at(base, APP_ID).await;
    let id = opened["notification"]["id"].as_str().unwrap_or_default();
    client
        .post(format!("{base}/__mock/clock/advance"))
        .json(&json!({ "seconds": 0 }))
        .send()
        .await
        .expect("advanced by 0");
    client
        .get(format!("{base}/__mock/notifications/{id}"))
        .send()
        .await
        .expect("the notification")
        .json()
        .await
        .expect("JSON")
}
