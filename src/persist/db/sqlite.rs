//! The database file: its schema, reading it whole at start, and writing only the rows that
//! changed since the last commit.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use super::delta::{Delta, Table};
use super::rows::{Row, Stored, TABLES, TableRows, from_rows};
use crate::persist::{PersistError, StateFile};

/// The schema version this build writes (`PRAGMA user_version`).
const SCHEMA: i64 = 1;

/// An open database and what its rows hold, so that a commit writes only what differs.
#[derive(Debug)]
pub(super) struct DbFile {
    path: PathBuf,
    conn: Connection,
    /// Per table, the hash of every row's app and body, by key.
    known: HashMap<&'static str, HashMap<String, u64>>,
    /// The last change number given out: rows changed later get higher ones.
    last_change: i64,
}

/// What a commit wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Written {
    /// Rows inserted or updated.
    pub upserts: usize,
    /// Rows deleted.
    pub deletes: usize,
}

/// Whether `table` keeps its rows by key alone (`WITHOUT ROWID`), in one tree instead of a
/// table and an index beside it. The tokens table: its rows are small, one per slot of an
/// app's live tokens, each rewritten with its change number whenever a new token takes the
/// slot, so the order of change numbers is the order the tokens were issued in. A commit of
/// tokens then changes one page instead of two.
fn by_key(table: &str) -> bool {
    table == "tokens"
}

/// The fingerprint of a row whose body was not hashed: a whole write writes it again.
const UNKNOWN: u64 = 0;

fn fingerprint(row: &Row) -> u64 {
    let mut h = DefaultHasher::new();
    row.app_id.hash(&mut h);
    row.body.hash(&mut h);
    h.finish()
}

fn db_error(path: &Path, e: impl std::fmt::Display) -> PersistError {
    PersistError::Database {
        path: path.to_owned(),
        reason: e.to_string(),
    }
}

impl DbFile {
    /// Whether the row `key` of `table` is in the file.
    pub fn holds(&self, table: &str, key: &str) -> bool {
        self.known
            .get(table)
            .is_some_and(|rows| rows.contains_key(key))
    }

