//! The records behind [`super::PayScoreStore`]: an index by app and openId, and the order in
//! which records last changed, kept apart for open and closed ones, so that the retention bound
//! finds the record to drop in amortised O(1) instead of scanning them all.

use std::collections::{HashMap, VecDeque};

use super::store::{AuthState, Authorization};
use crate::domain::changes::Changes;

/// A record's key in [`Records::changes`]: its app and openId (appIds hold no `/`).
pub(super) fn key(app_id: &str, open_id: &str) -> String {
    format!("{app_id}/{open_id}")
}

/// One record and the number of its last change.
#[derive(Debug)]
struct Slot {
    auth: Authorization,
    changed: u64,
}

/// Queue entries: `(change number, slot)`, least recently changed first.
type ChangeQueue = VecDeque<(u64, usize)>;

/// Every authorisation, by app and openId, with the order of their last changes.
///
/// A change pushes a new entry onto the queue of the record's state and leaves the previous
/// entry behind; an entry whose change number is no longer its slot's (the record changed
/// again, or went) is stale and skipped. The queues are compacted when stale entries outnumber
/// live ones, so they stay within twice the number of records.
#[derive(Debug, Default)]
pub(super) struct Records {
    /// appId → openId → index in `slots`.
    index: HashMap<String, HashMap<String, usize>>,
    slots: Vec<Option<Slot>>,
    free: Vec<usize>,
    open: ChangeQueue,
    closed: ChangeQueue,
    len: usize,
    next_change: u64,
    /// Records dropped by the retention bound.
    pub dropped: u64,
    /// Records changed since the state database last took them.
    pub changes: Changes,
}

impl Records {
    #[cfg(test)]
    /// Records kept.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The slot of a record.
    pub fn find(&self, app_id: &str, open_id: &str) -> Option<usize> {
        self.index.get(app_id)?.get(open_id).copied()
    }

    /// The record in a slot.
    pub fn at(&self, slot: usize) -> Option<&Authorization> {
        self.slots.get(slot)?.as_ref().map(|s| &s.auth)
    }

    /// A record and its slot, to change; a change of state must be followed by
    /// [`Records::changed`].
    pub fn find_mut(&mut self, app_id: &str, open_id: &str) -> Option<(usize, &mut Authorization)> {
        let slot = self.find(app_id, open_id)?;
        let entry = self.slots.get_mut(slot)?.as_mut()?;
        self.changes.mark(&key(app_id, open_id));
        Some((slot, &mut entry.auth))
    }

