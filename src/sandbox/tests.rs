//! The sandbox's cross-store rules, without HTTP.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::*;
use crate::api::app::AppSpec;
use crate::api::fault::{FaultAction, FaultSpec, FaultTarget};
use crate::api::notification::Status;
use crate::api::payscore::{AuthState, CloseRequest, OpenRequest, Transition as Transitioned};
use crate::api::stub::StubSpec;
use crate::domain::apps::AppError;
use crate::domain::notify::Filter;
use crate::domain::payscore::store::TransitionError;
use crate::domain::tokens::{TokenLookup, TokenRecord};
use crate::protocol::encode::{NotifyFormat, NotifySigning, encode};

/// The first fixture app (embedded fixtures).
const FIXTURE_APP: &str = "10037e6f66f2d0f901672aa27d690006";

/// 2026-11-25 12:00 Beijing time, where the test sandboxes' clocks stand.
pub(crate) fn noon() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T12:00:00+08:00")
        .map(|t| t.with_timezone(&Utc))
        .expect("a valid time")
}

/// A sandbox on the embedded fixtures, seed 42, its clock frozen at noon: the unit tests' one.
pub(crate) fn sandbox() -> Sandbox {
    let clock = Arc::new(Clock::system());
    clock.set(Some(noon()), Some(true));
    let config = Config {
        seed: Some(42),
        ..Config::default()
    };
    let state = Sandbox::new(config, clock, Listening::one(([127, 0, 0, 1], 1).into()));
    state.seed().expect("the embedded fixtures load");
    state
}

fn open(state: &Sandbox, app_id: &str, open_id: &str) -> Result<Transitioned, PayScoreError> {
    state.open_authorization(OpenRequest {
        app_id: app_id.to_owned(),
        open_id: Some(open_id.to_owned()),
        ..OpenRequest::default()
    })
}

fn fault(target: FaultTarget, action: FaultAction, app_id: Option<&str>) -> FaultSpec {
    FaultSpec {
        target,
        action,
        app_id: app_id.map(str::to_owned),
        path: None,
        http_status: None,
        err_code: None,
        err_msg: None,
        delay_ms: None,
        delay_seconds: None,
        times: None,
        probability: None,
        description: None,
    }
}

fn stub(app_id: &str) -> StubSpec {
    serde_json::from_value(json!({
        "path": "/v1/netpay/query",
        "appId": app_id,
        "response": { "status": 200, "body": { "errCode": "SUCCESS" } }
    }))
    .expect("a valid stub")
}

#[test]
fn seeding_loads_the_fixture_apps_and_stubs() {
    let state = sandbox();
    assert!(state.apps.contains(FIXTURE_APP));
    assert!(state.apps.len() >= 2);
    let embedded = crate::domain::stubs::load_stubs(&crate::config::FixtureSource::Embedded)
        .expect("the embedded stubs load");
    assert_eq!(state.stubs.list().len(), embedded.len());
}

#[test]
fn an_open_records_the_authorisation_and_queues_its_notification_at_the_apps_time() {
    let state = sandbox();
    let done = open(&state, FIXTURE_APP, "o-1").expect("opened");

    assert_eq!(done.authorization.state, AuthState::Open);
    assert_eq!(done.notification.event_type, "PAYSCORE.USER_OPEN_SERVICE");
    assert_eq!(done.notification.created_at, noon());
    assert_eq!(
        done.authorization.history[0].notification_id.as_deref(),
        Some(done.notification.id.as_str())
    );
    let stored = state.payscore.get(FIXTURE_APP, "o-1").expect("stored");
    assert_eq!(
        stored.history[0].notification_id,
        Some(done.notification.id.clone())
    );
    assert_eq!(
        state.notify.get(&done.notification.id).map(|n| n.status),
        Some(Status::Pending)
    );
}

