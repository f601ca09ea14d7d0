//! Saving and restoring the engine, and draining it before a shutdown.

use std::sync::atomic::Ordering;
use std::time::Duration as StdDuration;

use super::NotifyEngine;
use crate::api::notification::Notification;
use crate::domain::changes::Changed;

/// Everything the engine holds: notifications with their plans, and its counters.
#[derive(Debug, Clone)]
pub struct EngineSnapshot {
    /// Every notification, oldest first; an attempt in flight counts as still planned.
    pub notifications: Vec<Notification>,
    /// The running number of the next `EV-…` id.
    pub next_event_number: u64,
    /// The creation-order number of the next notification.
    pub next_seq: u64,
}

impl NotifyEngine {
    /// Everything the engine holds, consistently (under one lock).
    pub fn snapshot(&self) -> EngineSnapshot {
        let store = self.store.lock();
        EngineSnapshot {
            notifications: store.snapshot(),
            next_event_number: self.event_number.load(Ordering::Relaxed),
            next_seq: self.seq.load(Ordering::Relaxed),
        }
    }

    /// Starts marking changed notifications for [`Self::changed_notifications`].
    pub fn track_changes(&self) {
        self.store.lock().track_changes();
    }

    /// The notifications changed since the last call, as a snapshot would hold them.
    pub fn changed_notifications(&self) -> Changed<Notification> {
        self.store.lock().changed()
    }

    /// The running number of the next `EV-…` id and the creation-order number of the next
    /// notification.
    pub fn counters(&self) -> (u64, u64) {
        (
            self.event_number.load(Ordering::Relaxed),
            self.seq.load(Ordering::Relaxed),
        )
    }

    /// Replaces everything with a snapshot's content. Pending notifications are queued on
    /// their app's clock at their next attempt time (one already past goes out at once) and
    /// the dispatcher is woken. Attempts waiting to be sent are dropped: the snapshot plans
    /// its own.
    pub fn restore(&self, snapshot: EngineSnapshot) {
        let after_last = snapshot
            .notifications
            .iter()
            .map(|n| n.seq.saturating_add(1))
            .max()
            .unwrap_or(0);
        let clocks = &self.deps.clocks;
        {
            let mut store = self.store.lock();
            store.restore(snapshot.notifications, |app| {
                clocks.of_app(app).id().to_owned()
            });
            self.lanes.lock().drop_waiting(|_| true);
        }
        self.event_number
            .store(snapshot.next_event_number, Ordering::Relaxed);
        self.seq
            .store(snapshot.next_seq.max(after_last), Ordering::Relaxed);
        self.quieted();
        self.waiters.wake_all();
        self.wake_dispatcher();
    }

    /// For shutdown: starts no more attempts, then waits, at most `timeout`, until none is
    /// being sent. Returns whether none is. Attempts still waiting for their turn stay planned
    /// (a snapshot saves them at their due time).
    pub async fn drain(&self, timeout: StdDuration) -> bool {
        self.lanes.lock().pause();
        tokio::time::timeout(timeout, self.idle()).await.is_ok()
    }
}