    /// Adds a record under its app and openId (which the caller has checked are free) and
    /// answers its slot; it counts as the most recent change.
    pub fn insert(&mut self, auth: Authorization) -> usize {
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.slots.push(None);
                self.slots.len() - 1
            }
        };
        match self.index.get_mut(&auth.app_id) {
            Some(by_open) => {
                by_open.insert(auth.open_id.clone(), slot);
            }
            None => {
                let by_open = HashMap::from([(auth.open_id.clone(), slot)]);
                self.index.insert(auth.app_id.clone(), by_open);
            }
        }
        self.changes.mark_created(&key(&auth.app_id, &auth.open_id));
        self.slots[slot] = Some(Slot { auth, changed: 0 });
        self.len += 1;
        self.changed(slot);
        slot
    }

    /// Notes that the record in `slot` changed (its state is read now): it becomes the most
    /// recently changed of its state.
    pub fn changed(&mut self, slot: usize) {
        let Some(Some(entry)) = self.slots.get_mut(slot) else {
            return;
        };
        self.next_change += 1;
        entry.changed = self.next_change;
        let queue = match entry.auth.state {
            AuthState::Open => &mut self.open,
            AuthState::Closed => &mut self.closed,
        };
        queue.push_back((self.next_change, slot));
        if self.open.len() + self.closed.len() > 2 * self.len + 64 {
            self.compact();
        }
    }

    /// Removes the record in `slot`.
    pub fn remove(&mut self, slot: usize) -> Option<Authorization> {
        let entry = self.slots.get_mut(slot)?.take()?;
        self.changes
            .mark(&key(&entry.auth.app_id, &entry.auth.open_id));
        if let Some(by_open) = self.index.get_mut(&entry.auth.app_id) {
            by_open.remove(&entry.auth.open_id);
            if by_open.is_empty() {
                self.index.remove(&entry.auth.app_id);
            }
        }
        self.free.push(slot);
        self.len -= 1;
        Some(entry.auth)
    }

    /// Drops records until at most `retention` are left: the least recently changed closed
    /// one first, then the least recently changed open one. With a retention of 0, drops every
    /// closed record and no open one.
    pub fn enforce(&mut self, retention: usize) {
        while retention == 0 || self.len > retention {
            let victim = Self::oldest(&mut self.closed, &self.slots).or_else(|| {
                (retention > 0)
                    .then(|| Self::oldest(&mut self.open, &self.slots))
                    .flatten()
            });
            let Some(slot) = victim else {
                break;
            };
            self.remove(slot);
            self.dropped += 1;
        }
    }

    /// Takes the first live entry off a queue, dropping stale ones on the way.
    fn oldest(queue: &mut ChangeQueue, slots: &[Option<Slot>]) -> Option<usize> {
        while let Some((changed, slot)) = queue.pop_front() {
            if Self::is_live(slots, changed, slot) {
                return Some(slot);
            }
        }
        None
    }

    fn is_live(slots: &[Option<Slot>], changed: u64, slot: usize) -> bool {
        matches!(slots.get(slot), Some(Some(s)) if s.changed == changed)
    }

    /// Drops stale queue entries.
    fn compact(&mut self) {
        let slots = &self.slots;
        self.open.retain(|&(c, s)| Self::is_live(slots, c, s));
        self.closed.retain(|&(c, s)| Self::is_live(slots, c, s));
    }

    /// Removes every record of an app.
    pub fn remove_app(&mut self, app_id: &str) {
        let Some(by_open) = self.index.remove(app_id) else {
            return;
        };
        for (open_id, slot) in by_open {
            if let Some(Some(_)) = self.slots.get(slot) {
                self.changes.mark(&key(app_id, &open_id));
                self.slots[slot] = None;
                self.free.push(slot);
                self.len -= 1;
            }
        }
        if self.len == 0 {
            self.clear_keeping_count();
        }
    }

    /// Removes every record; the dropped count stays.
    pub fn clear_keeping_count(&mut self) {
        let dropped = self.dropped;
        let mut changes = std::mem::take(&mut self.changes);
        changes.clear();
        *self = Self {
            dropped,
            changes,
            ..Self::default()
        };
    }

    /// Every record, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &Authorization> {
        self.slots.iter().flatten().map(|s| &s.auth)
    }

    /// Every record of one app, in no particular order.
    pub fn of_app(&self, app_id: &str) -> impl Iterator<Item = &Authorization> {
        self.index
            .get(app_id)
            .into_iter()
            .flat_map(|by_open| by_open.values())
            .filter_map(|&slot| self.at(slot))
    }

    /// Every record, least recently changed first.
    pub fn by_change(&self) -> Vec<&Authorization> {
        let mut slots: Vec<&Slot> = self.slots.iter().flatten().collect();
        slots.sort_unstable_by_key(|s| s.changed);
        slots.into_iter().map(|s| &s.auth).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(open_id: &str) -> Authorization {
        Authorization {
            app_id: "a".into(),
            open_id: open_id.into(),
            sub_open_id: String::new(),
            authorization_code: String::new(),
            state: AuthState::Open,
            history: Vec::new(),
        }
    }

    #[test]
    fn one_user_flipping_for_ever_keeps_the_queues_bounded() {
        let mut records = Records::default();
        for n in 0..10 {
            records.insert(auth(&format!("u{n}")));
        }
        for k in 0..=100_000 {
            let (slot, a) = records.find_mut("a", "u3").expect("kept");
            a.state = if k % 2 == 0 {
                AuthState::Closed
            } else {
                AuthState::Open
            };
            records.changed(slot);
            assert!(records.open.len() + records.closed.len() <= 2 * 10 + 65);
        }
        records.enforce(9);
        assert!(records.find("a", "u3").is_none(), "u3 was closed last");
    }

    #[test]
    fn freed_slots_are_reused_without_reviving_stale_entries() {
        let mut records = Records::default();
        records.insert(auth("u1"));
        records.insert(auth("u2"));
        records.enforce(1);
        records.insert(auth("u3"));
        assert_eq!(records.slots.len(), 2, "u3 took u1's slot");
        records.enforce(1);
        assert!(records.find("a", "u2").is_none(), "u2 is older than u3");
        assert!(records.find("a", "u3").is_some());
        assert_eq!(records.dropped, 2);
    }
}
