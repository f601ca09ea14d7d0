//! Saving and restoring a store: what is planned survives, attempts in flight included.

use std::sync::Arc;

use super::{Kind, Notification, Status, Store};

impl Store {
    /// Every notification, oldest first, as it would stand had no attempt been in flight: a
    /// scheduled attempt being sent is still planned at its time.
    pub fn snapshot(&self) -> Vec<Notification> {
        self.order
            .values()
            .filter_map(|id| self.by_id.get(id))
            .map(|n| self.saved(n))
            .collect()
    }

    /// A notification as it would stand had no attempt been in flight.
    pub(super) fn saved(&self, n: &Notification) -> Notification {
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
    }

    /// Replaces everything with `notifications` (oldest first) and queues what is planned on
    /// the clock `clock_of` says each app is on: the next attempt at its time, or the give-up.
    /// Parked and held ones wait as before.
    pub fn restore(&mut self, notifications: Vec<Notification>, clock_of: impl Fn(&str) -> String) {
        self.clear();
        let mut settled = Vec::new();
        for mut n in notifications {
            if !self.app_clocks.contains_key(&n.app_id) {
                let clock: Arc<str> = Arc::from(clock_of(&n.app_id));
                self.app_clocks.insert(n.app_id.clone(), clock);
            }
            // In the map before its entries are pushed, which look it up.
            let id = n.id.clone();
            let seq = n.seq;
            let plan = if n.status.is_settled() {
                settled.push((n.settled_at, n.seq, n.id.clone()));
                None
            } else if n.held_by_fault.is_none() && !n.awaiting_callback_url {
                match (n.next_attempt_at, n.give_up_at) {
                    (Some(at), _) => Some((at, Kind::Attempt)),
                    (None, Some(at)) => Some((at, Kind::GiveUp)),
                    // Nothing planned and nothing to wait for: try again at once.
                    (None, None) => {
                        n.next_attempt_at = Some(n.created_at);
                        Some((n.created_at, Kind::Attempt))
                    }
                }
            } else {
                None
            };
            self.order.insert(seq, id.clone());
            self.by_id.insert(id.clone(), n);
            if let Some((at, kind)) = plan {
                self.push(at, kind, &id);
            }
        }
        settled.sort();
        self.settled = settled.into_iter().map(|(_, _, id)| id).collect();
        self.held = self
            .by_id
            .values()
            .filter(|n| n.held_by_fault.is_some())
            .map(|n| n.id.clone())
            .collect();
        self.recount_pending();
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Utc};
    use serde_json::json;

    use super::*;
    use crate::api::notification::DeliveryPlan;
    use crate::domain::apps::AckMode;

    fn notification(id: &str, at: DateTime<Utc>) -> Notification {
        Notification {
            id: id.to_owned(),
            app_id: "a".into(),
            event_type: "E".into(),
            open_id: "o".into(),
            status: Status::Pending,
            payload: json!({}),
            content_type: "text/plain".into(),
            body: String::new(),
            callback_url: None,
            created_at: at,
            next_attempt_at: Some(at),
            give_up_at: None,
            settled_at: None,
            attempts: Vec::new(),
            attempts_dropped: 0,
            give_up_reason: None,
            awaiting_callback_url: false,
            held_by_fault: None,
            delayed_by_fault: None,
            plan: DeliveryPlan {
                retry_schedule: vec![15],
                give_up_after_seconds: 60,
                timeout_ms: 100,
                ack: AckMode::Chinaums,
            },
            first_scheduled_at: None,
            scheduled_attempts: 0,
            seq: 0,
        }
    }

    #[test]
    fn an_attempt_in_flight_is_saved_as_still_planned_and_queued_again_on_its_app_s_clock() {
        let t0 = DateTime::<Utc>::UNIX_EPOCH;
        let mut store = Store::default();
        store.insert(notification("EV-1", t0), t0, "clk_a");
        let (jobs, _) = store.take_due("clk_a", t0 + Duration::seconds(1));
        assert_eq!(jobs.len(), 1);
        assert_eq!(store.get("EV-1").and_then(|n| n.next_attempt_at), None);

        let saved = store.snapshot();
        assert_eq!(saved[0].next_attempt_at, Some(t0), "planned as before");

        let mut restored = Store::default();
        restored.restore(saved, |_| "clk_a".to_owned());
        assert_eq!(restored.next_due("default"), None, "on its app's clock");
        assert_eq!(restored.next_due("clk_a"), Some(t0));
        let (jobs, _) = restored.take_due("clk_a", t0 + Duration::seconds(1));
        assert_eq!(
            jobs.iter().map(|j| j.scheduled_at).collect::<Vec<_>>(),
            [t0]
        );
    }

    #[test]
    fn a_restored_store_queues_give_ups_and_leaves_parked_ones_waiting() {
        let t0 = DateTime::<Utc>::UNIX_EPOCH;
        let mut exhausting = notification("EV-1", t0);
        exhausting.next_attempt_at = None;
        exhausting.give_up_at = Some(t0 + Duration::seconds(60));
        let mut parked = notification("EV-2", t0);
        parked.next_attempt_at = None;
        parked.awaiting_callback_url = true;
        parked.seq = 1;
        let mut store = Store::default();
        store.restore(vec![exhausting, parked], |_| "default".to_owned());
        assert_eq!(store.next_due("default"), Some(t0 + Duration::seconds(60)));
        let (jobs, exhausted) = store.take_due("default", t0 + Duration::seconds(3600));
        assert!(jobs.is_empty());
        assert_eq!(exhausted, 1);
        assert_eq!(store.get("EV-2").map(|n| n.status), Some(Status::Pending));
    }
}
