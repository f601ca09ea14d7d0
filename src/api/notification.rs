//! Notifications and their delivery attempts, as the control API shows them. The state file
//! keeps them too, with their delivery bookkeeping (see [`stored`]).
//!
//! ```
//! use chinaums_mock::api::notification::{Notification, Outcome, Status, Trigger};
//! let n: Notification = serde_json::from_value(serde_json::json!({
//!     "id": "EV-2026112512000087939", "appId": "10037e6f66f2d0f901672aa27d690006",
//!     "eventType": "PAYSCORE.USER_OPEN_SERVICE", "openId": "o1", "status": "delivered",
//!     "payload": {}, "contentType": "application/x-www-form-urlencoded; charset=UTF-8",
//!     "body": "", "callbackUrl": null, "createdAt": "2026-11-25T12:00:00+08:00",
//!     "nextAttemptAt": null, "giveUpAt": null, "settledAt": "2026-11-25T12:00:00+08:00",
//!     "attempts": [{
//!         "n": 1, "scheduledAt": "2026-11-25T12:00:00+08:00",
//!         "sentAt": "2026-11-25T12:00:00+08:00", "durationMs": 3,
//!         "url": "http://127.0.0.1:9000/notify", "httpStatus": 200, "responseBody": "SUCCESS",
//!         "error": null, "outcome": "delivered", "trigger": "schedule", "fault": null
//!     }],
//!     "awaitingCallbackUrl": false, "heldByFault": null, "delayedByFault": null
//! }))?;
//! assert_eq!(n.status, Status::Delivered);
//! assert_eq!(n.outcomes(), [Outcome::Delivered]);
//! assert_eq!(n.attempts[0].trigger, Trigger::Schedule);
//! let shown = serde_json::to_value(&n)?;
//! assert_eq!(shown["createdAt"], "2026-11-25T12:00:00+08:00");
//! assert!(shown.get("plan").is_none(), "bookkeeping stays out of the control API");
//! # Ok::<(), serde_json::Error>(())
//! ```

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::app::{AckMode, NotifySettings};
use crate::api::{stored, time};

/// Where a notification stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Not acknowledged yet; more attempts may come.
    Pending,
    /// Acknowledged by the merchant.
    Delivered,
    /// Given up on.
    Exhausted,
}

impl Status {
    /// Delivered or exhausted.
    pub fn is_settled(self) -> bool {
        !matches!(self, Status::Pending)
    }

    /// Parses a status filter.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Status::Pending),
            "delivered" => Some(Status::Delivered),
            "exhausted" => Some(Status::Exhausted),
            _ => None,
        }
    }
}

/// How one attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The merchant acknowledged.
    Delivered,
    /// The merchant answered, but not with an acknowledgement.
    Rejected,
    /// No answer within the timeout.
    Timeout,
    /// No connection, or it broke before an answer.
    ConnectionFailed,
    /// Not sent: the callback's host is not in `--callback-allow`, or the URL points at the
    /// sandbox's own control API or at a link-local or cloud-metadata address.
    Blocked,
}

wire_names! {
    /// Why a notification was given up (`exhausted`).
    pub enum GiveUpReason {
        /// Its ladder ran out: `giveUpAfterSeconds` passed since the first attempt.
        Ladder = "ladder",
        /// Its app already had `--max-pending-per-app` unsettled notifications when a newer one
        /// was created: the oldest pending one is given up for it.
        PendingCap = "pending_cap",
    }
}

wire_names! {
    /// What made an attempt.
    pub enum Trigger {
        /// The retry ladder (the first attempt included).
        Schedule = "schedule",
        /// `POST /__mock/notifications/{id}/redeliver`.
        Redelivery = "redelivery",
        /// A `duplicate` fault: the extra copy.
        Fault = "fault",
    }
}

/// One delivery attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// 1-based attempt number.
    pub n: u32,
    /// When the ladder (or a redelivery) planned it, sandbox time.
    #[schema(value_type = String)]
    #[serde(with = "time::beijing")]
    pub scheduled_at: DateTime<Utc>,
    /// When it was sent, sandbox time.
    #[schema(value_type = String)]
    #[serde(with = "time::beijing")]
    pub sent_at: DateTime<Utc>,
    /// Real time the attempt took.
    pub duration_ms: u64,
    /// Where it went.
    pub url: String,
    /// The merchant's HTTP status, if it answered.
    #[serde(default)]
    pub http_status: Option<u16>,
    /// The first 4 KiB of the merchant's answer (the first 128 bytes when [`Self::trimmed`]).
    #[serde(default)]
    pub response_body: Option<String>,
    /// What went wrong on the wire, if anything.
    #[serde(default)]
    pub error: Option<String>,
    /// The verdict.
    pub outcome: Outcome,
    /// `redelivery` for an attempt asked for by `POST …/redeliver`, `fault` for a duplicate sent
    /// by a fault, else `schedule`.
    pub trigger: Trigger,
    /// The fault that acted on this attempt, if any.
    #[serde(default)]
    pub fault: Option<String>,
    /// True when `responseBody` and `error` were cut to their first 128 bytes to bound the
    /// notification's memory: only the first attempt and the latest keep them whole.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub trimmed: bool,
}

