//! Notifications of one instance, their due queues (one per clock), and the retention bound.

use crate::domain::changes::{Changed, Tracked};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::schedule::next_offset;
use crate::api::notification::{Attempt, GiveUpReason, Notification, Outcome, Status};
use crate::domain::clock::DEFAULT_CLOCK;
use queue::{Due, Kind, Queues};

mod bounds;
mod held;
mod queue;
mod snapshot;

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
    /// The clock of the notification's app, whose time the attempt was due in.
    pub clock: Arc<str>,
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
    /// Every change is marked for the state database.
    by_id: Tracked<HashMap<String, Notification>>,
    order: BTreeMap<u64, String>,
    settled: VecDeque<String>,
    queue: Queues,
    /// The clock each app is on (an app never changes clock), so a retry planned deep inside
    /// the store goes to the right queue.
    app_clocks: HashMap<String, Arc<str>>,
    in_flight: HashMap<String, u32>,
    /// Ids held back by an out-of-order fault, so a recorded attempt need not scan every
    /// notification for siblings to release.
    held: HashSet<String>,
    /// Planned time and ladder count of each scheduled attempt in flight, so a snapshot taken
    /// meanwhile can put the attempt back on the queue.
    flights: HashMap<String, (DateTime<Utc>, u32)>,
    /// Notifications changed since the engine last asked: it wakes their waiters only.
    touched: Vec<String>,
    /// The unsettled notifications of each app by creation order, for the pending cap.
    pending: HashMap<String, BTreeMap<u64, String>>,
}

impl Store {
    /// The clock the notification's app is on.
    fn clock_of(&self, app_id: &str) -> Arc<str> {
        self.app_clocks
            .get(app_id)
            .cloned()
            .unwrap_or_else(|| Arc::from(DEFAULT_CLOCK))
    }

    fn push(&mut self, at: DateTime<Utc>, kind: Kind, id: &str) {
        let clock = match self.by_id.get(id) {
            Some(n) => self.clock_of(&n.app_id),
            None => return,
        };
        self.queue.push(&clock, at, kind, id);
    }

    /// Notes that the notification changed, for its waiters.
    fn touch(&mut self, id: &str) {
        self.touched.push(id.to_owned());
    }

    /// The notifications changed since the last call (possibly repeated).
    pub fn take_touched(&mut self) -> Vec<String> {
        std::mem::take(&mut self.touched)
    }

