//! From a [`StateFile`] to table rows and back: one row per record, its JSON as the control
//! API's stored form shows it, under a key column (and the app's id where it has one).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::domain::clock::DEFAULT_CLOCK;
use crate::domain::tokens::{slot_of_row_key, superseded_row_key, token_row_key};
use crate::persist::file::*;

/// Every table, in the order rows are written and read.
pub(super) const TABLES: [&str; 13] = [
    "meta",
    "clocks",
    "apps",
    "tokens",
    "superseded_tokens",
    "authorizations",
    "orders",
    "bills",
    "notifications",
    "faults",
    "stubs",
    "journal",
    "sink",
];

/// One record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Row {
    /// The record's key, unique in its table.
    pub key: String,
    /// The app it belongs to, when it belongs to one.
    pub app_id: Option<String>,
    /// The record, as JSON (empty when `same`).
    pub body: String,
    /// A record that never changes once written, already in the file: not serialised again.
    pub same: bool,
}

/// One table's rows in creation order, and the order in which they last changed (positions in
/// `rows`, least recently changed first) where the retention bounds depend on it.
#[derive(Debug, Default)]
pub(super) struct TableRows {
    pub rows: Vec<Row>,
    pub change_order: Option<Vec<usize>>,
}

/// How a clock stands, without what moves by itself (a running clock's `now`, a frozen one's
/// offset from wall time), so that an unchanged clock is an unchanged row.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredClock {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    frozen: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    at: Option<DateTime<Utc>>,
    #[serde(default)]
    offset_ms: i64,
}

impl StoredClock {
    fn of(name: Option<String>, owner: Option<String>, state: &ClockState) -> Self {
        Self {
            name,
            owner,
            frozen: state.frozen,
            at: state.frozen.then_some(state.now),
            offset_ms: if state.frozen { 0 } else { state.offset_ms },
        }
    }

    fn state(&self) -> ClockState {
        match self.at.filter(|_| self.frozen) {
            Some(at) => ClockState {
                frozen: true,
                now: at,
                offset_ms: (at - Utc::now()).num_milliseconds(),
            },
            None => ClockState {
                frozen: false,
                now: Utc::now() + Duration::milliseconds(self.offset_ms),
                offset_ms: self.offset_ms,
            },
        }
    }
}

pub(super) fn json<T: Serialize + ?Sized>(value: &T) -> String {
    // Serialising these types cannot fail: no map has non-string keys.
    crate::api::stored::scope(|| serde_json::to_string(value)).unwrap_or_default()
}

fn row<T: Serialize>(key: impl Into<String>, app_id: Option<&str>, value: &T) -> Row {
    Row {
        key: key.into(),
        app_id: app_id.map(str::to_owned),
        body: json(value),
        same: false,
    }
}

/// A row of a table whose records never change once made (journal entries): one
/// already stored is not serialised again.
fn fixed<T: Serialize>(
    known: &dyn Fn(&str) -> bool,
    key: impl Into<String>,
    app_id: Option<&str>,
    value: &T,
) -> Row {
    let key = key.into();
    if known(&key) {
        return Row {
            key,
            app_id: None,
            body: String::new(),
            same: true,
        };
    }
    row(key, app_id, value)
}

