//! The notification store on its own: the due queue, the ladder, settling, retention, faults'
//! holds and parking.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::*;
use crate::api::app::AckMode;
use crate::api::notification::{DeliveryPlan, Trigger};

/// The clock the test app is on.
const CLOCK: &str = "default";

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T12:00:00+08:00")
        .map(|t| t.with_timezone(&Utc))
        .expect("a valid time")
}

fn secs(s: i64) -> Duration {
    Duration::seconds(s)
}

fn notification(id: &str, open_id: &str, seq: u64) -> Notification {
    Notification {
        id: id.to_owned(),
        app_id: "app".to_owned(),
        event_type: "PAYSCORE.USER_OPEN_SERVICE".to_owned(),
        open_id: open_id.to_owned(),
        status: Status::Pending,
        payload: json!({}),
        content_type: "application/x-www-form-urlencoded; charset=UTF-8".to_owned(),
        body: "a=1".to_owned(),
        callback_url: None,
        created_at: t0(),
        next_attempt_at: None,
        give_up_at: None,
        settled_at: None,
        attempts: Vec::new(),
        attempts_dropped: 0,
        give_up_reason: None,
        awaiting_callback_url: false,
        held_by_fault: None,
        delayed_by_fault: None,
        plan: DeliveryPlan {
            retry_schedule: vec![15, 30],
            give_up_after_seconds: 100,
            timeout_ms: 1000,
            ack: AckMode::Chinaums,
        },
        first_scheduled_at: None,
        scheduled_attempts: 0,
        seq,
    }
}

fn attempt(job: &Job, outcome: Outcome, at: DateTime<Utc>) -> Attempt {
    Attempt {
        n: 1,
        scheduled_at: job.scheduled_at,
        sent_at: at,
        duration_ms: 0,
        url: "http://merchant.test/cb".to_owned(),
        http_status: None,
        response_body: None,
        error: None,
        outcome,
        trigger: Trigger::Schedule,
        fault: None,
        trimmed: false,
    }
}

/// A store holding one notification `EV-1` due at `t0`.
fn one() -> Store {
    let mut store = Store::default();
    store.insert(notification("EV-1", "o1", 1), t0(), CLOCK);
    store
}

fn take_one(store: &mut Store, now: DateTime<Utc>) -> Job {
    let (mut jobs, exhausted) = store.take_due(CLOCK, now);
    assert_eq!((jobs.len(), exhausted), (1, 0), "one attempt due at {now}");
    jobs.remove(0)
}

#[test]
fn a_new_notification_is_due_at_once_and_taken_only_once() {
    let mut store = one();
    assert_eq!(store.next_due(CLOCK), Some(t0()));
    let job = take_one(&mut store, t0());
    assert_eq!(job.id, "EV-1");
    assert!(!job.redelivery && !job.extra);
    assert_eq!(store.in_flight(), 1);
    assert_eq!(store.take_due(CLOCK, t0() + secs(3600)).0.len(), 0);
}

#[test]
fn nothing_is_taken_before_it_is_due() {
    let mut store = Store::default();
    store.insert(notification("EV-1", "o1", 1), t0() + secs(10), CLOCK);
    assert!(store.take_due(CLOCK, t0()).0.is_empty());
    assert_eq!(store.take_due(CLOCK, t0() + secs(10)).0.len(), 1);
}

#[test]
fn a_delivered_attempt_settles_the_notification_and_plans_nothing() {
    let mut store = one();
    let job = take_one(&mut store, t0());
    let settled = store.record(&job, attempt(&job, Outcome::Delivered, t0()), t0());
    assert!(settled);
    let n = store.get("EV-1").expect("kept");
    assert_eq!(n.status, Status::Delivered);
    assert_eq!(n.settled_at, Some(t0()));
    assert_eq!(store.next_due(CLOCK), None);
    assert_eq!(store.in_flight(), 0);
}

