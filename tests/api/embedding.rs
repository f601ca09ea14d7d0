//! The sandbox embedded in a Rust test: `MockServer` start-up, builder, seeds, shutdown and
//! isolation; the typed control client (`embedding/client.rs`, `embedding/clocks.rs`,
//! `embedding/scripting.rs`, `embedding/orders.rs`); the
//! merchant handler example (`embedding/merchant.rs`).

mod client;
mod clocks;
mod merchant;
mod orders;
mod scripting;

#[allow(dead_code)]
#[path = "../../examples/merchant_handler.rs"]
mod merchant_handler;

use std::time::Duration;

use chinaums_mock::api::app::{AppSpec, NotifyFormat, NotifySettings};
use chinaums_mock::client::{NotificationFilter, OpenRequest};
use chinaums_mock::{MockServer, MockServerError, StartTime};
use chrono::Utc;
use serde_json::json;

use crate::helpers::{APP_ID, APP_KEY, MD5_KEY, MID, QR_APP_ID, vector_time};

/// A sandbox frozen at the vectors' instant, as most tests want.
pub async fn frozen() -> MockServer {
    MockServer::builder()
        .frozen_at(vector_time())
        .start()
        .await
        .expect("the sandbox starts")
}

#[tokio::test]
async fn start_serves_the_demo_fixtures_on_a_free_loopback_port_by_the_system_clock() {
    let server = MockServer::start().await.expect("starts");
    let address = server.address();
    assert!(address.ip().is_loopback());
    assert_ne!(address.port(), 0);
    assert_eq!(server.uri(), format!("http://127.0.0.1:{}", address.port()));

    let app = server.default_app();
    assert_eq!(
        (
            app.app_id.as_str(),
            app.app_key.as_str(),
            app.md5_key.as_str()
        ),
        (APP_ID, APP_KEY, MD5_KEY)
    );
    assert_eq!(app.mid, MID);
    assert_eq!(server.fixture_apps()[1].app_id, QR_APP_ID);
    assert_eq!(server.config().seed, Some(MockServer::DEFAULT_SEED));

    let client = server.client();
    assert_eq!(client.health().await.expect("health").apps, 2);
    let clock = client.clock().await.expect("clock");
    assert!(!clock.frozen);
    let skew = (clock.now.with_timezone(&Utc) - Utc::now())
        .num_seconds()
        .abs();
    assert!(
        skew < 60,
        "sandbox time is {skew} s away from the system clock"
    );
}

#[tokio::test]
async fn the_builder_sets_the_seed_the_frozen_clock_and_the_notification_defaults() {
    let server = MockServer::builder()
        .seed(7)
        .frozen_at(vector_time())
        .notify_defaults(NotifySettings {
            format: NotifyFormat::Json,
            ..NotifySettings::default()
        })
        .retry_schedule([5, 10])
        .give_up_after(Duration::from_secs(600))
        .callback_url("http://127.0.0.1:9/chinaums/notify")
        .config(|c| c.token_ttl_secs = 60)
        .start()
        .await
        .expect("starts");

    let clock = server.client().clock().await.expect("clock");
    assert!(clock.frozen);
    assert_eq!(clock.now, vector_time());
    let app = server.default_app();
    assert_eq!(app.notify.format, NotifyFormat::Json);
    assert_eq!(app.notify.retry_schedule, [5, 10]);
    assert_eq!(app.notify.give_up_after_seconds, 600);
    assert_eq!(
        app.callback_url.as_deref(),
        Some("http://127.0.0.1:9/chinaums/notify")
    );
    let config = server.config();
    assert_eq!((config.seed, config.token_ttl_secs), (Some(7), 60));

    let by_text = MockServer::builder()
        .frozen_at("2026-11-25T12:00:00+08:00")
        .start()
        .await
        .expect("starts");
    assert_eq!(by_text.client().clock().await.expect("clock"), clock);
}

#[tokio::test]
async fn a_start_time_that_is_not_rfc_3339_is_an_error_not_a_panic() {
    let result = MockServer::builder()
        .starting_at("25/11/2026 12:00")
        .start()
        .await;
    match result {
        Err(MockServerError::InvalidTime { value, .. }) => assert_eq!(value, "25/11/2026 12:00"),
        other => panic!("expected InvalidTime, got {other:?}"),
    }
    assert!(StartTime::from("2026-11-25T12:00:00Z").resolve().is_ok());
}

