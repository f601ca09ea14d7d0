//! Access tokens: issued by `POST /v1/token/access`, checked by OPEN-ACCESS-TOKEN.

mod saved;
mod superseded;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use parking_lot::Mutex;

use crate::domain::changes::Changes;
pub use saved::{TokenSnapshot, slot_of_row_key, token_row_key};
#[cfg(test)]
use superseded::SUPERSEDED_MEMORY;
use superseded::SupersededMemory;
pub use superseded::{Superseded, superseded_row_key};

/// One issued token, as the store keeps it and the state file saves it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenRecord {
    /// The app it was issued to.
    pub app_id: String,
    /// When it was issued (sandbox time).
    pub issued_at: DateTime<Utc>,
    /// When it stops being valid (sandbox time).
    pub expires_at: DateTime<Utc>,
}

/// What the store knows of a presented token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenLookup {
    /// Valid now.
    Valid(TokenRecord),
    /// Was valid, lifetime over.
    Expired(TokenRecord),
    /// Was valid, pushed out by a newer token once the app held the maximum.
    Superseded(String),
    /// Never issued by this instance (or its app was deleted).
    Unknown,
}

/// A live token as its app's queue holds it: with its expiry (sparing a map lookup per token
/// when pruning) and its slot, one of the app's `cap` rows in the state database.
#[derive(Debug)]
struct Live {
    token: Arc<str>,
    expires_at: DateTime<Utc>,
    slot: usize,
}

/// One app's live tokens, oldest first.
#[derive(Debug)]
struct AppTokens {
    app_id: Arc<str>,
    queue: VecDeque<Live>,
}

impl AppTokens {
    /// The lowest slot no live token of the app holds: the one the token pushed out (or
    /// pruned) last left, so a new token rewrites that row in place.
    fn free_slot(&self) -> usize {
        (0..)
            .find(|slot| self.queue.iter().all(|l| l.slot != *slot))
            .unwrap_or_default()
    }
}

/// Token strings and appIds are shared between the maps (`Arc<str>`), so issuing a token
/// allocates it once.
#[derive(Debug, Default)]
struct Inner {
    by_token: HashMap<Arc<str>, TokenRecord>,
    by_app: HashMap<String, AppTokens>,
    /// The slots changed (as [`token_row_key`] names them), when tracked.
    slots: Changes,
    /// Tokens pushed out by the cap, remembered (boundedly) to explain the rejection.
    superseded: SupersededMemory,
}

/// Marks the row of an app's slot as changed (when changes are tracked).
fn mark_slot(slots: &mut Changes, app_id: &str, slot: usize) {
    if slots.tracking() {
        slots.mark(&token_row_key(app_id, slot));
    }
}

/// The app's entry, made if missing (`None` cannot happen: it is there after the insert).
fn app_tokens<'a>(
    by_app: &'a mut HashMap<String, AppTokens>,
    app_id: &str,
) -> Option<&'a mut AppTokens> {
    if !by_app.contains_key(app_id) {
        by_app.insert(
            app_id.to_owned(),
            AppTokens {
                app_id: app_id.into(),
                queue: VecDeque::new(),
            },
        );
    }
    by_app.get_mut(app_id)
}

/// Tokens of every app, at most `cap` live ones per app.
#[derive(Debug)]
pub struct TokenStore {
    cap: usize,
    inner: Mutex<Inner>,
}

impl TokenStore {
    /// A store that keeps at most `cap` live tokens per app.
    pub fn new(cap: usize) -> Self {
        Self {
            cap: cap.max(1),
            inner: Mutex::new(Inner::default()),
        }
    }

