//! The notification engine: creates notifications and keeps them (here); takes due attempts off
//! each clock's queue in real time and starts them fairly (`dispatch.rs`); steps a clock
//! forward (`advance.rs`); makes one more attempt on demand and lets callers wait for an
//! outcome (`run.rs`); saves, restores and drains (`snapshot.rs`).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use rand::rngs::StdRng;
use tokio::sync::{Notify, watch};

use super::deliver::Transport;
use super::guard::CallbackGuard;
use super::lanes::Lanes;
use super::store::{Filter, Store};
use super::waiters::Waiters;
use crate::api::notification::{DeliveryPlan, Notification, Status};
use crate::domain::apps::{App, AppRegistry};
use crate::domain::clock::Clocks;
use crate::domain::faults::FaultStore;
use crate::protocol::encode::encode;
use crate::protocol::events::{Field, NotificationEvent};
use crate::protocol::timefmt::format_compact;

mod advance;
pub use advance::{AdvanceReport, DueWork};
mod dispatch;
mod run;
mod snapshot;
pub use run::RedeliverError;
pub use snapshot::EngineSnapshot;

/// Settings of the engine.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    /// Attempts sent at once, at most.
    pub max_in_flight: usize,
    /// Attempts of one app sent at once, at most; apps take turns for the rest.
    pub max_in_flight_per_app: usize,
    /// Settled notifications kept, at most.
    pub retention: usize,
    /// Unsettled notifications of one app, at most: a newer one gives up the oldest.
    pub max_pending_per_app: usize,
    /// First number of the `EV-…` id counter.
    pub first_event_number: u64,
}

/// What the engine works with, given when it is built: the clocks (each app's time), the apps
/// (callback URLs), the faults that act on deliveries, the generator they draw from, the guard
/// every callback URL passes and the transport deliveries go out through.
pub struct EngineDeps {
    /// The clock of each app.
    pub clocks: Clocks,
    /// The apps, for their callback URLs.
    pub apps: Arc<AppRegistry>,
    /// Faults that act on deliveries.
    pub faults: Arc<FaultStore>,
    /// The generator faults draw their probability from.
    pub rng: Arc<Mutex<StdRng>>,
    /// Where callbacks may go (`--callback-allow`, never the control API, no link-local
    /// address unless allowed).
    pub guard: Arc<CallbackGuard>,
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
    pub fields: &'a [Field],
    /// A callback URL for this notification only.
    pub callback_url: Option<String>,
}

/// One instance's notifications and their delivery.
///
/// Lock order: `store` before `lanes`; neither is held across an await.
pub struct NotifyEngine {
    pub(super) store: Mutex<Store>,
    /// Due attempts waiting for their turn, and those being sent.
    pub(super) lanes: Mutex<Lanes>,
    /// Long-poll waiters, by notification.
    pub(super) waiters: Waiters,
    /// Bumped when a clock has nothing outstanding any more or nothing at all is being sent:
    /// what advances and the shutdown drain wait for.
    pub(super) quiet: watch::Sender<u64>,
    pub(super) wake: Notify,
    /// Set when the dispatcher has been woken and has not yet looked at the queues, so a burst
    /// of changes wakes it once.
    wake_pending: AtomicBool,
    /// Set once the instance is stopping: long-polls answer at once (see
    /// [`NotifyEngine::close`]).
    closing: AtomicBool,
    closed: Notify,
    /// One turn per clock: whoever takes a clock's due attempts (the dispatcher, an advance)
    /// holds it, so an advance steps its clock alone while other clocks are served.
    turns: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    pub(super) deps: EngineDeps,
    pub(super) retention: usize,
    max_pending_per_app: usize,
    seq: AtomicU64,
    event_number: AtomicU64,
    /// Bumped at every change to the notifications, so persistence can follow them.
    changes: watch::Sender<u64>,
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
            lanes: Mutex::new(Lanes::new(
                settings.max_in_flight,
                settings.max_in_flight_per_app,
            )),
            waiters: Waiters::default(),
            quiet: watch::channel(0).0,
            wake: Notify::new(),
            wake_pending: AtomicBool::new(false),
            closing: AtomicBool::new(false),
            closed: Notify::new(),
            turns: Mutex::default(),
            deps,
            retention: settings.retention,
            max_pending_per_app: settings.max_pending_per_app,
            seq: AtomicU64::new(0),
            event_number: AtomicU64::new(settings.first_event_number),
            changes: watch::channel(0).0,
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

