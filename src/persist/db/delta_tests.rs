//! Commits of deltas: what the stores marked is what is written, and the file then holds the
//! same state as a commit of everything would.

use super::delta::{changed_tables, track, whole_tables};
use super::rows::to_rows;
use super::sqlite::{DbFile, Written};
use super::tests::{empty_sandbox, token};
use crate::api::app::AppSpec;
use crate::config::Config;
use crate::domain::payscore::store::Terms;
use crate::persist::golden_support::Golden;
use crate::persist::tests::{TempDir, busy_state};
use crate::persist::{capture, restore};
use crate::sandbox::Sandbox;

/// The state the file holds, restored into a new sandbox.
fn reread(path: &std::path::Path, seed: Option<u64>) -> Sandbox {
    let (_, held) = DbFile::open(path).expect("reopens");
    let again = empty_sandbox(seed);
    restore(&again, held.expect("holds the state")).expect("restores");
    again
}

/// Asserts that the file at `path` holds the state of `state`, table by table.
fn assert_holds(path: &std::path::Path, state: &Sandbox) {
    let again = reread(path, state.config.seed);
    let keep = state.config.seed.is_some();
    let held = to_rows(&capture(&again), keep, &|_, _| false);
    let expected = to_rows(&capture(state), keep, &|_, _| false);
    for (table, rows) in expected {
        let held = held.get(table).map(|t| format!("{t:?}"));
        assert_eq!(held, Some(format!("{rows:?}")), "table {table}");
    }
}

#[test]
fn a_token_issued_writes_its_own_row_and_nothing_else() {
    let dir = TempDir::new();
    let state = busy_state();
    track(&state);
    let (mut db, _) = DbFile::open(&dir.file("state.sqlite")).expect("opens");
    db.write(whole_tables(&state, false, &|t, k| db.holds(t, k)))
        .expect("writes");
    let idle = db
        .write(changed_tables(&state, false, true))
        .expect("writes");
    assert_eq!(idle, Written::default(), "nothing changed, nothing written");

    token(&state, 1);
    let one = db
        .write(changed_tables(&state, false, true))
        .expect("writes");
    assert_eq!(
        one,
        Written {
            upserts: 1,
            deletes: 0
        }
    );
    // At the cap of 10, a token pushes the oldest out and takes its slot: that row is
    // rewritten in place, and the pushed-out token is remembered in a row of its own.
    for n in 2..=10 {
        token(&state, n);
    }
    db.write(changed_tables(&state, false, true))
        .expect("writes");
    token(&state, 11);
    let pushed = db
        .write(changed_tables(&state, false, true))
        .expect("writes");
    assert_eq!(
        pushed,
        Written {
            upserts: 2,
            deletes: 0
        }
    );
}

#[test]
fn a_file_kept_by_deltas_holds_what_a_whole_commit_would() {
    let dir = TempDir::new();
    let path = dir.file("state.sqlite");
    let state = busy_state();
    track(&state);
    let (mut db, _) = DbFile::open(&path).expect("opens");
    db.write(whole_tables(&state, true, &|t, k| db.holds(t, k)))
        .expect("writes");

    for n in 1..=14 {
        token(&state, n);
    }
    let first = state.apps.list()[0].clone();
    let now = state.clock.now();
    let terms = |_: Option<&str>| Terms {
        sub_open_id: "so-2".into(),
        authorization_code: "AUTH2".into(),
    };
    state
        .payscore
        .open(&first.app_id, "o-2".into(), now, terms)
        .expect("opens");
    state
        .payscore
        .close(&first.app_id, "o-1", now)
        .expect("closes");
    let spec = AppSpec {
        name: Some("Added later".into()),
        ..AppSpec::default()
    };
    let added = state.create_app(&spec).expect("created");
    db.write(changed_tables(&state, true, true))
        .expect("writes");
    assert_holds(&path, &state);

    state
        .apps
        .update(&added.app_id, |a| {
            let mut a = a.clone();
            a.name = "Renamed".into();
            Ok(a)
        })
        .expect("patched");
    assert!(state.remove_app(&first.app_id), "removed with its records");
    db.write(changed_tables(&state, true, true))
        .expect("writes");
    assert_holds(&path, &state);
}

#[test]
fn a_reset_and_a_restore_are_written_as_deltas_too() {
    let golden = Golden {
        name: "state-v1-orders",
        seed: 20_261_203,
    };
    let dir = TempDir::new();
    let path = dir.file("state.sqlite");
    let state = golden.restored(Config::default());
    track(&state);
    let (mut db, _) = DbFile::open(&path).expect("opens");
    db.write(whole_tables(&state, true, &|t, k| db.holds(t, k)))
        .expect("writes");

    state.reset_all().expect("reset");
    db.write(changed_tables(&state, true, true))
        .expect("writes");
    assert_holds(&path, &state);

    let file = crate::persist::capture(&golden.restored(Config::default()));
    restore(&state, file).expect("restores");
    db.write(changed_tables(&state, true, true))
        .expect("writes");
    assert_holds(&path, &state);
}

#[test]
fn a_file_cut_in_the_middle_of_removing_an_app_still_loads_with_the_removal_completed() {
    let dir = TempDir::new();
    let path = dir.file("state.sqlite");
    let state = busy_state();
    let spec = AppSpec {
        clock: Some("new".into()),
        ..AppSpec::default()
    };
    let own = state.create_app(&spec).expect("created");
    let (mut db, _) = DbFile::open(&path).expect("opens");
    db.write(whole_tables(&state, false, &|_, _| false))
        .expect("writes");
    drop(db);
    // What a kill could leave: the first app's row gone but not yet its records, and the
    // second app's clock gone but not yet the app.
    let removed = state.apps.list()[0].app_id.clone();
    let conn = rusqlite::Connection::open(&path).expect("opens");
    let gone = conn
        .execute("DELETE FROM apps WHERE key = ?1", [&removed])
        .expect("deletes");
    assert_eq!(gone, 1);
    let gone = conn
        .execute("DELETE FROM clocks WHERE key = ?1", [&own.clock])
        .expect("deletes");
    assert_eq!(gone, 1);
    drop(conn);

    let again = reread(&path, None);
    assert!(!again.apps.contains(&removed));
    let file = capture(&again);
    assert!(file.notifications.items.iter().all(|n| n.app_id != removed));
    assert!(
        file.tokens
            .issued
            .iter()
            .all(|t| t.record.app_id != removed)
    );
    assert!(file.authorizations.iter().all(|a| a.app_id != removed));
    assert!(again.apps.contains(&own.app_id));
    assert_eq!(again.clocks.owner(&own.clock), Some(own.app_id.clone()));
}