    /// Opens (or creates) the database at `path`; with the state it holds, `None` when it is
    /// new.
    pub fn open(path: &Path) -> Result<(Self, Option<StateFile>), PersistError> {
        let fail = |e: rusqlite::Error| db_error(path, e);
        let conn = Connection::open(path).map_err(fail)?;
        // WAL: readers (a `sqlite3` shell) never block the writer, and a commit is one append.
        // `synchronous = NORMAL`: a commit is in the file (the OS's cache) when it returns, so
        // it survives a kill of the process; a power cut may lose the last commits, not the
        // file. No automatic checkpoint: the writer has them made in the background
        // (`checkpoint.rs`).
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; \
             PRAGMA wal_autocheckpoint = 0;",
        )
        .map_err(fail)?;
        // Two statements per table (write a row, delete one), all kept prepared: parsing SQL
        // again on every commit would cost more than the commit's rows.
        conn.set_prepared_statement_cache_capacity(4 * TABLES.len() + 3);
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(fail)?;
        if version > SCHEMA {
            return Err(PersistError::FutureVersion {
                path: path.to_owned(),
                version: version as u64,
            });
        }
        let mut schema = String::from("BEGIN;");
        for table in TABLES {
            schema.push_str(&format!(
                "CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY NOT NULL, \
                 app_id TEXT, changed INTEGER NOT NULL, body TEXT NOT NULL){};",
                if by_key(table) { " WITHOUT ROWID" } else { "" }
            ));
        }
        schema.push_str(&format!("PRAGMA user_version = {SCHEMA}; COMMIT;"));
        conn.execute_batch(&schema).map_err(fail)?;
        let mut file = Self {
            path: path.to_owned(),
            conn,
            known: HashMap::new(),
            last_change: 0,
        };
        let state = file.read()?;
        Ok((file, state))
    }

    /// Reads every table; `None` when the database holds no state yet.
    fn read(&mut self) -> Result<Option<StateFile>, PersistError> {
        let fail = |e: rusqlite::Error| db_error(&self.path, e);
        let mut tables = BTreeMap::new();
        for table in TABLES {
            let mut stmt = self
                .conn
                .prepare(&format!(
                    "SELECT key, app_id, changed, body FROM {table} ORDER BY {}",
                    if by_key(table) { "changed" } else { "rowid" }
                ))
                .map_err(fail)?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        Row {
                            key: r.get(0)?,
                            app_id: r.get(1)?,
                            body: r.get(3)?,
                            same: false,
                        },
                        r.get::<_, i64>(2)?,
                    ))
                })
                .map_err(fail)?;
            let known = self.known.entry(table).or_default();
            let mut stored = Vec::new();
            for row in rows {
                let (row, changed) = row.map_err(fail)?;
                self.last_change = self.last_change.max(changed);
                known.insert(row.key.clone(), fingerprint(&row));
                stored.push(Stored {
                    app_id: row.app_id,
                    key: row.key,
                    changed,
                    body: row.body,
                });
            }
            tables.insert(table, stored);
        }
        let has_format =
            self.conn
                .query_row("SELECT body FROM meta WHERE key = 'format'", [], |r| {
                    r.get::<_, String>(0)
                });
        if has_format.optional().map_err(fail)?.is_none() {
            return Ok(None);
        }
        from_rows(&tables)
            .map(Some)
            .map_err(|e| PersistError::Corrupt {
                path: self.path.clone(),
                reason: e.to_string(),
            })
    }

    /// Checkpoints what a background checkpoint left: the pages committed while it ran. With
    /// nothing committed since, the log is then wholly in the database file, and the next
    /// commit writes the log from its beginning again.
    pub fn catch_up(&self) -> Result<(), PersistError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            .map_err(|e| db_error(&self.path, e))
    }

    /// Writes `tables` in one transaction: of a whole table, every row that differs from
    /// what is stored (deleting the rows no longer there); of a delta, its rows.
    pub fn write(
        &mut self,
        tables: BTreeMap<&'static str, Table>,
    ) -> Result<Written, PersistError> {
        let written = self.write_all(tables);
        if written.is_err() {
            // The transaction rolled back: what is stored is known again only by reading it.
            self.known.clear();
            let _ = self.read();
        }
        written
    }

    fn write_all(
        &mut self,
        tables: BTreeMap<&'static str, Table>,
    ) -> Result<Written, PersistError> {
        let path = self.path.clone();
        let fail = |e: rusqlite::Error| db_error(&path, e);
        self.run("BEGIN").map_err(fail)?;
        let written = self.write_rows(tables);
        let committed = written.and_then(|w| self.run("COMMIT").map_err(fail).map(|()| w));
        if committed.is_err() && !self.conn.is_autocommit() {
            let _ = self.run("ROLLBACK");
        }
        committed
    }

    /// Runs a statement without parameters, kept prepared (`BEGIN` and `COMMIT` come once per
    /// commit).
    fn run(&self, sql: &str) -> rusqlite::Result<()> {
        self.conn.prepare_cached(sql)?.execute([]).map(drop)
    }

    /// The statements of [`Self::write_all`], inside its transaction.
    fn write_rows(
        &mut self,
        tables: BTreeMap<&'static str, Table>,
    ) -> Result<Written, PersistError> {
        let path = self.path.clone();
        let fail = |e: rusqlite::Error| db_error(&path, e);
        let tx = &self.conn;
        let mut written = Written::default();
        for (table, content) in tables {
            let known = self.known.entry(table).or_default();
            let (rows, exact) = match content {
                Table::Whole(content) => (whole(known, &mut self.last_change, content), true),
                Table::Delta(delta) => {
                    if delta.cleared {
                        tx.execute(&format!("DELETE FROM {table}"), [])
                            .map_err(fail)?;
                        written.deletes += known.len();
                        known.clear();
                    }
                    (changes(&mut self.last_change, delta), false)
                }
            };
            if rows.upserts.is_empty() && rows.deletes.is_empty() {
                continue;
            }
            let mut upsert = tx
                .prepare_cached(&format!(
                    "INSERT INTO {table} (key, app_id, changed, body) VALUES (?1, ?2, ?3, ?4) \
                     ON CONFLICT(key) DO UPDATE SET app_id = ?2, changed = ?3, body = ?4"
                ))
                .map_err(fail)?;
            let mut delete = tx
                .prepare_cached(&format!("DELETE FROM {table} WHERE key = ?1"))
                .map_err(fail)?;
            for (number, row, created) in &rows.upserts {
                if *created && known.contains_key(&row.key) {
                    // Made again: a new row, so its `rowid` says it is the newest.
                    delete.execute(params![row.key]).map_err(fail)?;
                }
                upsert
                    .execute(params![row.key, row.app_id, number, row.body])
                    .map_err(fail)?;
                // A changed record is rarely written whole again (only after a failed commit):
                // its fingerprint is left unknown rather than computed at every change.
                let print = if exact { fingerprint(row) } else { UNKNOWN };
                known.insert(row.key.clone(), print);
                written.upserts += 1;
            }
            for key in rows.deletes {
                // A record made and dropped between two commits was never written.
                if known.remove(&key).is_none() {
                    continue;
                }
                delete.execute(params![key]).map_err(fail)?;
                written.deletes += 1;
            }
        }
        Ok(written)
    }
}