/// Settings copied from the app when the notification was created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryPlan {
    /// Seconds between attempts; the last repeats.
    pub retry_schedule: Vec<u64>,
    /// Give up this long after the first attempt.
    pub give_up_after_seconds: u64,
    /// Per-attempt timeout.
    pub timeout_ms: u64,
    /// Acknowledgement rule.
    pub ack: AckMode,
}

impl Default for DeliveryPlan {
    /// The default notification settings' ladder.
    fn default() -> Self {
        let settings = NotifySettings::default();
        Self {
            retry_schedule: settings.retry_schedule,
            give_up_after_seconds: settings.give_up_after_seconds,
            timeout_ms: settings.timeout_ms,
            ack: settings.ack,
        }
    }
}

/// One notification and everything that happened to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    /// `EV-…`, the same on every attempt.
    pub id: String,
    /// The app it belongs to.
    pub app_id: String,
    /// `PAYSCORE.USER_OPEN_SERVICE` or `PAYSCORE.USER_CLOSE_SERVICE`.
    pub event_type: String,
    /// The user it is about.
    pub open_id: String,
    /// Where it stands.
    pub status: Status,
    /// The fields as sent (form values as strings; JSON as the object).
    pub payload: Value,
    /// The Content-Type it is sent with.
    pub content_type: String,
    /// The exact bytes sent.
    pub body: String,
    /// A callback URL for this notification only; else the app's.
    #[serde(default)]
    pub callback_url: Option<String>,
    /// Creation time, sandbox time.
    #[schema(value_type = String)]
    #[serde(with = "time::beijing")]
    pub created_at: DateTime<Utc>,
    /// The next planned attempt; none when settled or waiting for a callback URL.
    #[schema(value_type = String, required = true)]
    #[serde(default, with = "time::beijing_opt")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the ladder gives up, once the first attempt was made.
    #[schema(value_type = String, required = true)]
    #[serde(default, with = "time::beijing_opt")]
    pub give_up_at: Option<DateTime<Utc>>,
    /// When it was delivered or exhausted.
    #[schema(value_type = String, required = true)]
    #[serde(default, with = "time::beijing_opt")]
    pub settled_at: Option<DateTime<Utc>>,
    /// The attempts, oldest first: every one, or, past 50, the first 10 and the latest 40.
    pub attempts: Vec<Attempt>,
    /// Attempts made but no longer listed in `attempts` (those between its first 10 and its
    /// latest 40); absent when none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub attempts_dropped: u32,
    /// Why it was given up, once `exhausted`; absent otherwise (and for notifications given up
    /// before this field existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub give_up_reason: Option<GiveUpReason>,
    /// True while nothing can be sent because neither the app nor the notification has a
    /// callback URL.
    pub awaiting_callback_url: bool,
    /// The out-of-order fault holding it back until the next notification about the same user
    /// has been sent.
    #[serde(default)]
    pub held_by_fault: Option<String>,
    /// The fault that postponed the next attempt.
    #[serde(default)]
    pub delayed_by_fault: Option<String>,
    /// The ladder it follows, copied from its app at creation (state file only).
    #[schema(ignore)]
    #[serde(default, skip_serializing_if = "stored::shown_only")]
    pub(crate) plan: DeliveryPlan,
    /// When the first scheduled attempt was planned: the ladder counts from here (state file
    /// only).
    #[schema(ignore)]
    #[serde(default, skip_serializing_if = "stored::shown_only")]
    pub(crate) first_scheduled_at: Option<DateTime<Utc>>,
    /// Scheduled (non-redelivery) attempts made so far (state file only).
    #[schema(ignore)]
    #[serde(default, skip_serializing_if = "stored::shown_only")]
    pub(crate) scheduled_attempts: u32,
    /// Creation order, for listing (state file only).
    #[schema(ignore)]
    #[serde(default, skip_serializing_if = "stored::shown_only")]
    pub(crate) seq: u64,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Notification {
    /// How many attempts were made: those listed and those dropped from the list.
    pub fn attempt_count(&self) -> usize {
        self.attempts.len() + self.attempts_dropped as usize
    }

    /// The outcome of every listed attempt, oldest first.
    ///
    /// ```
    /// # use chinaums_mock::api::notification::Notification;
    /// # let n: Notification = serde_json::from_value(serde_json::json!({
    /// #   "id": "EV-1", "appId": "a", "eventType": "e", "openId": "o", "status": "pending",
    /// #   "payload": {}, "contentType": "c", "body": "", "createdAt": "2026-11-25T12:00:00+08:00",
    /// #   "attempts": [], "awaitingCallbackUrl": true
    /// # }))?;
    /// assert!(n.outcomes().is_empty());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn outcomes(&self) -> Vec<Outcome> {
        self.attempts.iter().map(|a| a.outcome).collect()
    }
}
