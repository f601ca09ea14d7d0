//! The memory of tokens pushed out by the per-app cap, kept (boundedly) to explain why such a
//! token is refused.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::domain::changes::{Changed, RowKey, Tracked};

/// How many pushed-out tokens are remembered.
pub(super) const SUPERSEDED_MEMORY: usize = 10_000;

/// A token pushed out by the cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Superseded {
    /// Its number: tokens pushed out later have higher ones.
    pub number: u64,
    /// The token's 128 bits.
    token: u128,
    /// Its app.
    app_id: Arc<str>,
}

impl Superseded {
    /// The token, as it was issued.
    pub fn token(&self) -> String {
        format!("{:032x}", self.token)
    }

    /// Its app.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }
}

/// The row key of the token pushed out as `number`: its slot in the ring.
pub fn superseded_row_key(number: u64) -> String {
    slot(number).row_key()
}

fn slot(number: u64) -> u64 {
    number % SUPERSEDED_MEMORY as u64
}

/// A token's 128 bits, when it has the shape of an issued token (32 lowercase hex digits).
pub(super) fn token_key(token: &str) -> Option<u128> {
    let hex = token.len() == 32
        && token
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    hex.then(|| u128::from_str_radix(token, 16).ok()).flatten()
}

/// The last [`SUPERSEDED_MEMORY`] pushed-out tokens, in a ring of that many slots: the token
/// pushed out as number `n` takes slot `n % SUPERSEDED_MEMORY`, in the place of the one pushed
/// out `SUPERSEDED_MEMORY` tokens before it. Each token pushed out therefore changes one row
/// in place in the state database, instead of adding one and deleting another.
#[derive(Debug, Default)]
pub(super) struct SupersededMemory {
    ring: Tracked<BTreeMap<u64, Superseded>>,
    /// The slot of each remembered token, by the token's 128 bits (tokens are 32 lowercase
    /// hex digits): a compact table with no string to compare or free.
    slots: HashMap<u128, u64>,
    /// The number the next pushed-out token gets.
    next: u64,
}

impl SupersededMemory {
    /// Remembers `token` (when it has the issued shape) as pushed out from `app_id`.
    pub fn remember(&mut self, token: &str, app_id: &Arc<str>) {
        if let Some(token) = token_key(token) {
            self.put(self.next, token, Arc::clone(app_id));
        }
    }

    fn put(&mut self, number: u64, token: u128, app_id: Arc<str>) {
        let slot = slot(number);
        let entry = Superseded {
            number,
            token,
            app_id,
        };
        if let Some(old) = self.ring.insert(slot, entry) {
            self.slots.remove(&old.token);
        }
        self.slots.insert(token, slot);
        self.next = number + 1;
    }

    /// The app `token` was pushed out from, when it is remembered.
    pub fn app_of(&self, token: &str) -> Option<&str> {
        let slot = self.slots.get(&token_key(token)?)?;
        self.ring.get(slot).map(|s| &*s.app_id)
    }

    /// Forgets the tokens of an app.
    pub fn forget_app(&mut self, app_id: &str) {
        let slots = &mut self.slots;
        self.ring.retain(|_, s| {
            let keep = &*s.app_id != app_id;
            if !keep {
                slots.remove(&s.token);
            }
            keep
        });
    }

    /// Forgets everything (marking it, when tracked).
    pub fn clear(&mut self) {
        self.ring.clear();
        self.slots.clear();
        self.next = 0;
    }

    /// Starts marking changes.
    pub fn track(&mut self) {
        self.ring.track();
    }

    /// The slots changed since the last call, with what they hold now.
    pub fn changed(&mut self) -> Changed<Superseded> {
        let taken = self.ring.take();
        Changed::read(taken, |key| {
            let slot = u64::from_str_radix(key, 16).ok()?;
            self.ring.get(&slot).cloned()
        })
    }

