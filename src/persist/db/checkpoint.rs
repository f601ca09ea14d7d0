//! Checkpoints in the background. A WAL checkpoint copies the committed pages into the
//! database file and syncs both files: the costliest step of writing, and one that would
//! otherwise hold up, on the writer thread, every answer waiting for a commit. A thread of its
//! own, with its own connection, copies and syncs while the writer goes on committing; the
//! writer then copies the few pages committed meanwhile itself (see
//! [`super::sqlite::DbFile::catch_up`]), so that its next commit starts the log again from its
//! beginning and the log stays small.

use std::path::Path;
use std::sync::Arc;
use std::thread::JoinHandle;

use parking_lot::{Condvar, Mutex};
use rusqlite::Connection;

use crate::persist::PersistError;

/// Commits between two background checkpoints: about 1 000 pages of log at a few pages per
/// commit, SQLite's own default.
pub(super) const COMMITS_PER_CHECKPOINT: u64 = 250;

#[derive(Debug, Default)]
struct State {
    asked: bool,
    stop: bool,
    /// Checkpoints finished.
    passes: u64,
}

#[derive(Debug, Default)]
struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

/// The checkpoint thread of one database.
#[derive(Debug)]
pub(super) struct Checkpointer {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread, with a connection of its own to the database at `path`.
    pub fn start(path: &Path) -> Result<Self, PersistError> {
        let fail = |e: rusqlite::Error| PersistError::Database {
            path: path.to_owned(),
            reason: e.to_string(),
        };
        let conn = Connection::open(path).map_err(fail)?;
        conn.execute_batch(
            "PRAGMA wal_autocheckpoint = 0; PRAGMA synchronous = NORMAL; \
             PRAGMA busy_timeout = 5000;",
        )
        .map_err(fail)?;
        let shared = Arc::new(Shared::default());
        let worker = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("state-db-checkpoint".into())
            .spawn(move || run(&worker, &conn))
            .map_err(|source| PersistError::Write {
                path: path.to_owned(),
                source,
            })?;
        Ok(Self {
            shared,
            thread: Some(thread),
        })
    }

    /// Asks for a checkpoint (one already asked for or running covers it).
    pub fn ask(&self) {
        self.shared.state.lock().asked = true;
        self.shared.wake.notify_one();
    }

    /// How many checkpoints have finished.
    pub fn passes(&self) -> u64 {
        self.shared.state.lock().passes
    }

    /// Whether one is asked for or running.
    pub fn busy(&self) -> bool {
        self.shared.state.lock().asked
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.shared.state.lock().stop = true;
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(shared: &Shared, conn: &Connection) {
    loop {
        {
            let mut state = shared.state.lock();
            while !state.asked && !state.stop {
                shared.wake.wait(&mut state);
            }
            if state.stop {
                return;
            }
        }
        // PASSIVE: copies what it can without waiting for the writer, which goes on.
        let result = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        if let Err(e) = result {
            tracing::warn!(error = %e, "background checkpoint of the state database failed");
        }
        let mut state = shared.state.lock();
        state.asked = false;
        state.passes += 1;
    }
}
