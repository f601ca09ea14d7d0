//! Building a journal entry while a request is served.

use std::collections::BTreeMap;
use std::time::Instant;

use actix_web::HttpRequest;
use actix_web::http::header::AUTHORIZATION;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::mask::{mask_authorization, mask_query};
use super::store::{AuthRecord, Entry, Journal, ResponseRecord, Stored};
use crate::api::journal::{RequestOutcome, TimestampWindow, Verdict};

/// An entry in the making.
#[derive(Debug)]
pub struct Draft {
    started: Instant,
    stored: Stored,
}

impl Draft {
    /// Starts an entry from the request line and headers (secrets masked).
    pub fn new(req: &HttpRequest, at: DateTime<Utc>) -> Self {
        let mut stored = Stored {
            entry: Entry {
                id: 0,
                at,
                method: req.method().as_str().to_owned(),
                path: req.path().to_owned(),
                query: mask_query(req.query_string()),
                headers: BTreeMap::new(),
                body: String::new(),
                body_truncated: false,
                app_id: None,
                auth: AuthRecord::default(),
                response: ResponseRecord {
                    status: 0,
                    err_code: None,
                    answered_by: String::new(),
                },
                outcome: RequestOutcome::BadRequest,
                faults: Vec::new(),
                hints: Vec::new(),
                duration_ms: 0,
            },
            headers: String::with_capacity(256),
            body: Box::default(),
            body_cut: false,
        };
        for (name, value) in req.headers() {
            let text = match value.to_str() {
                Ok(text) => std::borrow::Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(value.as_bytes()),
            };
            if name == AUTHORIZATION {
                stored.push_header(name.as_str(), &mask_authorization(&text));
            } else {
                stored.push_header(name.as_str(), &text);
            }
        }
        Self {
            started: Instant::now(),
            stored,
        }
    }

    /// Keeps the body (the journal shows its first 16 KiB).
    pub fn body(&mut self, body: &[u8]) {
        self.stored.set_body(body);
    }

    /// The app the request came from, and the time of its clock (which the entry shows).
    pub fn app(&mut self, app_id: &str, at: DateTime<Utc>) {
        self.stored.entry.app_id = Some(app_id.to_owned());
        self.stored.entry.at = at;
    }

    /// Which time the request's signed timestamp matched.
    pub fn window(&mut self, window: TimestampWindow) {
        self.stored.entry.auth.timestamp_window = Some(window);
    }

    /// The authentication scheme tried.
    pub fn scheme(&mut self, scheme: &str) {
        self.stored.entry.auth.scheme = Some(scheme.to_owned());
    }

    /// Authentication succeeded.
    pub fn accepted(&mut self) {
        self.stored.entry.auth.verdict = Verdict::Accepted;
    }

    /// Authentication failed, with the reason and (for signatures) a diagnosis.
    pub fn rejected(&mut self, reason: String, diagnosis: Option<Value>) {
        self.stored.entry.auth.verdict = Verdict::Rejected;
        self.stored.entry.auth.reason = Some(reason);
        self.stored.entry.auth.diagnosis = diagnosis;
    }

    /// A hint on what went wrong, beyond what the answer says.
    pub fn hint(&mut self, hint: String) {
        self.stored.entry.hints.push(hint);
    }

    /// A fault acted.
    pub fn fault(&mut self, id: &str) {
        self.stored.entry.faults.push(id.to_owned());
    }

    /// Files the entry with what answered.
    pub fn finish(
        mut self,
        journal: &Journal,
        status: u16,
        err_code: Option<String>,
        answered_by: String,
        outcome: RequestOutcome,
    ) {
        self.stored.entry.response = ResponseRecord {
            status,
            err_code,
            answered_by,
        };
        self.stored.entry.outcome = outcome;
        self.stored.entry.duration_ms =
            u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        journal.record(self.stored);
    }
}
