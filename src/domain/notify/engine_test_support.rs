//! What the engine's unit tests share: scripted transports (one answering from a script, one
//! that never answers some hosts), and a bench of an engine with its clocks and apps.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use parking_lot::Mutex;
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::*;
use crate::api::app::{AppSpec, NotifySettings};
use crate::api::notification::Outcome;
use crate::domain::apps::build_app;
use crate::domain::clock::Clock;
use crate::domain::notify::{Delivery, WireResult};
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

/// An engine with no apps yet, the default clock frozen at [`start`], at most `global`
/// attempts at once and `per_app` of one app.
pub(super) fn bench_with<T: Transport>(
    transport: Arc<T>,
    global: usize,
    per_app: usize,
) -> Bench<T> {
    let settings = EngineSettings {
        max_in_flight: global,
        max_in_flight_per_app: per_app,
        retention: 100,
        max_pending_per_app: 10_000,
        first_event_number: 10_000,
    };
    bench_guarded(transport, &settings, CallbackGuard::default())
}

/// An engine with no apps yet, the default clock frozen at [`start`], `settings` and `guard`.
pub(super) fn bench_guarded<T: Transport>(
    transport: Arc<T>,
    settings: &EngineSettings,
    guard: CallbackGuard,
) -> Bench<T> {
    let clock = Arc::new(Clock::system());
    clock.set(Some(start()), Some(true));
    let apps = Arc::new(AppRegistry::default());
    let faults = Arc::new(FaultStore::default());
    let clocks = Clocks::new(Arc::clone(&clock), Arc::clone(&apps));
    let engine = NotifyEngine::new(
        settings,
        EngineDeps {
            clocks: clocks.clone(),
            apps: Arc::clone(&apps),
            faults: Arc::clone(&faults),
            rng: Arc::new(Mutex::new(StdRng::seed_from_u64(7))),
            guard: Arc::new(guard),
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
            &Default::default(),
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
            .create(id.to_owned(), None, None, Some(start()), true)
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

    /// Waits (up to 5 s of real time) for the notification to be delivered; whether it was.
    pub async fn delivered(&self, id: &str) -> bool {
        let waited = self
            .engine
            .wait_until(
                id,
                |n| n.status == Status::Delivered,
                std::time::Duration::from_secs(5),
            )
            .await;
        waited.expect("the notification is kept").0
    }

    pub fn notify(&self, open_id: &str) -> Notification {
        let n = self.notify_for(APP, open_id);
        assert_eq!(n.event_type, "PAYSCORE.USER_OPEN_SERVICE");
        assert_eq!(n.open_id, open_id);
        n
    }

    pub fn status(&self, id: &str) -> Status {
        self.engine.get(id).expect("the notification").status
    }
}
