//! The engine's guard and bounds: refused callbacks are recorded without being sent, and an
//! app's unsettled notifications stay within the pending cap.

use super::test_support::{APP, Bench, Scripted, bench_guarded, start};
use super::*;
use crate::api::notification::{GiveUpReason, Outcome};
use crate::domain::clock::DEFAULT_CLOCK;

fn settings(max_pending_per_app: usize) -> EngineSettings {
    EngineSettings {
        max_in_flight: 8,
        max_in_flight_per_app: 8,
        retention: 100,
        max_pending_per_app,
        first_event_number: 10_000,
    }
}

fn guarded(callback_url: &str, guard: CallbackGuard) -> Bench {
    let bench = bench_guarded(Scripted::answering(&[]), &settings(10_000), guard);
    bench.add_app(APP, DEFAULT_CLOCK, Some(callback_url));
    bench
}

#[tokio::test]
async fn a_callback_to_a_link_local_address_is_blocked_before_anything_is_sent() {
    let bench = guarded(
        "http://169.254.169.254/latest/meta-data/",
        CallbackGuard::default(),
    );
    let n = bench.notify("o1");

    bench.engine.deliver_due().await;

    let after = bench.engine.get(&n.id).expect("kept");
    assert_eq!(after.outcomes(), [Outcome::Blocked]);
    let error = after.attempts[0].error.clone().unwrap_or_default();
    assert!(error.contains("--callback-allow-link-local"), "{error}");
    assert!(bench.transport.sent().is_empty(), "no connection attempted");
}

#[tokio::test]
async fn a_callback_into_the_sandbox_s_own_control_api_is_blocked_but_its_sink_is_not() {
    let control = "127.0.0.1:8080".parse().ok();
    let bench = guarded(
        "http://localhost:8080/__mock/reset",
        CallbackGuard::new(Vec::new(), false, control),
    );
    let n = bench.notify("o1");
    bench.engine.deliver_due().await;
    let after = bench.engine.get(&n.id).expect("kept");
    assert_eq!(after.outcomes(), [Outcome::Blocked]);
    assert!(bench.transport.sent().is_empty(), "nothing sent");

    let sink = "http://127.0.0.1:8080/__mock/sink/10037e6f66f2d0f901672aa27d690006";
    let bench = guarded(sink, CallbackGuard::new(Vec::new(), false, control));
    let n = bench.notify("o1");
    bench.engine.deliver_due().await;
    assert_eq!(bench.status(&n.id), Status::Delivered);
}

#[tokio::test]
async fn beyond_the_pending_cap_the_oldest_pending_notification_is_given_up() {
    let bench = bench_guarded(
        Scripted::answering(&[]),
        &settings(3),
        CallbackGuard::default(),
    );
    // No callback URL: every notification stays pending, waiting for one.
    bench.add_app(APP, DEFAULT_CLOCK, None);
    let ids: Vec<String> = (1..=5).map(|i| bench.notify(&format!("o{i}")).id).collect();

    let statuses: Vec<Status> = ids.iter().map(|id| bench.status(id)).collect();
    assert_eq!(
        statuses,
        [
            Status::Exhausted,
            Status::Exhausted,
            Status::Pending,
            Status::Pending,
            Status::Pending
        ]
    );
    let given_up = bench.engine.get(&ids[0]).expect("kept");
    assert_eq!(given_up.give_up_reason, Some(GiveUpReason::PendingCap));
    assert_eq!(given_up.settled_at, Some(start()));
    assert!(!given_up.awaiting_callback_url);
    assert_eq!(bench.engine.store.lock().pending_of(APP), 3);
}

#[tokio::test]
async fn delivered_notifications_do_not_count_towards_the_pending_cap() {
    let bench = bench_guarded(
        Scripted::answering(&[]),
        &settings(2),
        CallbackGuard::default(),
    );
    bench.add_app(APP, DEFAULT_CLOCK, Some("http://merchant.test/cb"));
    let first = bench.notify("o1");
    bench.engine.deliver_due().await;
    assert_eq!(bench.status(&first.id), Status::Delivered);

    let later: Vec<String> = (2..=3).map(|i| bench.notify(&format!("o{i}")).id).collect();
    assert!(later.iter().all(|id| bench.status(id) == Status::Pending));
    assert_eq!(bench.status(&first.id), Status::Delivered);
}
