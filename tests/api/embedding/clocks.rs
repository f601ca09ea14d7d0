//! The typed client's clocks (`/__mock/clocks`) over real HTTP: create, list, read, set,
//! advance and delete; the refusals; apps on a clock of their own; tokens signed in the time
//! of the app's clock.

use std::time::Duration;

use chinaums_mock::api::app::{App, AppSpec};
use chinaums_mock::api::clock::NewClock;
use chinaums_mock::api::journal::TimestampWindow;
use chinaums_mock::client::{ClientError, RequestFilter};
use chrono::Duration as ChronoDuration;

use super::frozen;
use crate::helpers::{APP_ID, vector_time};

#[track_caller]
fn assert_refused(result: Result<impl std::fmt::Debug, ClientError>, status: u16, code: &str) {
    let err = result.expect_err("refused");
    assert_eq!(
        (err.status(), err.code()),
        (Some(status), Some(code)),
        "{err}"
    );
}

/// A business call with the app's token: the status the gateway answers.
async fn call_with(server: &chinaums_mock::MockServer, token: &str) -> u16 {
    let url = format!("{}/v1/netpay/scenario/not-served", server.uri());
    let response = server
        .client()
        .http()
        .post(url)
        .header(
            "authorization",
            format!("OPEN-ACCESS-TOKEN AccessToken={token}"),
        )
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("the gateway answers");
    response.status().as_u16()
}

#[tokio::test]
async fn the_client_creates_lists_reads_sets_advances_and_deletes_a_clock() {
    let server = frozen().await;
    let c = server.client();
    let at = vector_time() + ChronoDuration::days(1);
    let created = c
        .create_clock(NewClock {
            name: Some("job 7".into()),
            now: Some(at),
            frozen: Some(true),
        })
        .await
        .expect("created");
    assert!(created.id.starts_with("clk_"), "{}", created.id);
    assert_eq!((created.now, created.frozen), (at, true));
    assert_eq!(created.name.as_deref(), Some("job 7"));

    let ids: Vec<String> = c
        .clocks()
        .await
        .expect("listed")
        .into_iter()
        .map(|k| k.id)
        .collect();
    assert_eq!(ids, ["default".to_owned(), created.id.clone()]);
    assert_eq!(c.clock_by_id(&created.id).await.expect("read"), created);

    let later = at + ChronoDuration::hours(2);
    let set = c
        .set_clock_by_id(&created.id, Some(later), None)
        .await
        .expect("set");
    assert_eq!((set.now, set.frozen), (later, true));
    let advanced = c
        .advance_clock(&created.id, Duration::from_secs(90))
        .await
        .expect("advanced");
    assert_eq!(advanced.now, later + ChronoDuration::seconds(90));
    assert_eq!(advanced.attempts, 0);
    for _ in 0..2 {
        c.advance_clock_secs(&created.id, 0.5)
            .await
            .expect("advanced by a fraction");
    }
    let read = c.clock_by_id(&created.id).await.expect("read");
    assert_eq!(
        read.now,
        later + ChronoDuration::seconds(91),
        "two halves make a second (the API shows whole seconds)"
    );
    assert_eq!(c.clock().await.expect("default").now, vector_time());

    c.delete_clock(&created.id).await.expect("deleted");
    assert_eq!(c.clocks().await.expect("listed").len(), 1);
    assert_refused(c.clock_by_id(&created.id).await, 404, "CLOCK_NOT_FOUND");
}

#[tokio::test]
async fn the_client_reports_each_clock_refusal_with_the_route_s_status_and_code() {
    let server = frozen().await;
    let c = server.client();
    let missing = "clk_0000000000000000";
    assert_refused(c.clock_by_id(missing).await, 404, "CLOCK_NOT_FOUND");
    assert_refused(
        c.set_clock_by_id(missing, None, Some(true)).await,
        404,
        "CLOCK_NOT_FOUND",
    );
    assert_refused(
        c.advance_clock_secs(missing, 1.0).await,
        404,
        "CLOCK_NOT_FOUND",
    );
    assert_refused(c.delete_clock(missing).await, 404, "CLOCK_NOT_FOUND");
    assert_refused(c.delete_clock("default").await, 409, "CLOCK_IS_DEFAULT");

    let clock = c.create_clock(NewClock::default()).await.expect("created");
    assert_refused(
        c.advance_clock_secs(&clock.id, -1.0).await,
        400,
        "VALIDATION_FAILED",
    );
    let app = c
        .create_app(AppSpec {
            clock: Some(clock.id.clone()),
            ..AppSpec::default()
        })
        .await
        .expect("an app on it");
    assert_refused(c.delete_clock(&clock.id).await, 409, "CLOCK_IN_USE");
    c.delete_app(&app.app_id).await.expect("app deleted");
    c.delete_clock(&clock.id)
        .await
        .expect("then the clock goes");
}

#[tokio::test]
async fn an_app_on_a_clock_of_its_own_gets_it_named_after_it_and_takes_it_along_when_deleted() {
    let server = frozen().await;
    let c = server.client();
    let app = c
        .create_app(AppSpec {
            clock: Some("new".into()),
            ..AppSpec::default()
        })
        .await
        .expect("created");
    let clock = c.clock_by_id(&app.clock).await.expect("its clock");
    assert_eq!(clock.name.as_deref(), Some(app.app_id.as_str()));
    c.delete_app(&app.app_id).await.expect("deleted");
    assert_refused(c.clock_by_id(&app.clock).await, 404, "CLOCK_NOT_FOUND");
}

#[tokio::test]
async fn the_client_signs_a_token_in_the_time_of_the_app_s_clock() {
    let server = frozen().await;
    let c = server.client();
    // A day ahead of the default clock, and a week from the wall clock: a token request
    // signed at any time but the app's own would be refused.
    let ahead = vector_time() + ChronoDuration::days(1);
    let clock = c
        .create_clock(NewClock {
            now: Some(ahead),
            frozen: Some(true),
            ..NewClock::default()
        })
        .await
        .expect("created");
    let app: App = c
        .create_app(AppSpec {
            clock: Some(clock.id.clone()),
            ..AppSpec::default()
        })
        .await
        .expect("an app on it");
    let token = c
        .token(&app)
        .await
        .expect("a token signed in the app's time");
    assert_eq!(token.len(), 32);
    let journal = c
        .requests(&RequestFilter {
            app_id: Some(app.app_id.clone()),
            ..RequestFilter::default()
        })
        .await
        .expect("the journal");
    assert_eq!(journal.len(), 1);
    assert_eq!(
        journal[0].auth.timestamp_window,
        Some(TimestampWindow::Sandbox)
    );
}

#[tokio::test]
async fn advancing_one_clock_expires_the_tokens_of_its_apps_only() {
    let server = frozen().await;
    let c = server.client();
    let clock = c
        .create_clock(NewClock {
            now: Some(vector_time()),
            frozen: Some(true),
            ..NewClock::default()
        })
        .await
        .expect("created");
    let mine = c
        .create_app(AppSpec {
            clock: Some(clock.id.clone()),
            ..AppSpec::default()
        })
        .await
        .expect("an app on it");
    let theirs = c
        .app(APP_ID)
        .await
        .expect("the demo app, on the default clock");
    let my_token = c.token(&mine).await.expect("a token");
    let their_token = c.token(&theirs).await.expect("a token");

    c.advance_clock(&clock.id, Duration::from_secs(3601))
        .await
        .expect("an hour later, on my clock");
    assert_eq!(call_with(&server, &my_token).await, 401, "mine has expired");
    assert_eq!(
        call_with(&server, &their_token).await,
        404,
        "theirs still authenticates"
    );
}