    /// The remembered tokens, oldest first: their number, the token and its app.
    pub fn snapshot(&self) -> Vec<(u64, String, String)> {
        let mut all: Vec<_> = self.ring.values().collect();
        all.sort_by_key(|s| s.number);
        all.into_iter()
            .map(|s| (s.number, s.token(), s.app_id.to_string()))
            .collect()
    }

    /// Replaces everything with a snapshot's content. Numbers only grow: a file without them
    /// (all 0, as 0.1.0 wrote) keeps its order. A token of another shape (possible only in a
    /// hand-edited file) is not remembered: it could never have been issued.
    pub fn restore(&mut self, mut snapshot: Vec<(u64, String, String)>) {
        self.clear();
        snapshot.sort_by_key(|(number, ..)| *number);
        for (number, token, app_id) in snapshot {
            if let Some(token) = token_key(&token) {
                self.put(number.max(self.next), token, app_id.into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(i: u64) -> String {
        format!("{:032x}", u128::from(i + 1) * 0x9e37_79b9_7f4a_7c15)
    }

    fn remember(memory: &mut SupersededMemory, i: u64, app: &str) {
        memory.remember(&tok(i), &Arc::from(app));
    }

    #[test]
    fn a_token_pushed_out_takes_the_slot_of_the_one_pushed_out_a_memory_earlier() {
        let mut memory = SupersededMemory::default();
        for i in 0..SUPERSEDED_MEMORY as u64 {
            remember(&mut memory, i, "a");
        }
        memory.track();
        remember(&mut memory, SUPERSEDED_MEMORY as u64, "b");
        assert_eq!(memory.app_of(&tok(0)), None);
        assert_eq!(memory.app_of(&tok(1)), Some("a"));
        assert_eq!(memory.app_of(&tok(SUPERSEDED_MEMORY as u64)), Some("b"));
        // One row changes in place: slot 0, not made anew.
        let changed = memory.changed();
        assert_eq!(changed.records.len(), 1);
        let (key, mark, now) = &changed.records[0];
        assert_eq!(key, &superseded_row_key(0));
        assert!(!mark.created);
        assert_eq!(
            now.as_ref().map(|s| s.number),
            Some(SUPERSEDED_MEMORY as u64)
        );
        assert_eq!(
            superseded_row_key(SUPERSEDED_MEMORY as u64),
            superseded_row_key(0)
        );
    }

    #[test]
    fn a_snapshot_is_oldest_first_and_restores_to_the_same_slots() {
        let mut memory = SupersededMemory::default();
        for i in 0..(SUPERSEDED_MEMORY as u64 + 3) {
            remember(&mut memory, i, "a");
        }
        let snapshot = memory.snapshot();
        assert_eq!(snapshot.len(), SUPERSEDED_MEMORY);
        assert_eq!(snapshot[0].0, 3);
        assert_eq!(snapshot[0].1, tok(3));
        let mut restored = SupersededMemory::default();
        restored.restore(snapshot.clone());
        assert_eq!(restored.snapshot(), snapshot);
        remember(&mut restored, SUPERSEDED_MEMORY as u64 + 3, "a");
        assert_eq!(restored.app_of(&tok(3)), None);
        assert_eq!(restored.app_of(&tok(4)), Some("a"));
    }

    #[test]
    fn a_file_without_numbers_keeps_its_order() {
        let mut memory = SupersededMemory::default();
        memory.restore(vec![
            (0, tok(7), "a".into()),
            (0, tok(8), "b".into()),
            (0, "not-a-token".into(), "c".into()),
        ]);
        let numbers: Vec<_> = memory
            .snapshot()
            .into_iter()
            .map(|(n, t, _)| (n, t))
            .collect();
        assert_eq!(numbers, [(0, tok(7)), (1, tok(8))]);
    }

    #[test]
    fn forgetting_an_app_leaves_the_others() {
        let mut memory = SupersededMemory::default();
        remember(&mut memory, 0, "a");
        remember(&mut memory, 1, "b");
        memory.forget_app("a");
        assert_eq!(memory.app_of(&tok(0)), None);
        assert_eq!(memory.app_of(&tok(1)), Some("b"));
    }
}
