//! The notification engine: creates notifications, sends due attempts (on its own in real time,
//! or step by step when the clock is advanced), and lets tests wait for outcomes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use futures_util::future::join_all;
use parking_lot::Mutex;
use rand::rngs::StdRng;
use tokio::sync::{Notify, Semaphore, watch};

use super::deliver::Transport;
use super::store::{Filter, Job, Store};
use crate::api::notification::{DeliveryPlan, Notification, Status};
use crate::domain::apps::{App, AppRegistry};
use crate::domain::clock::Clocks;
use crate::domain::faults::FaultStore;
use crate::protocol::encode::encode;
use crate::protocol::events::NotificationEvent;
use crate::protocol::timefmt::format_compact;

mod snapshot;
pub use snapshot::EngineSnapshot;

/// Settings of the engine.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    /// Attempts sent at once, at most.
    pub max_in_flight: usize,
    /// Settled notifications kept, at most.
    pub retention: usize,
    /// First number of the `EV-…` id counter.
    pub first_event_number: u64,
}

/// What the engine works with, given when it is built: the clocks (each app's time), the apps
/// (callback URLs), the faults that act on deliveries, the generator they draw from, the
/// `--callback-allow` list and the transport deliveries go out through.
pub struct EngineDeps {
    /// The clock of each app.
    pub clocks: Clocks,
    /// The apps, for their callback URLs.
    pub apps: Arc<AppRegistry>,
    /// Faults that act on deliveries.
    pub faults: Arc<FaultStore>,
    /// The generator faults draw their probability from.
    pub rng: Arc<Mutex<StdRng>>,
    /// `--callback-allow`: hosts deliveries may go to (empty: any).
    pub callback_allow: Vec<String>,
    /// What deliveries go out through.
    pub transport: Arc<dyn Transport>,
}

/// What a new notification says and where it goes.
#[derive(Debug, Clone)]
pub struct NewNotification<'a> {
    /// Its id (see [`NotifyEngine::next_event_id`]).
    pub id: String,
    /// `eventType`.
    pub event_type: &'a str,
    /// The user it is about.
    pub open_id: &'a str,
    /// Top-level fields in sending order, nested parts as compact JSON text.
    pub fields: &'a [(&'a str, String)],
    /// A callback URL for this notification only.
    pub callback_url: Option<String>,
}

/// What an advance of the clock set off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdvanceReport {
    /// Delivery attempts made.
    pub attempts: usize,
    /// Notifications that reached their give-up time.
    pub exhausted: usize,
}

/// Why a redelivery could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedeliverError {
    /// No notification has this id.
    #[error("no notification with id {0}")]
    NotFound(String),
    /// Neither the notification, the request nor the app names a callback URL.
    #[error("notification {0} has no callback URL: set the app's callbackUrl or pass one")]
    NoCallbackUrl(String),
}

/// One instance's notifications and their delivery.
pub struct NotifyEngine {
    pub(super) store: Mutex<Store>,
    pub(super) changed: watch::Sender<u64>,
    pub(super) wake: Notify,
    /// Set when the dispatcher has been woken and has not yet looked at the queue, so a burst
    /// of changes wakes it once.
    wake_pending: AtomicBool,
    pub(super) dispatch: tokio::sync::Mutex<()>,
    pub(super) busy: watch::Sender<usize>,
    pub(super) permits: Arc<Semaphore>,
    pub(super) deps: EngineDeps,
    pub(super) retention: usize,
    seq: AtomicU64,
    event_number: AtomicU64,
}

impl std::fmt::Debug for NotifyEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifyEngine")
            .field("notifications", &self.store.lock().len())
            .finish()
    }
}

/// The `User-Agent` of every delivery.
pub const USER_AGENT: &str = concat!(
    "chinaums-mock/",
    env!("CARGO_PKG_VERSION"),
    " (ChinaUMS sandbox notifier)"
);

impl NotifyEngine {
    /// An engine with no notifications, working with `deps`.
    pub fn new(settings: &EngineSettings, deps: EngineDeps) -> Self {
        Self {
            store: Mutex::new(Store::default()),
            changed: watch::channel(0).0,
            wake: Notify::new(),
            wake_pending: AtomicBool::new(false),
            dispatch: tokio::sync::Mutex::new(()),
            busy: watch::channel(0).0,
            permits: Arc::new(Semaphore::new(settings.max_in_flight.max(1))),
            deps,
            retention: settings.retention,
            seq: AtomicU64::new(0),
            event_number: AtomicU64::new(settings.first_event_number),
        }
    }

    /// A fresh notification id: `EV-` + the 14-digit time + a running number.
    pub fn next_event_id(&self, at: DateTime<Utc>) -> String {
        let n = self.event_number.fetch_add(1, Ordering::Relaxed);
        format!("EV-{}{n:05}", format_compact(at))
    }

