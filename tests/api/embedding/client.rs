//! The typed control client over real HTTP: apps, Pay Score, notifications, the clock, errors.

use std::time::Duration;

use chinaums_mock::MockServer;
use chinaums_mock::api::app::{AppSpec, NotifyFormat, NotifySpec};
use chinaums_mock::api::notification::{Outcome, Status};
use chinaums_mock::api::payscore::AuthState;
use chinaums_mock::client::{
    AuthorizationFilter, ClientError, ControlClient, NotificationFilter, OpenRequest, WaitFor,
};
use chrono::Duration as ChronoDuration;

use super::frozen;
use crate::helpers::{APP_ID, MD5_KEY, QR_APP_ID, vector_time};
use crate::receiver::Receiver;

const LONG: Duration = Duration::from_secs(10);

#[track_caller]
fn assert_control(err: &ClientError, status: u16, code: &str) {
    match err {
        ClientError::Control {
            status: s,
            code: c,
            message,
        } => {
            assert_eq!((*s, c.as_str()), (status, code), "{message}");
            assert!(!message.is_empty());
        }
        other => panic!("expected a control error {status} {code}, got {other:?}"),
    }
}

#[tokio::test]
async fn the_client_creates_reads_lists_changes_and_deletes_apps() {
    let server = frozen().await;
    let c = server.client();
    let created = c
        .create_app(AppSpec {
            name: Some("Shop".into()),
            ..AppSpec::default()
        })
        .await
        .expect("created");
    assert_eq!(c.app(&created.app_id).await.expect("read"), created);
    assert_eq!(c.apps().await.expect("list").len(), 3);

    let url = "http://127.0.0.1:9/chinaums/notify";
    let changed = c
        .update_app(
            &created.app_id,
            AppSpec {
                callback_url: Some(Some(url.into())),
                notify: Some(NotifySpec {
                    format: Some(NotifyFormat::Json),
                    ..NotifySpec::default()
                }),
                ..AppSpec::default()
            },
        )
        .await
        .expect("changed");
    assert_eq!(changed.callback_url.as_deref(), Some(url));
    assert_eq!(changed.notify.format, NotifyFormat::Json);
    assert_eq!(changed.notify.retry_schedule, created.notify.retry_schedule);

    // A field left out is left alone: the callback survives a rename.
    let renamed = c
        .update_app(
            &created.app_id,
            AppSpec {
                name: Some("Renamed".into()),
                ..AppSpec::default()
            },
        )
        .await
        .expect("renamed");
    assert_eq!(
        (renamed.name.as_str(), renamed.callback_url.as_deref()),
        ("Renamed", Some(url))
    );
    let cleared = c
        .update_app(
            &created.app_id,
            AppSpec {
                callback_url: Some(None),
                ..AppSpec::default()
            },
        )
        .await
        .expect("cleared");
    assert_eq!(cleared.callback_url, None);

    c.delete_app(&created.app_id).await.expect("deleted");
    let gone = c.app(&created.app_id).await.expect_err("gone");
    assert_control(&gone, 404, "APP_NOT_FOUND");
    let twice = c.delete_app(&created.app_id).await.expect_err("gone");
    assert_control(&twice, 404, "APP_NOT_FOUND");
}

#[tokio::test]
async fn control_errors_carry_the_http_status_the_code_and_the_message() {
    let server = frozen().await;
    let c = server.client();
    let missing = c
        .app("ffffffffffffffffffffffffffffffff")
        .await
        .expect_err("404");
    assert_control(&missing, 404, "APP_NOT_FOUND");
    assert_eq!(missing.status(), Some(404));
    assert_eq!(missing.code(), Some("APP_NOT_FOUND"));

    let duplicate = c
        .create_app(AppSpec {
            app_id: Some(APP_ID.into()),
            ..AppSpec::default()
        })
        .await
        .expect_err("409");
    assert_control(&duplicate, 409, "APP_EXISTS");
    let invalid = c
        .create_app(AppSpec {
            app_id: Some("not-hex".into()),
            ..AppSpec::default()
        })
        .await
        .expect_err("400");
    assert_control(&invalid, 400, "VALIDATION_FAILED");

    let not_open = c.close(APP_ID, "nobody").await.expect_err("409");
    assert_control(&not_open, 409, "AUTHORIZATION_NOT_OPEN");
    let no_such = c.notification("EV-0").await.expect_err("404");
    assert_control(&no_such, 404, "NOTIFICATION_NOT_FOUND");
    let backwards = c.advance_secs(-1.0).await.expect_err("400");
    assert_control(&backwards, 400, "VALIDATION_FAILED");

    // Not the control API at all: a gateway answer is reported as it came.
    let astray = ControlClient::new(format!("{}/v1", server.uri()));
    match astray.health().await {
        Err(ClientError::Unexpected { status, body }) => {
            assert_eq!(status, 401);
            assert!(body.contains("MISSING_AUTHORIZATION"), "{body}");
        }
        other => panic!("expected an unexpected answer, got {other:?}"),
    }
}

