//! The due queue: one heap per clock, since each app's attempts are due in its own clock's time
//! and clocks move independently (one may be frozen, another advanced by an hour).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};

/// Something the engine must do at a given sandbox time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Kind {
    Attempt,
    GiveUp,
}

/// One queue entry. Entries are never updated in place: a change of plan pushes a new one, and
/// the old one is dropped when it reaches the head and no longer matches the notification.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Due {
    pub at: DateTime<Utc>,
    pub seq: u64,
    pub kind: Kind,
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

    pub fn peek(&self, clock: &str) -> Option<&Due> {
        self.heaps
            .get(clock)
            .and_then(|h| h.peek())
            .map(|Reverse(d)| d)
    }

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

    pub fn pushes(&self) -> u64 {
        self.pushes
    }
}
