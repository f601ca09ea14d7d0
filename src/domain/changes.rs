//! Which records of a store changed since the state database last asked, so that a commit
//! reads and writes only those: the cost of a commit follows the size of the change, not of
//! the state.
//!
//! A store keeps a [`Changes`] under the same lock as its records and marks a record's key
//! after each change to it (insertion, update or removal). Marking is off until a database
//! [tracks](Changes::track) the store, so an instance without one keeps nothing. The database
//! [takes](Changes::take) the marks and reads each marked record as it stands then: present,
//! it is written; gone, its row is deleted.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::ops::Deref;

/// The keys of changed records, with the order of their changes.
#[derive(Debug, Default)]
pub struct Changes {
    on: bool,
    next: u64,
    cleared: bool,
    keys: HashMap<String, Mark>,
}

/// When a record was first and last marked since the last take, and whether it was made
/// anew meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// The number of its first mark: records made in one take are made in this order.
    pub first: u64,
    /// The number of its last mark.
    pub last: u64,
    /// Made (or made again) since the last take: it comes after every record made before,
    /// as if new.
    pub created: bool,
}

/// What [`Changes::take`] answers.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Taken {
    /// Everything was dropped at some point since the last take: every stored row goes,
    /// before the marked records are written.
    pub cleared: bool,
    /// The keys of the records changed since, least recently changed first.
    pub keys: Vec<(String, Mark)>,
}

impl Changes {
    /// Starts keeping marks.
    pub fn track(&mut self) {
        self.on = true;
    }

    /// Whether marks are kept (a key that costs something to make need not be made before).
    pub fn tracking(&self) -> bool {
        self.on
    }

    /// Notes that the record `key` changed (or went).
    pub fn mark(&mut self, key: &str) {
        self.note(key, false);
    }

    /// Notes that the record `key` was made (or made again).
    pub fn mark_created(&mut self, key: &str) {
        self.note(key, true);
    }

    fn note(&mut self, key: &str, created: bool) {
        if !self.on {
            return;
        }
        self.next += 1;
        let next = self.next;
        match self.keys.get_mut(key) {
            Some(mark) => {
                mark.last = next;
                if created {
                    // Made again: it is as new as its last making.
                    mark.first = next;
                    mark.created = true;
                }
            }
            None => {
                let mark = Mark {
                    first: next,
                    last: next,
                    created,
                };
                self.keys.insert(key.to_owned(), mark);
            }
        }
    }

    /// Whether anything was marked since the last take.
    pub fn has_marks(&self) -> bool {
        self.cleared || !self.keys.is_empty()
    }

    /// Notes that every record went.
    pub fn clear(&mut self) {
        if self.on {
            self.cleared = true;
            self.keys.clear();
        }
    }

    /// The marks since the last take; none are kept.
    pub fn take(&mut self) -> Taken {
        let mut keys: Vec<(String, Mark)> = self.keys.drain().collect();
        keys.sort_unstable_by_key(|(_, mark)| mark.last);
        Taken {
            cleared: std::mem::take(&mut self.cleared),
            keys,
        }
    }
}

/// Changed records, read as they stand: `None` for one that went.
#[derive(Debug, Clone, PartialEq)]
pub struct Changed<T> {
    /// Every stored row goes first (see [`Taken::cleared`]).
    pub cleared: bool,
    /// Each changed record by key, with its marks, least recently changed first.
    pub records: Vec<(String, Mark, Option<T>)>,
}

impl<T> Default for Changed<T> {
    fn default() -> Self {
        Self {
            cleared: false,
            records: Vec::new(),
        }
    }
}

impl<T> Changed<T> {
    /// The taken marks, each read with `read`.
    pub fn read(taken: Taken, mut read: impl FnMut(&str) -> Option<T>) -> Self {
        let records = taken
            .keys
            .into_iter()
            .map(|(k, mark)| {
                let record = read(&k);
                (k, mark, record)
            })
            .collect();
        Self {
            cleared: taken.cleared,
            records,
        }
    }
}

/// How a map's key names its record's row.
pub trait RowKey {
    /// The row's key.
    fn row_key(&self) -> String;
}

impl RowKey for String {
    fn row_key(&self) -> String {
        self.clone()
    }
}

impl RowKey for std::sync::Arc<str> {
    fn row_key(&self) -> String {
        self.to_string()
    }
}

impl RowKey for u64 {
    /// A number as 16 hex digits: keys sort as the numbers do.
    fn row_key(&self) -> String {
        format!("{self:016x}")
    }
}

/// A map whose every change is marked: it reads as the map (through `Deref`), and changes
/// only through its own methods, so no change can go unmarked.
#[derive(Debug, Default)]
pub struct Tracked<M> {
    map: M,
    changes: Changes,
}

impl<M> Deref for Tracked<M> {
    type Target = M;

    fn deref(&self) -> &M {
        &self.map
    }
}

impl<M> Tracked<M> {
    /// Starts marking changes.
    pub fn track(&mut self) {
        self.changes.track();
    }

