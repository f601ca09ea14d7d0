//! The due queue: one heap per clock, since each app's attempts are due in its own clock's time
//! and clocks move independently (one may be frozen, another advanced by an hour).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};

/// Something the engine must do at a given sandbox time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Kind {
    /// The next attempt is due.
    Attempt,
    /// The ladder is over and the give-up time has come: the notification is exhausted.
    GiveUp,
}

/// One queue entry. Entries are never updated in place: a change of plan pushes a new one, and
/// the old one is dropped when it reaches the head and no longer matches the notification.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Due {
    /// When, in the time of the queue's clock.
    pub at: DateTime<Utc>,
    /// Push order: entries due at the same time come out in the order they went in.
    pub seq: u64,
    /// What is due.
    pub kind: Kind,
    /// The notification.
    pub id: String,
}

/// Due entries by clock id, each heap ordered by time then by push order.
#[derive(Debug, Default)]
pub(super) struct Queues {
    heaps: HashMap<Arc<str>, BinaryHeap<Reverse<Due>>>,
    seq: u64,
    /// Entries pushed so far: tells whether an operation planned anything new.
    pushes: u64,
}

impl Queues {
    /// Queues `kind` for the notification `id` at `at` on `clock`.
    pub fn push(&mut self, clock: &Arc<str>, at: DateTime<Utc>, kind: Kind, id: &str) {
        self.pushes += 1;
        self.seq += 1;
        let due = Due {
            at,
            seq: self.seq,
            kind,
            id: id.to_owned(),
        };
        match self.heaps.get_mut(clock) {
            Some(heap) => heap.push(Reverse(due)),
            None => {
                self.heaps
                    .insert(Arc::clone(clock), BinaryHeap::from([Reverse(due)]));
            }
        }
    }

    /// The earliest entry on `clock`, live or not.
    pub fn peek(&self, clock: &str) -> Option<&Due> {
        self.heaps
            .get(clock)
            .and_then(|h| h.peek())
            .map(|Reverse(d)| d)
    }

    /// Takes the earliest entry on `clock`; a clock left with none is forgotten.
    pub fn pop(&mut self, clock: &str) -> Option<Due> {
        let heap = self.heaps.get_mut(clock)?;
        let due = heap.pop().map(|Reverse(d)| d);
        if heap.is_empty() {
            self.heaps.remove(clock);
        }
        due
    }

    /// Clocks with at least one entry (live or not yet found stale).
    pub fn clocks(&self) -> Vec<Arc<str>> {
        self.heaps.keys().cloned().collect()
    }

    /// Keeps only the entries `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&Due) -> bool) {
        for heap in self.heaps.values_mut() {
            heap.retain(|Reverse(d)| keep(d));
        }
        self.heaps.retain(|_, heap| !heap.is_empty());
    }

    /// Entries pushed so far.
    pub fn pushes(&self) -> u64 {
        self.pushes
    }
}
