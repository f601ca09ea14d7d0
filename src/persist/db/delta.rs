//! What a commit writes once the file holds the state: the records changed since the last
//! commit, as the stores marked them, and the small sections (clocks, faults, stubs,
//! counters) whole, of which only the rows that differ are written.

use std::collections::BTreeMap;

use serde::Serialize;

use super::rows::{Row, TableRows, json, to_rows};
use crate::domain::changes::{Changed, Mark};
use crate::persist::capture::{capture_small, generator_seed};
use crate::persist::file::{GeneratorState, SupersededState, TokenState};
use crate::sandbox::Sandbox;

/// The changed records of one table.
#[derive(Debug, Default)]
pub(super) struct Delta {
    /// Every row of the table goes first.
    pub cleared: bool,
    /// Rows to insert or replace, least recently changed first, with their marks.
    pub rows: Vec<(Row, Mark)>,
    /// Keys of rows to delete.
    pub gone: Vec<String>,
}

/// What a commit writes to one table.
#[derive(Debug)]
pub(super) enum Table {
    /// Every row the table should hold: the others are deleted, unchanged ones not written.
    Whole(TableRows),
    /// Only what changed.
    Delta(Delta),
}

impl Delta {
    /// The rows of `changed`, each record of `app` made into its row by `body`.
    fn of<T>(
        changed: Changed<T>,
        app: impl Fn(&T) -> Option<&str>,
        body: impl Fn(&str, &T) -> String,
    ) -> Self {
        let mut delta = Delta {
            cleared: changed.cleared,
            ..Delta::default()
        };
        for (key, mark, record) in changed.records {
            match record {
                Some(record) => delta.rows.push((
                    Row {
                        app_id: app(&record).map(str::to_owned),
                        body: body(&key, &record),
                        key,
                        same: false,
                    },
                    mark,
                )),
                None => delta.gone.push(key),
            }
        }
        delta
    }

    /// Rows whose body is the record itself.
    fn plain<T: Serialize>(changed: Changed<T>, app: impl Fn(&T) -> Option<&str>) -> Self {
        Self::of(changed, app, |_, record| json(record))
    }
}

/// Starts marking changes in every store whose records are written as deltas.
pub(super) fn track(state: &Sandbox) {
    state.journal.track_changes();
    state.sink.track_changes();
    state.notify.track_changes();
    state.orders.track_changes();
    state.payscore.track_changes();
    state.tokens.track_changes();
    state.apps.track_changes();
}

/// Every table whole, as a full capture of the state holds it; `known(table, key)` tells
/// whether a row is in the file already.
pub(super) fn whole_tables(
    state: &Sandbox,
    keep_generator: bool,
    known: &dyn Fn(&'static str, &str) -> bool,
) -> BTreeMap<&'static str, Table> {
    let captured = crate::persist::capture(state);
    to_rows(&captured, keep_generator, known)
        .into_iter()
        .map(|(name, rows)| (name, Table::Whole(rows)))
        .collect()
}

/// The small sections as a commit last wrote them, serialised whole: a commit in which none
/// of them changed (most do: a token, a notification) skips them instead of making and
/// comparing their rows one by one.
#[derive(Debug, Default)]
pub(super) struct SmallSections {
    last: Vec<u8>,
    scratch: Vec<u8>,
}

impl SmallSections {
    /// Whether `small` differs from what the last call saw.
    fn changed(&mut self, small: &crate::persist::file::StateFile) -> bool {
        self.scratch.clear();
        let written = crate::api::stored::scope(|| serde_json::to_writer(&mut self.scratch, small));
        if written.is_err() || self.scratch != self.last {
            std::mem::swap(&mut self.scratch, &mut self.last);
            return true;
        }
        false
    }
}

/// What changed since the last call, table by table (the small sections always: see
/// [`changed_tables_since`]).
#[cfg(test)]
pub(super) fn changed_tables(
    state: &Sandbox,
    keep_generator: bool,
    with_journal: bool,
) -> BTreeMap<&'static str, Table> {
    let mut small = SmallSections::default();
    changed_tables_since(state, keep_generator, with_journal, &mut small)
}

/// What changed since the last call, table by table; the small sections only when they
/// differ from `small`.
///
/// Dependent records are taken before what they depend on (notifications, orders, tokens
/// before apps; apps before clocks), so a record written refers only to what is written
/// with it or before: an app created after its notification was taken is not in that
/// notification's commit, and neither is the notification.
///
/// The journal's entries are taken only `with_journal`: the writer takes them at most once a
/// second.
pub(super) fn changed_tables_since(
    state: &Sandbox,
    keep_generator: bool,
    with_journal: bool,
    sections: &mut SmallSections,
) -> BTreeMap<&'static str, Table> {
    let mut t = BTreeMap::new();
    let delta = |t: &mut BTreeMap<_, _>, name, d| {
        t.insert(name, Table::Delta(d));
    };
    if with_journal {
        let journal = state.journal.changed();
        delta(&mut t, "journal", Delta::plain(journal, |_| None));
    }
    let sink = state.sink.changed();
    let sink = Delta::of(sink, |_| None, |_, receipts| json(receipts));
    let sink = Delta {
        rows: sink
            .rows
            .into_iter()
            .map(|(r, mark)| {
                let app_id = Some(r.key.clone());
                (Row { app_id, ..r }, mark)
            })
            .collect(),
        ..sink
    };
    delta(&mut t, "sink", sink);
    let notes = state.notify.changed_notifications();
    let notes = Delta::plain(notes, |n| Some(n.app_id.as_str()));
    delta(&mut t, "notifications", notes);
    let (orders, bills) = state.orders.changed();
    delta(
        &mut t,
        "orders",
        Delta::plain(orders, |o| Some(o.app_id.as_str())),
    );
    delta(
        &mut t,
        "bills",
        Delta::plain(bills, |b| Some(b.app_id.as_str())),
    );
    let auths = state.payscore.changed();
    let auths = Delta::plain(auths, |a| Some(a.app_id.as_str()));
    delta(&mut t, "authorizations", auths);
    let (tokens, superseded) = state.tokens.changed();
    let tokens = Delta::of(
        tokens,
        |(_, r)| Some(r.app_id.as_str()),
        |_, (token, record)| {
            json(&TokenState {
                token: token.to_string(),
                record: record.clone(),
                slot: None,
            })
        },
    );
    delta(&mut t, "tokens", tokens);
    let superseded = Delta::of(
        superseded,
        |s| Some(s.app_id()),
        |_, s| {
            json(&SupersededState {
                number: s.number,
                token: s.token(),
                app_id: s.app_id().to_owned(),
            })
        },
    );
    delta(&mut t, "superseded_tokens", superseded);
    let apps = state.apps.changed();
    let apps = Delta::of(apps, |a| Some(a.app_id.as_str()), |_, a| json(&**a));
    delta(&mut t, "apps", apps);
    // Last: the clocks of the apps above, and counters never behind the records.
    let mut small = capture_small(state);
    // The counter as of the entries written: between two journal writes it would otherwise
    // change the meta table at every commit.
    small.journal.last_id = state.journal.last_id_taken();
    // Neither is written unless kept: left out of the comparison.
    small.saved_at = None;
    small.generator = keep_generator.then(|| GeneratorState {
        seed: generator_seed(state.config.seed, &small),
    });
    if !sections.changed(&small) {
        return t;
    }
    let mut whole = to_rows(&small, keep_generator, &|_, _| false);
    for name in ["meta", "clocks", "faults", "stubs"] {
        if let Some(rows) = whole.remove(name) {
            t.insert(name, Table::Whole(rows));
        }
    }
    t
}