    /// Adds a new notification whose first attempt is due at `at` in the time of `clock`, the
    /// clock its app is on.
    pub fn insert(&mut self, mut n: Notification, at: DateTime<Utc>, clock: &str) {
        n.next_attempt_at = Some(at);
        let id = n.id.clone();
        if self.app_clocks.get(&n.app_id).is_none_or(|c| &**c != clock) {
            self.app_clocks.insert(n.app_id.clone(), Arc::from(clock));
        }
        self.order.insert(n.seq, id.clone());
        self.note_pending(&n.app_id, n.seq, &id);
        self.by_id.insert(id.clone(), n);
        self.push(at, Kind::Attempt, &id);
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
    fn is_live(by_id: &HashMap<String, Notification>, due: &Due) -> bool {
        let Some(n) = by_id.get(&due.id) else {
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

    fn drop_stale_head(&mut self, clock: &str) {
        while let Some(head) = self.queue.peek(clock) {
            if Self::is_live(&self.by_id, head) {
                break;
            }
            self.queue.pop(clock);
        }
    }

    /// The earliest live due time on `clock`.
    pub fn next_due(&mut self, clock: &str) -> Option<DateTime<Utc>> {
        self.drop_stale_head(clock);
        self.queue.peek(clock).map(|d| d.at)
    }

    /// The clocks something may be due on.
    pub fn queued_clocks(&self) -> Vec<Arc<str>> {
        self.queue.clocks()
    }

    /// Takes every attempt due on `clock` at or before `now` off its queue (marking them in
    /// flight) and exhausts every notification whose give-up time has come. Jobs come in due
    /// order.
    pub fn take_due(&mut self, clock: &str, now: DateTime<Utc>) -> (Vec<Job>, usize) {
        let mut jobs = Vec::new();
        let mut exhausted = 0;
        loop {
            self.drop_stale_head(clock);
            match self.queue.peek(clock) {
                Some(head) if head.at <= now => {}
                _ => break,
            }
            let Some(due) = self.queue.pop(clock) else {
                break;
            };
            match due.kind {
                Kind::GiveUp => {
                    if let Some(n) = self.by_id.get_mut(&due.id) {
                        n.status = Status::Exhausted;
                        n.give_up_reason = Some(GiveUpReason::Ladder);
                        n.settled_at = Some(due.at);
                        exhausted += 1;
                    }
                    self.touch(&due.id);
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
        let clock = self.clock_of(&self.by_id.get(id)?.app_id);
        let n = self.by_id.get_mut(id)?;
        if !redelivery {
            n.next_attempt_at = None;
            self.flights
                .insert(id.to_owned(), (scheduled_at, n.scheduled_attempts));
        }
        let job = Job {
            id: n.id.clone(),
            app_id: n.app_id.clone(),
            callback_url: n.callback_url.clone(),
            scheduled_at,
            redelivery,
            extra: false,
            clock,
        };
        *self.in_flight.entry(id.to_owned()).or_default() += 1;
        Some(job)
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
            self.touch(&job.id);
        }
    }

    /// Records an attempt's result and plans what follows. Returns whether the notification
    /// settled.
    pub fn record(&mut self, job: &Job, attempt: Attempt, now: DateTime<Utc>) -> bool {
        self.finish_flight(&job.id);
        let Some(n) = self.by_id.get_mut(&job.id) else {
            return false;
        };
        self.touched.push(job.id.clone());
        n.awaiting_callback_url = false;
        n.delayed_by_fault = None;
        let delivered = attempt.outcome == Outcome::Delivered;
        let user = (n.app_id.clone(), n.open_id.clone());
        // A redelivery of a notification with nothing planned (parked, or past its last retry)
        // restarts the ladder from there; otherwise it is an extra attempt off the ladder.
        let counts_on_ladder = !job.extra
            && (!job.redelivery || (n.status == Status::Pending && n.next_attempt_at.is_none()));
        n.attempts.push(attempt);
        bounds::bound_attempts(n);
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

    /// Drops every notification of an app, and its queue entries.
    pub fn remove_app(&mut self, app_id: &str) {
        self.by_id.retain(|_, n| n.app_id != app_id);
        let by_id = &self.by_id;
        self.order.retain(|_, id| by_id.contains_key(id));
        self.settled.retain(|id| by_id.contains_key(id));
        self.held.retain(|id| by_id.contains_key(id));
        // Purged now rather than found stale later: the app's clock may be deleted next, and
        // nothing would look at its queue again.
        self.queue.retain(|due| by_id.contains_key(&due.id));
        self.app_clocks.remove(app_id);
        self.pending.remove(app_id);
    }

    /// Drops everything; the marks of changes go on.
    pub fn clear(&mut self) {
        let mut by_id = std::mem::take(&mut self.by_id);
        by_id.clear();
        *self = Store {
            by_id,
            ..Store::default()
        };
    }

    /// Starts marking changed notifications for [`Self::changed`].
    pub fn track_changes(&mut self) {
        self.by_id.track();
    }

    /// The notifications changed since the last call, as they would be saved.
    pub fn changed(&mut self) -> Changed<Notification> {
        let taken = self.by_id.take();
        Changed::read(taken, |id| self.by_id.get(id).map(|n| self.saved(n)))
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
            let settled = self.by_id.get(&id).filter(|n| n.status.is_settled());
            if let Some(seq) = settled.map(|n| n.seq) {
                self.by_id.remove(&id);
                self.order.remove(&seq);
                self.touched.push(id);
            }
        }
    }

    fn settle(&mut self, id: &str) {
        self.forget_pending(id);
        self.settled.push_back(id.to_owned());
    }

    /// Queue entries added since the store was created or cleared.
    pub fn pushes(&self) -> u64 {
        self.queue.pushes()
    }

    /// How many notifications are held.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    #[cfg(test)]
    /// How many attempts are taken and not yet over (waiting for their turn or being sent).
    pub fn in_flight(&self) -> usize {
        self.in_flight.values().map(|c| *c as usize).sum()
    }
}

fn seconds(s: u64) -> Duration {
    Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX / 1_000_000))
}

#[cfg(test)]
mod tests;