#[test]
fn an_open_generates_what_is_not_given_and_refuses_what_is_malformed() {
    let state = sandbox();
    let generated = state
        .open_authorization(OpenRequest {
            app_id: FIXTURE_APP.to_owned(),
            ..OpenRequest::default()
        })
        .expect("opened");
    assert!(!generated.authorization.open_id.is_empty());
    assert!(
        generated
            .authorization
            .authorization_code
            .starts_with("AUTH20261125120000")
    );

    let bad = open(&state, FIXTURE_APP, "has space");
    assert!(matches!(bad, Err(PayScoreError::Invalid(m)) if m.starts_with("openId")));
    let unknown = open(&state, "ffffffffffffffffffffffffffffffff", "o-1");
    assert!(matches!(
        unknown,
        Err(PayScoreError::App(AppError::NotFound(_)))
    ));
    let bad_url = state.open_authorization(OpenRequest {
        app_id: FIXTURE_APP.to_owned(),
        callback_url: Some("ftp://merchant".to_owned()),
        ..OpenRequest::default()
    });
    assert!(matches!(
        bad_url,
        Err(PayScoreError::App(AppError::Invalid { .. }))
    ));
}

#[test]
fn a_close_needs_an_open_authorisation() {
    let state = sandbox();
    let close = |open_id: &str| {
        state.close_authorization(CloseRequest {
            app_id: FIXTURE_APP.to_owned(),
            open_id: open_id.to_owned(),
            callback_url: None,
        })
    };
    assert!(matches!(
        close("o-1"),
        Err(PayScoreError::Transition(TransitionError::NotOpen { .. }))
    ));
    open(&state, FIXTURE_APP, "o-1").expect("opened");
    assert!(matches!(
        open(&state, FIXTURE_APP, "o-1"),
        Err(PayScoreError::Transition(TransitionError::AlreadyOpen(_)))
    ));
    let closed = close("o-1").expect("closed");
    assert_eq!(closed.authorization.state, AuthState::Closed);
    assert_eq!(
        closed.notification.event_type,
        "PAYSCORE.USER_CLOSE_SERVICE"
    );
}

#[test]
fn removing_an_app_removes_everything_it_owns_and_nothing_else() {
    let state = sandbox();
    let other = state
        .create_app(&AppSpec::default())
        .expect("a generated app");
    for app_id in [FIXTURE_APP, other.app_id.as_str()] {
        open(&state, app_id, "o-1").expect("opened");
        state
            .add_fault(fault(
                FaultTarget::Notification,
                FaultAction::Drop,
                Some(app_id),
            ))
            .expect("a fault");
        state.stubs.add(stub(app_id), false).expect("a stub");
        state.tokens.issue(
            format!("token-{app_id}"),
            TokenRecord {
                app_id: app_id.to_owned(),
                issued_at: noon(),
                expires_at: noon() + Duration::hours(1),
            },
            noon(),
        );
    }

    assert!(state.remove_app(FIXTURE_APP));

    assert!(!state.apps.contains(FIXTURE_APP));
    assert!(state.payscore.get(FIXTURE_APP, "o-1").is_none());
    let of = |app_id: &str| Filter {
        app_id: Some(app_id.to_owned()),
        ..Filter::default()
    };
    assert!(state.notify.list(&of(FIXTURE_APP), 10).is_empty());
    assert!(
        state
            .faults
            .list()
            .iter()
            .all(|f| f.app_id.as_deref() != Some(FIXTURE_APP))
    );
    assert!(
        state
            .stubs
            .list()
            .iter()
            .all(|s| s.app_id.as_deref() != Some(FIXTURE_APP))
    );
    assert!(!matches!(
        state
            .tokens
            .lookup(&format!("token-{FIXTURE_APP}"), |_| noon()),
        TokenLookup::Valid(_)
    ));
    // The other app keeps all of its own.
    assert!(state.payscore.get(&other.app_id, "o-1").is_some());
    assert_eq!(state.notify.list(&of(&other.app_id), 10).len(), 1);
    assert!(matches!(
        state
            .tokens
            .lookup(&format!("token-{}", other.app_id), |_| noon()),
        TokenLookup::Valid(_)
    ));
    assert!(
        !state.remove_app(FIXTURE_APP),
        "a second removal finds nothing"
    );
}

