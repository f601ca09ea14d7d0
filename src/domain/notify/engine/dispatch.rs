//! Sending due attempts in real time: the dispatcher takes what is due on each clock into the
//! app lanes, and started attempts run as tasks that start the next ones when they finish.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use super::NotifyEngine;
use crate::domain::notify::store::Job;

/// How long the dispatcher sleeps when nothing is planned on a running clock; any change wakes
/// it sooner.
const IDLE: StdDuration = StdDuration::from_secs(3600);

/// Counts an attempt as over when dropped, even if its task is cancelled mid-way (shutdown), so
/// no advance or drain waits for it forever.
struct Sending<'a> {
    engine: &'a NotifyEngine,
    job: &'a Job,
    redelivery: bool,
}

impl Drop for Sending<'_> {
    fn drop(&mut self) {
        let quiet = {
            let mut lanes = self.engine.lanes.lock();
            if self.redelivery {
                lanes.end_extra(&self.job.clock)
            } else {
                lanes.finish(self.job)
            }
        };
        if quiet {
            self.engine.quieted();
        }
    }
}

impl NotifyEngine {
    /// Takes every attempt due on `clock` at `now` into the app lanes (marking them in flight)
    /// and exhausts what reached its give-up time. Returns both counts. The caller holds the
    /// clock's turn and starts the attempts ([`NotifyEngine::pump`]).
    pub(super) fn take_due(&self, clock: &str, now: DateTime<Utc>) -> (usize, usize) {
        self.update(|store| {
            let (jobs, exhausted) = store.take_due(clock, now);
            if exhausted > 0 {
                store.enforce_retention(self.retention);
            }
            let taken = jobs.len();
            if taken > 0 {
                // Under the store lock, so a reset or restore cannot slip between the two.
                let mut lanes = self.lanes.lock();
                for job in jobs {
                    lanes.push(job);
                }
            }
            (taken, exhausted)
        })
    }

    /// Starts waiting attempts while the bounds allow, apps taking turns. Each runs as its own
    /// task (only started attempts have one) and pumps again when it is over.
    pub(super) fn pump(self: &Arc<Self>) {
        loop {
            let Some(job) = self.lanes.lock().next() else {
                return;
            };
            let engine = Arc::clone(self);
            tokio::spawn(async move {
                {
                    let _sending = Sending {
                        engine: &engine,
                        job: &job,
                        redelivery: false,
                    };
                    engine.attempt(&job).await;
                }
                engine.pump();
            });
        }
    }

    /// Sends one redelivery now, outside the lanes: it counts as in flight (and as outstanding
    /// on its clock) but is bound neither by the app's share nor by the global bound — it is
    /// one manual attempt, which the caller waits for. It runs as a task so that a caller that
    /// gives up waiting does not cut the attempt short.
    pub(super) async fn send_now(self: &Arc<Self>, job: Job) {
        self.lanes.lock().begin_extra(&job.clock);
        let engine = Arc::clone(self);
        let task = tokio::spawn(async move {
            let _sending = Sending {
                engine: &engine,
                job: &job,
                redelivery: true,
            };
            engine.attempt(&job).await;
        });
        let _ = task.await;
    }

    /// Serves every clock in real time until `shutdown` turns true: takes what is due on each
    /// clock, then sleeps until the earliest next due time of a running clock (a frozen clock
    /// never makes anything due by itself), new work, a clock change or the shutdown.
    pub async fn run_dispatcher(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        let mut clock_changes = self.deps.clocks.subscribe();
        loop {
            if *shutdown.borrow() {
                break;
            }
            // Cleared before the queues are read: a change after this point wakes us again.
            self.wake_pending.store(false, Ordering::Release);
            clock_changes.mark_unchanged();
            let wait = self.dispatch_once();
            self.pump();
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.wake.notified() => {}
                _ = clock_changes.changed() => {}
                // A dropped sender means nobody can stop us any more: stop now.
                changed = shutdown.changed() => if changed.is_err() { break },
            }
        }
    }

    /// One look at every clock with something queued: takes what is due now, skipping a clock
    /// whose turn an advance holds (it takes them itself). Returns how long until something
    /// is due on a running clock.
    fn dispatch_once(&self) -> StdDuration {
        let mut wait = IDLE;
        let queued = self.store.lock().queued_clocks();
        for id in queued {
            // A clock deleted under queue entries (only stale ones, normally) is read as the
            // default clock, as `Clocks::of_app` reads an app on a missing clock.
            let clock = self
                .deps
                .clocks
                .get(&id)
                .unwrap_or_else(|| Arc::clone(self.deps.clocks.default_clock()));
            let turn = self.turn(&id);
            let Ok(_turn) = turn.try_lock() else {
                continue;
            };
            self.take_due(&id, clock.now());
            if clock.is_frozen() {
                continue;
            }
            if let Some(at) = self.store.lock().next_due(&id) {
                let until = (at - clock.now()).to_std().unwrap_or(StdDuration::ZERO);
                wait = wait.min(until);
            }
        }
        wait
    }

    /// Waits until nothing of `clock` is waiting or being sent.
    pub(super) async fn idle_on(&self, clock: &str) {
        let mut rx = self.quiet.subscribe();
        while self.lanes.lock().outstanding(clock) > 0 {
            if rx.changed().await.is_err() {
                return;
            }
        }
    }

    /// Waits until no attempt is being sent.
    pub(super) async fn idle(&self) {
        let mut rx = self.quiet.subscribe();
        while self.lanes.lock().sending() > 0 {
            if rx.changed().await.is_err() {
                return;
            }
        }
    }
}
