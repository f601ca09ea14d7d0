//! Sending due attempts: in real time (the dispatcher), or step by step as the clock is
//! advanced (`advance`, `deliver_due`); one more attempt on demand (`redeliver`); and waiting
//! for a notification's outcome.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use futures_util::future::join_all;
use tokio::sync::watch;

use super::NotifyEngine;
use crate::api::notification::Notification;
use crate::domain::notify::store::Job;

/// What an advance of the clock set off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdvanceReport {
    /// Delivery attempts made.
    pub attempts: usize,
    /// Notifications that reached their give-up time.
    pub exhausted: usize,
}

/// Why a redelivery could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedeliverError {
    /// No notification has this id.
    #[error("no notification with id {0}")]
    NotFound(String),
    /// Neither the notification, the request nor the app names a callback URL.
    #[error("notification {0} has no callback URL: set the app's callbackUrl or pass one")]
    NoCallbackUrl(String),
}

impl NotifyEngine {
    fn take_due(&self, now: DateTime<Utc>) -> (Vec<Job>, usize) {
        let (jobs, exhausted) = self.store.lock().take_due(now);
        if !jobs.is_empty() {
            self.busy.send_modify(|b| *b += jobs.len());
        }
        if exhausted > 0 {
            self.store.lock().enforce_retention(self.retention);
            self.touch();
        }
        (jobs, exhausted)
    }

    /// Sends the jobs concurrently (bounded) and records each result.
    async fn run_jobs(&self, jobs: Vec<Job>) {
        join_all(jobs.into_iter().map(|job| self.run_job(job))).await;
    }

    async fn run_job(&self, job: Job) {
        self.attempt(&job).await;
        self.busy.send_modify(|b| *b = b.saturating_sub(1));
    }

    /// Moves the clock forward by `by`, making every attempt that falls due on the way — retries
    /// included — at its own sandbox time, in due order, before returning.
    pub async fn advance(&self, clock_id: &str, by: Duration) -> AdvanceReport {
        let Some(clock) = self.deps.clocks.get(clock_id) else {
            return AdvanceReport::default();
        };
        let _turn = self.dispatch.lock().await;
        self.idle().await;
        let target = clock.now() + by;
        let mut report = AdvanceReport::default();
        loop {
            let next = self.store.lock().next_due();
            let Some(at) = next.filter(|at| *at <= target) else {
                break;
            };
            if at > clock.now() {
                clock.set(Some(at), None);
            }
            let (jobs, exhausted) = self.take_due(clock.now());
            report.attempts += jobs.len();
            report.exhausted += exhausted;
            self.run_jobs(jobs).await;
        }
        if target > clock.now() {
            clock.set(Some(target), None);
        }
        report
    }

    #[cfg(test)]
    /// Makes every attempt due now (by sandbox time) and waits for their results: one step of
    /// what the dispatcher does in real time, for tests and for callers that drive the engine
    /// themselves.
    pub async fn deliver_due(&self) -> AdvanceReport {
        let _turn = self.dispatch.lock().await;
        let (jobs, exhausted) = self.take_due(self.deps.clocks.default_clock().now());
        let report = AdvanceReport {
            attempts: jobs.len(),
            exhausted,
        };
        self.run_jobs(jobs).await;
        report
    }

    #[cfg(test)]
    /// When the next attempt is due, if any is planned.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        self.store.lock().next_due()
    }

    /// Waits until no attempt is being sent.
    pub(super) async fn idle(&self) {
        let mut rx = self.busy.subscribe();
        let _ = rx.wait_for(|busy| *busy == 0).await;
    }

    /// Makes one more attempt now, outside the ladder, and returns the notification after it.
    pub async fn redeliver(
        &self,
        id: &str,
        callback_url: Option<String>,
    ) -> Result<Notification, RedeliverError> {
        let mut job = {
            let mut store = self.store.lock();
            let n = store
                .get(id)
                .ok_or_else(|| RedeliverError::NotFound(id.to_owned()))?;
            let now = self.deps.clocks.of_app(&n.app_id).now();
            let has_url = callback_url.is_some()
                || n.callback_url.is_some()
                || self
                    .deps
                    .apps
                    .get(&n.app_id)
                    .is_some_and(|a| a.callback_url.is_some());
            if !has_url {
                return Err(RedeliverError::NoCallbackUrl(id.to_owned()));
            }
            store
                .start(id, now, true)
                .ok_or_else(|| RedeliverError::NotFound(id.to_owned()))?
        };
        if callback_url.is_some() {
            job.callback_url = callback_url;
        }
        self.busy.send_modify(|b| *b += 1);
        self.run_job(job).await;
        self.get(id)
            .ok_or_else(|| RedeliverError::NotFound(id.to_owned()))
    }

    /// Waits (in real time, up to `timeout`) until the notification satisfies `done`. Returns
    /// whether it did, with the notification as it stands; `None` if it does not exist.
    pub async fn wait_until(
        &self,
        id: &str,
        done: impl Fn(&Notification) -> bool,
        timeout: StdDuration,
    ) -> Option<(bool, Notification)> {
        let mut rx = self.changed.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            rx.mark_unchanged();
            let n = self.get(id)?;
            if done(&n) {
                return Some((true, n));
            }
            match tokio::time::timeout_at(deadline, rx.changed()).await {
                Ok(Ok(())) => continue,
                _ => return self.get(id).map(|n| (done(&n), n)),
            }
        }
    }

    /// Sends due attempts in real time until `shutdown` turns true.
    pub async fn run_dispatcher(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        let engine = &self;
        let clock = self.deps.clocks.default_clock().clone();
        let mut clock_changes = clock.subscribe();
        loop {
            if *shutdown.borrow() {
                break;
            }
            // Cleared before the queue is read: a change after this point wakes us again.
            engine.wake_pending.store(false, Ordering::Release);
            let jobs = {
                let _turn = engine.dispatch.lock().await;
                engine.take_due(clock.now()).0
            };
            if !jobs.is_empty() {
                let engine = Arc::clone(engine);
                tokio::spawn(async move { engine.run_jobs(jobs).await });
            }
            let next = engine.store.lock().next_due();
            let wait = match next {
                Some(at) if !clock.is_frozen() => {
                    (at - clock.now()).to_std().unwrap_or(StdDuration::ZERO)
                }
                _ => StdDuration::from_secs(3600),
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = engine.wake.notified() => {}
                _ = clock_changes.changed() => {}
                _ = shutdown.changed() => {}
            }
        }
    }
}