    /// Creates the notification of `event` for `app` (a fresh id, the app's merchant
    /// identifiers, encoded and signed per the app's settings) and queues its first attempt for
    /// `now`.
    pub fn emit(
        &self,
        app: &App,
        event: &dyn NotificationEvent,
        callback_url: Option<String>,
        now: DateTime<Utc>,
    ) -> Notification {
        let id = self.next_event_id(now);
        let fields = event.fields(&id, &app.merchant(), now);
        let new = NewNotification {
            id,
            event_type: event.event_type(),
            open_id: event.subject(),
            fields: &fields,
            callback_url,
        };
        self.create(app, new, now)
    }

    /// Creates a notification from fields already made and queues its first attempt for `now`.
    pub fn create(&self, app: &App, new: NewNotification<'_>, now: DateTime<Utc>) -> Notification {
        let notify = &app.notify;
        let encoded = encode(new.fields, notify.format, notify.sign_type, &app.md5_key);
        let n = Notification {
            id: new.id,
            app_id: app.app_id.clone(),
            event_type: new.event_type.to_owned(),
            open_id: new.open_id.to_owned(),
            status: Status::Pending,
            payload: encoded.payload,
            content_type: encoded.content_type.to_owned(),
            body: encoded.body,
            callback_url: new.callback_url,
            created_at: now,
            next_attempt_at: Some(now),
            give_up_at: None,
            settled_at: None,
            attempts: Vec::new(),
            awaiting_callback_url: false,
            held_by_fault: None,
            delayed_by_fault: None,
            plan: DeliveryPlan {
                retry_schedule: app.notify.retry_schedule.clone(),
                give_up_after_seconds: app.notify.give_up_after_seconds,
                timeout_ms: app.notify.timeout_ms,
                ack: app.notify.ack,
            },
            first_scheduled_at: None,
            scheduled_attempts: 0,
            seq: self.seq.fetch_add(1, Ordering::Relaxed),
        };
        self.store.lock().insert(n.clone(), now);
        self.touch();
        n
    }

    /// One notification.
    pub fn get(&self, id: &str) -> Option<Notification> {
        self.store.lock().get(id).cloned()
    }

    /// Matching notifications, newest first.
    pub fn list(&self, filter: &Filter, limit: usize) -> Vec<Notification> {
        self.store.lock().list(filter, limit)
    }

    /// The app's callback URL became available: parked notifications go out now (the app's
    /// time).
    pub fn callback_set(&self, app_id: &str) {
        let now = self.deps.clocks.of_app(app_id).now();
        if self.store.lock().unpark_app(app_id, now) > 0 {
            self.touch();
        }
    }

    /// Drops an app's notifications.
    pub fn remove_app(&self, app_id: &str) {
        self.store.lock().remove_app(app_id);
        self.touch();
    }

    /// Releases the notifications an out-of-order fault holds (the fault is gone).
    pub fn release_held(&self, fault: &str) {
        let clocks = &self.deps.clocks;
        if self
            .store
            .lock()
            .release_held(fault, |app| clocks.of_app(app).now())
            > 0
        {
            self.touch();
        }
    }

    /// Drops every notification and restarts the id counter at `first_event_number`.
    pub fn reset(&self, first_event_number: u64) {
        self.store.lock().clear();
        self.event_number
            .store(first_event_number, Ordering::Relaxed);
        self.touch();
    }

    /// Announces a change to waiters and wakes the dispatcher.
    pub(super) fn touch(&self) {
        self.announce();
        self.wake_dispatcher();
    }

