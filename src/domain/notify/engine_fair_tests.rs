//! Isolation between apps: one app's hanging merchant does not hold up another app's attempts,
//! apps take turns for the global bound, and a waiter sleeps through other notifications'
//! changes.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration as StdDuration;

use chrono::Duration;

use super::test_support::{Hanging, Scripted, bench_with, dispatching};
use crate::api::notification::Status;
use crate::domain::clock::DEFAULT_CLOCK;

const HANGING: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const OTHER: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

#[tokio::test]
async fn a_hanging_app_keeps_at_most_its_share_in_flight_and_another_app_s_notification_goes_out_promptly()
 {
    let bench = bench_with(Arc::new(Hanging::default()), 16, 8);
    bench.add_app(HANGING, DEFAULT_CLOCK, Some("http://hang.test/cb"));
    bench.add_app(OTHER, DEFAULT_CLOCK, Some("http://ok.test/cb"));
    let _dispatcher = dispatching(&bench);
    for i in 0..1000 {
        bench.notify_for(HANGING, &format!("o{i}"));
    }
    bench.transport.until_in_flight("hang.test", 8).await;

    let other = bench.notify_for(OTHER, "x");
    let delivered = bench.delivered(&other.id).await;

    // The hanging attempts never end: delivered at all means it did not wait behind them.
    assert!(delivered);
    assert_eq!(bench.transport.most("hang.test"), 8);
    assert_eq!(bench.engine.in_flight(), 8, "only the hanging ones");
}

#[tokio::test]
async fn apps_take_turns_when_the_global_bound_is_contended() {
    let bench = bench_with(Scripted::answering(&[]), 1, 8);
    let apps = [
        ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "http://a.test/cb"),
        ("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "http://b.test/cb"),
        ("cccccccccccccccccccccccccccccccc", "http://c.test/cb"),
    ];
    for (app, url) in apps {
        bench.add_app(app, DEFAULT_CLOCK, Some(url));
        for i in 0..3 {
            bench.notify_for(app, &format!("o{i}"));
        }
    }

    assert_eq!(bench.engine.deliver_due().await.attempts, 9);

    let order: String = bench
        .transport
        .sent()
        .iter()
        .filter_map(|d| d.url.chars().nth("http://".len()))
        .collect();
    assert_eq!(order, "abcabcabc");
}

#[tokio::test]
async fn a_waiter_on_one_notification_is_not_woken_by_a_thousand_changes_to_others() {
    let bench = bench_with(Scripted::answering(&[]), 8, 8);
    bench.add_clock("clk_a");
    bench.add_app(HANGING, "clk_a", Some("http://a.test/cb"));
    bench.add_app(OTHER, DEFAULT_CLOCK, Some("http://b.test/cb"));
    let watched = bench.notify_for(HANGING, "o1");
    for i in 0..1000 {
        bench.notify_for(OTHER, &format!("o{i}"));
    }
    let looks = Arc::new(AtomicUsize::new(0));
    let waiter = {
        let (engine, looks, id) = (
            Arc::clone(&bench.engine),
            Arc::clone(&looks),
            watched.id.clone(),
        );
        tokio::spawn(async move {
            let done = move |n: &crate::api::notification::Notification| {
                looks.fetch_add(1, Ordering::SeqCst);
                n.status == Status::Delivered
            };
            engine
                .wait_until(&id, done, StdDuration::from_secs(10))
                .await
        })
    };
    while looks.load(Ordering::SeqCst) == 0 {
        tokio::task::yield_now().await;
    }

    let others = bench.engine.advance(DEFAULT_CLOCK, Duration::zero()).await;
    assert_eq!(others.attempts, 1000);
    assert_eq!(looks.load(Ordering::SeqCst), 1, "not woken by the others");

    bench.engine.advance("clk_a", Duration::zero()).await;
    let (done, _) = waiter.await.expect("joined").expect("kept");
    assert!(done);
    assert_eq!(looks.load(Ordering::SeqCst), 2, "woken once, by its own");
}
