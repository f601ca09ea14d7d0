//! The notification engine: creates notifications and keeps them (here), sends due attempts on
//! its own in real time or step by step when the clock is advanced, and lets tests wait for
//! outcomes (`run.rs`); saves, restores and drains (`snapshot.rs`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use rand::rngs::StdRng;
use tokio::sync::{Notify, Semaphore, watch};

use super::deliver::Transport;
use super::store::{Filter, Store};
use crate::api::notification::{DeliveryPlan, Notification, Status};
use crate::domain::apps::{App, AppRegistry};
use crate::domain::clock::Clocks;
use crate::domain::faults::FaultStore;
use crate::protocol::encode::encode;
use crate::protocol::events::NotificationEvent;
use crate::protocol::timefmt::format_compact;

mod run;
mod snapshot;
pub use run::RedeliverError;
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