    /// Creates a notification from fields already made and queues its first attempt for `now`
    /// on the app's clock. When the app then has more than `--max-pending-per-app` unsettled
    /// notifications, its oldest pending one is given up (`exhausted`, reason `pending_cap`).
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
            attempts_dropped: 0,
            give_up_reason: None,
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
        let clock = self.deps.clocks.of_app(&app.app_id);
        // The waiters of the new one are nobody yet; those of a given-up one hear of it.
        let given_up = self.update(|store| {
            store.insert(n.clone(), now, clock.id());
            let given_up = store.enforce_pending_cap(&app.app_id, self.max_pending_per_app, now);
            if !given_up.is_empty() {
                store.enforce_retention(self.retention);
            }
            given_up
        });
        for id in &given_up {
            tracing::info!(
                id = %id,
                app_id = %app.app_id,
                max_pending_per_app = self.max_pending_per_app,
                "notification given up: its app has too many unsettled notifications"
            );
        }
        self.wake_dispatcher();
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
        if self.update(|store| store.unpark_app(app_id, now)) > 0 {
            self.wake_dispatcher();
        }
    }

    /// Drops an app's notifications, and its attempts waiting to be sent.
    pub fn remove_app(&self, app_id: &str) {
        {
            let mut store = self.store.lock();
            store.remove_app(app_id);
            self.lanes.lock().drop_waiting(|job| job.app_id == app_id);
        }
        // Its clock may be deleted next.
        self.prune_turns();
        self.quieted();
        self.waiters.wake_all();
    }

    /// Releases the notifications an out-of-order fault holds (the fault is gone).
    pub fn release_held(&self, fault: &str) {
        let clocks = &self.deps.clocks;
        if self.update(|store| store.release_held(fault, |app| clocks.of_app(app).now())) > 0 {
            self.wake_dispatcher();
        }
    }

    /// Drops every notification and restarts the id counter at `first_event_number`.
    pub fn reset(&self, first_event_number: u64) {
        {
            let mut store = self.store.lock();
            store.clear();
            self.lanes.lock().drop_waiting(|_| true);
        }
        self.event_number
            .store(first_event_number, Ordering::Relaxed);
        self.prune_turns();
        self.quieted();
        self.waiters.wake_all();
    }

    /// Runs `change` on the store, then wakes the waiters of the notifications it touched.
    pub(super) fn update<R>(&self, change: impl FnOnce(&mut Store) -> R) -> R {
        let (result, touched) = {
            let mut store = self.store.lock();
            let result = change(&mut store);
            (result, store.take_touched())
        };
        self.waiters.wake(&touched);
        self.changed();
        result
    }

    /// Moves at every change to the notifications (attempts recorded included).
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// Notes a change for [`NotifyEngine::changes`].
    pub(super) fn changed(&self) {
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Tells advances and the drain to look at the counts again.
    pub(super) fn quieted(&self) {
        self.quiet.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Makes the dispatcher look at the queue again (once, however many changes come before it
    /// does).
    pub(super) fn wake_dispatcher(&self) {
        if !self.wake_pending.swap(true, Ordering::AcqRel) {
            self.wake.notify_one();
        }
    }

    /// Attempts being sent right now (waiting ones not counted), redeliveries included.
    pub fn in_flight(&self) -> usize {
        self.lanes.lock().sending()
    }

    /// The turn of the clock `id`: held by whoever takes its due attempts.
    pub(super) fn turn(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut turns = self.turns.lock();
        match turns.get(id) {
            Some(turn) => Arc::clone(turn),
            None => {
                let turn = Arc::new(tokio::sync::Mutex::new(()));
                turns.insert(id.to_owned(), Arc::clone(&turn));
                turn
            }
        }
    }

    /// The turn of the clock `id` if nobody holds it: whoever makes other things due on that
    /// clock happen in real time takes it, so an advance of the clock (which holds it
    /// throughout) makes them happen in its own order instead.
    pub fn try_turn(&self, id: &str) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        self.turn(id).try_lock_owned().ok()
    }

    /// Forgets the turns nobody holds or waits for, so clocks created and deleted by the
    /// thousand leave nothing behind. A turn in use is kept (the map holds one reference).
    fn prune_turns(&self) {
        self.turns
            .lock()
            .retain(|_, turn| Arc::strong_count(turn) > 1);
    }

    /// What deliveries go out through.
    pub fn transport(&self) -> &dyn Transport {
        &*self.deps.transport
    }

    /// Where callbacks may go.
    pub fn guard(&self) -> &CallbackGuard {
        &self.deps.guard
    }
}

#[cfg(test)]
#[path = "engine_bounds_tests.rs"]
mod bounds_tests;
#[cfg(test)]
#[path = "engine_clock_tests.rs"]
mod clock_tests;
#[cfg(test)]
#[path = "engine_fair_tests.rs"]
mod fair_tests;
#[cfg(test)]
#[path = "engine_test_support.rs"]
mod test_support;
#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
