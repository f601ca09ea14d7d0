//! What the state database keeps of the token store: each app's live tokens in `cap` slots,
//! one row each, and the tokens pushed out, in the ring of [`super::superseded`].
//!
//! A token pushed out by the app's newest takes its slot: one row rewritten in place per
//! token issued, where keyed by token the old row was deleted and a new one inserted.

use std::sync::Arc;

use super::Superseded;
use super::{Live, TokenRecord, TokenStore, app_tokens, mark_slot};
use crate::domain::changes::Changed;

/// The row key of an app's token slot: `{appId}/{slot}`.
pub fn token_row_key(app_id: &str, slot: usize) -> String {
    format!("{app_id}/{slot}")
}

/// The slot a row key names, when it is one of [`token_row_key`]'s.
pub fn slot_of_row_key(key: &str) -> Option<usize> {
    split_row_key(key).map(|(_, slot)| slot)
}

/// The app and the slot of one of [`token_row_key`]'s keys.
fn split_row_key(key: &str) -> Option<(&str, usize)> {
    let (app_id, slot) = key.rsplit_once('/')?;
    Some((app_id, slot.parse().ok()?))
}

/// Everything a [`TokenStore`] holds, for saving and restoring it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenSnapshot {
    /// Issued tokens not yet pruned, by app, each app's oldest first, with their slot.
    pub tokens: Vec<(String, TokenRecord, Option<usize>)>,
    /// Tokens pushed out by the cap, oldest first: their number, the token and its app.
    pub superseded: Vec<(u64, String, String)>,
}

impl TokenStore {
    /// Starts marking changed slots for [`Self::changed`].
    pub fn track_changes(&self) {
        let mut inner = self.inner.lock();
        inner.slots.track();
        inner.superseded.track();
    }

    /// The token slots changed since the last call (by [`token_row_key`]), with the token
    /// each holds now (`None`: emptied), and the same for the tokens remembered as pushed
    /// out, by slot (as [`super::superseded_row_key`] names it).
    pub fn changed(&self) -> (Changed<(Arc<str>, TokenRecord)>, Changed<Superseded>) {
        let mut inner = self.inner.lock();
        let taken = inner.slots.take();
        let tokens = Changed::read(taken, |key| {
            let (app_id, slot) = split_row_key(key)?;
            let live = inner
                .by_app
                .get(app_id)?
                .queue
                .iter()
                .find(|l| l.slot == slot)?;
            let record = inner.by_token.get(&live.token)?;
            Some((Arc::clone(&live.token), record.clone()))
        });
        (tokens, inner.superseded.changed())
    }

    /// Everything the store holds, apps in appId order.
    pub fn snapshot(&self) -> TokenSnapshot {
        let inner = self.inner.lock();
        let mut apps: Vec<_> = inner.by_app.iter().collect();
        apps.sort_by(|a, b| a.0.cmp(b.0));
        let tokens = apps
            .into_iter()
            .flat_map(|(_, app)| app.queue.iter())
            .filter_map(|l| {
                let record = inner.by_token.get(&l.token)?;
                Some((l.token.to_string(), record.clone(), Some(l.slot)))
            })
            .collect();
        let superseded = inner.superseded.snapshot();
        TokenSnapshot { tokens, superseded }
    }

    /// Replaces everything with a snapshot's content. A token keeps its slot when it has one
    /// no earlier token of its app took; otherwise (a JSON state file, which keeps no slots)
    /// it takes its app's lowest free one.
    pub fn restore(&self, snapshot: TokenSnapshot) {
        let mut inner = self.inner.lock();
        inner.clear();
        for (token, record, slot) in snapshot.tokens {
            let token: Arc<str> = token.into();
            if let Some(app) = app_tokens(&mut inner.by_app, &record.app_id) {
                let slot = slot
                    .filter(|s| app.queue.iter().all(|l| l.slot != *s))
                    .unwrap_or_else(|| app.free_slot());
                app.queue.push_back(Live {
                    token: Arc::clone(&token),
                    expires_at: record.expires_at,
                    slot,
                });
                mark_slot(&mut inner.slots, &record.app_id, slot);
            }
            inner.by_token.insert(token, record);
        }
        inner.superseded.restore(snapshot.superseded);
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Utc};

