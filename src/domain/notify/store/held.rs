//! Notifications set aside: postponed or held back by a fault, or parked until their app has a
//! callback URL.

use chrono::{DateTime, Utc};

use super::{Job, Kind, Store};
use crate::api::notification::Status;

impl Store {
    /// A delay fault postpones the attempt to `at`.
    pub fn defer(&mut self, job: &Job, at: DateTime<Utc>, fault: &str) {
        self.finish_flight(&job.id);
        if let Some(n) = self.by_id.get_mut(&job.id) {
            n.next_attempt_at = Some(at);
            n.delayed_by_fault = Some(fault.to_owned());
            self.push(at, Kind::Attempt, &job.id);
            self.touch(&job.id);
        }
    }

    /// An out-of-order fault holds the notification back. Returns false (and holds nothing)
    /// when another notification about the same user is already held: that one waits for
    /// this one.
    pub fn hold(&mut self, job: &Job, fault: &str) -> bool {
        let Some(n) = self.by_id.get(&job.id) else {
            return false;
        };
        let sibling_held = self
            .held
            .iter()
            .filter_map(|id| self.by_id.get(id))
            .any(|o| {
                o.id != n.id
                    && o.app_id == n.app_id
                    && o.open_id == n.open_id
                    && o.held_by_fault.is_some()
            });
        if sibling_held {
            return false;
        }
        self.finish_flight(&job.id);
        if let Some(n) = self.by_id.get_mut(&job.id) {
            n.held_by_fault = Some(fault.to_owned());
            n.next_attempt_at = None;
            self.held.insert(job.id.clone());
            self.touch(&job.id);
        }
        true
    }

    /// Puts held notifications back on the queue, each at `now_of(its app)`.
    fn release(&mut self, ids: Vec<String>, now_of: impl Fn(&str) -> DateTime<Utc>) {
        for id in ids {
            self.held.remove(&id);
            let Some(n) = self.by_id.get_mut(&id) else {
                continue;
            };
            let now = now_of(&n.app_id);
            n.held_by_fault = None;
            n.next_attempt_at = Some(now);
            self.push(now, Kind::Attempt, &id);
            self.touched.push(id);
        }
    }

    /// Releases what is held back for the user once another notification about them was sent.
    pub(super) fn release_siblings(
        &mut self,
        app_id: &str,
        open_id: &str,
        sent: &str,
        now: DateTime<Utc>,
    ) {
        if self.held.is_empty() {
            return;
        }
        let ids = self
            .held
            .iter()
            .filter_map(|id| self.by_id.get(id))
            .filter(|n| {
                n.id != sent
                    && n.app_id == app_id
                    && n.open_id == open_id
                    && n.held_by_fault.is_some()
            })
            .map(|n| n.id.clone())
            .collect();
        self.release(ids, |_| now);
    }

    /// Releases everything a fault holds (it was deleted), each at the time of its app.
    pub fn release_held(&mut self, fault: &str, now_of: impl Fn(&str) -> DateTime<Utc>) -> usize {
        let ids: Vec<String> = self
            .held
            .iter()
            .filter_map(|id| self.by_id.get(id))
            .filter(|n| n.held_by_fault.as_deref() == Some(fault))
            .map(|n| n.id.clone())
            .collect();
        let count = ids.len();
        self.release(ids, now_of);
        count
    }

    /// Puts every parked notification of an app back on its clock's queue at `now`.
    pub fn unpark_app(&mut self, app_id: &str, now: DateTime<Utc>) -> usize {
        let ids: Vec<String> = self
            .by_id
            .values()
            .filter(|n| {
                n.app_id == app_id && n.awaiting_callback_url && n.status == Status::Pending
            })
            .map(|n| n.id.clone())
            .collect();
        for id in &ids {
            if let Some(n) = self.by_id.get_mut(id) {
                n.awaiting_callback_url = false;
                n.next_attempt_at = Some(now);
            }
            self.push(now, Kind::Attempt, id);
            self.touch(id);
        }
        ids.len()
    }
}
