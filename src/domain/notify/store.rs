//! Notifications of one instance, their due queue, and the retention bound.

use std::cmp::Reverse;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet, VecDeque};

use chrono::{DateTime, Duration, Utc};

use super::schedule::next_offset;
use crate::api::notification::{Attempt, Notification, Outcome, Status};

mod held;
mod snapshot;

/// Something the dispatcher must do at a given sandbox time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Attempt,
    GiveUp,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Due {
    at: DateTime<Utc>,
    seq: u64,
    kind: Kind,
    id: String,
}

/// An attempt taken off the queue, to be sent.
#[derive(Debug, Clone)]
pub struct Job {
    /// Notification id.
    pub id: String,
    /// App id, to resolve the callback URL at send time.
    pub app_id: String,
    /// Per-notification callback override.
    pub callback_url: Option<String>,
    /// Planned time.
    pub scheduled_at: DateTime<Utc>,
    /// Whether a redelivery asked for it.
    pub redelivery: bool,
    /// An extra copy (a fault's duplicate): recorded, but not a step on the ladder.
    pub extra: bool,
}

/// Filters of `GET /__mock/notifications`.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Only this app's.
    pub app_id: Option<String>,
    /// Only about this user.
    pub open_id: Option<String>,
    /// Only of this event type.
    pub event_type: Option<String>,
    /// Only in this state.
    pub status: Option<Status>,
}

#[derive(Debug, Default)]
pub struct Store {
    by_id: HashMap<String, Notification>,
    order: BTreeMap<u64, String>,
    settled: VecDeque<String>,
    queue: BinaryHeap<Reverse<Due>>,
    queue_seq: u64,
    in_flight: HashMap<String, u32>,
    /// Ids held back by an out-of-order fault, so a recorded attempt need not scan every
    /// notification for siblings to release.
    held: HashSet<String>,
    /// Queue entries added so far: tells whether an operation planned anything new.
    pushes: u64,
    /// Planned time and ladder count of each scheduled attempt in flight, so a snapshot taken
    /// meanwhile can put the attempt back on the queue.
    flights: HashMap<String, (DateTime<Utc>, u32)>,
}

impl Store {
    fn push(&mut self, at: DateTime<Utc>, kind: Kind, id: &str) {
        self.pushes += 1;
        self.queue_seq += 1;
        self.queue.push(Reverse(Due {
            at,
            seq: self.queue_seq,
            kind,
            id: id.to_owned(),
        }));
    }

    /// Adds a new notification whose first attempt is due at `at`.
    pub fn insert(&mut self, mut n: Notification, at: DateTime<Utc>) {
        n.next_attempt_at = Some(at);
        self.push(at, Kind::Attempt, &n.id);
        self.order.insert(n.seq, n.id.clone());
        self.by_id.insert(n.id.clone(), n);
    }

    pub fn get(&self, id: &str) -> Option<&Notification> {
        self.by_id.get(id)
    }

    /// Matching notifications, newest first.
    pub fn list(&self, filter: &Filter, limit: usize) -> Vec<Notification> {
        self.order
            .values()
            .rev()
            .filter_map(|id| self.by_id.get(id))
            .filter(|n| filter.app_id.as_ref().is_none_or(|a| *a == n.app_id))
            .filter(|n| filter.open_id.as_ref().is_none_or(|o| *o == n.open_id))
            .filter(|n| {
                filter
                    .event_type
                    .as_ref()
                    .is_none_or(|e| *e == n.event_type)
            })
            .filter(|n| filter.status.is_none_or(|s| s == n.status))
            .take(limit)
            .cloned()
            .collect()
    }

    /// Is the queue entry still what the notification expects?
    fn is_live(&self, due: &Due) -> bool {
        let Some(n) = self.by_id.get(&due.id) else {
            return false;
        };
        if n.status != Status::Pending {
            return false;
        }
        match due.kind {
            Kind::Attempt => n.next_attempt_at == Some(due.at),
            Kind::GiveUp => n.next_attempt_at.is_none() && n.give_up_at == Some(due.at),
        }
    }

    fn drop_stale_head(&mut self) {
        while let Some(Reverse(head)) = self.queue.peek() {
            if self.is_live(head) {
                break;
            }
            self.queue.pop();
        }
    }

    /// The earliest live due time.
    pub fn next_due(&mut self) -> Option<DateTime<Utc>> {
        self.drop_stale_head();
        self.queue.peek().map(|Reverse(d)| d.at)
    }

    /// Takes every attempt due at or before `now` off the queue (marking them in flight) and
    /// exhausts every notification whose give-up time has come.
    pub fn take_due(&mut self, now: DateTime<Utc>) -> (Vec<Job>, usize) {
        let mut jobs = Vec::new();
        let mut exhausted = 0;
        loop {
            self.drop_stale_head();
            match self.queue.peek() {
                Some(Reverse(head)) if head.at <= now => {}
                _ => break,
            }
            let Some(Reverse(due)) = self.queue.pop() else {
                break;
            };
            match due.kind {
                Kind::GiveUp => {
                    if let Some(n) = self.by_id.get_mut(&due.id) {
                        n.status = Status::Exhausted;
                        n.settled_at = Some(due.at);
                        exhausted += 1;
                    }
                    self.settle(&due.id);
                }
                Kind::Attempt => {
                    if let Some(job) = self.start(&due.id, due.at, false) {
                        jobs.push(job);
                    }
                }
            }
        }
        (jobs, exhausted)
    }