    use super::*;

    fn record(app: &str, at: DateTime<Utc>) -> TokenRecord {
        TokenRecord {
            app_id: app.to_owned(),
            issued_at: at,
            expires_at: at + Duration::seconds(3600),
        }
    }

    fn tok(i: u32) -> String {
        format!("{i:032x}")
    }

    /// The changed slots, as (key, token held).
    fn changed(store: &TokenStore) -> Vec<(String, Option<String>)> {
        let (tokens, _) = store.changed();
        let mut all: Vec<_> = tokens
            .records
            .into_iter()
            .map(|(key, _, now)| (key, now.map(|(t, _)| t.to_string())))
            .collect();
        all.sort();
        all
    }

    #[test]
    fn a_new_token_takes_the_slot_of_the_one_it_pushes_out() {
        let store = TokenStore::new(3);
        let t0 = DateTime::<Utc>::UNIX_EPOCH;
        store.track_changes();
        for i in 0..3 {
            store.issue(tok(i), record("a", t0), t0);
        }
        assert_eq!(
            changed(&store),
            [
                ("a/0".to_owned(), Some(tok(0))),
                ("a/1".to_owned(), Some(tok(1))),
                ("a/2".to_owned(), Some(tok(2))),
            ]
        );
        store.issue(tok(3), record("a", t0), t0);
        store.issue(tok(4), record("a", t0), t0);
        assert_eq!(
            changed(&store),
            [
                ("a/0".to_owned(), Some(tok(3))),
                ("a/1".to_owned(), Some(tok(4))),
            ]
        );
    }

    #[test]
    fn expired_tokens_leave_their_slots_to_the_next_and_a_revoked_app_empties_its_own() {
        let store = TokenStore::new(3);
        let t0 = DateTime::<Utc>::UNIX_EPOCH;
        store.issue(tok(0), record("a", t0), t0);
        store.issue(tok(1), record("a", t0), t0);
        store.track_changes();
        let later = t0 + Duration::seconds(4000);
        store.issue(tok(2), record("a", later), later);
        assert_eq!(
            changed(&store),
            [("a/0".to_owned(), Some(tok(2))), ("a/1".to_owned(), None)]
        );
        store.revoke_app("a");
        assert_eq!(changed(&store), [("a/0".to_owned(), None)]);
    }

    #[test]
    fn a_snapshot_restores_to_the_same_slots_and_slotless_tokens_take_free_ones() {
        let store = TokenStore::new(3);
        let t0 = DateTime::<Utc>::UNIX_EPOCH;
        for i in 0..4 {
            store.issue(tok(i), record("a", t0), t0);
        }
        let snapshot = store.snapshot();
        let slots: Vec<_> = snapshot.tokens.iter().map(|t| t.2).collect();
        assert_eq!(slots, [Some(1), Some(2), Some(0)]);
        let restored = TokenStore::new(3);
        restored.restore(snapshot.clone());
        assert_eq!(restored.snapshot(), snapshot);

        // As from a JSON state file, which keeps no slots.
        let mut slotless = snapshot;
        for token in &mut slotless.tokens {
            token.2 = None;
        }
        restored.restore(slotless);
        let slots: Vec<_> = restored.snapshot().tokens.iter().map(|t| t.2).collect();
        assert_eq!(slots, [Some(0), Some(1), Some(2)]);
        assert_eq!(slot_of_row_key(&token_row_key("a/b", 7)), Some(7));
        assert_eq!(slot_of_row_key(&tok(1)), None);
    }
}
