//! One probe notification, how a check plans to send its probes, and the forged sign.
//!
//! Every probe is built exactly like a real notification (same fields, encoding and signature
//! as the app's settings give); only forged and unsigned ones are altered afterwards.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::check::Check;
use crate::domain::apps::{App, NotifySigning};
use crate::domain::notify::{Encoded, encode};
use crate::protocol::events::NotificationEvent;

/// One notification to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// Its `id` (Pay Score) or `notifyId` (netpay).
    pub id: String,
    /// Its `eventType`, or the kind the sandbox lists a netpay notification under.
    pub event_type: &'static str,
    /// Whom it is about: the user's openId, or the payer.
    pub subject: String,
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

impl PlannedCheck {
    /// `check`, sending `probes` in order.
    pub fn send(check: Check, probes: Vec<Probe>) -> Self {
        Self {
            check,
            plan: Plan::Send(probes),
        }
    }

    /// `check`, skipped because the app's notifications carry no sign.
    pub fn skip_unsigned(check: Check) -> Self {
        let reason = "the app's notifications are unsigned (notify.signType is NONE), so there is no sign to check";
        Self {
            check,
            plan: Plan::Skip(reason.to_owned()),
        }
    }
}

/// `event` as the engine makes it at `at` under `id`, encoded with the app's format and
/// `signing`.
pub fn probe(
    app: &App,
    event: &dyn NotificationEvent,
    id: String,
    at: DateTime<Utc>,
    signing: NotifySigning,
) -> Probe {
    let fields = event.fields(&id, &app.merchant(), at);
    Probe {
        encoded: encode(&fields, app.notify.format, signing, &app.md5_key),
        id,
        event_type: event.event_type(),
        subject: event.subject().to_owned(),
    }
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