    /// Marks a notification in flight and describes the attempt.
    pub fn start(
        &mut self,
        id: &str,
        scheduled_at: DateTime<Utc>,
        redelivery: bool,
    ) -> Option<Job> {
        let n = self.by_id.get_mut(id)?;
        if !redelivery {
            n.next_attempt_at = None;
            self.flights
                .insert(id.to_owned(), (scheduled_at, n.scheduled_attempts));
        }
        *self.in_flight.entry(id.to_owned()).or_default() += 1;
        Some(Job {
            id: n.id.clone(),
            app_id: n.app_id.clone(),
            callback_url: n.callback_url.clone(),
            scheduled_at,
            redelivery,
            extra: false,
        })
    }

    fn finish_flight(&mut self, id: &str) {
        if let Some(count) = self.in_flight.get_mut(id) {
            *count -= 1;
            if *count == 0 {
                self.in_flight.remove(id);
                self.flights.remove(id);
            }
        }
    }

    /// A scheduled attempt found no callback URL: the ladder waits until one is set.
    pub fn park(&mut self, job: &Job) {
        self.finish_flight(&job.id);
        if let Some(n) = self.by_id.get_mut(&job.id) {
            n.awaiting_callback_url = true;
        }
    }

    /// Records an attempt's result and plans what follows. Returns whether the notification
    /// settled.
    pub fn record(&mut self, job: &Job, attempt: Attempt, now: DateTime<Utc>) -> bool {
        self.finish_flight(&job.id);
        let Some(n) = self.by_id.get_mut(&job.id) else {
            return false;
        };
        n.awaiting_callback_url = false;
        n.delayed_by_fault = None;
        let delivered = attempt.outcome == Outcome::Delivered;
        let user = (n.app_id.clone(), n.open_id.clone());
        // A redelivery of a notification with nothing planned (parked, or past its last retry)
        // restarts the ladder from there; otherwise it is an extra attempt off the ladder.
        let counts_on_ladder = !job.extra
            && (!job.redelivery || (n.status == Status::Pending && n.next_attempt_at.is_none()));
        n.attempts.push(attempt);
        if counts_on_ladder {
            n.first_scheduled_at.get_or_insert(job.scheduled_at);
            n.scheduled_attempts += 1;
        }
        self.release_siblings(&user.0, &user.1, &job.id, now);
        let Some(n) = self.by_id.get_mut(&job.id) else {
            return false;
        };
        if delivered {
            let was_settled = n.status.is_settled();
            n.status = Status::Delivered;
            n.next_attempt_at = None;
            n.settled_at = Some(now);
            if !was_settled {
                self.settle(&job.id);
            }
            return true;
        }
        if n.status != Status::Pending || !counts_on_ladder {
            return false;
        }
        let Some(first) = n.first_scheduled_at else {
            return false;
        };
        let give_up = n.plan.give_up_after_seconds;
        let deadline = first + seconds(give_up);
        n.give_up_at = Some(deadline);
        let last_offset = (job.scheduled_at - first).num_seconds().max(0) as u64;
        match next_offset(
            &n.plan.retry_schedule,
            n.scheduled_attempts,
            last_offset,
            give_up,
        ) {
            Some(offset) => {
                let at = first + seconds(offset);
                n.next_attempt_at = Some(at);
                self.push(at, Kind::Attempt, &job.id);
            }
            None => {
                n.next_attempt_at = None;
                self.push(deadline, Kind::GiveUp, &job.id);
            }
        }
        false
    }

    /// Drops every notification of an app.
    pub fn remove_app(&mut self, app_id: &str) {
        self.by_id.retain(|_, n| n.app_id != app_id);
        let by_id = &self.by_id;
        self.order.retain(|_, id| by_id.contains_key(id));
        self.settled.retain(|id| by_id.contains_key(id));
        self.held.retain(|id| by_id.contains_key(id));
    }

    /// Drops everything.
    pub fn clear(&mut self) {
        *self = Store::default();
    }

    /// Retention: settled notifications beyond the bound go, oldest settled first.
    pub fn enforce_retention(&mut self, retention: usize) {
        while self.settled.len() > retention {
            let Some(id) = self.settled.pop_front() else {
                break;
            };
            if self.in_flight.contains_key(&id) {
                continue;
            }
            if let Entry::Occupied(entry) = self.by_id.entry(id) {
                if entry.get().status.is_settled() {
                    let seq = entry.get().seq;
                    entry.remove();
                    self.order.remove(&seq);
                }
            }
        }
    }

    fn settle(&mut self, id: &str) {
        self.settled.push_back(id.to_owned());
    }

    /// Queue entries added since the store was created or cleared.
    pub fn pushes(&self) -> u64 {
        self.pushes
    }

    /// How many notifications are held.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// How many attempts are being sent right now.
    pub fn in_flight(&self) -> usize {
        self.in_flight.values().map(|c| *c as usize).sum()
    }
}

fn seconds(s: u64) -> Duration {
    Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX / 1_000_000))
}

#[cfg(test)]
mod tests;
