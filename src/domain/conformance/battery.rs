//! The battery of probe notifications, and what a correct merchant answers to each.
//!
//! Every probe is built exactly like a real notification (same fields, encoding and signature
//! as the app's settings give); only the forged and unsigned ones are altered afterwards.

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use super::report::Expectation;
use crate::domain::apps::{App, NotifySigning};
use crate::domain::notify::{Encoded, encode};
use crate::domain::payscore::{Subject, Transition, event_fields};

/// How far in the past the late probe was created: about when the ladder's last retries go out.
pub const LATE_BY_HOURS: i64 = 23;
/// How much earlier than its close the out-of-order open was created.
pub const OPEN_BEFORE_CLOSE_SECONDS: i64 = 60;

/// One property of a merchant's notification handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// A valid notification is acknowledged.
    AcceptsValid,
    /// The same bytes again are acknowledged again.
    AcceptsDuplicate,
    /// A tampered `sign` is refused.
    RejectsForgedSign,
    /// A notification without `sign` is refused.
    RejectsMissingSign,
    /// A notification created long ago is still acknowledged.
    AcceptsLateDelivery,
    /// A close delivered before its earlier open is acknowledged, and so is the open.
    AcceptsCloseBeforeOpen,
}

impl Check {
    /// Every check, in the order they run.
    #[cfg(test)]
    pub const ALL: [Check; 6] = [
        Check::AcceptsValid,
        Check::AcceptsDuplicate,
        Check::RejectsForgedSign,
        Check::RejectsMissingSign,
        Check::AcceptsLateDelivery,
        Check::AcceptsCloseBeforeOpen,
    ];

    /// The name in the report.
    pub fn name(self) -> &'static str {
        match self {
            Check::AcceptsValid => "accepts_valid",
            Check::AcceptsDuplicate => "accepts_duplicate",
            Check::RejectsForgedSign => "rejects_forged_sign",
            Check::RejectsMissingSign => "rejects_missing_sign",
            Check::AcceptsLateDelivery => "accepts_late_delivery",
            Check::AcceptsCloseBeforeOpen => "accepts_close_before_open",
        }
    }

    /// One sentence on what is checked.
    pub fn description(self) -> &'static str {
        match self {
            Check::AcceptsValid => {
                "A correctly signed PAYSCORE.USER_OPEN_SERVICE notification must be acknowledged."
            }
            Check::AcceptsDuplicate => {
                "The same notification again, byte for byte with the same id, must be acknowledged again, because ChinaUMS redelivers until it is."
            }
            Check::RejectsForgedSign => {
                "A notification whose sign was tampered with must not be acknowledged."
            }
            Check::RejectsMissingSign => {
                "A notification without sign and signType must not be acknowledged."
            }
            Check::AcceptsLateDelivery => {
                "A valid notification created 23 hours ago, as the last retries are, must be acknowledged."
            }
            Check::AcceptsCloseBeforeOpen => {
                "A USER_CLOSE_SERVICE delivered before the earlier USER_OPEN_SERVICE of the same user must be acknowledged, and so must that open."
            }
        }
    }

    /// What a correct merchant does.
    pub fn expectation(self) -> Expectation {
        match self {
            Check::RejectsForgedSign | Check::RejectsMissingSign => Expectation::Rejected,
            _ => Expectation::Acknowledged,
        }
    }
}

/// The user side of a probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// `openId`
    pub open_id: String,
    /// `subOpenId`
    pub sub_open_id: String,
    /// `authorizationCode`
    pub authorization_code: String,
}

/// Where fresh ids and users come from (the instance's counter and generator in the server).
pub trait Fresh {
    /// A new notification id for an event at `at`.
    fn event_id(&mut self, at: DateTime<Utc>) -> String;
    /// A new user who authorised at `at`.
    fn user(&mut self, at: DateTime<Utc>) -> User;
}

/// One notification to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// Its `id`.
    pub id: String,
    /// Its `eventType`.
    pub event_type: &'static str,
    /// The user it is about.
    pub open_id: String,
    /// The exact request.
    pub encoded: Encoded,
}

/// What to do for one check.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Send these, in order.
    Send(Vec<Probe>),
    /// The check does not apply, for this reason.
    Skip(String),
}

