//! The bounded, newest-first record of gateway requests.

use std::collections::{BTreeMap, VecDeque};

use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::timefmt::rfc3339_beijing;

/// Bodies are kept up to this size.
pub const MAX_BODY_CHARS: usize = 16 * 1024;

/// How the request authenticated, if it tried.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthRecord {
    /// `OPEN-ACCESS-TOKEN`, `OPEN-BODY-SIG`, `OPEN-FORM-PARAM`, `token-request`, or none.
    pub scheme: Option<String>,
    /// `accepted`, `rejected` or `none`.
    pub verdict: &'static str,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// For signature failures: expected vs received canonical strings and hints.
    pub diagnosis: Option<Value>,
}

/// What answered.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResponseRecord {
    /// HTTP status.
    pub status: u16,
    /// `errCode` of the answer, if any.
    pub err_code: Option<String>,
    /// `token`, `stub:<id>`, `fault:<id>`, `no_service` or `error`.
    pub answered_by: String,
}

/// One journal entry.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// Running number.
    pub id: u64,
    /// Sandbox time of arrival.
    #[schema(value_type = String)]
    #[serde(serialize_with = "beijing")]
    pub at: DateTime<Utc>,
    /// HTTP method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Query string, secrets masked.
    pub query: String,
    /// Headers, secrets masked.
    pub headers: BTreeMap<String, String>,
    /// Body as text (lossy UTF-8), cut at 16 KiB.
    pub body: String,
    /// Whether the body was cut.
    pub body_truncated: bool,
    /// The app it came from, when known.
    pub app_id: Option<String>,
    /// Authentication.
    pub auth: AuthRecord,
    /// The answer.
    pub response: ResponseRecord,
    /// `ok`, `auth_failed`, `bad_request`, `fault` or `no_service`.
    pub outcome: &'static str,
    /// Faults that acted on it.
    pub faults: Vec<String>,
    /// Real time taken.
    pub duration_ms: u64,
}

fn beijing<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339_beijing(*t))
}

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

/// The journal of one instance.
#[derive(Debug)]
pub struct Journal {
    retention: usize,
    inner: Mutex<(u64, VecDeque<Entry>)>,
}

impl Journal {
    /// A journal keeping at most `retention` entries.
    pub fn new(retention: usize) -> Self {
        Self {
            retention,
            inner: Mutex::new((0, VecDeque::new())),
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
    pub fn record(&self, mut entry: Entry) {
        if self.retention == 0 {
            return;
        }
        let mut inner = self.inner.lock();
        inner.0 += 1;
        entry.id = inner.0;
        inner.1.push_back(entry);
        while inner.1.len() > self.retention {
            inner.1.pop_front();
        }
    }

    /// Matching entries, newest first.
    pub fn list(&self, filter: &JournalFilter, limit: usize) -> Vec<Entry> {
        let inner = self.inner.lock();
        inner
            .1
            .iter()
            .rev()
            .filter(|e| {
                filter
                    .app_id
                    .as_ref()
                    .is_none_or(|a| e.app_id.as_ref() == Some(a))
            })
            .filter(|e| filter.path.as_ref().is_none_or(|p| *p == e.path))
            .filter(|e| filter.outcome.as_ref().is_none_or(|o| o == e.outcome))
            .filter(|e| {
                filter
                    .method
                    .as_ref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(&e.method))
            })
            .take(limit)
            .cloned()
            .collect()
    }

    /// The id counter and every entry, oldest first.
    pub fn snapshot(&self) -> (u64, Vec<Entry>) {
        let inner = self.inner.lock();
        (inner.0, inner.1.iter().cloned().collect())
    }

    /// Replaces every entry (oldest first), keeping the newest within the retention;
    /// `last_id` is the counter behind entry ids.
    pub fn restore(&self, last_id: u64, entries: Vec<Entry>) {
        let skip = entries.len().saturating_sub(self.retention);
        *self.inner.lock() = (last_id, entries.into_iter().skip(skip).collect());
    }

    /// Drops every entry.
    pub fn clear(&self) {
        self.inner.lock().1.clear();
    }

    /// Drops an app's entries.
    pub fn remove_app(&self, app_id: &str) {
        self.inner
            .lock()
            .1
            .retain(|e| e.app_id.as_deref() != Some(app_id));
    }
}
