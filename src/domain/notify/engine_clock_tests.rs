//! Each app's attempts are due in the time of its own clock: advancing one clock, or letting
//! one run while another stands still, moves only that clock's apps' deliveries.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;

use super::test_support::{Hanging, Scripted, bench_with, dispatching, start};
use crate::api::notification::{Outcome, Status};
use crate::domain::clock::DEFAULT_CLOCK;

const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

#[tokio::test]
async fn advancing_clock_a_delivers_a_s_due_notification_and_not_b_s_on_another_clock() {
    let bench = bench_with(
        Scripted::answering(&[Outcome::Rejected, Outcome::Rejected]),
        8,
        8,
    );
    let clock_a = bench.add_clock("clk_a");
    let clock_b = bench.add_clock("clk_b");
    bench.add_app(A, "clk_a", Some("http://a.test/cb"));
    bench.add_app(B, "clk_b", Some("http://b.test/cb"));
    let a = bench.notify_for(A, "o1");
    let b = bench.notify_for(B, "o2");
    assert_eq!(
        bench.engine.deliver_due().await.attempts,
        2,
        "both rejected"
    );
    let retry = start() + Duration::seconds(15);
    assert_eq!(bench.engine.next_due_on("clk_a"), Some(retry));
    assert_eq!(bench.engine.next_due_on("clk_b"), Some(retry));

    let report = bench.engine.advance("clk_a", Duration::seconds(15)).await;

    assert_eq!(report.attempts, 1);
    assert_eq!(bench.status(&a.id), Status::Delivered);
    assert_eq!(bench.status(&b.id), Status::Pending);
    assert_eq!(bench.engine.get(&b.id).map(|n| n.attempts.len()), Some(1));
    assert_eq!(clock_a.now(), retry);
    assert_eq!(clock_b.now(), start(), "clock B did not move");
    assert_eq!(bench.clock.now(), start(), "nor did the default clock");
}

#[tokio::test]
async fn a_frozen_clock_s_due_notification_is_not_sent_by_the_dispatcher_while_a_running_clock_s_is()
 {
    let bench = bench_with(
        Scripted::answering(&[Outcome::Rejected, Outcome::Rejected]),
        8,
        8,
    );
    let clock_a = bench.add_clock("clk_a");
    bench.add_clock("clk_b");
    bench.add_app(A, "clk_a", Some("http://a.test/cb"));
    bench.add_app(B, "clk_b", Some("http://b.test/cb"));
    let a = bench.notify_for(A, "o1");
    let b = bench.notify_for(B, "o2");
    bench.engine.deliver_due().await;
    let _dispatcher = dispatching(&bench);

    // Clock A runs from 100 ms before the retry; clock B stands still 15 s before its own.
    let retry = start() + Duration::seconds(15);
    clock_a.set(Some(retry - Duration::milliseconds(100)), Some(false));
    let delivered = bench.delivered(&a.id).await;
    assert!(delivered, "A's retry went out when clock A reached it");

    tokio::time::sleep(StdDuration::from_millis(200)).await;
    let b = bench.engine.get(&b.id).expect("kept");
    assert_eq!((b.status, b.attempts.len()), (Status::Pending, 1));
    assert_eq!(bench.engine.next_due_on("clk_b"), Some(retry));
}

#[tokio::test]
async fn an_advance_of_clock_a_does_not_wait_for_a_hanging_attempt_of_an_app_on_clock_b() {
    let bench = bench_with(Arc::new(Hanging::default()), 8, 8);
    let clock_a = bench.add_clock("clk_a");
    bench.add_clock("clk_b");
    bench.add_app(A, "clk_a", Some("http://ok.test/cb"));
    bench.add_app(B, "clk_b", Some("http://hang.test/cb"));
    let _dispatcher = dispatching(&bench);
    bench.notify_for(B, "o2");
    bench.transport.until_in_flight("hang.test", 1).await;
    let a = bench.notify_for(A, "o1");

    let advanced = tokio::time::timeout(
        StdDuration::from_secs(5),
        bench.engine.advance("clk_a", Duration::seconds(60)),
    )
    .await;

    assert!(advanced.is_ok(), "the advance returned");
    assert_eq!(bench.status(&a.id), Status::Delivered);
    assert_eq!(clock_a.now(), start() + Duration::seconds(60));
    assert_eq!(bench.transport.in_flight("hang.test"), 1, "still hanging");
}

#[tokio::test]
async fn the_dispatcher_serves_clock_b_while_an_advance_of_clock_a_waits_for_its_own_attempt() {
    let bench = bench_with(Arc::new(Hanging::default()), 8, 8);
    bench.add_clock("clk_a");
    bench.add_clock("clk_b");
    bench.add_app(A, "clk_a", Some("http://hang.test/cb"));
    bench.add_app(B, "clk_b", Some("http://ok.test/cb"));
    let _dispatcher = dispatching(&bench);
    bench.notify_for(A, "o1");
    let engine = Arc::clone(&bench.engine);
    let advance = tokio::spawn(async move {
        engine.advance("clk_a", Duration::seconds(60)).await;
    });
    bench.transport.until_in_flight("hang.test", 1).await;

    let b = bench.notify_for(B, "o2");
    let delivered = bench.delivered(&b.id).await;

    assert!(delivered);
    assert!(
        !advance.is_finished(),
        "A's advance still waits for A's attempt"
    );
    advance.abort();
}

#[tokio::test]
async fn a_restored_pending_notification_is_queued_again_on_its_app_s_clock() {
    let bench = bench_with(Scripted::answering(&[Outcome::Rejected]), 8, 8);
    bench.add_clock("clk_a");
    bench.add_app(A, "clk_a", Some("http://a.test/cb"));
    let a = bench.notify_for(A, "o1");
    bench.engine.deliver_due().await;

    bench.engine.restore(bench.engine.snapshot());

    let retry = start() + Duration::seconds(15);
    assert_eq!(bench.engine.next_due_on("clk_a"), Some(retry));
    assert_eq!(bench.engine.next_due_on(DEFAULT_CLOCK), None);
    assert_eq!(
        bench
            .engine
            .advance(DEFAULT_CLOCK, Duration::seconds(15))
            .await
            .attempts,
        0
    );
    assert_eq!(
        bench
            .engine
            .advance("clk_a", Duration::seconds(15))
            .await
            .attempts,
        1
    );
    assert_eq!(bench.status(&a.id), Status::Delivered);
}

#[tokio::test]
async fn a_clock_whose_apps_are_removed_leaves_no_turn_behind() {
    let bench = bench_with(Scripted::answering(&[]), 8, 8);
    bench.add_clock("clk_a");
    bench.add_app(A, "clk_a", Some("http://a.test/cb"));
    bench.engine.advance("clk_a", Duration::seconds(1)).await;
    assert!(bench.engine.turns.lock().contains_key("clk_a"));

    bench.engine.remove_app(A);

    assert!(!bench.engine.turns.lock().contains_key("clk_a"));
}
