//! A book of records (orders, or bills) by app and number, in creation order, bounded by a
//! retention count: beyond it the least recently changed settled record goes first, then the
//! least recently changed open one.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use crate::domain::changes::Changes;

/// What the book needs to know of a record.
pub(super) trait Entry {
    /// The app it belongs to.
    fn app_id(&self) -> &str;
    /// Its number, unique within the app.
    fn number(&self) -> &str;
    /// Whether nothing more is expected of it (paid, closed, refunded): such records go first.
    fn settled(&self) -> bool;
    /// When something next falls due on it by itself (an automatic payment, an expiry, a
    /// refund settling), if anything will.
    fn due(&self) -> Option<DateTime<Utc>>;
}

/// A record and the number of its last change.
#[derive(Debug)]
struct Slot<T> {
    item: T,
    changed: u64,
}

/// Records by creation number (newest last), with an index by app and number and the order of
/// their last changes, kept apart for settled and open ones.
#[derive(Debug)]
pub(super) struct Book<T> {
    slots: BTreeMap<u64, Slot<T>>,
    /// appId → number → creation number.
    index: HashMap<String, HashMap<String, u64>>,
    /// `(change, creation number)` of open records, least recently changed first.
    open: BTreeSet<(u64, u64)>,
    /// The same for settled ones.
    settled: BTreeSet<(u64, u64)>,
    /// appId → `(due time, creation number)` of its records that fall due by themselves.
    dues: HashMap<String, BTreeSet<(DateTime<Utc>, u64)>>,
    next_id: u64,
    next_change: u64,
    /// Records changed since the state database last took them, keyed `appId/number`.
    pub changes: Changes,
}

impl<T> Default for Book<T> {
    fn default() -> Self {
        Self {
            slots: BTreeMap::new(),
            index: HashMap::new(),
            open: BTreeSet::new(),
            settled: BTreeSet::new(),
            dues: HashMap::new(),
            next_id: 0,
            next_change: 0,
            changes: Changes::default(),
        }
    }
}

/// A record's key in [`Book::changes`]: its app and number (appIds hold no `/`).
pub(super) fn key(app_id: &str, number: &str) -> String {
    format!("{app_id}/{number}")
}

impl<T: Entry> Book<T> {
    /// Drops every record; the marks of changes go on.
    pub fn clear(&mut self) {
        let mut changes = std::mem::take(&mut self.changes);
        changes.clear();
        *self = Self {
            changes,
            ..Self::default()
        };
    }

    /// The record a key of [`Book::changes`] names.
    pub fn by_key(&self, key: &str) -> Option<&T> {
        let (app_id, number) = key.split_once('/')?;
        self.get(app_id, number)
    }