/// A check and its probes.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedCheck {
    /// The check.
    pub check: Check,
    /// Its probes, or why it is skipped.
    pub plan: Plan,
}

/// Builds one notification for `user`, encoded with the app's format and `signing`.
fn probe(
    app: &App,
    id: String,
    user: &User,
    transition: Transition,
    at: DateTime<Utc>,
    signing: NotifySigning,
) -> Probe {
    let subject = Subject {
        open_id: &user.open_id,
        sub_open_id: &user.sub_open_id,
        authorization_code: &user.authorization_code,
    };
    let fields = event_fields(&id, &app.merchant(), subject, transition, at);
    Probe {
        encoded: encode(&fields, app.notify.format, signing, &app.md5_key),
        id,
        event_type: transition.event_type(),
        open_id: user.open_id.clone(),
    }
}

/// A USER_OPEN_SERVICE at `at` for a new user.
fn fresh_open(
    app: &App,
    fresh: &mut impl Fresh,
    at: DateTime<Utc>,
    signing: NotifySigning,
) -> Probe {
    let user = fresh.user(at);
    let id = fresh.event_id(at);
    probe(app, id, &user, Transition::Open, at, signing)
}

/// The next hex digit, wrapping: changes a sign's value but keeps its shape.
fn next_hex(c: char) -> char {
    let upper = c.is_ascii_uppercase();
    let next = c
        .to_digit(16)
        .and_then(|d| char::from_digit((d + 1) % 16, 16))
        .unwrap_or('0');
    if upper {
        next.to_ascii_uppercase()
    } else {
        next
    }
}

/// The same probe with the last digit of its `sign` changed, in the body and the payload.
/// Both formats end with the sign (upper-case hex, never escaped), so its last occurrence in
/// the body is the one to change.
pub fn forge_sign(mut probe: Probe) -> Probe {
    let Some(sign) = probe.encoded.payload.get("sign").and_then(Value::as_str) else {
        return probe;
    };
    let sign = sign.to_owned();
    let mut forged: String = sign.chars().take(sign.len().saturating_sub(1)).collect();
    forged.push(sign.chars().last().map_or('0', next_hex));
    if let Some(at) = probe.encoded.body.rfind(&sign) {
        probe
            .encoded
            .body
            .replace_range(at..at + sign.len(), &forged);
    }
    probe.encoded.payload["sign"] = Value::String(forged);
    probe
}

/// Every check with its probes, in order, for `app` at sandbox time `now`.
pub fn battery(app: &App, now: DateTime<Utc>, fresh: &mut impl Fresh) -> Vec<PlannedCheck> {
    let signing = app.notify.sign_type;
    let send = |check, probes| PlannedCheck {
        check,
        plan: Plan::Send(probes),
    };
    let valid = fresh_open(app, fresh, now, signing);
    let mut checks = vec![
        send(Check::AcceptsValid, vec![valid.clone()]),
        send(Check::AcceptsDuplicate, vec![valid]),
    ];
    if signing == NotifySigning::None {
        let reason = "the app's notifications are unsigned (notify.signType is NONE), so there is no sign to check";
        for check in [Check::RejectsForgedSign, Check::RejectsMissingSign] {
            checks.push(PlannedCheck {
                check,
                plan: Plan::Skip(reason.to_owned()),
            });
        }
    } else {
        let forged = forge_sign(fresh_open(app, fresh, now, signing));
        checks.push(send(Check::RejectsForgedSign, vec![forged]));
        let unsigned = fresh_open(app, fresh, now, NotifySigning::None);
        checks.push(send(Check::RejectsMissingSign, vec![unsigned]));
    }
    let late = fresh_open(app, fresh, now - Duration::hours(LATE_BY_HOURS), signing);
    checks.push(send(Check::AcceptsLateDelivery, vec![late]));
    // The open happened first (so its id comes first) but its delivery arrives second.
    let opened_at = now - Duration::seconds(OPEN_BEFORE_CLOSE_SECONDS);
    let user = fresh.user(opened_at);
    let open_id = fresh.event_id(opened_at);
    let close_id = fresh.event_id(now);
    let open = probe(app, open_id, &user, Transition::Open, opened_at, signing);
    let close = probe(app, close_id, &user, Transition::Close, now, signing);
    checks.push(send(Check::AcceptsCloseBeforeOpen, vec![close, open]));
    checks
}
