//! The engine driven step by step, with a scripted transport and a frozen clock: no HTTP.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;

use super::test_support::{APP, Bench, Scripted, bench_with, start};
use super::*;
use crate::api::app::NotifySettings;
use crate::api::fault::{FaultAction, FaultSpec, FaultTarget};
use crate::api::notification::Outcome;
use crate::domain::clock::DEFAULT_CLOCK;
use crate::domain::notify::Filter;

fn bench(transport: Arc<Scripted>, callback_url: Option<&str>) -> Bench {
    let bench = bench_with(transport, 8, 8);
    bench.add_app(APP, DEFAULT_CLOCK, callback_url);
    bench
}

#[tokio::test]
async fn a_due_notification_is_sent_once_per_step_and_delivered() {
    let bench = bench(Scripted::answering(&[]), Some("http://merchant.test/cb"));
    let n = bench.notify("o1");
    assert_eq!(bench.status(&n.id), Status::Pending);

    let report = bench.engine.deliver_due().await;

    assert_eq!(report.attempts, 1);
    assert_eq!(bench.status(&n.id), Status::Delivered);
    let sent = bench.transport.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].url, "http://merchant.test/cb");
    assert_eq!(sent[0].body, n.body);
    assert_eq!(bench.engine.deliver_due().await.attempts, 0);
}

#[tokio::test]
async fn a_rejected_attempt_is_retried_on_the_ladder_in_sandbox_time() {
    let bench = bench(
        Scripted::answering(&[Outcome::Rejected]),
        Some("http://merchant.test/cb"),
    );
    let n = bench.notify("o1");

    bench.engine.deliver_due().await;

    let after_first = bench.engine.get(&n.id).expect("kept");
    assert_eq!(after_first.status, Status::Pending);
    assert_eq!(after_first.attempts.len(), 1);
    assert_eq!(after_first.attempts[0].outcome, Outcome::Rejected);
    assert_eq!(
        bench.engine.next_due(),
        Some(start() + Duration::seconds(15))
    );
    // Not due yet: a step now sends nothing.
    assert_eq!(bench.engine.deliver_due().await.attempts, 0);

    let report = bench
        .engine
        .advance(DEFAULT_CLOCK, Duration::seconds(15))
        .await;

    assert_eq!(report.attempts, 1);
    assert_eq!(bench.status(&n.id), Status::Delivered);
    assert_eq!(bench.clock.now(), start() + Duration::seconds(15));
}

#[tokio::test]
async fn the_ladder_gives_up_exactly_when_the_app_says() {
    let failures = [Outcome::ConnectionFailed; 64];
    let bench = bench(
        Scripted::answering(&failures),
        Some("http://merchant.test/cb"),
    );
    let n = bench.notify("o1");
    let give_up = NotifySettings::default().give_up_after_seconds;

    let report = bench
        .engine
        .advance(
            DEFAULT_CLOCK,
            Duration::seconds(i64::try_from(give_up).expect("small")),
        )
        .await;

    assert_eq!(report.exhausted, 1);
    let done = bench.engine.get(&n.id).expect("kept");
    assert_eq!(done.status, Status::Exhausted);
    assert_eq!(done.attempts.len(), report.attempts);
    assert_eq!(bench.engine.next_due(), None);
}

#[tokio::test]
async fn a_notification_without_a_callback_url_waits_until_the_app_has_one() {
    let bench = bench(Scripted::answering(&[]), None);
    let n = bench.notify("o1");

    assert_eq!(bench.engine.deliver_due().await.attempts, 1);

    let parked = bench.engine.get(&n.id).expect("kept");
    assert!(parked.awaiting_callback_url);
    assert!(bench.transport.sent().is_empty());

    let app = bench.apps.get(APP).expect("the app");
    let mut with_url = (*app).clone();
    with_url.callback_url = Some("http://merchant.test/late".to_owned());
    bench.apps.remove(APP);
    bench.apps.insert(with_url).expect("insert");
    bench.engine.callback_set(APP);
    bench.engine.deliver_due().await;

    assert_eq!(bench.status(&n.id), Status::Delivered);
    assert_eq!(bench.transport.sent()[0].url, "http://merchant.test/late");
}

