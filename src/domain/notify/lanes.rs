//! Attempts that are due, waiting their turn to be sent: one lane per app, started round-robin
//! under a per-app and a global bound, so one app's slow or hanging merchant cannot hold up
//! another app's attempts.
//!
//! A waiting attempt is a plain [`Job`] here, not a parked future: ten thousand of them cost
//! ten thousand small records, and only started attempts have a task.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use super::store::Job;

/// The ready attempts of every app and the counts that bound them.
#[derive(Debug)]
pub struct Lanes {
    per_app: usize,
    global: usize,
    apps: HashMap<String, Lane>,
    /// Apps that have a waiting attempt and room to start it, in turn order. An app is in it
    /// at most once (`Lane::in_rotation`).
    rotation: VecDeque<String>,
    /// Scheduled attempts being sent.
    sending: usize,
    /// Redeliveries being sent: outside the lanes and their bounds.
    extra: usize,
    /// Per clock: attempts waiting or being sent, redeliveries included. An advance of a clock
    /// waits for its count to reach 0.
    outstanding: HashMap<Arc<str>, usize>,
    /// Set for shutdown: nothing more starts.
    paused: bool,
}

#[derive(Debug, Default)]
struct Lane {
    waiting: VecDeque<Job>,
    sending: usize,
    in_rotation: bool,
}

impl Lanes {
    /// Lanes that send at most `global` attempts at once, at most `per_app` of one app.
    pub fn new(global: usize, per_app: usize) -> Self {
        Self {
            per_app: per_app.max(1),
            global: global.max(1),
            apps: HashMap::new(),
            rotation: VecDeque::new(),
            sending: 0,
            extra: 0,
            outstanding: HashMap::new(),
            paused: false,
        }
    }

    /// Queues a due attempt behind its app's others.
    pub fn push(&mut self, job: Job) {
        *self.outstanding.entry(Arc::clone(&job.clock)).or_default() += 1;
        let app = job.app_id.clone();
        let lane = self.apps.entry(app.clone()).or_default();
        lane.waiting.push_back(job);
        if !lane.in_rotation && lane.sending < self.per_app {
            lane.in_rotation = true;
            self.rotation.push_back(app);
        }
    }

    /// The next attempt to start, if the global bound has room: the oldest waiting attempt of
    /// the app whose turn it is. The app goes to the back of the rotation.
    pub fn next(&mut self) -> Option<Job> {
        if self.paused || self.sending >= self.global {
            return None;
        }
        while let Some(app) = self.rotation.pop_front() {
            let Some(lane) = self.apps.get_mut(&app) else {
                continue;
            };
            let Some(job) = lane.waiting.pop_front() else {
                lane.in_rotation = false;
                continue;
            };
            lane.sending += 1;
            self.sending += 1;
            if !lane.waiting.is_empty() && lane.sending < self.per_app {
                self.rotation.push_back(app);
            } else {
                lane.in_rotation = false;
            }
            return Some(job);
        }
        None
    }

    /// A started attempt is over; its app may take a turn again. Returns whether this left its
    /// clock with nothing outstanding or nothing at all being sent (someone may wait for that).
    pub fn finish(&mut self, job: &Job) -> bool {
        self.sending = self.sending.saturating_sub(1);
        if let Some(lane) = self.apps.get_mut(&job.app_id) {
            lane.sending = lane.sending.saturating_sub(1);
            if !lane.in_rotation && !lane.waiting.is_empty() && lane.sending < self.per_app {
                lane.in_rotation = true;
                self.rotation.push_back(job.app_id.clone());
            }
            if lane.sending == 0 && lane.waiting.is_empty() && !lane.in_rotation {
                self.apps.remove(&job.app_id);
            }
        }
        self.leave(&job.clock) || self.sending() == 0
    }

    /// A redelivery starts on `clock`: counted as sending and outstanding, bound by nothing.
    pub fn begin_extra(&mut self, clock: &Arc<str>) {
        self.extra += 1;
        *self.outstanding.entry(Arc::clone(clock)).or_default() += 1;
    }

    /// A redelivery is over. Returns what [`Lanes::finish`] does.
    pub fn end_extra(&mut self, clock: &str) -> bool {
        self.extra = self.extra.saturating_sub(1);
        self.leave(clock) || self.sending() == 0
    }

    /// One attempt of `clock` fewer; whether none is left.
    fn leave(&mut self, clock: &str) -> bool {
        match self.outstanding.get_mut(clock) {
            Some(n) if *n > 1 => {
                *n -= 1;
                false
            }
            _ => {
                self.outstanding.remove(clock);
                true
            }
        }
    }