    /// Records a new token; when the app already holds `cap` live tokens, the oldest is dropped.
    /// Expired tokens are pruned first, so they never count against the cap.
    pub fn issue(&self, token: String, record: TokenRecord, now: DateTime<Utc>) {
        let token: Arc<str> = token.into();
        let mut inner = self.inner.lock();
        let Inner {
            by_token,
            by_app,
            slots,
            superseded,
        } = &mut *inner;
        let Some(app) = app_tokens(by_app, &record.app_id) else {
            return;
        };
        app.queue.retain(|live| {
            live.expires_at > now || {
                by_token.remove(&live.token);
                mark_slot(slots, &record.app_id, live.slot);
                false
            }
        });
        while app.queue.len() >= self.cap {
            let Some(oldest) = app.queue.pop_front() else {
                break;
            };
            by_token.remove(&oldest.token);
            superseded.remember(&oldest.token, &app.app_id);
            mark_slot(slots, &record.app_id, oldest.slot);
        }
        let slot = app.free_slot();
        mark_slot(slots, &record.app_id, slot);
        app.queue.push_back(Live {
            token: Arc::clone(&token),
            expires_at: record.expires_at,
            slot,
        });
        by_token.insert(token, record);
    }

    /// What the store knows of `token`, judged at `now_of(its app)`: a token expires by the
    /// clock of the app it was issued to.
    pub fn lookup(&self, token: &str, now_of: impl FnOnce(&str) -> DateTime<Utc>) -> TokenLookup {
        let inner = self.inner.lock();
        match inner.by_token.get(token) {
            Some(r) if r.expires_at > now_of(&r.app_id) => TokenLookup::Valid(r.clone()),
            Some(r) => TokenLookup::Expired(r.clone()),
            None => match inner.superseded.app_of(token) {
                Some(app) => TokenLookup::Superseded(app.to_owned()),
                None => TokenLookup::Unknown,
            },
        }
    }

    /// The tokens still valid, of one app or of every app, each judged at `now_of(its app)`;
    /// per app oldest first.
    pub fn live(
        &self,
        app_id: Option<&str>,
        mut now_of: impl FnMut(&str) -> DateTime<Utc>,
    ) -> Vec<(String, TokenRecord)> {
        let inner = self.inner.lock();
        let apps: Vec<&AppTokens> = match app_id {
            Some(id) => inner.by_app.get(id).into_iter().collect(),
            None => inner.by_app.values().collect(),
        };
        let mut out = Vec::new();
        for app in apps {
            let now = now_of(&app.app_id);
            for live in &app.queue {
                if live.expires_at <= now {
                    continue;
                }
                if let Some(record) = inner.by_token.get(&live.token) {
                    out.push((live.token.to_string(), record.clone()));
                }
            }
        }
        out
    }

    #[cfg(test)]
    /// The live tokens of an app at `now`, oldest first.
    pub fn live_count(&self, app_id: &str, now: DateTime<Utc>) -> usize {
        let inner = self.inner.lock();
        inner.by_app.get(app_id).map_or(0, |app| {
            app.queue
                .iter()
                .filter(|live| live.expires_at > now)
                .count()
        })
    }

    /// Drops every token of an app.
    pub fn revoke_app(&self, app_id: &str) {
        let mut inner = self.inner.lock();
        if let Some(app) = inner.by_app.remove(app_id) {
            for live in app.queue {
                inner.by_token.remove(&live.token);
                mark_slot(&mut inner.slots, app_id, live.slot);
            }
        }
        inner.superseded.forget_app(app_id);
    }

    /// Drops every token.
    pub fn clear(&self) {
        self.inner.lock().clear();
    }
}