    /// Records kept.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    fn id(&self, app_id: &str, number: &str) -> Option<u64> {
        self.index.get(app_id)?.get(number).copied()
    }

    /// The record of `app_id` with this number.
    pub fn get(&self, app_id: &str, number: &str) -> Option<&T> {
        let id = self.id(app_id, number)?;
        self.slots.get(&id).map(|s| &s.item)
    }

    /// The apps holding a record with this number.
    pub fn holders(&self, number: &str) -> Vec<String> {
        let mut apps: Vec<String> = self
            .index
            .iter()
            .filter(|(_, numbers)| numbers.contains_key(number))
            .map(|(app, _)| app.clone())
            .collect();
        apps.sort_unstable();
        apps
    }

    /// Changes a record; whatever `change` does counts as its most recent change.
    pub fn update<R>(
        &mut self,
        app_id: &str,
        number: &str,
        change: impl FnOnce(&mut T) -> R,
    ) -> Option<R> {
        let id = self.id(app_id, number)?;
        let slot = self.slots.get_mut(&id)?;
        self.changes.mark(&key(app_id, number));
        let was_settled = slot.item.settled();
        let was_due = slot.item.due();
        let out = change(&mut slot.item);
        let now_due = slot.item.due();
        let previous = (slot.changed, id);
        self.next_change += 1;
        slot.changed = self.next_change;
        let now_settled = slot.item.settled();
        if was_settled {
            self.settled.remove(&previous);
        } else {
            self.open.remove(&previous);
        }
        let change = self.next_change;
        self.queue(now_settled).insert((change, id));
        if was_due != now_due {
            self.set_due(app_id, id, was_due, now_due);
        }
        Some(out)
    }

    /// Moves a record in the index of due times.
    fn set_due(
        &mut self,
        app_id: &str,
        id: u64,
        was: Option<DateTime<Utc>>,
        now: Option<DateTime<Utc>>,
    ) {
        if let Some(at) = was
            && let Some(set) = self.dues.get_mut(app_id)
        {
            set.remove(&(at, id));
            if set.is_empty() {
                self.dues.remove(app_id);
            }
        }
        if let Some(at) = now {
            self.dues
                .entry(app_id.to_owned())
                .or_default()
                .insert((at, id));
        }
    }

    /// The apps with a record that falls due by itself.
    pub fn apps_with_dues(&self) -> Vec<String> {
        self.dues.keys().cloned().collect()
    }

    /// When the next record of `app_id` falls due by itself.
    pub fn next_due(&self, app_id: &str) -> Option<DateTime<Utc>> {
        self.dues.get(app_id)?.first().map(|(at, _)| *at)
    }

    /// The numbers of the records of `app_id` due at `now`, soonest first.
    pub fn due_at(&self, app_id: &str, now: DateTime<Utc>) -> Vec<String> {
        let Some(set) = self.dues.get(app_id) else {
            return Vec::new();
        };
        set.iter()
            .take_while(|(at, _)| *at <= now)
            .filter_map(|(_, id)| self.slots.get(id))
            .map(|s| s.item.number().to_owned())
            .collect()
    }

    fn queue(&mut self, settled: bool) -> &mut BTreeSet<(u64, u64)> {
        if settled {
            &mut self.settled
        } else {
            &mut self.open
        }
    }

    /// Adds a record (its app and number must be free); it is the newest and the most
    /// recently changed.
    pub fn insert(&mut self, item: T) {
        self.next_id += 1;
        self.next_change += 1;
        let id = self.next_id;
        self.index
            .entry(item.app_id().to_owned())
            .or_default()
            .insert(item.number().to_owned(), id);
        self.changes
            .mark_created(&key(item.app_id(), item.number()));
        let settled = item.settled();
        let change = self.next_change;
        self.queue(settled).insert((change, id));
        let app_id = item.app_id().to_owned();
        self.set_due(&app_id, id, None, item.due());
        self.slots.insert(
            id,
            Slot {
                item,
                changed: self.next_change,
            },
        );
    }

    /// Removes the record of `app_id` with this number.
    pub fn remove(&mut self, app_id: &str, number: &str) -> Option<T> {
        let id = self.id(app_id, number)?;
        self.remove_id(id)
    }

    fn remove_id(&mut self, id: u64) -> Option<T> {
        let slot = self.slots.remove(&id)?;
        self.changes
            .mark(&key(slot.item.app_id(), slot.item.number()));
        let queued = (slot.changed, id);
        self.open.remove(&queued);
        self.settled.remove(&queued);
        let app_id = slot.item.app_id().to_owned();
        self.set_due(&app_id, id, slot.item.due(), None);
        if let Some(numbers) = self.index.get_mut(slot.item.app_id()) {
            numbers.remove(slot.item.number());
            if numbers.is_empty() {
                self.index.remove(slot.item.app_id());
            }
        }
        Some(slot.item)
    }

    /// Drops records beyond `retention`, settled ones first, each kind least recently changed
    /// first, never the record changed last (the one the caller just made or changed) while
    /// the bound is above 0; with a bound of 0 only settled ones go (open ones stay until they
    /// settle). Answers the records that went.
    pub fn enforce(&mut self, retention: usize) -> Vec<T> {
        let mut dropped = Vec::new();
        while self.len() > retention {
            let last = self.next_change;
            let spare = |(changed, _): &&(u64, u64)| retention == 0 || *changed != last;
            let next = self
                .settled
                .iter()
                .find(spare)
                .or_else(|| {
                    (retention > 0)
                        .then(|| self.open.iter().find(spare))
                        .flatten()
                })
                .copied();
            let Some((_, id)) = next else {
                break;
            };
            dropped.extend(self.remove_id(id));
        }
        dropped
    }

    /// Every record matching `keep`, newest first, at most `limit`.
    pub fn newest_first(&self, limit: usize, mut keep: impl FnMut(&T) -> bool) -> Vec<&T> {
        self.slots
            .values()
            .rev()
            .map(|s| &s.item)
            .filter(|item| keep(item))
            .take(limit)
            .collect()
    }

    /// Every record, oldest first.
    pub fn oldest_first(&self) -> impl Iterator<Item = &T> {
        self.slots.values().map(|s| &s.item)
    }

    /// The positions of the records in [`Self::oldest_first`], least recently changed first:
    /// the order in which the bound takes them (settled before open, within that order).
    pub fn change_order(&self) -> Vec<usize> {
        let mut changes: Vec<(u64, usize)> = self
            .slots
            .values()
            .enumerate()
            .map(|(position, slot)| (slot.changed, position))
            .collect();
        changes.sort_unstable();
        changes.into_iter().map(|(_, position)| position).collect()
    }

    /// Drops an app's records and answers them.
    pub fn remove_app(&mut self, app_id: &str) -> Vec<T> {
        let ids: Vec<u64> = self
            .index
            .get(app_id)
            .map(|numbers| numbers.values().copied().collect())
            .unwrap_or_default();
        ids.into_iter()
            .filter_map(|id| self.remove_id(id))
            .collect()
    }
}
