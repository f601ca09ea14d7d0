//! Building a journal entry while a request is served.

use std::collections::BTreeMap;
use std::time::Instant;

use actix_web::HttpRequest;
use actix_web::http::header::AUTHORIZATION;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::mask::{mask_authorization, mask_query};
use super::store::{AuthRecord, Entry, Journal, ResponseRecord};

/// An entry in the making.
#[derive(Debug)]
pub struct Draft {
    started: Instant,
    entry: Entry,
}

impl Draft {
    /// Starts an entry from the request line and headers (secrets masked).
    pub fn new(req: &HttpRequest, at: DateTime<Utc>) -> Self {
        let headers: BTreeMap<String, String> = req
            .headers()
            .iter()
            .map(|(name, value)| {
                let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
                let text = if name == AUTHORIZATION {
                    mask_authorization(&text)
                } else {
                    text
                };
                (name.as_str().to_owned(), text)
            })
            .collect();
        Self {
            started: Instant::now(),
            entry: Entry {
                id: 0,
                at,
                method: req.method().to_string(),
                path: req.path().to_owned(),
                query: mask_query(req.query_string()),
                headers,
                body: String::new(),
                body_truncated: false,
                app_id: None,
                auth: AuthRecord {
                    verdict: "none",
                    ..AuthRecord::default()
                },
                response: ResponseRecord {
                    status: 0,
                    err_code: None,
                    answered_by: "error".to_owned(),
                },
                outcome: "bad_request",
                faults: Vec::new(),
                duration_ms: 0,
            },
        }
    }

    /// Keeps the body (cut at 16 KiB).
    pub fn body(&mut self, body: &[u8]) {
        let (text, truncated) = Journal::body_text(body);
        self.entry.body = text;
        self.entry.body_truncated = truncated;
    }

    /// The app the request came from.
    pub fn app(&mut self, app_id: &str) {
        self.entry.app_id = Some(app_id.to_owned());
    }

    /// The authentication scheme tried.
    pub fn scheme(&mut self, scheme: &str) {
        self.entry.auth.scheme = Some(scheme.to_owned());
    }

    /// Authentication succeeded.
    pub fn accepted(&mut self) {
        self.entry.auth.verdict = "accepted";
    }

    /// Authentication failed, with the reason and (for signatures) a diagnosis.
    pub fn rejected(&mut self, reason: String, diagnosis: Option<Value>) {
        self.entry.auth.verdict = "rejected";
        self.entry.auth.reason = Some(reason);
        self.entry.auth.diagnosis = diagnosis;
    }

    /// A fault acted.
    pub fn fault(&mut self, id: &str) {
        self.entry.faults.push(id.to_owned());
    }

    /// Files the entry with what answered.
    pub fn finish(
        mut self,
        journal: &Journal,
        status: u16,
        err_code: Option<String>,
        answered_by: String,
        outcome: &'static str,
    ) {
        self.entry.response = ResponseRecord {
            status,
            err_code,
            answered_by,
        };
        self.entry.outcome = outcome;
        self.entry.duration_ms =
            u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        journal.record(self.entry);
    }
}
