//! Pay Score authorisations per app, keyed by openId, with their history.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use crate::timefmt::rfc3339_beijing;

/// An authorisation's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum AuthState {
    /// The user authorised the service.
    Open,
    /// The user removed the authorisation.
    Closed,
}

/// One transition in an authorisation's life.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    /// The state entered.
    pub state: AuthState,
    /// When, RFC 3339 in UTC+8.
    pub at: String,
    /// The notification that reported it.
    pub notification_id: Option<String>,
}

/// One user's authorisation of one app's Pay Score service.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Authorization {
    /// The app.
    pub app_id: String,
    /// The user's openId.
    pub open_id: String,
    /// The user's openId under the sub-merchant's app.
    pub sub_open_id: String,
    /// The authorisation agreement number (授权协议号).
    pub authorization_code: String,
    /// Current state.
    pub state: AuthState,
    /// Every transition, oldest first.
    pub history: Vec<HistoryEntry>,
}

/// What an open or close must know about the user.
#[derive(Debug, Clone)]
pub struct Subject {
    /// openId.
    pub open_id: String,
    /// subOpenId; `None` keeps the one on record (or generates one).
    pub sub_open_id: String,
    /// authorizationCode.
    pub authorization_code: String,
}

/// Why a transition is impossible.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, utoipa::ToSchema)]
pub enum TransitionError {
    /// Open requested, already open.
    #[error("openId {0} has already authorised this app's Pay Score service")]
    AlreadyOpen(String),
    /// Close requested, not open.
    #[error("openId {0} has no open authorisation with this app")]
    NotOpen(String),
}

/// Authorisations of every app.
#[derive(Debug, Default)]
pub struct PayScoreStore {
    by_app: Mutex<HashMap<String, BTreeMap<String, Authorization>>>,
}

impl PayScoreStore {
    /// The authorisation on record, if any.
    pub fn get(&self, app_id: &str, open_id: &str) -> Option<Authorization> {
        self.by_app.lock().get(app_id)?.get(open_id).cloned()
    }

    /// Opens (or re-opens) an authorisation.
    pub fn open(
        &self,
        app_id: &str,
        subject: Subject,
        now: DateTime<Utc>,
    ) -> Result<Authorization, TransitionError> {
        let mut by_app = self.by_app.lock();
        let auths = by_app.entry(app_id.to_owned()).or_default();
        if let Some(existing) = auths.get(&subject.open_id) {
            if existing.state == AuthState::Open {
                return Err(TransitionError::AlreadyOpen(subject.open_id));
            }
        }
        let entry = auths
            .entry(subject.open_id.clone())
            .or_insert_with(|| Authorization {
                app_id: app_id.to_owned(),
                open_id: subject.open_id.clone(),
                sub_open_id: String::new(),
                authorization_code: String::new(),
                state: AuthState::Closed,
                history: Vec::new(),
            });
        entry.sub_open_id = subject.sub_open_id;
        entry.authorization_code = subject.authorization_code;
        entry.state = AuthState::Open;
        entry.history.push(HistoryEntry {
            state: AuthState::Open,
            at: rfc3339_beijing(now),
            notification_id: None,
        });
        Ok(entry.clone())
    }

    /// Closes an open authorisation.
    pub fn close(
        &self,
        app_id: &str,
        open_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Authorization, TransitionError> {
        let mut by_app = self.by_app.lock();
        let auth = by_app
            .get_mut(app_id)
            .and_then(|a| a.get_mut(open_id))
            .filter(|a| a.state == AuthState::Open)
            .ok_or_else(|| TransitionError::NotOpen(open_id.to_owned()))?;
        auth.state = AuthState::Closed;
        auth.history.push(HistoryEntry {
            state: AuthState::Closed,
            at: rfc3339_beijing(now),
            notification_id: None,
        });
        Ok(auth.clone())
    }

    /// Notes which notification reported the latest transition.
    pub fn attach_notification(
        &self,
        app_id: &str,
        open_id: &str,
        notification_id: &str,
    ) -> Option<Authorization> {
        let mut by_app = self.by_app.lock();
        let auth = by_app.get_mut(app_id)?.get_mut(open_id)?;
        if let Some(last) = auth.history.last_mut() {
            last.notification_id = Some(notification_id.to_owned());
        }
        Some(auth.clone())
    }

    /// Authorisations matching the filters, by app then openId.
    pub fn list(
        &self,
        app_id: Option<&str>,
        open_id: Option<&str>,
        state: Option<AuthState>,
    ) -> Vec<Authorization> {
        let by_app = self.by_app.lock();
        let mut apps: Vec<_> = by_app
            .iter()
            .filter(|(id, _)| app_id.is_none_or(|a| a == *id))
            .collect();
        apps.sort_by(|a, b| a.0.cmp(b.0));
        apps.into_iter()
            .flat_map(|(_, auths)| auths.values())
            .filter(|a| open_id.is_none_or(|o| o == a.open_id))
            .filter(|a| state.is_none_or(|s| s == a.state))
            .cloned()
            .collect()
    }

    /// Drops an app's authorisations.
    pub fn remove_app(&self, app_id: &str) {
        self.by_app.lock().remove(app_id);
    }

    /// Drops everything.
    pub fn clear(&self) {
        self.by_app.lock().clear();
    }

    /// Replaces every authorisation with these (as [`PayScoreStore::list`] gave them).
    pub fn restore(&self, authorizations: Vec<Authorization>) {
        let mut by_app = self.by_app.lock();
        by_app.clear();
        for auth in authorizations {
            by_app
                .entry(auth.app_id.clone())
                .or_default()
                .insert(auth.open_id.clone(), auth);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(open_id: &str) -> Subject {
        Subject {
            open_id: open_id.into(),
            sub_open_id: "s".into(),
            authorization_code: "c".into(),
        }
    }

    #[test]
    fn open_close_and_reopen_keep_a_history() {
        let store = PayScoreStore::default();
        let now = DateTime::<Utc>::UNIX_EPOCH;
        assert!(store.open("a", subject("o1"), now).is_ok());
        assert_eq!(
            store.open("a", subject("o1"), now).err(),
            Some(TransitionError::AlreadyOpen("o1".into()))
        );
        assert!(store.close("a", "o1", now).is_ok());
        assert_eq!(
            store.close("a", "o1", now).err(),
            Some(TransitionError::NotOpen("o1".into()))
        );
        let again = store.open("a", subject("o1"), now).expect("reopen");
        assert_eq!(again.history.len(), 3);
        assert_eq!(again.state, AuthState::Open);
    }

    #[test]
    fn apps_do_not_share_authorisations() {
        let store = PayScoreStore::default();
        let now = DateTime::<Utc>::UNIX_EPOCH;
        assert!(store.open("a", subject("o1"), now).is_ok());
        assert!(store.open("b", subject("o1"), now).is_ok());
        assert!(store.close("b", "o2", now).is_err());
        assert_eq!(store.list(Some("a"), None, None).len(), 1);
        store.remove_app("a");
        assert!(store.get("a", "o1").is_none());
        assert!(store.get("b", "o1").is_some());
    }
}
