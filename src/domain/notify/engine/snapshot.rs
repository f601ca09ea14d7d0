//! Saving and restoring the engine, and draining it before a shutdown.

use std::sync::atomic::Ordering;
use std::time::Duration as StdDuration;

use super::NotifyEngine;
use crate::api::notification::Notification;

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

    /// Replaces everything with a snapshot's content. Pending notifications are queued at
    /// their next attempt time (one already past goes out at once) and the dispatcher is woken.
    pub fn restore(&self, snapshot: EngineSnapshot) {
        let after_last = snapshot
            .notifications
            .iter()
            .map(|n| n.seq.saturating_add(1))
            .max()
            .unwrap_or(0);
        self.store.lock().restore(snapshot.notifications);
        self.event_number
            .store(snapshot.next_event_number, Ordering::Relaxed);
        self.seq
            .store(snapshot.next_seq.max(after_last), Ordering::Relaxed);
        self.touch();
    }

    /// Waits, at most `timeout`, until no attempt is being sent. Returns whether none is.
    pub async fn drain(&self, timeout: StdDuration) -> bool {
        tokio::time::timeout(timeout, self.idle()).await.is_ok()
    }
}
