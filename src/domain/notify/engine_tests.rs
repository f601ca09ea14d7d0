//! The engine driven step by step, with a scripted transport and a frozen clock: no HTTP.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use futures_util::future::BoxFuture;
use parking_lot::Mutex;
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::*;
use crate::api::app::{AppSpec, NotifySettings};
use crate::api::fault::{FaultAction, FaultSpec, FaultTarget};
use crate::api::notification::Outcome;
use crate::domain::apps::build_app;
use crate::domain::clock::{Clock, DEFAULT_CLOCK};
use crate::domain::notify::{Delivery, Filter, WireResult};
use crate::protocol::events::payscore::{PayScoreEvent, Subject, Transition};

/// Answers each delivery with the next scripted outcome (then `Delivered`), and keeps what it
/// was asked to send.
#[derive(Default)]
pub(super) struct Scripted {
    answers: Mutex<VecDeque<Outcome>>,
    sent: Mutex<Vec<Delivery>>,
}

impl Scripted {
    pub fn answering(outcomes: &[Outcome]) -> Arc<Self> {
        Arc::new(Self {
            answers: Mutex::new(outcomes.iter().copied().collect()),
            sent: Mutex::default(),
        })
    }

    pub fn sent(&self) -> Vec<Delivery> {
        self.sent.lock().clone()
    }
}

impl Transport for Scripted {
    fn send(&self, delivery: Delivery) -> BoxFuture<'_, WireResult> {
        self.sent.lock().push(delivery);
        let outcome = self
            .answers
            .lock()
            .pop_front()
            .unwrap_or(Outcome::Delivered);
        let (status, body) = match outcome {
            Outcome::Delivered => (Some(200), Some("SUCCESS".to_owned())),
            Outcome::Rejected => (Some(500), Some("FAILED".to_owned())),
            _ => (None, None),
        };
        Box::pin(async move {
            WireResult {
                http_status: status,
                response_body: body,
                error: None,
                outcome,
                duration: StdDuration::ZERO,
            }
        })
    }
}

/// Never answers a delivery to a host whose name starts with `hang` (a merchant that accepts
/// and never answers), answers any other `SUCCESS` at once; counts attempts being sent per
/// host, and the most ever seen at once.
#[derive(Default)]
pub(super) struct Hanging {
    hosts: Mutex<HashMap<String, (usize, usize)>>,
}

impl Hanging {
    /// Attempts to `host` being sent now.
    pub fn in_flight(&self, host: &str) -> usize {
        self.hosts.lock().get(host).map_or(0, |h| h.0)
    }

    /// The most attempts to `host` ever sent at once.
    pub fn most(&self, host: &str) -> usize {
        self.hosts.lock().get(host).map_or(0, |h| h.1)
    }

    /// Waits (up to 5 s) until `n` attempts to `host` are being sent.
    pub async fn until_in_flight(&self, host: &str, n: usize) {
        for _ in 0..500 {
            if self.in_flight(host) >= n {
                return;
            }
            tokio::time::sleep(StdDuration::from_millis(10)).await;
        }
        panic!("{n} attempts to {host} never were in flight");
    }
}

/// One attempt being sent by [`Hanging`], counted off when it ends or is dropped.
struct Sent<'a>(&'a Hanging, String);

impl Drop for Sent<'_> {
    fn drop(&mut self) {
        if let Some(h) = self.0.hosts.lock().get_mut(&self.1) {
            h.0 -= 1;
        }
    }
}

impl Transport for Hanging {
    fn send(&self, delivery: Delivery) -> BoxFuture<'_, WireResult> {
        let host = url::Url::parse(&delivery.url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        {
            let mut hosts = self.hosts.lock();
            let h = hosts.entry(host.clone()).or_default();
            h.0 += 1;
            h.1 = h.1.max(h.0);
        }
        Box::pin(async move {
            let sent = Sent(self, host);
            if sent.1.starts_with("hang") {
                std::future::pending::<()>().await;
            }
            WireResult {
                http_status: Some(200),
                response_body: Some("SUCCESS".to_owned()),
                error: None,
                outcome: Outcome::Delivered,
                duration: StdDuration::ZERO,
            }
        })
    }
}

