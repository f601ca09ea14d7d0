//! Notifications and their delivery attempts, as the control API shows them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::app::AckMode;
use crate::protocol::timefmt::rfc3339_beijing;

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
    /// Not sent: the callback's host is not in `--callback-allow`.
    Blocked,
}

/// One delivery attempt.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// 1-based attempt number.
    pub n: u32,
    /// When the ladder (or a redelivery) planned it, sandbox time.
    #[schema(value_type = String)]
    #[serde(serialize_with = "beijing")]
    pub scheduled_at: DateTime<Utc>,
    /// When it was sent, sandbox time.
    #[schema(value_type = String)]
    #[serde(serialize_with = "beijing")]
    pub sent_at: DateTime<Utc>,
    /// Real time the attempt took.
    pub duration_ms: u64,
    /// Where it went.
    pub url: String,
    /// The merchant's HTTP status, if it answered.
    pub http_status: Option<u16>,
    /// The first 4 KiB of the merchant's answer.
    pub response_body: Option<String>,
    /// What went wrong on the wire, if anything.
    pub error: Option<String>,
    /// The verdict.
    pub outcome: Outcome,
    /// `redelivery` for an attempt asked for by `POST …/redeliver`, `fault` for a duplicate sent
    /// by a fault, else `schedule`.
    pub trigger: &'static str,
    /// The fault that acted on this attempt, if any.
    pub fault: Option<String>,
}

/// Settings copied from the app when the notification was created.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// One notification and everything that happened to it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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
    pub callback_url: Option<String>,
    /// Creation time, sandbox time.
    #[schema(value_type = String)]
    #[serde(serialize_with = "beijing")]
    pub created_at: DateTime<Utc>,
    /// The next planned attempt; none when settled or waiting for a callback URL.
    #[schema(value_type = String)]
    #[serde(serialize_with = "beijing_opt")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the ladder gives up, once the first attempt was made.
    #[schema(value_type = String)]
    #[serde(serialize_with = "beijing_opt")]
    pub give_up_at: Option<DateTime<Utc>>,
    /// When it was delivered or exhausted.
    #[schema(value_type = String)]
    #[serde(serialize_with = "beijing_opt")]
    pub settled_at: Option<DateTime<Utc>>,
    /// Every attempt, oldest first.
    pub attempts: Vec<Attempt>,
    /// True while nothing can be sent because neither the app nor the notification has a
    /// callback URL.
    pub awaiting_callback_url: bool,
    /// The out-of-order fault holding it back until the next notification about the same user
    /// has been sent.
    pub held_by_fault: Option<String>,
    /// The fault that postponed the next attempt.
    pub delayed_by_fault: Option<String>,
    #[serde(skip)]
    pub(crate) plan: DeliveryPlan,
    /// When the first scheduled attempt was planned: the ladder counts from here.
    #[serde(skip)]
    pub(crate) first_scheduled_at: Option<DateTime<Utc>>,
    /// Scheduled (non-redelivery) attempts made so far.
    #[serde(skip)]
    pub(crate) scheduled_attempts: u32,
    /// Creation order, for listing.
    #[serde(skip)]
    pub(crate) seq: u64,
}

fn beijing<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339_beijing(*t))
}

fn beijing_opt<S: serde::Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&rfc3339_beijing(*t)),
        None => s.serialize_none(),
    }
}