#[test]
fn a_failed_attempt_plans_the_next_step_of_the_ladder() {
    let mut store = one();
    let job = take_one(&mut store, t0());
    assert!(!store.record(&job, attempt(&job, Outcome::Rejected, t0()), t0()));
    assert_eq!(store.next_due(CLOCK), Some(t0() + secs(15)));
    assert_eq!(
        store.get("EV-1").expect("kept").give_up_at,
        Some(t0() + secs(100))
    );

    let job = take_one(&mut store, t0() + secs(15));
    store.record(
        &job,
        attempt(&job, Outcome::Timeout, t0() + secs(15)),
        t0() + secs(15),
    );
    // The last step of the schedule repeats.
    assert_eq!(store.next_due(CLOCK), Some(t0() + secs(45)));
}

#[test]
fn the_ladder_gives_up_at_its_deadline() {
    let mut store = one();
    let mut now = t0();
    loop {
        let (jobs, exhausted) = store.take_due(CLOCK, now);
        if exhausted == 1 {
            break;
        }
        for job in jobs {
            store.record(&job, attempt(&job, Outcome::ConnectionFailed, now), now);
        }
        now = store
            .next_due(CLOCK)
            .expect("something is planned until the deadline");
        assert!(
            now <= t0() + secs(100),
            "nothing is planned past the deadline"
        );
    }
    let n = store.get("EV-1").expect("kept");
    assert_eq!(n.status, Status::Exhausted);
    assert_eq!(n.settled_at, Some(t0() + secs(100)));
    assert_eq!(store.next_due(CLOCK), None);
}

#[test]
fn retention_drops_the_oldest_settled_notifications_first() {
    let mut store = Store::default();
    for i in 1..=3 {
        store.insert(notification(&format!("EV-{i}"), "o1", i), t0(), CLOCK);
    }
    store.insert(notification("EV-pending", "o2", 4), t0() + secs(999), CLOCK);
    for job in store.take_due(CLOCK, t0()).0 {
        store.record(&job, attempt(&job, Outcome::Delivered, t0()), t0());
    }
    store.enforce_retention(1);
    assert!(store.get("EV-1").is_none());
    assert!(store.get("EV-2").is_none());
    assert!(store.get("EV-3").is_some());
    assert!(
        store.get("EV-pending").is_some(),
        "pending ones are never dropped"
    );
    let listed: Vec<_> = store
        .list(&Filter::default(), 10)
        .into_iter()
        .map(|n| n.id)
        .collect();
    assert_eq!(listed, ["EV-pending", "EV-3"], "newest first");
}

#[test]
fn a_list_filters_by_app_user_event_and_status() {
    let mut store = one();
    store.insert(notification("EV-2", "o2", 2), t0(), CLOCK);
    let by_user = Filter {
        open_id: Some("o2".to_owned()),
        ..Filter::default()
    };
    assert_eq!(store.list(&by_user, 10)[0].id, "EV-2");
    let delivered = Filter {
        status: Some(Status::Delivered),
        ..Filter::default()
    };
    assert!(store.list(&delivered, 10).is_empty());
    let other_app = Filter {
        app_id: Some("other".to_owned()),
        ..Filter::default()
    };
    assert!(store.list(&other_app, 10).is_empty());
    assert_eq!(
        store.list(&Filter::default(), 1).len(),
        1,
        "the limit holds"
    );
}

#[test]
fn a_held_notification_goes_out_after_the_next_one_about_the_same_user() {
    let mut store = one();
    store.insert(notification("EV-2", "o1", 2), t0() + secs(5), CLOCK);
    let first = take_one(&mut store, t0());
    assert!(store.hold(&first, "flt-1"));
    assert_eq!(
        store.get("EV-1").expect("kept").held_by_fault.as_deref(),
        Some("flt-1")
    );

    let second = take_one(&mut store, t0() + secs(5));
    store.record(
        &second,
        attempt(&second, Outcome::Delivered, t0() + secs(5)),
        t0() + secs(5),
    );

    let released = take_one(&mut store, t0() + secs(5));
    assert_eq!(released.id, "EV-1");
    assert_eq!(store.get("EV-1").expect("kept").held_by_fault, None);
}

