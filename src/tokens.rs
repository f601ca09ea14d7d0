//! Access tokens: issued by `POST /v1/token/access`, checked by OPEN-ACCESS-TOKEN.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Utc};
use parking_lot::Mutex;

/// One issued token.
#[derive(Debug, Clone, PartialEq, Eq)]
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

#[derive(Debug, Default)]
struct Inner {
    by_token: HashMap<String, TokenRecord>,
    by_app: HashMap<String, VecDeque<String>>,
    /// Tokens pushed out by the cap, remembered (boundedly) to explain the rejection.
    superseded: HashMap<String, String>,
    superseded_order: VecDeque<String>,
}

/// Tokens of every app, at most `cap` live ones per app.
#[derive(Debug)]
pub struct TokenStore {
    cap: usize,
    inner: Mutex<Inner>,
}

const SUPERSEDED_MEMORY: usize = 10_000;

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
        let mut inner = self.inner.lock();
        let Inner {
            by_token,
            by_app,
            superseded,
            superseded_order,
        } = &mut *inner;
        let queue = by_app.entry(record.app_id.clone()).or_default();
        queue.retain(|t| {
            by_token.get(t).is_some_and(|r| r.expires_at > now) || {
                by_token.remove(t);
                false
            }
        });
        while queue.len() >= self.cap {
            if let Some(oldest) = queue.pop_front() {
                by_token.remove(&oldest);
                superseded.insert(oldest.clone(), record.app_id.clone());
                superseded_order.push_back(oldest);
            }
        }
        while superseded_order.len() > SUPERSEDED_MEMORY {
            if let Some(old) = superseded_order.pop_front() {
                superseded.remove(&old);
            }
        }
        queue.push_back(token.clone());
        by_token.insert(token, record);
    }

    /// What the store knows of `token` at `now`.
    pub fn lookup(&self, token: &str, now: DateTime<Utc>) -> TokenLookup {
        let inner = self.inner.lock();
        match inner.by_token.get(token) {
            Some(r) if r.expires_at > now => TokenLookup::Valid(r.clone()),
            Some(r) => TokenLookup::Expired(r.clone()),
            None => match inner.superseded.get(token) {
                Some(app) => TokenLookup::Superseded(app.clone()),
                None => TokenLookup::Unknown,
            },
        }
    }

    /// The live tokens of an app at `now`, oldest first.
    pub fn live_count(&self, app_id: &str, now: DateTime<Utc>) -> usize {
        let inner = self.inner.lock();
        inner.by_app.get(app_id).map_or(0, |q| {
            q.iter()
                .filter(|t| inner.by_token.get(*t).is_some_and(|r| r.expires_at > now))
                .count()
        })
    }

    /// Drops every token of an app.
    pub fn revoke_app(&self, app_id: &str) {
        let mut inner = self.inner.lock();
        if let Some(queue) = inner.by_app.remove(app_id) {
            for t in queue {
                inner.by_token.remove(&t);
            }
        }
        inner.superseded.retain(|_, app| app != app_id);
    }

    /// Drops every token.
    pub fn clear(&self) {
        *self.inner.lock() = Inner::default();
    }
}

/// Everything a [`TokenStore`] holds, for saving and restoring it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenSnapshot {
    /// Issued tokens not yet pruned, by app, each app's oldest first.
    pub tokens: Vec<(String, TokenRecord)>,
    /// Tokens pushed out by the cap, oldest first, with their app.
    pub superseded: Vec<(String, String)>,
}

impl TokenStore {
    /// Everything the store holds, apps in appId order.
    pub fn snapshot(&self) -> TokenSnapshot {
        let inner = self.inner.lock();
        let mut apps: Vec<_> = inner.by_app.iter().collect();
        apps.sort_by(|a, b| a.0.cmp(b.0));
        let tokens = apps
            .into_iter()
            .flat_map(|(_, queue)| queue.iter())
            .filter_map(|t| inner.by_token.get(t).map(|r| (t.clone(), r.clone())))
            .collect();
        let superseded = inner
            .superseded_order
            .iter()
            .filter_map(|t| inner.superseded.get(t).map(|app| (t.clone(), app.clone())))
            .collect();
        TokenSnapshot { tokens, superseded }
    }

    /// Replaces everything with a snapshot's content.
    pub fn restore(&self, snapshot: TokenSnapshot) {
        let mut inner = Inner::default();
        for (token, record) in snapshot.tokens {
            inner
                .by_app
                .entry(record.app_id.clone())
                .or_default()
                .push_back(token.clone());
            inner.by_token.insert(token, record);
        }
        for (token, app) in snapshot.superseded {
            inner.superseded_order.push_back(token.clone());
            inner.superseded.insert(token, app);
        }
        *self.inner.lock() = inner;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

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
            store.issue(format!("t{i}"), record("a", t0), t0);
        }
        assert_eq!(store.live_count("a", t0), 10);
        assert_eq!(store.lookup("t0", t0), TokenLookup::Superseded("a".into()));
        assert!(matches!(store.lookup("t1", t0), TokenLookup::Valid(_)));
        assert!(matches!(store.lookup("t10", t0), TokenLookup::Valid(_)));
    }

    #[test]
    fn expired_tokens_do_not_count_against_the_cap() {
        let store = TokenStore::new(2);
        let t0 = DateTime::<Utc>::UNIX_EPOCH;
        store.issue("old1".into(), record("a", t0), t0);
        store.issue("old2".into(), record("a", t0), t0);
        let later = t0 + Duration::seconds(4000);
        assert!(matches!(
            store.lookup("old1", later),
            TokenLookup::Expired(_)
        ));
        store.issue("new1".into(), record("a", later), later);
        store.issue("new2".into(), record("a", later), later);
        assert!(matches!(store.lookup("new1", later), TokenLookup::Valid(_)));
        assert_eq!(store.live_count("a", later), 2);
    }

    #[test]
    fn apps_have_separate_caps_and_revocation() {
        let store = TokenStore::new(1);
        let t0 = DateTime::<Utc>::UNIX_EPOCH;
        store.issue("a1".into(), record("a", t0), t0);
        store.issue("b1".into(), record("b", t0), t0);
        assert!(matches!(store.lookup("a1", t0), TokenLookup::Valid(_)));
        store.revoke_app("a");
        assert_eq!(store.lookup("a1", t0), TokenLookup::Unknown);
        assert!(matches!(store.lookup("b1", t0), TokenLookup::Valid(_)));
    }
}