#[tokio::test]
async fn the_client_opens_closes_lists_waits_for_and_redelivers_notifications() {
    let server = frozen().await;
    let c = server.client();
    let receiver = Receiver::start(MD5_KEY).await;
    c.update_app(
        APP_ID,
        AppSpec {
            callback_url: Some(Some(receiver.url())),
            ..AppSpec::default()
        },
    )
    .await
    .expect("callback set");

    let opened = c
        .open(
            OpenRequest::new(APP_ID)
                .open_id("user-1")
                .sub_open_id("sub-1")
                .authorization_code("AUTH1"),
        )
        .await
        .expect("opened");
    assert_eq!(opened.authorization.state, AuthState::Open);
    assert_eq!(opened.authorization.authorization_code, "AUTH1");
    assert_eq!(opened.notification.event_type, "PAYSCORE.USER_OPEN_SERVICE");
    let open_id = &opened.notification.id;
    let delivered = c
        .wait_for_notification(open_id, WaitFor::Delivered, LONG)
        .await
        .expect("delivered");
    assert_eq!(delivered.status, Status::Delivered);
    assert_eq!(delivered.outcomes(), [Outcome::Delivered]);
    assert_eq!(delivered.created_at, vector_time());

    let closed = c.close(APP_ID, "user-1").await.expect("closed");
    assert_eq!(closed.authorization.state, AuthState::Closed);
    let settled = c
        .wait_for_notification(&closed.notification.id, WaitFor::Settled, LONG)
        .await
        .expect("settled");
    assert_eq!(settled.status, Status::Delivered);

    let mine = AuthorizationFilter {
        app_id: Some(APP_ID.into()),
        open_id: Some("user-1".into()),
        ..AuthorizationFilter::default()
    };
    let auths = c.authorizations(&mine).await.expect("authorizations");
    assert_eq!(auths.len(), 1);
    assert_eq!(auths[0].history.len(), 2);
    let open_only = AuthorizationFilter {
        state: Some(AuthState::Open),
        ..mine
    };
    assert!(c.authorizations(&open_only).await.expect("none").is_empty());

    let all = c
        .notifications(&NotificationFilter::app(APP_ID))
        .await
        .expect("listed");
    let ids: Vec<&str> = all.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, [closed.notification.id.as_str(), open_id.as_str()]);
    let opens = NotificationFilter {
        event_type: Some("PAYSCORE.USER_OPEN_SERVICE".into()),
        ..NotificationFilter::app(APP_ID)
    };
    assert_eq!(c.notifications(&opens).await.expect("opens").len(), 1);
    let pending = NotificationFilter {
        status: Some(Status::Pending),
        ..NotificationFilter::default()
    };
    assert!(c.notifications(&pending).await.expect("none").is_empty());
    let one = NotificationFilter {
        limit: Some(1),
        ..NotificationFilter::default()
    };
    assert_eq!(c.notifications(&one).await.expect("one").len(), 1);

    let shown = c.notification(open_id).await.expect("shown");
    let received = receiver.wait_for(2, LONG).await;
    assert_eq!(shown.body.as_bytes(), received[0].body.as_slice());

    let again = c.redeliver(open_id).await.expect("redelivered");
    assert_eq!(again.attempts.len(), 2);
    assert_eq!(again.attempts[1].trigger, "redelivery");
    let elsewhere = format!("{}?again", receiver.url());
    let third = c.redeliver_to(open_id, &elsewhere).await.expect("again");
    assert_eq!(third.attempts[2].url, elsewhere);
    let received = receiver.wait_for(4, LONG).await;
    assert!(received.iter().all(|r| r.sign_valid == Some(true)));
}

