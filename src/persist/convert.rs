//! Live records to their saved form and back.

use std::collections::HashSet;
use std::sync::OnceLock;

use parking_lot::Mutex;

use super::file::*;
use crate::domain::sink::Receipt;

/// The `&'static str` the live records use for a saved string. Known values cost nothing; an
/// unknown one (written by another build) is kept once for the life of the process.
pub(super) fn intern(s: &str) -> &'static str {
    static SEEN: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    const KNOWN: [&str; 5] = ["form", "json", "SUCCESS", "FAILED", ""];
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
