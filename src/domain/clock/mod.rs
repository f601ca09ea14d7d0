//! The sandbox clock: the only place that reads the wall clock.
//!
//! Token expiry, timestamp windows, notification times and the retry schedule all ask this clock,
//! so a test can move time forward (or freeze it) and see every time-based rule follow.

pub use crate::api::clock::ClockView;
pub use crate::protocol::timefmt::BEIJING;
use std::sync::Arc;

mod registry;
pub use registry::{ClockError, Clocks, DEFAULT_CLOCK};

use chrono::{DateTime, Duration, Utc};
use parking_lot::Mutex;
use tokio::sync::watch;

/// Where "real" time comes from. The default reads the system clock; tests of the clock itself
/// can substitute a fixed source.
pub trait TimeSource: Send + Sync + 'static {
    /// The current wall-clock time.
    fn wall_now(&self) -> DateTime<Utc>;
}

/// Reads the operating system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemTime;

impl TimeSource for SystemTime {
    fn wall_now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

#[derive(Debug, Clone, Copy)]
enum Mode {
    /// Sandbox time = wall time + offset.
    Running { offset: Duration },
    /// Sandbox time stands still at this instant until advanced or unfrozen.
    Frozen { at: DateTime<Utc> },
}

/// The injectable sandbox clock: system time plus an offset, or frozen. Advancing it moves
/// sandbox time forward at once, whether it runs or stands still.
///
/// Every clock has an id (`default` for the instance's own) and may have a name. Clocks made by
/// one [`Clocks`] registry share their time source and their change announcements.
pub struct Clock {
    id: String,
    name: Option<String>,
    source: Arc<dyn TimeSource>,
    mode: Mutex<Mode>,
    changed: Arc<watch::Sender<u64>>,
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clock")
            .field("id", &self.id)
            .field("mode", &*self.mode.lock())
            .finish()
    }
}

impl Clock {
    /// A clock that follows the system clock with no offset.
    pub fn system() -> Self {
        Self::with_source(Box::new(SystemTime))
    }

    /// A clock over any time source.
    pub fn with_source(source: Box<dyn TimeSource>) -> Self {
        Self {
            id: DEFAULT_CLOCK.to_owned(),
            name: None,
            source: Arc::from(source),
            mode: Mutex::new(Mode::Running {
                offset: Duration::zero(),
            }),
            changed: Arc::new(watch::channel(0).0),
        }
    }

    /// A sibling of this clock: same time source and change announcements, its own id, name
    /// and time.
    pub(crate) fn sibling(&self, id: String, name: Option<String>) -> Self {
        Self {
            id,
            name,
            source: Arc::clone(&self.source),
            mode: Mutex::new(Mode::Running {
                offset: Duration::zero(),
            }),
            changed: Arc::clone(&self.changed),
        }
    }

    /// The clock's id (`default` for the instance's own clock).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The name it was given, if any.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The current sandbox time.
    pub fn now(&self) -> DateTime<Utc> {
        match *self.mode.lock() {
            Mode::Running { offset } => self.source.wall_now() + offset,
            Mode::Frozen { at } => at,
        }
    }

    /// Whether the clock stands still.
    pub fn is_frozen(&self) -> bool {
        matches!(*self.mode.lock(), Mode::Frozen { .. })
    }

    #[cfg(test)]
    /// Moves sandbox time forward (or back, for a negative duration) by `by`.
    pub fn advance(&self, by: Duration) -> DateTime<Utc> {
        let now = {
            let mut mode = self.mode.lock();
            *mode = match *mode {
                Mode::Running { offset } => Mode::Running {
                    offset: offset + by,
                },
                Mode::Frozen { at } => Mode::Frozen { at: at + by },
            };
            self.read(*mode)
        };
        self.notify();
        now
    }

    /// Sets sandbox time and/or whether it stands still. `None` keeps the current value.
    pub fn set(&self, now: Option<DateTime<Utc>>, frozen: Option<bool>) -> DateTime<Utc> {
        let result = {
            let mut mode = self.mode.lock();
            let target = now.unwrap_or_else(|| self.read(*mode));
            let frozen = frozen.unwrap_or(matches!(*mode, Mode::Frozen { .. }));
            *mode = if frozen {
                Mode::Frozen { at: target }
            } else {
                Mode::Running {
                    offset: target - self.source.wall_now(),
                }
            };
            self.read(*mode)
        };
        self.notify();
        result
    }

    /// Back to wall time, running, no offset.
    pub fn reset(&self) {
        *self.mode.lock() = Mode::Running {
            offset: Duration::zero(),
        };
        self.notify();
    }