#[tokio::test]
async fn a_drop_fault_loses_the_attempt_without_sending_it() {
    let bench = bench(Scripted::answering(&[]), Some("http://merchant.test/cb"));
    let fault = bench
        .faults
        .add(FaultSpec {
            target: FaultTarget::Notification,
            action: FaultAction::Drop,
            app_id: None,
            path: None,
            http_status: None,
            err_code: None,
            err_msg: None,
            delay_ms: None,
            delay_seconds: None,
            times: Some(1),
            probability: None,
            description: None,
        })
        .expect("a valid fault");
    let n = bench.notify("o1");

    bench.engine.deliver_due().await;

    let after = bench.engine.get(&n.id).expect("kept");
    assert!(bench.transport.sent().is_empty());
    assert_eq!(after.attempts[0].outcome, Outcome::ConnectionFailed);
    assert_eq!(after.attempts[0].fault.as_deref(), Some(fault.id.as_str()));
    assert_eq!(after.status, Status::Pending);
}

#[tokio::test]
async fn a_redelivery_sends_one_more_attempt_outside_the_ladder() {
    let bench = bench(Scripted::answering(&[]), Some("http://merchant.test/cb"));
    let n = bench.notify("o1");
    bench.engine.deliver_due().await;

    let again = bench
        .engine
        .redeliver(&n.id, Some("http://merchant.test/other".to_owned()))
        .await
        .expect("redelivered");

    assert_eq!(again.attempts.len(), 2);
    assert_eq!(again.attempts[1].trigger, "redelivery");
    assert_eq!(bench.transport.sent()[1].url, "http://merchant.test/other");
    assert!(matches!(
        bench.engine.redeliver("EV-none", None).await,
        Err(RedeliverError::NotFound(_))
    ));
}

#[tokio::test]
async fn waiters_hear_of_the_attempt_that_settles_their_notification() {
    let bench = bench(Scripted::answering(&[]), Some("http://merchant.test/cb"));
    let n = bench.notify("o1");
    let waiter = bench.engine.wait_until(
        &n.id,
        |n| n.status == Status::Delivered,
        StdDuration::from_secs(5),
    );

    let (waited, ()) = tokio::join!(waiter, async {
        bench.engine.deliver_due().await;
    });

    let (done, seen) = waited.expect("exists");
    assert!(done);
    assert_eq!(seen.status, Status::Delivered);
}

#[tokio::test]
async fn removing_an_app_drops_its_notifications() {
    let bench = bench(Scripted::answering(&[]), Some("http://merchant.test/cb"));
    let n = bench.notify("o1");

    bench.engine.remove_app(APP);

    assert!(bench.engine.get(&n.id).is_none());
    assert!(bench.engine.list(&Filter::default(), 10).is_empty());
    assert_eq!(bench.engine.deliver_due().await.attempts, 0);
}

#[tokio::test]
async fn a_waiter_hears_when_its_notification_is_removed_with_its_app() {
    let bench = bench(Scripted::answering(&[]), Some("http://merchant.test/cb"));
    let n = bench.notify("o1");
    let waiter = bench.engine.wait_until(
        &n.id,
        |n| n.status == Status::Delivered,
        StdDuration::from_secs(5),
    );
    let (waited, ()) = tokio::join!(waiter, async {
        tokio::task::yield_now().await;
        bench.engine.remove_app(APP);
    });
    assert!(waited.is_none(), "gone");
}

#[tokio::test]
async fn a_netpay_notification_is_resent_byte_for_byte_with_the_notify_id_of_its_creation() {
    use crate::protocol::events::netpay::PaymentNotice;
    let bench = bench(
        Scripted::answering(&[Outcome::Rejected]),
        Some("http://merchant.test/cb"),
    );
    let app = bench.apps.get(APP).expect("the app");
    let notice = PaymentNotice::published();
    let n = bench.engine.emit(&app, &notice, None, start());
    assert_eq!(n.event_type, "NETPAY.PAYMENT");
    assert_eq!(n.payload["notifyId"], notice.notify_id.as_str());
    assert_eq!(n.payload["ns"], "cyuT");

    bench.engine.deliver_due().await;
    bench
        .engine
        .advance(DEFAULT_CLOCK, Duration::seconds(15))
        .await;
    bench
        .engine
        .redeliver(&n.id, None)
        .await
        .expect("redelivered");

    let sent = bench.transport.sent();
    assert_eq!(sent.len(), 3, "the first, a retry and a redelivery");
    for delivery in &sent {
        assert_eq!(delivery.body, n.body);
    }
    let id = format!("notifyId={}", notice.notify_id);
    assert!(n.body.contains(&id), "{}", n.body);
}