/// The statements of one table's commit: rows to write with their change numbers (in
/// creation order, so new rows' `rowid`s keep it) and whether each is made anew, and keys
/// to delete.
#[derive(Debug, Default)]
struct Statements {
    upserts: Vec<(i64, Row, bool)>,
    deletes: Vec<String>,
}

/// Of a whole table: the rows that differ from what is stored, and the stored ones no
/// longer there.
fn whole(known: &HashMap<String, u64>, last_change: &mut i64, content: TableRows) -> Statements {
    let changed: Vec<bool> = content
        .rows
        .iter()
        .map(|r| !r.same && known.get(&r.key) != Some(&fingerprint(r)))
        .collect();
    // Change numbers follow the table's change order, so the least recently changed records
    // come first again after a restart.
    let mut numbers = vec![0i64; content.rows.len()];
    let order: Vec<usize> = match &content.change_order {
        Some(order) => order.clone(),
        None => (0..content.rows.len()).collect(),
    };
    for p in order.into_iter().filter(|&p| changed.get(p) == Some(&true)) {
        *last_change += 1;
        numbers[p] = *last_change;
    }
    let present: HashSet<&str> = content.rows.iter().map(|r| r.key.as_str()).collect();
    let deletes = known
        .keys()
        .filter(|k| !present.contains(k.as_str()))
        .cloned()
        .collect();
    let mut upserts = Vec::new();
    for (p, row) in content.rows.into_iter().enumerate() {
        if !changed[p] {
            continue;
        }
        if numbers[p] == 0 {
            *last_change += 1;
            numbers[p] = *last_change;
        }
        upserts.push((numbers[p], row, false));
    }
    Statements { upserts, deletes }
}

/// Of a delta: its rows, numbered in the order they last changed and written in the order
/// they were first marked, which for those made since the last commit is the order they were
/// made in.
fn changes(last_change: &mut i64, delta: Delta) -> Statements {
    let mut rows: Vec<(u64, i64, Row, bool)> = delta
        .rows
        .into_iter()
        .map(|(row, mark)| {
            *last_change += 1;
            (mark.first, *last_change, row, mark.created)
        })
        .collect();
    rows.sort_unstable_by_key(|(first, ..)| *first);
    let upserts = rows
        .into_iter()
        .map(|(_, number, row, created)| (number, row, created))
        .collect();
    Statements {
        upserts,
        deletes: delta.gone,
    }
}