    /// Tells waiters (`wait_until`) that something changed.
    pub(super) fn announce(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Makes the dispatcher look at the queue again (once, however many changes come before it
    /// does).
    pub(super) fn wake_dispatcher(&self) {
        if !self.wake_pending.swap(true, Ordering::AcqRel) {
            self.wake.notify_one();
        }
    }

    fn take_due(&self, now: DateTime<Utc>) -> (Vec<Job>, usize) {
        let (jobs, exhausted) = self.store.lock().take_due(now);
        if !jobs.is_empty() {
            self.busy.send_modify(|b| *b += jobs.len());
        }
        if exhausted > 0 {
            self.store.lock().enforce_retention(self.retention);
            self.touch();
        }
        (jobs, exhausted)
    }

    /// Sends the jobs concurrently (bounded) and records each result.
    async fn run_jobs(&self, jobs: Vec<Job>) {
        join_all(jobs.into_iter().map(|job| self.run_job(job))).await;
    }

    async fn run_job(&self, job: Job) {
        self.attempt(&job).await;
        self.busy.send_modify(|b| *b = b.saturating_sub(1));
    }

    /// Moves the clock forward by `by`, making every attempt that falls due on the way — retries
    /// included — at its own sandbox time, in due order, before returning.
    pub async fn advance(&self, by: Duration) -> AdvanceReport {
        let clock = self.deps.clocks.instance();
        let _turn = self.dispatch.lock().await;
        self.idle().await;
        let target = clock.now() + by;
        let mut report = AdvanceReport::default();
        loop {
            let next = self.store.lock().next_due();
            let Some(at) = next.filter(|at| *at <= target) else {
                break;
            };
            if at > clock.now() {
                clock.set(Some(at), None);
            }
            let (jobs, exhausted) = self.take_due(clock.now());
            report.attempts += jobs.len();
            report.exhausted += exhausted;
            self.run_jobs(jobs).await;
        }
        if target > clock.now() {
            clock.set(Some(target), None);
        }
        report
    }

    /// Makes every attempt due now (by sandbox time) and waits for their results: one step of
    /// what the dispatcher does in real time, for tests and for callers that drive the engine
    /// themselves.
    pub async fn deliver_due(&self) -> AdvanceReport {
        let _turn = self.dispatch.lock().await;
        let (jobs, exhausted) = self.take_due(self.deps.clocks.instance().now());
        let report = AdvanceReport {
            attempts: jobs.len(),
            exhausted,
        };
        self.run_jobs(jobs).await;
        report
    }

    /// When the next attempt is due, if any is planned.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        self.store.lock().next_due()
    }

    /// Waits until no attempt is being sent.
    async fn idle(&self) {
        let mut rx = self.busy.subscribe();
        let _ = rx.wait_for(|busy| *busy == 0).await;
    }

    /// Makes one more attempt now, outside the ladder, and returns the notification after it.
    pub async fn redeliver(
        &self,
        id: &str,
        callback_url: Option<String>,
    ) -> Result<Notification, RedeliverError> {
        let mut job = {
            let mut store = self.store.lock();
            let n = store
                .get(id)
                .ok_or_else(|| RedeliverError::NotFound(id.to_owned()))?;
            let now = self.deps.clocks.of_app(&n.app_id).now();
            let has_url = callback_url.is_some()
                || n.callback_url.is_some()
                || self
                    .deps
                    .apps
                    .get(&n.app_id)
                    .is_some_and(|a| a.callback_url.is_some());
            if !has_url {
                return Err(RedeliverError::NoCallbackUrl(id.to_owned()));
            }
            store
                .start(id, now, true)
                .ok_or_else(|| RedeliverError::NotFound(id.to_owned()))?
        };
        if callback_url.is_some() {
            job.callback_url = callback_url;
        }
        self.busy.send_modify(|b| *b += 1);
        self.run_job(job).await;
        self.get(id)
            .ok_or_else(|| RedeliverError::NotFound(id.to_owned()))
    }

    /// Waits (in real time, up to `timeout`) until the notification satisfies `done`. Returns
    /// whether it did, with the notification as it stands; `None` if it does not exist.
    pub async fn wait_until(
        &self,
        id: &str,
        done: impl Fn(&Notification) -> bool,
        timeout: StdDuration,
    ) -> Option<(bool, Notification)> {
        let mut rx = self.changed.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            rx.mark_unchanged();
            let n = self.get(id)?;
            if done(&n) {
                return Some((true, n));
            }
            match tokio::time::timeout_at(deadline, rx.changed()).await {
                Ok(Ok(())) => continue,
                _ => return self.get(id).map(|n| (done(&n), n)),
            }
        }
    }

    /// Sends due attempts in real time until `shutdown` turns true.
    pub async fn run_dispatcher(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        let engine = &self;
        let clock = self.deps.clocks.instance().clone();
        let mut clock_changes = clock.subscribe();
        loop {
            if *shutdown.borrow() {
                break;
            }
            // Cleared before the queue is read: a change after this point wakes us again.
            engine.wake_pending.store(false, Ordering::Release);
            let jobs = {
                let _turn = engine.dispatch.lock().await;
                engine.take_due(clock.now()).0
            };
            if !jobs.is_empty() {
                let engine = Arc::clone(engine);
                tokio::spawn(async move { engine.run_jobs(jobs).await });
            }
            let next = engine.store.lock().next_due();
            let wait = match next {
                Some(at) if !clock.is_frozen() => {
                    (at - clock.now()).to_std().unwrap_or(StdDuration::ZERO)
                }
                _ => StdDuration::from_secs(3600),
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = engine.wake.notified() => {}
                _ = clock_changes.changed() => {}
                _ = shutdown.changed() => {}
            }
        }
    }

    /// Attempts being sent right now.
    pub fn in_flight(&self) -> usize {
        self.store.lock().in_flight()
    }

    /// What deliveries go out through.
    pub fn transport(&self) -> &dyn Transport {
        &*self.deps.transport
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