impl Inner {
    /// Drops everything (marking it, when tracked).
    fn clear(&mut self) {
        self.by_token.clear();
        self.by_app.clear();
        self.slots.clear();
        self.superseded.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    /// A token of the issued shape.
    fn tok(i: u128) -> String {
        format!(
            "{:032x}",
            (i + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835)
        )
    }

    fn record(app: &str, at: DateTime<Utc>) -> TokenRecord {
        TokenRecord {
            app_id: app.to_owned(),
            issued_at: at,
            expires_at: at + Duration::seconds(3600),
        }
    }

    #[test]
    fn the_eleventh_token_pushes_out_the_oldest() {
        let store = TokenStore::new(10);
        let t0 = DateTime::<Utc>::UNIX_EPOCH;
        for i in 0..11 {
            store.issue(tok(i), record("a", t0), t0);
        }
        assert_eq!(store.live_count("a", t0), 10);
        assert_eq!(
            store.lookup(&tok(0), |_| t0),
            TokenLookup::Superseded("a".into())
        );
        assert!(matches!(
            store.lookup(&tok(1), |_| t0),
            TokenLookup::Valid(_)
        ));
        assert!(matches!(
            store.lookup(&tok(10), |_| t0),
            TokenLookup::Valid(_)
        ));
        // Only the exact token is recognised: another case or shape is simply unknown.
        assert_eq!(
            store.lookup(&tok(0).to_uppercase(), |_| t0),
            TokenLookup::Unknown
        );
    }

    #[test]
    fn pushed_out_tokens_are_remembered_boundedly_and_survive_a_snapshot() {
        let store = TokenStore::new(1);
        let t0 = DateTime::<Utc>::UNIX_EPOCH;
        for i in 0..(SUPERSEDED_MEMORY as u128 + 5) {
            store.issue(tok(i), record("a", t0), t0);
        }
        assert_eq!(store.lookup(&tok(3), |_| t0), TokenLookup::Unknown);
        assert_eq!(
            store.lookup(&tok(5), |_| t0),
            TokenLookup::Superseded("a".into())
        );
        let snapshot = store.snapshot();
        assert_eq!(snapshot.superseded.len(), SUPERSEDED_MEMORY);
        assert_eq!(snapshot.superseded[0], (4, tok(4), "a".to_owned()));
        let restored = TokenStore::new(1);
        restored.restore(snapshot.clone());
        assert_eq!(restored.snapshot(), snapshot);
        assert_eq!(
            restored.lookup(&tok(5), |_| t0),
            TokenLookup::Superseded("a".into())
        );
    }

    #[test]
    fn expired_tokens_do_not_count_against_the_cap() {
        let store = TokenStore::new(2);
        let t0 = DateTime::<Utc>::UNIX_EPOCH;
        store.issue("old1".into(), record("a", t0), t0);
        store.issue("old2".into(), record("a", t0), t0);
        let later = t0 + Duration::seconds(4000);
        assert!(matches!(
            store.lookup("old1", |_| later),
            TokenLookup::Expired(_)
        ));
        store.issue("new1".into(), record("a", later), later);
        store.issue("new2".into(), record("a", later), later);
        assert!(matches!(
            store.lookup("new1", |_| later),
            TokenLookup::Valid(_)
        ));
        assert_eq!(store.live_count("a", later), 2);
    }

    #[test]
    fn live_tokens_are_judged_by_the_clock_of_their_app() {
        let store = TokenStore::new(10);
        let t0 = DateTime::<Utc>::UNIX_EPOCH;
        store.issue("a1".into(), record("a", t0), t0);
        store.issue("b1".into(), record("b", t0), t0);
        let later = t0 + Duration::seconds(4000);
        let now_of = |app: &str| if app == "a" { later } else { t0 };
        let live: Vec<String> = store.live(None, now_of).into_iter().map(|t| t.0).collect();
        assert_eq!(live, ["b1"]);
        assert!(store.live(Some("a"), now_of).is_empty());
        assert_eq!(store.live(Some("b"), |_| t0)[0].1.app_id, "b");
    }

    #[test]
    fn apps_have_separate_caps_and_revocation() {
        let store = TokenStore::new(1);
        let t0 = DateTime::<Utc>::UNIX_EPOCH;
        store.issue("a1".into(), record("a", t0), t0);
        store.issue("b1".into(), record("b", t0), t0);
        assert!(matches!(store.lookup("a1", |_| t0), TokenLookup::Valid(_)));
        store.revoke_app("a");
        assert_eq!(store.lookup("a1", |_| t0), TokenLookup::Unknown);
        assert!(matches!(store.lookup("b1", |_| t0), TokenLookup::Valid(_)));
    }
}