/// Runs the engine's dispatcher until the returned sender is dropped or set.
pub(super) fn dispatching<T>(bench: &Bench<T>) -> tokio::sync::watch::Sender<bool> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(Arc::clone(&bench.engine).run_dispatcher(stopped));
    stop
}

pub(super) struct Bench<T = Scripted> {
    pub engine: Arc<NotifyEngine>,
    pub clock: Arc<Clock>,
    pub clocks: Clocks,
    pub apps: Arc<AppRegistry>,
    pub faults: Arc<FaultStore>,
    pub transport: Arc<T>,
    rng: Mutex<StdRng>,
}

pub(super) const APP: &str = "10037e6f66f2d0f901672aa27d690006";

pub(super) fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T12:00:00+08:00")
        .map(|t| t.with_timezone(&Utc))
        .expect("a valid time")
}

fn bench(transport: Arc<Scripted>, callback_url: Option<&str>) -> Bench {
    let bench = bench_with(transport, 8, 8);
    bench.add_app(APP, DEFAULT_CLOCK, callback_url);
    bench
}

/// An engine with no apps yet, the default clock frozen at [`start`], at most `global`
/// attempts at once and `per_app` of one app.
pub(super) fn bench_with<T: Transport>(
    transport: Arc<T>,
    global: usize,
    per_app: usize,
) -> Bench<T> {
    let clock = Arc::new(Clock::system());
    clock.set(Some(start()), Some(true));
    let apps = Arc::new(AppRegistry::default());
    let faults = Arc::new(FaultStore::default());
    let clocks = Clocks::new(Arc::clone(&clock), Arc::clone(&apps));
    let engine = NotifyEngine::new(
        &EngineSettings {
            max_in_flight: global,
            max_in_flight_per_app: per_app,
            retention: 100,
            first_event_number: 10_000,
        },
        EngineDeps {
            clocks: clocks.clone(),
            apps: Arc::clone(&apps),
            faults: Arc::clone(&faults),
            rng: Arc::new(Mutex::new(StdRng::seed_from_u64(7))),
            callback_allow: Vec::new(),
            transport: Arc::clone(&transport) as Arc<dyn Transport>,
        },
    );
    Bench {
        engine: Arc::new(engine),
        clock,
        clocks,
        apps,
        faults,
        transport,
        rng: Mutex::new(StdRng::seed_from_u64(7)),
    }
}

impl<T> Bench<T> {
    /// Adds the app `app_id` on the clock `clock`, sending to `callback_url`.
    pub fn add_app(&self, app_id: &str, clock: &str, callback_url: Option<&str>) {
        let spec = AppSpec {
            app_id: Some(app_id.to_owned()),
            callback_url: Some(callback_url.map(str::to_owned)),
            ..AppSpec::default()
        };
        let mut app = build_app(
            &spec,
            &NotifySettings::default(),
            None,
            &mut *self.rng.lock(),
        )
        .expect("app");
        app.clock = clock.to_owned();
        self.apps.insert(app).expect("insert");
    }

    /// A new clock, frozen at [`start`].
    pub fn add_clock(&self, id: &str) -> Arc<Clock> {
        self.clocks
            .create(id.to_owned(), None, Some(start()), true)
            .expect("a new clock")
    }

    /// A notification of `app_id` about `open_id`, due now in the app's time.
    pub fn notify_for(&self, app_id: &str, open_id: &str) -> Notification {
        let app = self.apps.get(app_id).expect("the app");
        let event = PayScoreEvent {
            transition: Transition::Open,
            subject: Subject {
                open_id,
                sub_open_id: "",
                authorization_code: "AUTH1",
            },
        };
        let now = self.clocks.of_app(app_id).now();
        self.engine.emit(&app, &event, None, now)
    }

    fn notify(&self, open_id: &str) -> Notification {
        let n = self.notify_for(APP, open_id);
        assert_eq!(n.event_type, "PAYSCORE.USER_OPEN_SERVICE");
        assert_eq!(n.open_id, open_id);
        n
    }

    pub fn status(&self, id: &str) -> Status {
        self.engine.get(id).expect("the notification").status
    }
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