#[test]
fn a_full_reset_restores_the_fixtures_the_clock_and_the_generator() {
    let state = sandbox();
    let first = state.create_app(&AppSpec::default()).expect("an app");
    open(&state, FIXTURE_APP, "o-1").expect("opened");
    state.clock.advance(Duration::hours(5));

    state.reset_all().expect("reset");

    assert!(!state.apps.contains(&first.app_id));
    assert!(state.apps.contains(FIXTURE_APP));
    assert!(state.payscore.is_empty());
    assert!(state.notify.list(&Filter::default(), 10).is_empty());
    // Same seed, same start: the same app is generated again.
    let again = state.create_app(&AppSpec::default()).expect("an app");
    assert_eq!(again.app_id, first.app_id);
}

#[test]
fn resetting_one_app_restores_a_fixture_and_removes_any_other() {
    let state = sandbox();
    let patch: AppSpec = serde_json::from_value(json!({ "name": "changed" })).expect("a patch");
    state.update_app(FIXTURE_APP, &patch).expect("patched");
    let made = state.create_app(&AppSpec::default()).expect("an app");

    assert_eq!(
        state.reset_app(FIXTURE_APP).expect("reset"),
        AppReset::RestoredFromFixtures
    );
    assert_ne!(state.app(FIXTURE_APP).expect("back").name, "changed");
    assert_eq!(
        state.reset_app(&made.app_id).expect("reset"),
        AppReset::Removed
    );
    assert!(matches!(
        state.reset_app(&made.app_id),
        Err(SeedError::FixtureApp(AppError::NotFound(_)))
    ));
}

#[tokio::test]
async fn giving_an_app_a_callback_url_sends_what_waited_for_one() {
    let state = sandbox();
    let app = state.create_app(&AppSpec::default()).expect("an app");
    let done = open(&state, &app.app_id, "o-1").expect("opened");
    state.notify.deliver_due().await;
    let parked = state.notify.get(&done.notification.id).expect("kept");
    assert!(parked.awaiting_callback_url);

    let patch: AppSpec = serde_json::from_value(json!({
        "callbackUrl": "http://127.0.0.1:9/cb"
    }))
    .expect("a patch");
    state.update_app(&app.app_id, &patch).expect("patched");

    let queued = state.notify.get(&done.notification.id).expect("kept");
    assert!(!queued.awaiting_callback_url);
    assert_eq!(queued.next_attempt_at, Some(noon()));
}

#[test]
fn deleting_a_fault_is_reported_and_clearing_leaves_none() {
    let state = sandbox();
    let added = state
        .add_fault(fault(
            FaultTarget::Notification,
            FaultAction::OutOfOrder,
            None,
        ))
        .expect("a fault");
    assert!(state.remove_fault(&added.id));
    assert!(!state.remove_fault(&added.id));
    state
        .add_fault(fault(FaultTarget::Token, FaultAction::Error, None))
        .expect("a fault");
    state.clear_faults();
    assert!(state.faults.list().is_empty());
}

#[test]
fn the_sink_accepts_a_correctly_signed_notification_and_remembers_it() {
    let state = sandbox();
    let app = state.app(FIXTURE_APP).expect("the fixture app");
    let fields = [
        ("id", "EV-2026112512000012345".to_owned()),
        ("eventType", "PAYSCORE.USER_OPEN_SERVICE".to_owned()),
    ];
    let good = encode(
        &fields,
        NotifyFormat::Form,
        NotifySigning::Sha256,
        &app.md5_key,
    );
    let forged = encode(
        &fields,
        NotifyFormat::Form,
        NotifySigning::Sha256,
        "another key",
    );

    let with_admin = |app: &str, body: &str, content_type: &str| {
        state
            .receive_at_sink(app, body.as_bytes(), content_type, true)
            .map(|a| a.as_str())
    };
    assert_eq!(
        with_admin(FIXTURE_APP, &good.body, good.content_type),
        Ok("SUCCESS")
    );
    assert_eq!(
        with_admin(FIXTURE_APP, &forged.body, forged.content_type),
        Ok("FAILED")
    );
    assert_eq!(with_admin("unknown", "", ""), Ok("FAILED"));
    // Without the admin token, only a body the sandbox is sending right now.
    assert_eq!(
        state.receive_at_sink(FIXTURE_APP, good.body.as_bytes(), good.content_type, false),
        Err(SinkRefusal::NotOwnDelivery)
    );
    let received = state.sink.received(FIXTURE_APP);
    assert_eq!(received.len(), 2);
}