#[tokio::test]
async fn a_wait_that_runs_out_of_time_carries_the_notification_as_it_stood() {
    let server = frozen().await;
    let c = server.client();
    // The QR fixture app has no callback URL: its notifications wait for one.
    let opened = c.open(OpenRequest::new(QR_APP_ID)).await.expect("opened");
    let waited = c
        .wait_for_notification(
            &opened.notification.id,
            WaitFor::Delivered,
            Duration::from_millis(20),
        )
        .await;
    match waited {
        Err(ClientError::WaitTimedOut {
            wanted,
            notification,
        }) => {
            assert_eq!(wanted, WaitFor::Delivered);
            assert_eq!(notification.id, opened.notification.id);
            assert!(notification.awaiting_callback_url);
            assert_eq!(notification.status, Status::Pending);
        }
        other => panic!("expected a timed-out wait, got {other:?}"),
    }
    let missing = c
        .wait_for_notification("EV-0", WaitFor::Settled, Duration::from_millis(20))
        .await
        .expect_err("404");
    assert_control(&missing, 404, "NOTIFICATION_NOT_FOUND");
}

#[tokio::test]
async fn a_notification_to_a_dead_merchant_is_exhausted_once_the_clock_passes_its_give_up_time() {
    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let server = MockServer::builder()
        .frozen_at(vector_time())
        .retry_schedule([10])
        .give_up_after(Duration::from_secs(60))
        .callback_url(format!("http://127.0.0.1:{dead}/notify"))
        .start()
        .await
        .expect("starts");
    let c = server.client();
    let opened = c.open(OpenRequest::new(APP_ID)).await.expect("opened");
    let advanced = c.advance(Duration::from_secs(120)).await.expect("advanced");
    assert_eq!(advanced.exhausted, 1);
    assert!(advanced.attempts >= 5);
    let exhausted = c
        .wait_for_notification(&opened.notification.id, WaitFor::Exhausted, LONG)
        .await
        .expect("exhausted");
    assert_eq!(exhausted.status, Status::Exhausted);
    assert!(exhausted.attempts.len() >= 6);
    assert!(
        exhausted
            .outcomes()
            .iter()
            .all(|o| *o == Outcome::ConnectionFailed)
    );
}

#[tokio::test]
async fn the_client_reads_advances_and_sets_the_clock() {
    let server = frozen().await;
    let c = server.client();
    let clock = c.clock().await.expect("clock");
    assert_eq!(clock.now, vector_time());
    assert!(clock.frozen);

    let advanced = c.advance(Duration::from_secs(60)).await.expect("advanced");
    assert_eq!(advanced.now, vector_time() + ChronoDuration::seconds(60));
    assert_eq!((advanced.attempts, advanced.exhausted), (0, 0));
    let advanced = c.advance_secs(30.0).await.expect("advanced");
    assert_eq!(advanced.now, vector_time() + ChronoDuration::seconds(90));

    let later = vector_time() + ChronoDuration::days(1);
    let set = c.set_clock(Some(later), None).await.expect("set");
    assert_eq!(set.now, later);
    assert!(set.frozen);
    let running = c.set_clock(None, Some(false)).await.expect("unfrozen");
    assert!(!running.frozen);
    assert!(running.now >= later);
}

#[tokio::test]
async fn the_client_reads_health_and_the_openapi_document() {
    let server = frozen().await;
    let health = server.client().health().await.expect("health");
    assert_eq!((health.status.as_str(), health.apps), ("ok", 2));
    assert_eq!(health.version, env!("CARGO_PKG_VERSION"));
    let doc = server.client().openapi().await.expect("openapi");
    assert!(doc["openapi"].as_str().unwrap_or_default().starts_with('3'));
}
