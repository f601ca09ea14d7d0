//! Live records to their saved form and back.

use std::collections::HashSet;
use std::sync::OnceLock;

use parking_lot::Mutex;

use super::file::*;
use crate::domain::journal::{AuthRecord, Entry, ResponseRecord};
use crate::domain::sink::Receipt;

/// The `&'static str` the live records use for a saved string. Known values cost nothing; an
/// unknown one (written by another build) is kept once for the life of the process.
pub(super) fn intern(s: &str) -> &'static str {
    static SEEN: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    const KNOWN: [&str; 13] = [
        "fault",
        "accepted",
        "rejected",
        "none",
        "ok",
        "auth_failed",
        "bad_request",
        "no_service",
        "form",
        "json",
        "SUCCESS",
        "FAILED",
        "",
    ];
    if let Some(known) = KNOWN.iter().find(|k| **k == s) {
        return known;
    }
    let mut seen = SEEN.get_or_init(Mutex::default).lock();
    if let Some(existing) = seen.get(s) {
        return existing;
    }
    let leaked: &'static str = Box::leak(s.to_owned().into_boxed_str());
    seen.insert(leaked);
    leaked
}

pub(super) fn entry_state(e: Entry) -> EntryState {
    EntryState {
        id: e.id,
        at: e.at,
        method: e.method,
        path: e.path,
        query: e.query,
        headers: e.headers,
        body: e.body,
        body_truncated: e.body_truncated,
        app_id: e.app_id,
        auth: AuthRecordState {
            scheme: e.auth.scheme,
            verdict: e.auth.verdict.to_owned(),
            reason: e.auth.reason,
            diagnosis: e.auth.diagnosis,
        },
        response: ResponseState {
            status: e.response.status,
            err_code: e.response.err_code,
            answered_by: e.response.answered_by,
        },
        outcome: e.outcome.to_owned(),
        faults: e.faults,
        duration_ms: e.duration_ms,
    }
}

pub(super) fn entry(e: EntryState) -> Entry {
    Entry {
        id: e.id,
        at: e.at,
        method: e.method,
        path: e.path,
        query: e.query,
        headers: e.headers,
        body: e.body,
        body_truncated: e.body_truncated,
        app_id: e.app_id,
        auth: AuthRecord {
            scheme: e.auth.scheme,
            verdict: intern(&e.auth.verdict),
            reason: e.auth.reason,
            diagnosis: e.auth.diagnosis,
        },
        response: ResponseRecord {
            status: e.response.status,
            err_code: e.response.err_code,
            answered_by: e.response.answered_by,
        },
        outcome: intern(&e.outcome),
        faults: e.faults,
        duration_ms: e.duration_ms,
    }
}

pub(super) fn receipt_state(r: Receipt) -> ReceiptState {
    ReceiptState {
        id: r.id,
        event_type: r.event_type,
        sign_valid: r.sign_valid,
        format: r.format.to_owned(),
        answer: r.answer.to_owned(),
        problem: r.problem,
        at: r.at,
    }
}

pub(super) fn receipt(r: ReceiptState) -> Receipt {
    Receipt {
        id: r.id,
        event_type: r.event_type,
        sign_valid: r.sign_valid,
        format: intern(&r.format),
        answer: intern(&r.answer),
        problem: r.problem,
        at: r.at,
    }
}
