//! The bounded, newest-first record of gateway requests.

use std::collections::{BTreeMap, VecDeque};

use parking_lot::Mutex;

use crate::domain::changes::{Changed, Changes, Mark};

pub use crate::api::journal::{AuthRecord, Entry, ResponseRecord};

/// Bodies are kept up to this size.
pub const MAX_BODY_CHARS: usize = 16 * 1024;

/// Filters of `GET /__mock/requests`.
#[derive(Debug, Default, Clone)]
pub struct JournalFilter {
    /// Only this app's.
    pub app_id: Option<String>,
    /// Only this exact path.
    pub path: Option<String>,
    /// Only this outcome.
    pub outcome: Option<String>,
    /// Only this method.
    pub method: Option<String>,
}

/// An entry as kept: headers packed into one string and the body as bytes, turned into an
/// [`Entry`] only when somebody reads the journal (every gateway request files one, few are
/// ever read).
#[derive(Debug)]
pub(crate) struct Stored {
    /// Every field but `headers`, `body` and `body_truncated`, which are left empty.
    pub(crate) entry: Entry,
    /// `name:value\n` per header, secrets already masked.
    pub(crate) headers: String,
    /// The body's first [`MAX_BODY_BYTES`] bytes.
    pub(crate) body: Box<[u8]>,
    /// Whether the body was longer than what is kept (or already cut, for a restored entry).
    pub(crate) body_cut: bool,
}

/// Enough bytes for [`MAX_BODY_CHARS`] characters of up to four bytes each.
const MAX_BODY_BYTES: usize = 4 * MAX_BODY_CHARS;

impl Stored {
    /// Keeps a body's first [`MAX_BODY_BYTES`] bytes.
    pub(crate) fn set_body(&mut self, body: &[u8]) {
        self.body_cut = body.len() > MAX_BODY_BYTES;
        self.body = body[..body.len().min(MAX_BODY_BYTES)].into();
    }

    /// Adds a header to the packed list (`name` is lowercase and has no `:`; a value has no
    /// line break, which HTTP forbids in header values).
    pub(crate) fn push_header(&mut self, name: &str, value: &str) {
        self.headers.push_str(name);
        self.headers.push(':');
        self.headers.push_str(value);
        self.headers.push('\n');
    }

    /// The entry as the control API shows it.
    pub(crate) fn render(&self) -> Entry {
        let mut entry = self.entry.clone();
        entry.headers = self
            .headers
            .lines()
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        let (body, cut) = Journal::body_text(&self.body);
        entry.body = body;
        entry.body_truncated = cut || self.body_cut;
        entry
    }

    /// Keeps an entry read back from a state file.
    fn from_entry(mut entry: Entry) -> Self {
        let headers = std::mem::take(&mut entry.headers);
        let mut stored = Stored {
            headers: String::new(),
            body: std::mem::take(&mut entry.body)
                .into_bytes()
                .into_boxed_slice(),
            body_cut: std::mem::take(&mut entry.body_truncated),
            entry,
        };
        for (name, value) in entry_headers(headers) {
            stored.push_header(&name, &value);
        }
        stored
    }
}

/// Header names and values safe to pack: a line break in a value (possible only in a
/// hand-edited state file) becomes a space.
fn entry_headers(headers: BTreeMap<String, String>) -> Vec<(String, String)> {
    headers
        .into_iter()
        .filter(|(name, _)| !name.contains([':', '\n']))
        .map(|(name, value)| (name, value.replace(['\r', '\n'], " ")))
        .collect()
}

impl JournalFilter {
    fn matches(&self, e: &Entry) -> bool {
        self.app_id
            .as_ref()
            .is_none_or(|a| e.app_id.as_ref() == Some(a))
            && self.path.as_ref().is_none_or(|p| *p == e.path)
            && self
                .outcome
                .as_ref()
                .is_none_or(|o| e.outcome == o.as_str())
            && self
                .method
                .as_ref()
                .is_none_or(|m| m.eq_ignore_ascii_case(&e.method))
    }
}

/// The journal of one instance.
#[derive(Debug)]
pub struct Journal {
    retention: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// The counter behind entry ids.
    last_id: u64,
    /// Oldest first, so by ascending id.
    entries: VecDeque<Stored>,
    /// Entries dropped out of turn (an app's, or all) since the state database last took
    /// them, by id. Entries added, and dropped past the retention, need no marks: they are
    /// the ids above `taken_last_id`, and those below the oldest kept.
    changes: Changes,
    /// The counter as the state database last took the entries (whole or changed).
    taken_last_id: u64,
    /// The lowest id the state database may still hold.
    taken_from: u64,
}