#[test]
fn only_one_notification_per_user_is_held_at_a_time() {
    let mut store = one();
    store.insert(notification("EV-2", "o1", 2), t0(), CLOCK);
    let (jobs, _) = store.take_due(CLOCK, t0());
    assert!(store.hold(&jobs[0], "flt-1"));
    assert!(
        !store.hold(&jobs[1], "flt-1"),
        "the second one is the sibling"
    );
}

#[test]
fn deleting_the_fault_releases_what_it_holds() {
    let mut store = one();
    let job = take_one(&mut store, t0());
    store.hold(&job, "flt-1");
    assert_eq!(store.release_held("flt-2", |_| t0()), 0);
    assert_eq!(store.release_held("flt-1", |_| t0() + secs(1)), 1);
    assert_eq!(store.next_due(CLOCK), Some(t0() + secs(1)));
}

#[test]
fn a_delay_fault_postpones_the_attempt() {
    let mut store = one();
    let job = take_one(&mut store, t0());
    store.defer(&job, t0() + secs(60), "flt-3");
    let n = store.get("EV-1").expect("kept");
    assert_eq!(n.delayed_by_fault.as_deref(), Some("flt-3"));
    assert_eq!(store.next_due(CLOCK), Some(t0() + secs(60)));
    assert_eq!(store.in_flight(), 0);
}

#[test]
fn a_parked_notification_waits_for_its_app_and_then_goes_out() {
    let mut store = one();
    let job = take_one(&mut store, t0());
    store.park(&job);
    assert!(store.get("EV-1").expect("kept").awaiting_callback_url);
    assert_eq!(store.next_due(CLOCK), None);

    assert_eq!(store.unpark_app("other", t0()), 0);
    assert_eq!(store.unpark_app("app", t0() + secs(2)), 1);
    assert_eq!(store.next_due(CLOCK), Some(t0() + secs(2)));
}

#[test]
fn removing_an_app_drops_its_notifications_and_their_queue_entries() {
    let mut store = one();
    store.remove_app("app");
    assert_eq!(store.len(), 0);
    assert_eq!(store.next_due(CLOCK), None);
}

#[test]
fn each_clock_has_its_own_queue_and_a_retry_stays_on_its_app_s_clock() {
    let mut store = Store::default();
    store.insert(notification("EV-1", "o1", 1), t0(), "clk_a");
    let mut other = notification("EV-2", "o2", 2);
    other.app_id = "other".to_owned();
    store.insert(other, t0(), "clk_b");
    assert_eq!(store.next_due(CLOCK), None);
    let job = store.take_due("clk_a", t0()).0.remove(0);
    assert_eq!((job.id.as_str(), &*job.clock), ("EV-1", "clk_a"));
    assert!(store.take_due("clk_a", t0() + secs(3600)).0.is_empty());

    store.record(&job, attempt(&job, Outcome::Rejected, t0()), t0());
    assert_eq!(store.next_due("clk_a"), Some(t0() + secs(15)));
    assert_eq!(store.next_due("clk_b"), Some(t0()), "untouched");
}

#[test]
fn the_store_reports_which_notifications_an_operation_changed() {
    let mut store = one();
    store.insert(notification("EV-2", "o2", 2), t0(), CLOCK);
    assert!(
        store.take_touched().is_empty(),
        "a new one has no waiters yet"
    );
    let (jobs, _) = store.take_due(CLOCK, t0());
    assert!(
        store.take_touched().is_empty(),
        "taking is not a change waiters see"
    );
    store.record(&jobs[0], attempt(&jobs[0], Outcome::Rejected, t0()), t0());
    assert_eq!(store.take_touched(), ["EV-1"]);
    store.park(&jobs[1]);
    assert_eq!(store.take_touched(), ["EV-2"]);
    assert!(store.take_touched().is_empty());
}