/// The rows of every table for `file`. The generator is kept only with `--seed` (it is then
/// derived from the history); a random one would make every capture a change.
/// `known(table, key)` tells whether a row is in the file already.
pub(super) fn to_rows(
    file: &StateFile,
    keep_generator: bool,
    known: &dyn Fn(&'static str, &str) -> bool,
) -> BTreeMap<&'static str, TableRows> {
    let known_entry = |key: &str| known("journal", key);
    let mut t: BTreeMap<&'static str, TableRows> = BTreeMap::new();
    let plain = |rows| TableRows {
        rows,
        change_order: None,
    };
    let mut meta = vec![
        row("format", None, &file.format),
        row("version", None, &file.version),
        row("authorizationsDropped", None, &file.authorizations_dropped),
        row("ordersDropped", None, &file.orders.dropped),
        row(
            "nextEventNumber",
            None,
            &file.notifications.next_event_number,
        ),
        row("nextSeq", None, &file.notifications.next_seq),
        row("faultsLastId", None, &file.faults.last_id),
        row("stubsLastId", None, &file.stubs.last_id),
        row("journalLastId", None, &file.journal.last_id),
    ];
    if let Some(clock) = &file.clock {
        meta.push(row("clock", None, &StoredClock::of(None, None, clock)));
    }
    if let Some(generator) = file.generator.filter(|_| keep_generator) {
        meta.push(row("generator", None, &generator));
    }
    t.insert("meta", plain(meta));
    let clocks = file.clocks.iter().map(|c| {
        let stored = StoredClock::of(c.name.clone(), c.owner.clone(), &c.state);
        row(&c.id, None, &stored)
    });
    t.insert("clocks", plain(clocks.collect()));
    let apps = file.apps.iter().map(|a| row(&a.app_id, Some(&a.app_id), a));
    t.insert("apps", plain(apps.collect()));
    // Rows by slot: what a slot holds changes, so each is compared with what is stored.
    let tokens = file.tokens.issued.iter().map(|k| {
        let app = &k.record.app_id;
        match k.slot {
            Some(slot) => row(token_row_key(app, slot), Some(app), k),
            None => row(&k.token, Some(app), k),
        }
    });
    t.insert("tokens", plain(tokens.collect()));
    let superseded = file.tokens.superseded.iter();
    let superseded = superseded.map(|s| row(superseded_row_key(s.number), Some(&s.app_id), s));
    t.insert("superseded_tokens", plain(superseded.collect()));
    let auths = file.authorizations.iter();
    let auths: Vec<_> = auths
        .map(|a| row(format!("{}/{}", a.app_id, a.open_id), Some(&a.app_id), a))
        .collect();
    // The list itself is least recently changed first.
    let order = (0..auths.len()).collect();
    t.insert(
        "authorizations",
        TableRows {
            rows: auths,
            change_order: Some(order),
        },
    );
    let orders = file.orders.items.iter();
    let orders = orders.map(|o| {
        row(
            format!("{}/{}", o.app_id, o.mer_order_id),
            Some(&o.app_id),
            o,
        )
    });
    t.insert(
        "orders",
        TableRows {
            rows: orders.collect(),
            change_order: Some(file.orders.change_order.clone()),
        },
    );
    let bills = file.orders.bills.iter();
    let bills = bills.map(|b| row(format!("{}/{}", b.app_id, b.bill_no), Some(&b.app_id), b));
    t.insert(
        "bills",
        TableRows {
            rows: bills.collect(),
            change_order: Some(file.orders.bill_change_order.clone()),
        },
    );
    let notes = file.notifications.items.iter();
    let notes = notes.map(|n| row(&n.id, Some(&n.app_id), n));
    t.insert("notifications", plain(notes.collect()));
    let faults = file.faults.items.iter();
    let faults = faults.map(|f| row(&f.id, f.app_id.as_deref(), f));
    t.insert("faults", plain(faults.collect()));
    let stubs = file.stubs.items.iter();
    let stubs = stubs.map(|s| row(&s.id, s.app_id.as_deref(), s));
    t.insert("stubs", plain(stubs.collect()));
    let journal = file.journal.items.iter();
    let journal = journal.map(|e| fixed(&known_entry, e.id.to_string(), None, e));
    t.insert("journal", plain(journal.collect()));
    let sink = file.sink.iter().map(|(app, r)| row(app, Some(app), r));
    t.insert("sink", plain(sink.collect()));
    t
}

/// Tables whose rows belong to an app, named in their `app_id` column.
const OF_APPS: [&str; 7] = [
    "tokens",
    "superseded_tokens",
    "authorizations",
    "orders",
    "bills",
    "notifications",
    "sink",
];