    /// Drops the waiting attempts `drop` picks (their notifications are gone or replaced);
    /// attempts being sent finish on their own.
    pub fn drop_waiting(&mut self, mut drop: impl FnMut(&Job) -> bool) {
        let mut left = Vec::new();
        for lane in self.apps.values_mut() {
            lane.waiting.retain(|job| {
                let dropped = drop(job);
                if dropped {
                    left.push(Arc::clone(&job.clock));
                }
                !dropped
            });
        }
        for clock in left {
            self.leave(&clock);
        }
        let apps = &mut self.apps;
        apps.retain(|_, lane| lane.sending > 0 || !lane.waiting.is_empty());
        self.rotation
            .retain(|app| apps.get(app).is_some_and(|lane| !lane.waiting.is_empty()));
        for lane in apps.values_mut() {
            lane.in_rotation = false;
        }
        for app in &self.rotation {
            if let Some(lane) = apps.get_mut(app) {
                lane.in_rotation = true;
            }
        }
    }

    /// Starts nothing more (shutdown).
    pub fn pause(&mut self) {
        self.paused = true;
    }

    /// Attempts being sent, redeliveries included.
    pub fn sending(&self) -> usize {
        self.sending + self.extra
    }

    /// Attempts of `clock` waiting or being sent.
    pub fn outstanding(&self, clock: &str) -> usize {
        self.outstanding.get(clock).copied().unwrap_or(0)
    }

    #[cfg(test)]
    /// Scheduled attempts of `app` being sent.
    pub fn sending_of(&self, app: &str) -> usize {
        self.apps.get(app).map_or(0, |lane| lane.sending)
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;

    fn job(app: &str, n: usize) -> Job {
        Job {
            id: format!("{app}-{n}"),
            app_id: app.to_owned(),
            callback_url: None,
            scheduled_at: DateTime::UNIX_EPOCH,
            redelivery: false,
            extra: false,
            clock: Arc::from(if app == "C" { "clk_c" } else { "default" }),
        }
    }

    fn filled(global: usize, per_app: usize, apps: &[&str], each: usize) -> Lanes {
        let mut lanes = Lanes::new(global, per_app);
        for app in apps {
            for n in 1..=each {
                lanes.push(job(app, n));
            }
        }
        lanes
    }

    #[test]
    fn apps_take_turns_when_the_global_bound_is_contended() {
        let mut lanes = filled(1, 8, &["A", "B", "C"], 3);
        let mut order = Vec::new();
        while let Some(job) = lanes.next() {
            assert!(lanes.next().is_none(), "one at a time");
            order.push(job.id.clone());
            lanes.finish(&job);
        }
        assert_eq!(
            order,
            [
                "A-1", "B-1", "C-1", "A-2", "B-2", "C-2", "A-3", "B-3", "C-3"
            ]
        );
    }

    #[test]
    fn an_app_never_has_more_than_its_share_in_flight_and_others_still_start() {
        let mut lanes = filled(64, 8, &["A"], 1000);
        let started: Vec<Job> = std::iter::from_fn(|| lanes.next()).collect();
        assert_eq!(started.len(), 8);
        assert_eq!(lanes.sending_of("A"), 8);

        lanes.push(job("B", 1));
        let next = lanes.next().map(|j| j.id);
        assert_eq!(next.as_deref(), Some("B-1"));
        assert!(lanes.next().is_none(), "A is still at its bound");

        lanes.finish(&started[0]);
        assert_eq!(lanes.next().map(|j| j.id).as_deref(), Some("A-9"));
        assert_eq!(lanes.sending_of("A"), 8);
    }

    #[test]
    fn outstanding_attempts_are_counted_per_clock_until_they_finish() {
        let mut lanes = filled(8, 8, &["A", "C"], 2);
        assert_eq!(
            (lanes.outstanding("default"), lanes.outstanding("clk_c")),
            (2, 2)
        );
        let started: Vec<Job> = std::iter::from_fn(|| lanes.next()).collect();
        assert_eq!(lanes.sending(), 4);
        let c: Vec<&Job> = started.iter().filter(|j| j.app_id == "C").collect();
        assert!(!lanes.finish(c[0]));
        assert!(lanes.finish(c[1]), "clk_c has nothing left");
        assert_eq!(lanes.outstanding("default"), 2);
    }

    #[test]
    fn dropped_waiting_attempts_leave_the_rotation_and_the_counts() {
        let mut lanes = filled(1, 8, &["A", "B"], 2);
        lanes.drop_waiting(|j| j.app_id == "A");
        assert_eq!(lanes.outstanding("default"), 2);
        let order: Vec<String> = std::iter::from_fn(|| {
            let job = lanes.next()?;
            lanes.finish(&job);
            Some(job.id)
        })
        .collect();
        assert_eq!(order, ["B-1", "B-2"]);
        assert_eq!(lanes.outstanding("default"), 0);
    }

    #[test]
    fn a_paused_lane_set_starts_nothing() {
        let mut lanes = filled(8, 8, &["A"], 1);
        lanes.pause();
        assert!(lanes.next().is_none());
    }
}