impl Inner {
    /// The oldest entry's id (the next one's when there is none).
    fn first_id(&self) -> u64 {
        self.entries
            .front()
            .map_or(self.last_id + 1, |s| s.entry.id)
    }

    fn get(&self, id: u64) -> Option<&Stored> {
        let at = self
            .entries
            .binary_search_by_key(&id, |s| s.entry.id)
            .ok()?;
        self.entries.get(at)
    }
}

impl Journal {
    /// A journal keeping at most `retention` entries.
    pub fn new(retention: usize) -> Self {
        Self {
            retention,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// Cuts a body for keeping.
    pub fn body_text(body: &[u8]) -> (String, bool) {
        let text = String::from_utf8_lossy(body);
        if text.chars().count() <= MAX_BODY_CHARS {
            (text.into_owned(), false)
        } else {
            (text.chars().take(MAX_BODY_CHARS).collect(), true)
        }
    }

    /// Adds an entry (its id is assigned here).
    pub(crate) fn record(&self, mut stored: Stored) {
        if self.retention == 0 {
            return;
        }
        let old = {
            let mut inner = self.inner.lock();
            inner.last_id += 1;
            stored.entry.id = inner.last_id;
            inner.entries.push_back(stored);
            (inner.entries.len() > self.retention)
                .then(|| inner.entries.pop_front())
                .flatten()
        };
        // Freed outside the lock.
        drop(old);
    }

    /// Matching entries, newest first.
    pub fn list(&self, filter: &JournalFilter, limit: usize) -> Vec<Entry> {
        let inner = self.inner.lock();
        inner
            .entries
            .iter()
            .rev()
            .filter(|s| filter.matches(&s.entry))
            .take(limit)
            .map(Stored::render)
            .collect()
    }

    /// The id counter and every entry, oldest first.
    pub fn snapshot(&self) -> (u64, Vec<Entry>) {
        let mut inner = self.inner.lock();
        inner.taken_last_id = inner.last_id;
        inner.taken_from = inner.first_id();
        (
            inner.last_id,
            inner.entries.iter().map(Stored::render).collect(),
        )
    }

    /// The id counter.
    pub fn last_id(&self) -> u64 {
        self.inner.lock().last_id
    }

    /// The id counter as it was when the entries were last taken ([`Self::snapshot`],
    /// [`Self::changed`]): what the state database holds, since it takes the journal less
    /// often than the rest.
    pub fn last_id_taken(&self) -> u64 {
        self.inner.lock().taken_last_id
    }

    /// Whether entries were added or dropped since the last [`Self::changed`].
    pub fn has_changes(&self) -> bool {
        let inner = self.inner.lock();
        inner.changes.has_marks() || inner.last_id > inner.taken_last_id
    }

    /// Starts marking added and dropped entries for [`Self::changed`].
    pub fn track_changes(&self) {
        self.inner.lock().changes.track();
    }

    /// The entries added or dropped since the last call (`None`: dropped), keyed by id:
    /// those dropped first, then those added, oldest first. An entry added and dropped
    /// between two calls is in neither.
    pub fn changed(&self) -> Changed<Entry> {
        let mut inner = self.inner.lock();
        let taken = inner.changes.take();
        let mut changed =
            Changed::read(taken, |id| inner.get(id.parse().ok()?).map(Stored::render));
        let first = inner.first_id();
        let mark = Mark {
            first: 0,
            last: 0,
            created: false,
        };
        // Ids start at 1; those dropped by a mark are there already.
        let dropped = inner.taken_from.max(1)..first.min(inner.taken_last_id + 1);
        let marked: std::collections::HashSet<String> =
            changed.records.iter().map(|(id, ..)| id.clone()).collect();
        let dropped = dropped
            .map(|id| id.to_string())
            .filter(|id| !marked.contains(id));
        changed.records.extend(dropped.map(|id| (id, mark, None)));
        let added = inner
            .entries
            .iter()
            .skip_while(|s| s.entry.id <= inner.taken_last_id);
        changed.records.extend(added.enumerate().map(|(n, s)| {
            let n = n as u64 + 1;
            let mark = Mark {
                first: n,
                last: n,
                created: true,
            };
            (s.entry.id.to_string(), mark, Some(s.render()))
        }));
        inner.taken_last_id = inner.last_id;
        inner.taken_from = first;
        changed
    }

    /// Replaces every entry (oldest first), keeping the newest within the retention;
    /// `last_id` is the counter behind entry ids.
    pub fn restore(&self, last_id: u64, entries: Vec<Entry>) {
        let skip = entries.len().saturating_sub(self.retention);
        let kept = entries.into_iter().skip(skip).map(Stored::from_entry);
        let mut inner = self.inner.lock();
        inner.changes.clear();
        inner.entries.clear();
        inner.entries.extend(kept);
        inner.last_id = last_id;
        // Every entry is new to the state database, which drops what it held.
        inner.taken_last_id = 0;
        inner.taken_from = inner.first_id();
    }

    /// Drops every entry.
    pub fn clear(&self) {
        let mut inner = self.inner.lock();
        inner.changes.clear();
        inner.entries.clear();
        inner.taken_from = inner.last_id + 1;
    }

    /// Drops an app's entries.
    pub fn remove_app(&self, app_id: &str) {
        let mut inner = self.inner.lock();
        let Inner {
            entries, changes, ..
        } = &mut *inner;
        entries.retain(|s| {
            let keep = s.entry.app_id.as_deref() != Some(app_id);
            if !keep {
                changes.mark(&s.entry.id.to_string());
            }
            keep
        });
    }
}

#[cfg(test)]
mod changes_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use serde_json::Value;

    pub(super) fn stored(body: &[u8], headers: &[(&str, &str)]) -> Stored {
        let mut s = Stored {
            entry: Entry {
                id: 0,
                at: DateTime::<Utc>::UNIX_EPOCH,
                method: "POST".into(),
                path: "/v1/token/access".into(),
                query: String::new(),
                headers: BTreeMap::new(),
                body: String::new(),
                body_truncated: false,
                app_id: Some("a".into()),
                auth: AuthRecord::default(),
                response: ResponseRecord {
                    status: 200,
                    err_code: None,
                    answered_by: "token".into(),
                },
                outcome: crate::api::journal::RequestOutcome::Ok,
                faults: Vec::new(),
                hints: Vec::new(),
                duration_ms: 0,
            },
            headers: String::new(),
            body: Box::default(),
            body_cut: false,
        };
        s.set_body(body);
        for (name, value) in headers {
            s.push_header(name, value);
        }
        s
    }

    fn json(entry: &Entry) -> Value {
        serde_json::to_value(entry).unwrap_or_default()
    }

    #[test]
    fn a_kept_entry_shows_its_headers_and_body_as_they_came() {
        let s = stored(
            "{\"a\":\"正常\"}".as_bytes(),
            &[("content-type", "application/json"), ("x-odd", "a:b")],
        );
        let entry = s.render();
        assert_eq!(entry.body, "{\"a\":\"正常\"}");
        assert!(!entry.body_truncated);
        assert_eq!(entry.headers.len(), 2);
        assert_eq!(entry.headers["x-odd"], "a:b");
    }

    #[test]
    fn a_long_body_is_shown_cut_at_16_ki_characters_whatever_its_size() {
        for len in [
            MAX_BODY_CHARS + 1,
            MAX_BODY_BYTES,
            MAX_BODY_BYTES + 1,
            1 << 20,
        ] {
            let body = vec![b'x'; len];
            let entry = stored(&body, &[]).render();
            assert_eq!(entry.body.len(), MAX_BODY_CHARS, "{len}");
            assert!(entry.body_truncated, "{len}");
        }
        let exact = stored(&[b'y'; MAX_BODY_CHARS], &[]).render();
        assert!(!exact.body_truncated);
        // Four-byte characters: 16 Ki of them fill the kept bytes exactly.
        let wide = "😀".repeat(MAX_BODY_CHARS + 10);
        let entry = stored(wide.as_bytes(), &[]).render();
        assert_eq!(entry.body, "😀".repeat(MAX_BODY_CHARS));
        assert!(entry.body_truncated);
    }

    #[test]
    fn an_entry_restored_from_a_state_file_reads_back_the_same() {
        let journal = Journal::new(10);
        journal.record(stored(
            &vec![b'z'; MAX_BODY_BYTES + 5],
            &[("authorization", "OPEN-ACCESS-TOKEN AccessToken=5d0c…")],
        ));
        journal.record(stored(b"\xff\xfe body", &[("user-agent", "ua")]));
        let (last_id, entries) = journal.snapshot();
        let before: Vec<Value> = entries.iter().map(json).collect();
        let restored = Journal::new(10);
        restored.restore(last_id, entries);
        let (again_id, again) = restored.snapshot();
        assert_eq!(again_id, last_id);
        assert_eq!(again.iter().map(json).collect::<Vec<_>>(), before);
        assert!(again[0].body_truncated);
        assert_eq!(again[1].body, "\u{fffd}\u{fffd} body");
    }

    #[test]
    fn the_journal_keeps_the_newest_within_its_retention_and_lists_newest_first() {
        let journal = Journal::new(3);
        for _ in 0..5 {
            journal.record(stored(b"", &[]));
        }
        let ids: Vec<u64> = journal
            .list(&JournalFilter::default(), 10)
            .iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(ids, [5, 4, 3]);
    }
}