/// The tables without the rows of apps the file does not hold. A commit takes the records of
/// apps before the apps, so a kill just after the commit of an app's removal in progress can
/// leave some of its records behind; the removal is completed here.
fn heal(tables: &BTreeMap<&'static str, Vec<Stored>>) -> BTreeMap<&'static str, Vec<Stored>> {
    let apps: std::collections::HashSet<&str> = tables
        .get("apps")
        .map(|rows| rows.iter().map(|r| r.key.as_str()).collect())
        .unwrap_or_default();
    let mut healed = tables.clone();
    for table in OF_APPS {
        if let Some(rows) = healed.get_mut(table) {
            let before = rows.len();
            rows.retain(|r| r.app_id.as_deref().is_none_or(|a| apps.contains(a)));
            if rows.len() < before {
                tracing::warn!(
                    table,
                    dropped = before - rows.len(),
                    "rows of removed apps dropped"
                );
            }
        }
    }
    healed
}

/// A stored row: its key, its change number and its JSON.
#[derive(Debug, Clone)]
pub(super) struct Stored {
    pub key: String,
    pub app_id: Option<String>,
    pub changed: i64,
    pub body: String,
}

/// Why stored rows do not make a state.
#[derive(Debug, thiserror::Error)]
#[error("table {table}, row {key}: {reason}")]
pub(super) struct BadRow {
    table: &'static str,
    key: String,
    reason: String,
}

fn parse<T: DeserializeOwned>(table: &'static str, row: &Stored) -> Result<T, BadRow> {
    serde_json::from_str(&row.body).map_err(|e| BadRow {
        table,
        key: row.key.clone(),
        reason: e.to_string(),
    })
}

fn parse_all<T: DeserializeOwned>(table: &'static str, rows: &[Stored]) -> Result<Vec<T>, BadRow> {
    rows.iter().map(|r| parse(table, r)).collect()
}

/// Positions of `rows` (in creation order), least recently changed first.
fn change_order(rows: &[Stored]) -> Vec<usize> {
    let mut positions: Vec<usize> = (0..rows.len()).collect();
    positions.sort_by_key(|&p| rows[p].changed);
    positions
}

/// The state the rows (each table's in creation order) hold.
pub(super) fn from_rows(tables: &BTreeMap<&'static str, Vec<Stored>>) -> Result<StateFile, BadRow> {
    let healed = heal(tables);
    let tables = &healed;
    let empty = Vec::new();
    let get = |name: &str| tables.get(name).unwrap_or(&empty);
    let mut file = StateFile {
        format: FORMAT.to_owned(),
        version: VERSION,
        saved_by: concat!("chinaums-mock ", env!("CARGO_PKG_VERSION")).to_owned(),
        ..StateFile::default()
    };
    for r in get("meta") {
        let number = || parse::<u64>("meta", r);
        match r.key.as_str() {
            "authorizationsDropped" => file.authorizations_dropped = number()?,
            "ordersDropped" => file.orders.dropped = number()?,
            "nextEventNumber" => file.notifications.next_event_number = number()?,
            "nextSeq" => file.notifications.next_seq = number()?,
            "faultsLastId" => file.faults.last_id = number()?,
            "stubsLastId" => file.stubs.last_id = number()?,
            "journalLastId" => file.journal.last_id = number()?,
            "clock" => file.clock = Some(parse::<StoredClock>("meta", r)?.state()),
            "generator" => file.generator = Some(parse("meta", r)?),
            _ => {}
        }
    }
    for r in get("clocks") {
        let stored: StoredClock = parse("clocks", r)?;
        file.clocks.push(SavedClock {
            id: r.key.clone(),
            state: stored.state(),
            name: stored.name,
            owner: stored.owner,
        });
    }
    file.apps = parse_all("apps", get("apps"))?;
    // An app whose own clock went in the commit that was to remove the app too keeps a
    // clock of its own, at the default clock's time.
    for app in &file.apps {
        let known = app.clock == DEFAULT_CLOCK || file.clocks.iter().any(|c| c.id == app.clock);
        if !known {
            tracing::warn!(app = %app.app_id, clock = %app.clock, "the app's clock is not in the file: made again");
            let state = file.clock.unwrap_or(ClockState {
                frozen: false,
                now: Utc::now(),
                offset_ms: 0,
            });
            file.clocks.push(SavedClock {
                id: app.clock.clone(),
                name: None,
                owner: Some(app.app_id.clone()),
                state,
            });
        }
    }
    file.tokens.issued = get("tokens")
        .iter()
        .map(|r| {
            let token: TokenState = parse("tokens", r)?;
            Ok(TokenState {
                slot: slot_of_row_key(&r.key),
                ..token
            })
        })
        .collect::<Result<_, BadRow>>()?;
    file.tokens.superseded = parse_all("superseded_tokens", get("superseded_tokens"))?;
    let mut auths = get("authorizations").clone();
    auths.sort_by_key(|r| r.changed);
    file.authorizations = parse_all("authorizations", &auths)?;
    file.orders.items = parse_all("orders", get("orders"))?;
    file.orders.change_order = change_order(get("orders"));
    file.orders.bills = parse_all("bills", get("bills"))?;
    file.orders.bill_change_order = change_order(get("bills"));
    file.notifications.items = parse_all("notifications", get("notifications"))?;
    file.faults.items = parse_all("faults", get("faults"))?;
    file.stubs.items = parse_all("stubs", get("stubs"))?;
    file.journal.items = parse_all("journal", get("journal"))?;
    for r in get("sink") {
        file.sink.insert(r.key.clone(), parse("sink", r)?);
    }
    Ok(file)
}
