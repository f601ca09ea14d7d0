//! The state database: a SQLite file (WAL) that every acknowledged change reaches before its
//! answer is sent, so a `kill -9` at any moment loses nothing that was answered.
//!
//! One writer thread owns the connection. Anyone who changed the state asks for a commit
//! ([`Db::request`], a ticket) and may wait for it ([`Db::durable`]). The writer takes every
//! request queued so far and writes, in one transaction, what changed: the stores mark each
//! record they change ([`crate::domain::changes`]), and the writer reads only the marked ones
//! (apps, tokens, authorisations, orders, bills, notifications with their attempts, journal
//! entries, each app's sink receipts), plus the small sections whole (clocks, faults, stubs,
//! counters) of which only rows that differ are written. Then it completes every ticket it
//! covered: many concurrent requests share one commit (group commit). Nothing changed,
//! nothing written. The first commit, and the one after a failed commit, write everything.

mod checkpoint;
mod delta;
#[cfg(test)]
mod delta_tests;
mod relay;
mod rows;
mod sqlite;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use actix_web::web::Data;
use parking_lot::{Condvar, Mutex};
use tokio::sync::{oneshot, watch};

use super::{PersistError, StateFile};
use crate::sandbox::Sandbox;
use checkpoint::{COMMITS_PER_CHECKPOINT, Checkpointer};
use sqlite::DbFile;

/// A database opened at start, before the sandbox is built from what it holds.
#[derive(Debug)]
pub struct OpenDb {
    file: DbFile,
    path: PathBuf,
}

/// Opens (or creates) the database at `path`, with the state it holds (`None` when new).
pub fn open(path: &Path) -> Result<(OpenDb, Option<StateFile>), PersistError> {
    let (file, state) = DbFile::open(path)?;
    Ok((
        OpenDb {
            file,
            path: path.to_owned(),
        },
        state,
    ))
}

/// How far the writer got.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    /// The highest ticket a finished commit attempt covered.
    pub done: u64,
    /// The highest ticket a successful commit covered: every change made before it was asked
    /// for is in the file.
    pub durable: u64,
    /// The last commit's error, when it failed.
    pub error: Option<String>,
    /// Transactions that wrote something.
    pub commits: u64,
    /// Rows inserted, updated or deleted, in total.
    pub rows_written: u64,
}

impl Progress {
    /// How the commit covering `ticket` went, once one was attempted.
    fn outcome(&self, ticket: u64) -> Option<Result<(), String>> {
        if self.durable >= ticket {
            Some(Ok(()))
        } else if self.done >= ticket {
            Some(Err(self.error.clone().unwrap_or_default()))
        } else {
            None
        }
    }
}

#[derive(Debug, Default)]
struct Queue {
    requested: u64,
    stop: bool,
    /// Who waits for which ticket: each is told alone once a commit covers it, so a commit
    /// wakes only the requests it answers.
    waiters: Vec<(u64, oneshot::Sender<Result<(), String>>)>,
}

#[derive(Debug)]
struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
    progress: watch::Sender<Progress>,
}

impl Shared {
    /// Waits until the commit covering `ticket` is done: `Ok` once it is in the file.
    async fn wait(&self, ticket: u64) -> Result<(), String> {
        let answer = {
            let mut queue = self.queue.lock();
            // Read under the lock: the writer publishes its progress before it takes the lock
            // to tell the waiters, so a ticket is either covered here or told there.
            if let Some(outcome) = self.progress.borrow().outcome(ticket) {
                return outcome;
            }
            let (tell, answer) = oneshot::channel();
            queue.waiters.push((ticket, tell));
            answer
        };
        answer
            .await
            .unwrap_or_else(|_| Err("the writer has stopped".into()))
    }
}

