//! Saving a running sandbox: periodically in the background, and once more at shutdown.

use std::path::{Path, PathBuf};
use std::time::Duration;

use actix_web::web::Data;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use tokio::sync::watch;
use tokio::time::{Instant, MissedTickBehavior};

use super::{ClockState, PersistError, StateFile, capture, save};
use crate::sandbox::Sandbox;

/// Longest wait for deliveries in flight at shutdown, whatever the timeouts: with the HTTP
/// servers' 3 s grace before it, a stop ends within 8 s (Docker's grace is 10 s).
pub const MAX_DRAIN: Duration = Duration::from_secs(4);

/// How long a shutdown waits for attempts in flight: the longest per-attempt timeout of any app
/// (or of the defaults), with a little room to record the result, at most 4 s. An attempt
/// still in flight after that is saved as planned and made again after the restart.
pub fn drain_bound(state: &Sandbox) -> Duration {
    let longest = state
        .apps
        .list()
        .iter()
        .map(|a| a.notify.timeout_ms)
        .chain([state.config.notify_defaults.timeout_ms])
        .max()
        .unwrap_or(0);
    (Duration::from_millis(longest) + Duration::from_millis(500)).min(MAX_DRAIN)
}

/// A digest of what `file` says of the state, leaving out what differs at every capture of the
/// same state: the time of the save, a fresh random seed (without `--seed`), a frozen clock's
/// distance from wall time and a running clock's current time. `file` is left as it was.
fn steady_digest(file: &mut StateFile) -> Option<[u8; 32]> {
    fn steady(clock: &mut ClockState) {
        if clock.frozen {
            clock.offset_ms = 0;
        } else {
            clock.now = DateTime::<Utc>::UNIX_EPOCH;
        }
    }
    let kept = (
        file.saved_at.take(),
        file.generator.take(),
        file.clock,
        file.clocks.iter().map(|c| c.state).collect::<Vec<_>>(),
    );
    file.clock.as_mut().map(steady);
    file.clocks.iter_mut().for_each(|c| steady(&mut c.state));
    let digest = serde_json::to_vec(&*file)
        .ok()
        .map(|bytes| <[u8; 32]>::from(Sha256::digest(bytes)));
    (file.saved_at, file.generator, file.clock) = (kept.0, kept.1, kept.2);
    for (c, state) in file.clocks.iter_mut().zip(kept.3) {
        c.state = state;
    }
    digest
}

/// Saves one sandbox to one file, one save at a time.
#[derive(Debug)]
pub struct Saver {
    path: PathBuf,
    turn: tokio::sync::Mutex<()>,
    saves: watch::Sender<u64>,
    /// A digest of what the last save wrote (its time and generator seed left out): an unchanged state is not
    /// written again, so an idle sandbox does not write.
    written: parking_lot::Mutex<Option<[u8; 32]>>,
}

impl Saver {
    /// A saver for `path`.
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            turn: tokio::sync::Mutex::new(()),
            saves: watch::channel(0).0,
            written: parking_lot::Mutex::new(None),
        }
    }

    /// The state file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Counts completed saves, so a caller can wait for the next one.
    #[cfg(test)]
    pub fn saves(&self) -> watch::Receiver<u64> {
        self.saves.subscribe()
    }

    /// Captures the state now and writes it (off the async threads), unless it is what the
    /// last save wrote.
    pub async fn save(&self, state: &Sandbox) -> Result<(), PersistError> {
        let _turn = self.turn.lock().await;
        let mut file = capture(state);
        let digest = steady_digest(&mut file);
        if digest.is_some() && *self.written.lock() == digest {
            self.saves.send_modify(|n| *n += 1);
            return Ok(());
        }
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || save(&path, &file))
            .await
            .map_err(|e| PersistError::Write {
                path: self.path.clone(),
                source: std::io::Error::other(e),
            })??;
        *self.written.lock() = digest;
        self.saves.send_modify(|n| *n += 1);
        Ok(())
    }

    /// Saves every `every` until `shutdown` turns true. A failed save is logged and tried
    /// again at the next tick; the final save at shutdown is the caller's.
    pub async fn run_periodic(
        &self,
        state: Data<Sandbox>,
        every: Duration,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let mut ticks = tokio::time::interval_at(Instant::now() + every, every);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            if *shutdown.borrow() {
                break;
            }
            tokio::select! {
                _ = ticks.tick() => {
                    if let Err(e) = self.save(&state).await {
                        tracing::error!(error = %e, "periodic save of the state file failed");
                    }
                }
                changed = shutdown.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
            }
        }
    }
}