    /// A snapshot for the control API.
    pub fn view(&self) -> ClockView {
        let mode = *self.mode.lock();
        let now = self.read(mode);
        ClockView {
            id: self.id.clone(),
            name: self.name.clone(),
            now,
            offset_seconds: (now - self.source.wall_now()).num_seconds(),
            frozen: matches!(mode, Mode::Frozen { .. }),
        }
    }

    /// A receiver that is told whenever the clock — or another clock of its registry — is moved
    /// or set, so background workers can re-plan what is due.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    fn read(&self, mode: Mode) -> DateTime<Utc> {
        match mode {
            Mode::Running { offset } => self.source.wall_now() + offset,
            Mode::Frozen { at } => at,
        }
    }

    fn notify(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// How the clock stands, for saving and restoring it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockMode {
    /// Sandbox time = wall time + offset.
    Running {
        /// Sandbox time minus wall time.
        offset: Duration,
    },
    /// Sandbox time stands still at this instant.
    Frozen {
        /// The instant.
        at: DateTime<Utc>,
    },
}

impl Clock {
    /// How the clock stands now.
    pub fn mode(&self) -> ClockMode {
        match *self.mode.lock() {
            Mode::Running { offset } => ClockMode::Running { offset },
            Mode::Frozen { at } => ClockMode::Frozen { at },
        }
    }

    /// Puts the clock back as [`Clock::mode`] described it. A running clock keeps its offset,
    /// so the time it was stopped counts in sandbox time too.
    pub fn restore(&self, mode: ClockMode) {
        *self.mode.lock() = match mode {
            ClockMode::Running { offset } => Mode::Running { offset },
            ClockMode::Frozen { at } => Mode::Frozen { at },
        };
        self.notify();
    }

    /// Wall-clock time from the clock's source (for records such as a state file's `savedAt`).
    pub fn wall_now(&self) -> DateTime<Utc> {
        self.source.wall_now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicI64, Ordering};

    #[test]
    fn an_advanced_system_clock_is_at_least_that_much_later() {
        let clock = Clock::system();
        let before = clock.now();
        clock.advance(Duration::seconds(3601));
        assert!(clock.now() - before >= Duration::seconds(3601));
    }

    struct Fixed(Arc<AtomicI64>);
    impl TimeSource for Fixed {
        fn wall_now(&self) -> DateTime<Utc> {
            DateTime::from_timestamp(self.0.load(Ordering::SeqCst), 0).unwrap_or_default()
        }
    }

    fn fixed(at: i64) -> (Clock, Arc<AtomicI64>) {
        let wall = Arc::new(AtomicI64::new(at));
        (Clock::with_source(Box::new(Fixed(wall.clone()))), wall)
    }

    #[test]
    fn a_running_clock_follows_wall_time_plus_its_offset() {
        let (clock, wall) = fixed(1_000_000);
        clock.advance(Duration::seconds(60));
        wall.fetch_add(5, Ordering::SeqCst);
        assert_eq!(clock.now().timestamp(), 1_000_065);
        assert_eq!(clock.view().offset_seconds, 60);
    }

    #[test]
    fn a_frozen_clock_ignores_wall_time_but_can_be_advanced() {
        let (clock, wall) = fixed(1_000_000);
        let at = DateTime::from_timestamp(2_000_000, 0).unwrap_or_default();
        clock.set(Some(at), Some(true));
        wall.fetch_add(100, Ordering::SeqCst);
        assert_eq!(clock.now(), at);
        clock.advance(Duration::seconds(10));
        assert_eq!(clock.now().timestamp(), 2_000_010);
    }

    #[test]
    fn unfreezing_continues_from_the_frozen_instant() {
        let (clock, wall) = fixed(1_000_000);
        clock.set(None, Some(true));
        wall.fetch_add(100, Ordering::SeqCst);
        clock.set(None, Some(false));
        assert_eq!(clock.now().timestamp(), 1_000_000);
        assert!(!clock.is_frozen());
    }

    #[test]
    fn a_clock_restored_from_its_mode_keeps_its_offset_or_its_frozen_instant() {
        let (saved, _) = fixed(1_000_000);
        saved.advance(Duration::seconds(60));
        let (restored, _) = fixed(1_000_500);
        restored.restore(saved.mode());
        assert_eq!(restored.now().timestamp(), 1_000_560, "downtime passes");
        let at = DateTime::from_timestamp(2_000_000, 0).unwrap_or_default();
        saved.set(Some(at), Some(true));
        restored.restore(saved.mode());
        assert_eq!((restored.now(), restored.is_frozen()), (at, true));
    }

    #[test]
    fn every_change_is_announced_to_subscribers() {
        let (clock, _) = fixed(0);
        let mut rx = clock.subscribe();
        clock.advance(Duration::seconds(1));
        assert!(rx.has_changed().unwrap_or(false));
        rx.mark_unchanged();
        clock.set(None, Some(true));
        assert!(rx.has_changed().unwrap_or(false));
    }
}
