use std::sync::Arc;

use chrono::Duration;

use super::delta::whole_tables;
use super::rows::to_rows;
use super::sqlite::{DbFile, Written};
use crate::config::Config;
use crate::domain::clock::Clock;
use crate::domain::tokens::TokenRecord;
use crate::persist::golden_support::Golden;
use crate::persist::tests::{TempDir, busy_state};
use crate::persist::{capture, restore};

use crate::sandbox::Sandbox;

pub(super) fn empty_sandbox(seed: Option<u64>) -> Sandbox {
    let config = Config {
        seed,
        ..Config::default()
    };
    Sandbox::new(
        config,
        Arc::new(Clock::system()),
        crate::sandbox::Listening::one(([127, 0, 0, 1], 1).into()),
    )
}

/// Issues token number `n` to the sandbox's first app.
pub(super) fn token(state: &Sandbox, n: u32) {
    let app = state.apps.list()[0].app_id.clone();
    let now = state.clock.now();
    let record = TokenRecord {
        app_id: app,
        issued_at: now,
        expires_at: now + Duration::seconds(3600),
    };
    state.tokens.issue(format!("{n:032x}"), record, now);
}

/// Issues token number `n` to `app`, at the epoch.
fn token_of(state: &Sandbox, app: &str, n: u64) {
    let t0 = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    let record = TokenRecord {
        app_id: app.into(),
        issued_at: t0,
        expires_at: t0 + Duration::hours(1),
    };
    state.tokens.issue(format!("{n:032x}"), record, t0);
}

/// The rows a sandbox's state makes, as comparable text.
pub(super) fn rows_of(state: &Sandbox) -> String {
    format!("{:?}", to_rows(&capture(state), true, &|_, _| false))
}

#[test]
fn a_state_written_reads_back_as_the_same_rows() {
    let dir = TempDir::new();
    let path = dir.file("state.sqlite");
    let state = busy_state();
    let (mut db, held) = DbFile::open(&path).expect("opens");
    assert!(held.is_none(), "a new database holds no state");
    let written = db
        .write(whole_tables(&state, true, &|_, _| false))
        .expect("writes");
    assert!(written.upserts > 10, "{written:?}");
    drop(db);

    let (_, held) = DbFile::open(&path).expect("reopens");
    let again = empty_sandbox(state.config.seed);
    restore(&again, held.expect("holds the state")).expect("restores");
    assert_eq!(rows_of(&again), rows_of(&state));
}

#[test]
fn an_unchanged_state_writes_nothing_and_a_change_writes_its_rows_only() {
    // Without the generator, which `--seed` derives from the history's counters.
    let dir = TempDir::new();
    let state = busy_state();
    let (mut db, _) = DbFile::open(&dir.file("state.db")).expect("opens");
    db.write(whole_tables(&state, false, &|t, k| db.holds(t, k)))
        .expect("writes");
    let idle = db
        .write(whole_tables(&state, false, &|t, k| db.holds(t, k)))
        .expect("writes");
    assert_eq!(idle, Written::default());

    token(&state, 2);
    let one = db
        .write(whole_tables(&state, false, &|t, k| db.holds(t, k)))
        .expect("writes");
    assert_eq!(
        one,
        Written {
            upserts: 1,
            deletes: 0
        }
    );

    state.tokens.clear();
    let gone = db
        .write(whole_tables(&state, false, &|t, k| db.holds(t, k)))
        .expect("writes");
    assert_eq!(gone.upserts, 0);
    assert_eq!(gone.deletes, 2, "both tokens' rows go");
}

#[test]
fn a_golden_state_file_imported_reads_back_from_the_database() {
    for golden in [
        Golden {
            name: "state-v1-0.1.0",
            seed: 20_261_125,
        },
        Golden {
            name: "state-v1-orders",
            seed: 20_261_203,
        },
    ] {
        let dir = TempDir::new();
        let path = dir.file("state.sqlite");
        let state = golden.restored(Config::default());
        let (mut db, _) = DbFile::open(&path).expect("opens");
        db.write(whole_tables(&state, true, &|_, _| false))
            .expect("writes");
        drop(db);

        let (_, held) = DbFile::open(&path).expect("reopens");
        let again = empty_sandbox(Some(golden.seed));
        restore(&again, held.expect("holds the state")).expect("restores");
        assert_eq!(rows_of(&again), rows_of(&state), "{}", golden.name);
    }
}

#[test]
fn only_database_extensions_name_a_database() {
    for (path, db) in [
        ("state.sqlite", true),
        ("x/state.SQLITE3", true),
        ("state.db", true),
        ("state.json", false),
        ("state", false),
    ] {
        assert_eq!(
            crate::config::is_database_path(std::path::Path::new(path)),
            db,
            "{path}"
        );
    }
}

#[actix_web::test]
async fn checkpoints_in_the_background_keep_the_log_small_under_many_commits() {
    let dir = TempDir::new();
    let path = dir.file("state.sqlite");
    let (open, _) = super::open(&path).expect("opens");
    let state = actix_web::web::Data::new(empty_sandbox(None));
    let db = super::Db::start(open, state.clone()).expect("starts");
    let commits = 6 * super::checkpoint::COMMITS_PER_CHECKPOINT;
    for i in 0..commits {
        token_of(&state, "a", i);
        db.sync().await.expect("commits");
    }
    let progress = db.progress();
    assert!(progress.commits >= commits, "{progress:?}");
    // Without checkpoints each commit would add its pages to the log: several times this.
    let wal = std::fs::metadata(dir.file("state.sqlite-wal")).map_or(0, |m| m.len());
    assert!(wal < 8 << 20, "the log grew to {wal} bytes");
    db.close();
    let conn = rusqlite::Connection::open(&path).expect("reopens");
    let count = |table: &str| -> i64 {
        let sql = format!("SELECT count(*) FROM {table}");
        conn.query_row(&sql, [], |r| r.get(0)).expect("counts")
    };
    // The app's cap of live tokens; every other one is remembered as pushed out.
    assert_eq!(count("tokens"), 10);
    assert_eq!(count("superseded_tokens") as u64, commits - 10);
}

#[actix_web::test]
async fn requests_waiting_on_one_thread_are_all_told_through_its_relay() {
    let dir = TempDir::new();
    let path = dir.file("state.sqlite");
    let (open, _) = super::open(&path).expect("opens");
    let state = actix_web::web::Data::new(empty_sandbox(None));
    let db = Arc::new(super::Db::start(open, state.clone()).expect("starts"));
    let requests = 200u32;
    let waiting: Vec<_> = (0..requests)
        .map(|n| {
            let (db, state) = (Arc::clone(&db), state.clone());
            tokio::task::spawn_local(async move {
                token_of(&state, "a", u64::from(n));
                db.sync_on_worker().await
            })
        })
        .collect();
    for handle in waiting {
        handle.await.expect("runs").expect("commits");
    }
    // Waiting again, with nothing left to write, is answered too.
    db.sync_on_worker().await.expect("commits");
    let progress = db.progress();
    assert!(progress.durable > u64::from(requests), "{progress:?}");
    db.close();
    let conn = rusqlite::Connection::open(&path).expect("reopens");
    let superseded: i64 = conn
        .query_row("SELECT count(*) FROM superseded_tokens", [], |r| r.get(0))
        .expect("counts");
    assert_eq!(superseded, i64::from(requests) - 10);
}
