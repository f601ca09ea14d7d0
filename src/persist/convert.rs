//! Live records to their saved form and back.

use std::collections::HashSet;
use std::sync::OnceLock;

use parking_lot::Mutex;

use super::file::*;
use crate::domain::journal::{AuthRecord, Entry, ResponseRecord};
use crate::domain::notify::{Attempt, DeliveryPlan, Notification, Outcome, Status};
use crate::domain::sink::Receipt;

/// The `&'static str` the live records use for a saved string. Known values cost nothing; an
/// unknown one (written by another build) is kept once for the life of the process.
pub(super) fn intern(s: &str) -> &'static str {
    static SEEN: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    const KNOWN: [&str; 15] = [
        "schedule",
        "redelivery",
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

pub(super) fn notification_state(n: Notification) -> NotificationState {
    NotificationState {
        id: n.id,
        app_id: n.app_id,
        event_type: n.event_type,
        open_id: n.open_id,
        status: match n.status {
            Status::Pending => StatusState::Pending,
            Status::Delivered => StatusState::Delivered,
            Status::Exhausted => StatusState::Exhausted,
        },
        payload: n.payload,
        content_type: n.content_type,
        body: n.body,
        callback_url: n.callback_url,
        created_at: n.created_at,
        next_attempt_at: n.next_attempt_at,
        give_up_at: n.give_up_at,
        settled_at: n.settled_at,
        attempts: n.attempts.into_iter().map(attempt_state).collect(),
        awaiting_callback_url: n.awaiting_callback_url,
        held_by_fault: n.held_by_fault,
        delayed_by_fault: n.delayed_by_fault,
        plan: PlanState {
            retry_schedule: n.plan.retry_schedule,
            give_up_after_seconds: n.plan.give_up_after_seconds,
            timeout_ms: n.plan.timeout_ms,
            ack: n.plan.ack,
        },
        first_scheduled_at: n.first_scheduled_at,
        scheduled_attempts: n.scheduled_attempts,
        seq: n.seq,
    }
}

pub(super) fn notification(n: NotificationState) -> Notification {
    Notification {
        id: n.id,
        app_id: n.app_id,
        event_type: n.event_type,
        open_id: n.open_id,
        status: match n.status {
            StatusState::Pending => Status::Pending,
            StatusState::Delivered => Status::Delivered,
            StatusState::Exhausted => Status::Exhausted,
        },
        payload: n.payload,
        content_type: n.content_type,
        body: n.body,
        callback_url: n.callback_url,
        created_at: n.created_at,
        next_attempt_at: n.next_attempt_at,
        give_up_at: n.give_up_at,
        settled_at: n.settled_at,
        attempts: n.attempts.into_iter().map(attempt).collect(),
        awaiting_callback_url: n.awaiting_callback_url,
        held_by_fault: n.held_by_fault,
        delayed_by_fault: n.delayed_by_fault,
        plan: DeliveryPlan {
            retry_schedule: n.plan.retry_schedule,
            give_up_after_seconds: n.plan.give_up_after_seconds,
            timeout_ms: n.plan.timeout_ms,
            ack: n.plan.ack,
        },
        first_scheduled_at: n.first_scheduled_at,
        scheduled_attempts: n.scheduled_attempts,
        seq: n.seq,
    }
}

pub(super) fn attempt_state(a: Attempt) -> AttemptState {
    AttemptState {
        n: a.n,
        scheduled_at: a.scheduled_at,
        sent_at: a.sent_at,
        duration_ms: a.duration_ms,
        url: a.url,
        http_status: a.http_status,
        response_body: a.response_body,
        error: a.error,
        outcome: match a.outcome {
            Outcome::Delivered => OutcomeState::Delivered,
            Outcome::Rejected => OutcomeState::Rejected,
            Outcome::Timeout => OutcomeState::Timeout,
            Outcome::ConnectionFailed => OutcomeState::ConnectionFailed,
            Outcome::Blocked => OutcomeState::Blocked,
        },
        trigger: a.trigger.to_owned(),
        fault: a.fault,
    }
}

pub(super) fn attempt(a: AttemptState) -> Attempt {
    Attempt {
        n: a.n,
        scheduled_at: a.scheduled_at,
        sent_at: a.sent_at,
        duration_ms: a.duration_ms,
        url: a.url,
        http_status: a.http_status,
        response_body: a.response_body,
        error: a.error,
        outcome: match a.outcome {
            OutcomeState::Delivered => Outcome::Delivered,
            OutcomeState::Rejected => Outcome::Rejected,
            OutcomeState::Timeout => Outcome::Timeout,
            OutcomeState::ConnectionFailed => Outcome::ConnectionFailed,
            OutcomeState::Blocked => Outcome::Blocked,
        },
        trigger: intern(&a.trigger),
        fault: a.fault,
    }
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
