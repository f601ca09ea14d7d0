//! Saving and restoring a store: what is planned survives, attempts in flight included.

use super::{Kind, Notification, Status, Store};

impl Store {
    /// Every notification, oldest first, as it would stand had no attempt been in flight: a
    /// scheduled attempt being sent is still planned at its time.
    pub fn snapshot(&self) -> Vec<Notification> {
        self.order
            .values()
            .filter_map(|id| self.by_id.get(id))
            .map(|n| {
                let mut n = n.clone();
                if let Some((at, made)) = self.flights.get(&n.id) {
                    let unrecorded = n.status == Status::Pending
                        && n.next_attempt_at.is_none()
                        && n.scheduled_attempts == *made
                        && n.held_by_fault.is_none()
                        && !n.awaiting_callback_url;
                    if unrecorded {
                        n.next_attempt_at = Some(*at);
                    }
                }
                n
            })
            .collect()
    }

    /// Replaces everything with `notifications` (oldest first) and queues what is planned:
    /// the next attempt at its time, or the give-up. Parked and held ones wait as before.
    pub fn restore(&mut self, notifications: Vec<Notification>) {
        self.clear();
        let mut settled = Vec::new();
        for mut n in notifications {
            if n.status.is_settled() {
                settled.push((n.settled_at, n.seq, n.id.clone()));
            } else if n.held_by_fault.is_none() && !n.awaiting_callback_url {
                match (n.next_attempt_at, n.give_up_at) {
                    (Some(at), _) => self.push(at, Kind::Attempt, &n.id),
                    (None, Some(at)) => self.push(at, Kind::GiveUp, &n.id),
                    // Nothing planned and nothing to wait for: try again at once.
                    (None, None) => {
                        n.next_attempt_at = Some(n.created_at);
                        self.push(n.created_at, Kind::Attempt, &n.id);
                    }
                }
            }
            self.order.insert(n.seq, n.id.clone());
            self.by_id.insert(n.id.clone(), n);
        }
        settled.sort();
        self.settled = settled.into_iter().map(|(_, _, id)| id).collect();
    }
}
