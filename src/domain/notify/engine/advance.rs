//! Stepping one clock forward: every attempt due on it on the way is made at its own sandbox
//! time, in due order, before the advance returns. Other clocks are served meanwhile.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::NotifyEngine;

/// What an advance of the clock set off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdvanceReport {
    /// Delivery attempts made.
    pub attempts: usize,
    /// Notifications that reached their give-up time.
    pub exhausted: usize,
}

/// Other things that fall due on a clock by themselves (the payer's payments, expiries and
/// refunds settling), which an advance makes happen at their own time among the attempts.
pub trait DueWork: Send + Sync {
    /// When the next of them falls due, in the clock's time.
    fn next_due(&self) -> Option<DateTime<Utc>>;
    /// Makes everything due at `now` happen (it may create notifications due now).
    fn run_due(&self, now: DateTime<Utc>);
}

/// Nothing but notifications.
#[cfg(test)]
struct NoWork;

#[cfg(test)]
impl DueWork for NoWork {
    fn next_due(&self) -> Option<DateTime<Utc>> {
        None
    }
    fn run_due(&self, _: DateTime<Utc>) {}
}

impl NotifyEngine {
    /// Moves the clock `clock_id` forward by `by`, making every attempt of its apps that falls
    /// due on the way — retries included — at its own sandbox time, in due order, before
    /// returning. An unknown clock is left alone (nothing happens).
    ///
    /// It holds the clock's turn throughout, so the dispatcher leaves that clock to it and
    /// serves the others; it waits only for attempts of apps on this clock (which still share
    /// the global bound with everyone).
    #[cfg(test)]
    pub async fn advance(self: &Arc<Self>, clock_id: &str, by: Duration) -> AdvanceReport {
        self.advance_with(clock_id, by, &NoWork).await
    }

    /// [`NotifyEngine::advance`], with `work` made to happen at its own times on the way too:
    /// at each stop, `work` runs first, then the attempts due then (including any it created).
    pub async fn advance_with(
        self: &Arc<Self>,
        clock_id: &str,
        by: Duration,
        work: &dyn DueWork,
    ) -> AdvanceReport {
        let Some(clock) = self.deps.clocks.get(clock_id) else {
            return AdvanceReport::default();
        };
        let turn = self.turn(clock_id);
        let held = turn.lock().await;
        self.idle_on(clock_id).await;
        let target = clock.now() + by;
        let mut report = AdvanceReport::default();
        loop {
            work.run_due(clock.now());
            let attempt = self.store.lock().next_due(clock_id);
            let next = [attempt, work.next_due()].into_iter().flatten().min();
            let Some(at) = next.filter(|at| *at <= target) else {
                break;
            };
            if at > clock.now() {
                clock.set(Some(at), None);
            }
            if attempt.is_none_or(|a| a > at) {
                // Only other work is due at this stop: it runs at the top of the loop.
                continue;
            }
            let (attempts, exhausted) = self.take_due(clock_id, clock.now());
            report.attempts += attempts;
            report.exhausted += exhausted;
            self.pump();
            self.idle_on(clock_id).await;
        }
        if target > clock.now() {
            clock.set(Some(target), None);
        }
        drop(held);
        // The dispatcher skipped this clock while the turn was held.
        self.wake_dispatcher();
        report
    }

    #[cfg(test)]
    /// Makes every attempt due now on every clock (each in its own time) and waits for their
    /// results: one step of what the dispatcher does in real time, for tests.
    pub async fn deliver_due(self: &Arc<Self>) -> AdvanceReport {
        let mut clocks = self.store.lock().queued_clocks();
        clocks.sort();
        let mut held = Vec::new();
        let mut report = AdvanceReport::default();
        for id in &clocks {
            held.push(self.turn(id).lock_owned().await);
            let now = self
                .deps
                .clocks
                .get(id)
                .unwrap_or_else(|| Arc::clone(self.deps.clocks.default_clock()))
                .now();
            let (attempts, exhausted) = self.take_due(id, now);
            report.attempts += attempts;
            report.exhausted += exhausted;
        }
        self.pump();
        for id in &clocks {
            self.idle_on(id).await;
        }
        report
    }

    #[cfg(test)]
    /// When the next attempt is due on any clock (each in its own time), if any is planned.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        let mut store = self.store.lock();
        store
            .queued_clocks()
            .iter()
            .filter_map(|id| store.next_due(id))
            .min()
    }

    #[cfg(test)]
    /// When the next attempt is due on the clock `clock_id`, in its time.
    pub fn next_due_on(&self, clock_id: &str) -> Option<DateTime<Utc>> {
        self.store.lock().next_due(clock_id)
    }
}