    /// The marks since the last take.
    pub fn take(&mut self) -> Taken {
        self.changes.take()
    }
}

macro_rules! tracked_map {
    ($map:ident, $($bound:tt)+) => {
        // Every way of changing the map, whether or not each store needs it.
        #[allow(dead_code)]
        impl<K: $($bound)+ + RowKey, V> Tracked<$map<K, V>> {
            /// Inserts or replaces a record.
            pub fn insert(&mut self, key: K, value: V) -> Option<V> {
                let row = key.row_key();
                let old = self.map.insert(key, value);
                if old.is_some() {
                    self.changes.mark(&row);
                } else {
                    self.changes.mark_created(&row);
                }
                old
            }

            /// A record to change; marked whether or not it is changed.
            pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
            where
                K: std::borrow::Borrow<Q>,
                Q: $($bound)+ + ?Sized,
            {
                let row = self.map.get_key_value(key)?.0.row_key();
                self.changes.mark(&row);
                self.map.get_mut(key)
            }

            /// Removes a record.
            pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
            where
                K: std::borrow::Borrow<Q>,
                Q: $($bound)+ + ?Sized,
            {
                let (key, value) = self.map.remove_entry(key)?;
                self.changes.mark(&key.row_key());
                Some(value)
            }

            /// Keeps only the records `keep` answers `true` for.
            pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
                let changes = &mut self.changes;
                self.map.retain(|k, v| {
                    let kept = keep(k, v);
                    if !kept {
                        changes.mark(&k.row_key());
                    }
                    kept
                });
            }

            /// Removes every record.
            pub fn clear(&mut self) {
                self.changes.clear();
                self.map.clear();
            }
        }
    };
}

tracked_map!(HashMap, Eq + Hash);
tracked_map!(BTreeMap, Ord);

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(taken: &Taken) -> Vec<&str> {
        taken.keys.iter().map(|(k, _)| k.as_str()).collect()
    }

    #[test]
    fn marks_come_in_the_order_of_each_key_s_last_change() {
        let mut changes = Changes::default();
        changes.mark("a");
        changes.track();
        changes.mark("b");
        changes.mark("c");
        changes.mark("b");
        let taken = changes.take();
        assert_eq!(keys(&taken), ["c", "b"]);
        assert!(!taken.cleared);
        assert!(changes.take().keys.is_empty());
    }

    #[test]
    fn nothing_is_kept_before_tracking_starts() {
        let mut map: Tracked<HashMap<String, u32>> = Tracked::default();
        map.insert("a".into(), 1);
        map.track();
        assert_eq!(map.take(), Taken::default());
    }

    #[test]
    fn every_kind_of_change_to_a_tracked_map_is_marked_in_the_order_of_last_change() {
        let mut map: Tracked<BTreeMap<String, u32>> = Tracked::default();
        map.track();
        map.insert("a".into(), 1);
        map.insert("b".into(), 2);
        map.insert("c".into(), 3);
        let _ = map.take();
        if let Some(v) = map.get_mut("b") {
            *v = 20;
        }
        map.remove("a");
        map.retain(|k, _| k != "c");
        assert!(map.get_mut("missing").is_none());
        assert_eq!(keys(&map.take()), ["b", "a", "c"]);
        assert_eq!(map.get("b"), Some(&20));
    }

    #[test]
    fn a_clear_drops_the_marks_before_it_and_keeps_those_after() {
        let mut map: Tracked<HashMap<String, u32>> = Tracked::default();
        map.track();
        map.insert("a".into(), 1);
        map.clear();
        map.insert("b".into(), 2);
        let taken = map.take();
        assert!(taken.cleared);
        assert_eq!(keys(&taken), ["b"]);
        assert!(!map.take().cleared);
    }

    #[test]
    fn records_made_keep_the_order_they_were_made_in_and_a_remade_one_is_new_again() {
        let mut map: Tracked<HashMap<String, u32>> = Tracked::default();
        map.insert("old".into(), 0);
        map.track();
        map.insert("a".into(), 1);
        map.insert("b".into(), 2);
        map.insert("a".into(), 10);
        map.insert("old".into(), 5);
        map.remove("b");
        map.insert("b".into(), 3);
        let taken = map.take();
        let marks: Vec<_> = taken
            .keys
            .iter()
            .map(|(k, m)| (k.as_str(), m.first, m.created))
            .collect();
        assert_eq!(
            marks,
            [("a", 1, true), ("old", 4, false), ("b", 6, true)],
            "by last change: a (3), old (4), b (6)"
        );
    }

    #[test]
    fn changed_records_are_read_as_they_stand_and_gone_ones_are_none() {
        let mut changes = Changes::default();
        changes.track();
        changes.mark("a");
        changes.mark("gone");
        let changed = Changed::read(changes.take(), |k| (k == "a").then_some(1));
        let read: Vec<_> = changed
            .records
            .iter()
            .map(|(k, _, r)| (k.as_str(), *r))
            .collect();
        assert_eq!(read, [("a", Some(1)), ("gone", None)]);
        assert!(!changed.cleared);
    }
}