/// The running writer of one instance's database.
#[derive(Debug)]
pub struct Db {
    path: PathBuf,
    shared: Arc<Shared>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Db {
    /// Starts the writer of `db` for `state`.
    pub fn start(db: OpenDb, state: Data<Sandbox>) -> Result<Self, PersistError> {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
            progress: watch::channel(Progress::default()).0,
        });
        let writer = Arc::clone(&shared);
        let OpenDb { mut file, path } = db;
        // Before the first commit, which writes everything: what changes from then on is
        // marked.
        delta::track(&state);
        let checkpoints = Checkpointer::start(&path)?;
        let thread = std::thread::Builder::new()
            .name("state-db-writer".into())
            .spawn(move || write_loop(&writer, &mut file, checkpoints, &state))
            .map_err(|source| PersistError::Write {
                path: path.clone(),
                source,
            })?;
        Ok(Self {
            path,
            shared,
            thread: Mutex::new(Some(thread)),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Asks for a commit of everything changed so far; answers the ticket to wait for.
    pub fn request(&self) -> u64 {
        let mut queue = self.shared.queue.lock();
        queue.requested += 1;
        self.shared.wake.notify_one();
        queue.requested
    }

    /// Waits until the commit covering `ticket` is done: `Ok` once it is in the file.
    pub async fn durable(&self, ticket: u64) -> Result<(), PersistError> {
        self.shared.wait(ticket).await.map_err(|e| self.failed(e))
    }

    /// Commits everything changed so far and waits for it.
    pub async fn sync(&self) -> Result<(), PersistError> {
        let ticket = self.request();
        self.durable(ticket).await
    }

    /// [`Self::sync`] for a request served on a server worker thread (which has a tokio
    /// `LocalSet`): the thread's waiting requests are told by one relay task, so a commit
    /// wakes each thread once rather than each request.
    pub(crate) async fn sync_on_worker(&self) -> Result<(), PersistError> {
        let ticket = self.request();
        relay::wait(&self.shared, ticket)
            .await
            .map_err(|e| self.failed(e))
    }

    /// How far the writer got.
    pub fn progress(&self) -> Progress {
        self.shared.progress.borrow().clone()
    }

    /// Asks for a commit each time `changes` moves: what background work (deliveries, the
    /// payer) changed is committed promptly, without anyone waiting for it.
    pub fn follow(self: &Arc<Self>, mut changes: watch::Receiver<u64>) {
        let db = Arc::downgrade(self);
        tokio::spawn(async move {
            while changes.changed().await.is_ok() {
                match db.upgrade() {
                    Some(db) => db.request(),
                    None => break,
                };
            }
        });
    }

    /// Stops the writer once the queued requests are committed, and waits for it.
    pub fn close(&self) {
        {
            let mut queue = self.shared.queue.lock();
            queue.stop = true;
            self.shared.wake.notify_one();
        }
        if let Some(thread) = self.thread.lock().take() {
            let _ = thread.join();
        }
    }

    fn failed(&self, reason: String) -> PersistError {
        PersistError::Database {
            path: self.path.clone(),
            reason,
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        self.close();
    }
}

/// How often the request journal is written at most: it is best-effort, and at thousands of
/// requests a second most entries are gone (past `--journal-retention`) before a second is
/// over, so they are never written at all.
const JOURNAL_EVERY: Duration = Duration::from_secs(1);

fn write_loop(shared: &Shared, file: &mut DbFile, checkpoints: Checkpointer, state: &Sandbox) {
    let keep_generator = state.config.seed.is_some();
    let mut commits_since_checkpoint = 0;
    let mut checkpoints_seen = 0;
    // The first commit, and the one after a failed commit (whose marks are spent), write the
    // whole state; the others only what the stores marked.
    let mut whole = true;
    let mut journal_at = Instant::now();
    let mut sections = delta::SmallSections::default();
    loop {
        let (target, last) = {
            let mut queue = shared.queue.lock();
            loop {
                let done = shared.progress.borrow().done;
                if queue.requested > done {
                    break (queue.requested, false);
                }
                if queue.stop {
                    // The journal's last entries, then stop.
                    break (done, true);
                }
                let idle = shared.wake.wait_for(&mut queue, JOURNAL_EVERY);
                if idle.timed_out() && state.journal.has_changes() {
                    break (done, false);
                }
            }
        };
        // No waiting for more requests to join: those that come in while this commit is
        // written make the next one. (Waiting 40 µs for more, as PostgreSQL's `commit_delay`
        // does, lowered the token endpoint's throughput under 32 connections, 32 k against
        // 37 k req/s in alternating runs: the machine idled while every connection waited.)
        let with_journal = last || journal_at.elapsed() >= JOURNAL_EVERY;
        // Read after the ticket is taken: every change made before `target` was asked for is
        // in this capture.
        let tables = if whole {
            // What the small sections were last compared with may not be what this writes.
            sections = delta::SmallSections::default();
            delta::whole_tables(state, keep_generator, &|t, k| file.holds(t, k))
        } else {
            delta::changed_tables_since(state, keep_generator, with_journal, &mut sections)
        };
        if with_journal || whole {
            journal_at = Instant::now();
        }
        let result = file.write(tables);
        whole = result.is_err();
        if let Err(e) = &result {
            tracing::error!(error = %e, "cannot commit to the state database");
        }
        if matches!(result, Ok(w) if w.upserts + w.deletes > 0) {
            commits_since_checkpoint += 1;
        }
        shared.progress.send_modify(|p| {
            p.done = p.done.max(target);
            match result {
                Ok(written) => {
                    p.durable = p.durable.max(target);
                    p.error = None;
                    let rows = (written.upserts + written.deletes) as u64;
                    p.commits += u64::from(rows > 0);
                    p.rows_written += rows;
                }
                Err(e) => p.error = Some(e.to_string()),
            }
        });
        tell_waiters(shared);
        if last {
            return;
        }
        // After the answers: a checkpoint's copying never delays them.
        let passes = checkpoints.passes();
        if passes > checkpoints_seen {
            checkpoints_seen = passes;
            commits_since_checkpoint = 0;
            if let Err(e) = file.catch_up() {
                tracing::warn!(error = %e, "checkpoint of the state database failed");
            }
        } else if commits_since_checkpoint >= COMMITS_PER_CHECKPOINT && !checkpoints.busy() {
            checkpoints.ask();
        }
    }
}

/// Tells every waiter whose ticket the last commit covered how it went.
fn tell_waiters(shared: &Shared) {
    let progress = shared.progress.borrow().clone();
    let covered: Vec<_> = {
        let mut queue = shared.queue.lock();
        let (covered, waiting) = std::mem::take(&mut queue.waiters)
            .into_iter()
            .partition(|(ticket, _)| progress.outcome(*ticket).is_some());
        queue.waiters = waiting;
        covered
    };
    for (ticket, tell) in covered {
        if let Some(outcome) = progress.outcome(ticket) {
            let _ = tell.send(outcome);
        }
    }
}
