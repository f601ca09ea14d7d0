//! Pay Score authorisations per app, keyed by openId, with their history; at most
//! `--authorization-retention` of them, the least recently changed closed ones dropped first.

use chrono::{DateTime, Utc};
use parking_lot::Mutex;

use super::records::Records;
pub use crate::api::payscore::{AuthState, Authorization, HistoryEntry};
use crate::domain::changes::Changed;
use crate::protocol::timefmt::rfc3339_beijing;

/// What an open records besides the state.
#[derive(Debug, Clone)]
pub struct Terms {
    /// subOpenId.
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
    /// Close requested, not open. `dropped` is how many authorisations the retention bound has
    /// dropped so far: when there are any, this user may have been one of them.
    #[error("openId {open_id} has no open authorisation with this app{}", dropped_note(*.dropped))]
    NotOpen {
        /// The user.
        open_id: String,
        /// Authorisations dropped by the retention bound so far.
        dropped: u64,
    },
}

fn dropped_note(dropped: u64) -> String {
    if dropped == 0 {
        String::new()
    } else {
        format!(
            "; it may be one of the {dropped} authorisation(s) dropped by the retention bound \
             (--authorization-retention)"
        )
    }
}

/// Transitions kept in an authorisation's `history`; older ones are dropped first.
pub const HISTORY_CAP: usize = 100;

/// The default of `--authorization-retention`.
pub const DEFAULT_RETENTION: usize = 10_000;

/// Authorisations of every app, at most `retention` of them (see
/// [`crate::Config::authorization_retention`]).
#[derive(Debug)]
pub struct PayScoreStore {
    retention: usize,
    records: Mutex<Records>,
}

impl Default for PayScoreStore {
    fn default() -> Self {
        Self::new(DEFAULT_RETENTION)
    }
}

/// Appends a transition, keeping the last [`HISTORY_CAP`].
fn record(history: &mut Vec<HistoryEntry>, state: AuthState, now: DateTime<Utc>) {
    if history.len() >= HISTORY_CAP {
        history.drain(..=history.len() - HISTORY_CAP);
    }
    history.push(HistoryEntry {
        state,
        at: rfc3339_beijing(now),
        notification_id: None,
    });
}

impl PayScoreStore {
    /// A store keeping at most `retention` authorisations (0: open ones only).
    pub fn new(retention: usize) -> Self {
        Self {
            retention,
            records: Mutex::new(Records::default()),
        }
    }

    #[cfg(test)]
    /// The authorisation on record, if any.
    pub fn get(&self, app_id: &str, open_id: &str) -> Option<Authorization> {
        let records = self.records.lock();
        records.at(records.find(app_id, open_id)?).cloned()
    }

    /// Opens (or re-opens) an authorisation. `terms` is given the subOpenId on record (if
    /// any) and is always called once, before the state is checked, so what it generates does
    /// not depend on the outcome. A new record beyond the retention bound makes room by
    /// dropping another (never itself).
    pub fn open(
        &self,
        app_id: &str,
        open_id: String,
        now: DateTime<Utc>,
        terms: impl FnOnce(Option<&str>) -> Terms,
    ) -> Result<Authorization, TransitionError> {
        let mut records = self.records.lock();
        if let Some((slot, auth)) = records.find_mut(app_id, &open_id) {
            let terms = terms(Some(&auth.sub_open_id));
            if auth.state == AuthState::Open {
                return Err(TransitionError::AlreadyOpen(open_id));
            }
            auth.sub_open_id = terms.sub_open_id;
            auth.authorization_code = terms.authorization_code;
            auth.state = AuthState::Open;
            record(&mut auth.history, AuthState::Open, now);
            let opened = auth.clone();
            records.changed(slot);
            return Ok(opened);
        }
        let terms = terms(None);
        let mut auth = Authorization {
            app_id: app_id.to_owned(),
            open_id,
            sub_open_id: terms.sub_open_id,
            authorization_code: terms.authorization_code,
            state: AuthState::Open,
            // Room for the open and a close, the common life of a record.
            history: Vec::with_capacity(2),
        };
        record(&mut auth.history, AuthState::Open, now);
        let opened = auth.clone();
        records.insert(auth);
        // The new record is the most recently changed open one, and any closed one or older
        // open one goes before it: it stays.
        records.enforce(self.retention);
        Ok(opened)
    }