#[tokio::test]
async fn the_same_seed_replays_the_same_generated_values_and_another_seed_does_not() {
    let start = |seed| {
        MockServer::builder()
            .seed(seed)
            .frozen_at(vector_time())
            .start()
    };
    let (a, b, c) = (
        start(7).await.expect("a"),
        start(7).await.expect("b"),
        start(8).await.expect("c"),
    );
    let created = |s: &MockServer| {
        let client = s.client().clone();
        async move {
            client
                .create_app(AppSpec::default())
                .await
                .expect("created")
        }
    };
    let (app_a, app_b, app_c) = (created(&a).await, created(&b).await, created(&c).await);
    assert_eq!(app_a, app_b);
    assert_ne!(app_a.app_id, app_c.app_id);

    let open_a = a
        .client()
        .open(OpenRequest::new(APP_ID))
        .await
        .expect("open");
    let open_b = b
        .client()
        .open(OpenRequest::new(APP_ID))
        .await
        .expect("open");
    assert_eq!(open_a.authorization.open_id, open_b.authorization.open_id);
    assert_eq!(open_a.notification.id, open_b.notification.id);
    assert_eq!(open_a.notification.body, open_b.notification.body);
}

#[tokio::test]
async fn two_default_servers_generate_the_same_values_from_the_fixed_default_seed() {
    let a = MockServer::start().await.expect("a");
    let b = MockServer::start().await.expect("b");
    let app_a = a.client().create_app(AppSpec::default()).await.expect("a");
    let app_b = b.client().create_app(AppSpec::default()).await.expect("b");
    assert_eq!(app_a.app_id, app_b.app_id);
    assert_eq!(app_a.app_key, app_b.app_key);
}

#[tokio::test]
async fn dropping_the_server_closes_its_port() {
    let server = MockServer::start().await.expect("starts");
    let address = server.address();
    let handle = server.handle();
    let client = server.client().clone();
    client.health().await.expect("answers while running");

    drop(server);
    // Resolves once the stop the drop requested has finished and the listener is closed.
    handle.stop(false).await;
    // The accept thread lets go of the socket on its own; on a loaded machine that can take a
    // moment, so keep trying (bounded) rather than sleeping.
    let refused = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while tokio::net::TcpStream::connect(address).await.is_ok() {
            tokio::task::yield_now().await;
        }
    })
    .await
    .is_ok();
    // A second request is not asserted: a parallel test may already have been given the port.
    assert!(refused, "{address} still accepts connections");
}

#[tokio::test]
async fn stop_lets_requests_finish_and_returns_once_the_port_is_closed() {
    let server = MockServer::start().await.expect("starts");
    let address = server.address();
    server.stop().await;
    assert!(tokio::net::TcpStream::connect(address).await.is_err());
}

#[tokio::test]
async fn two_servers_in_one_process_never_interfere() {
    let a = frozen().await;
    let b = frozen().await;
    assert_ne!(a.address(), b.address());
    let (ca, cb) = (a.client(), b.client());

    ca.create_app(AppSpec {
        name: Some("only in a".into()),
        ..AppSpec::default()
    })
    .await
    .expect("created");
    ca.open(OpenRequest::new(APP_ID)).await.expect("opened");
    ca.advance(Duration::from_secs(3600))
        .await
        .expect("advanced");
    ca.add_fault(&json!({"target": "token", "action": "error"}))
        .await
        .expect("fault");

    assert_eq!(cb.apps().await.expect("apps").len(), 2);
    let all = NotificationFilter::default();
    assert!(cb.notifications(&all).await.expect("list").is_empty());
    assert_eq!(cb.clock().await.expect("clock").now, vector_time());
    assert!(cb.faults().await.expect("faults").is_empty());
    assert_eq!(cb.token(&b.default_app()).await.expect("token").len(), 32);

    drop(a);
    assert_eq!(cb.health().await.expect("b still runs").status, "ok");
}