    /// Closes an open authorisation. With a retention of 0 the record goes at once.
    pub fn close(
        &self,
        app_id: &str,
        open_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Authorization, TransitionError> {
        let mut records = self.records.lock();
        let not_open = |dropped| TransitionError::NotOpen {
            open_id: open_id.to_owned(),
            dropped,
        };
        let dropped = records.dropped;
        let (slot, auth) = records
            .find_mut(app_id, open_id)
            .filter(|(_, a)| a.state == AuthState::Open)
            .ok_or_else(|| not_open(dropped))?;
        auth.state = AuthState::Closed;
        record(&mut auth.history, AuthState::Closed, now);
        let closed = auth.clone();
        records.changed(slot);
        if self.retention == 0 {
            records.enforce(0);
        }
        Ok(closed)
    }

    /// Notes which notification reported the latest transition; false when the record is gone.
    pub fn attach_notification(&self, app_id: &str, open_id: &str, notification_id: &str) -> bool {
        let mut records = self.records.lock();
        let Some(last) = records
            .find_mut(app_id, open_id)
            .and_then(|(_, a)| a.history.last_mut())
        else {
            return false;
        };
        last.notification_id = Some(notification_id.to_owned());
        true
    }

    /// Authorisations matching the filters, by app then openId.
    pub fn list(
        &self,
        app_id: Option<&str>,
        open_id: Option<&str>,
        state: Option<AuthState>,
    ) -> Vec<Authorization> {
        let records = self.records.lock();
        let keep = |a: &&Authorization| {
            open_id.is_none_or(|o| o == a.open_id) && state.is_none_or(|s| s == a.state)
        };
        let mut found: Vec<&Authorization> = match (app_id, open_id) {
            (Some(app), Some(open)) => records
                .find(app, open)
                .and_then(|slot| records.at(slot))
                .filter(keep)
                .into_iter()
                .collect(),
            (Some(app), None) => records.of_app(app).filter(keep).collect(),
            (None, _) => records.iter().filter(keep).collect(),
        };
        found.sort_unstable_by(|a, b| (&a.app_id, &a.open_id).cmp(&(&b.app_id, &b.open_id)));
        found.into_iter().cloned().collect()
    }

    /// Authorisations dropped by the retention bound since start (or the last reset).
    pub fn dropped(&self) -> u64 {
        self.records.lock().dropped
    }

    #[cfg(test)]
    /// Authorisations kept.
    pub fn len(&self) -> usize {
        self.records.lock().len()
    }

    #[cfg(test)]
    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every authorisation, least recently changed first, and the dropped count: what a
    /// [`PayScoreStore::restore`] takes back.
    pub fn snapshot(&self) -> (Vec<Authorization>, u64) {
        let records = self.records.lock();
        let all = records.by_change().into_iter().cloned().collect();
        (all, records.dropped)
    }

    /// Drops an app's authorisations.
    pub fn remove_app(&self, app_id: &str) {
        self.records.lock().remove_app(app_id);
    }

    /// Drops everything, the dropped count included.
    pub fn clear(&self) {
        let mut records = self.records.lock();
        records.clear_keeping_count();
        records.dropped = 0;
    }

    /// Starts marking changed authorisations for [`Self::changed`].
    pub fn track_changes(&self) {
        self.records.lock().changes.track();
    }

    /// The authorisations changed since the last call, as they stand, keyed `appId/openId`.
    pub fn changed(&self) -> Changed<Authorization> {
        let mut records = self.records.lock();
        let taken = records.changes.take();
        Changed::read(taken, |key| {
            let (app_id, open_id) = key.split_once('/')?;
            records.at(records.find(app_id, open_id)?).cloned()
        })
    }

    /// Replaces every authorisation with these and sets the dropped count. They are taken in
    /// order of their last transition's time, ties in the order given, so a
    /// [`PayScoreStore::snapshot`] comes back in the same order (unless sandbox time was set
    /// back in between its changes, when time decides). Histories keep their last
    /// [`HISTORY_CAP`] transitions, and the retention bound applies (what it drops counts).
    pub fn restore(&self, mut authorizations: Vec<Authorization>, dropped: u64) {
        let last_change = |a: &Authorization| {
            a.history
                .last()
                .and_then(|h| DateTime::parse_from_rfc3339(&h.at).ok())
        };
        authorizations.sort_by_cached_key(last_change);
        let mut records = self.records.lock();
        records.clear_keeping_count();
        records.dropped = dropped;
        for mut auth in authorizations {
            if auth.history.len() > HISTORY_CAP {
                auth.history.drain(..auth.history.len() - HISTORY_CAP);
            }
            // A user listed twice: the later entry wins, as the most recent change.
            if let Some(slot) = records.find(&auth.app_id, &auth.open_id) {
                records.remove(slot);
            }
            records.insert(auth);
        }
        records.enforce(self.retention);
    }
}
