//! What the control client sends and receives, where the server's own types do not fit a
//! client (they hold borrowed strings or server-only bookkeeping).

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::journal::ResponseRecord;
use crate::api::notification::{Outcome, Status};
use crate::api::payscore::Authorization;

/// A notification as `GET /__mock/notifications/{id}` shows it.
///
/// ```
/// use chinaums_mock::server::embed::Notification;
/// use chinaums_mock::domain::notify::Status;
/// let n: Notification = serde_json::from_value(serde_json::json!({
///     "id": "EV-2026112512000087939", "appId": "10037e6f66f2d0f901672aa27d690006",
///     "eventType": "PAYSCORE.USER_OPEN_SERVICE", "openId": "o1", "status": "pending",
///     "payload": {}, "contentType": "application/x-www-form-urlencoded; charset=UTF-8",
///     "body": "", "callbackUrl": null, "createdAt": "2026-11-25T12:00:00+08:00",
///     "nextAttemptAt": null, "giveUpAt": null, "settledAt": null, "attempts": [],
///     "awaitingCallbackUrl": true, "heldByFault": null, "delayedByFault": null
/// }))?;
/// assert_eq!(n.status, Status::Pending);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    pub created_at: DateTime<FixedOffset>,
    /// The next planned attempt.
    #[serde(default)]
    pub next_attempt_at: Option<DateTime<FixedOffset>>,
    /// When the ladder gives up.
    #[serde(default)]
    pub give_up_at: Option<DateTime<FixedOffset>>,
    /// When it was delivered or exhausted.
    #[serde(default)]
    pub settled_at: Option<DateTime<FixedOffset>>,
    /// Every attempt, oldest first.
    #[serde(default)]
    pub attempts: Vec<Attempt>,
    /// True while neither the app nor the notification has a callback URL.
    #[serde(default)]
    pub awaiting_callback_url: bool,
    /// The out-of-order fault holding it back, if any.
    #[serde(default)]
    pub held_by_fault: Option<String>,
    /// The fault that postponed the next attempt, if any.
    #[serde(default)]
    pub delayed_by_fault: Option<String>,
}

impl Notification {
    /// The outcome of every attempt, oldest first.
    ///
    /// ```
    /// # use chinaums_mock::server::embed::Notification;
    /// # let n: Notification = serde_json::from_value(serde_json::json!({
    /// #   "id": "EV-1", "appId": "a", "eventType": "e", "openId": "o", "status": "pending",
    /// #   "payload": {}, "contentType": "c", "body": "", "createdAt": "2026-11-25T12:00:00+08:00"
    /// # }))?;
    /// assert!(n.outcomes().is_empty());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn outcomes(&self) -> Vec<Outcome> {
        self.attempts.iter().map(|a| a.outcome).collect()
    }
}

/// One delivery attempt of a [`Notification`].
///
/// ```
/// use chinaums_mock::server::embed::Attempt;
/// use chinaums_mock::domain::notify::Outcome;
/// let a: Attempt = serde_json::from_value(serde_json::json!({
///     "n": 1, "scheduledAt": "2026-11-25T12:00:00+08:00", "sentAt": "2026-11-25T12:00:00+08:00",
///     "durationMs": 3, "url": "http://127.0.0.1:9000/notify", "httpStatus": 200,
///     "responseBody": "SUCCESS", "error": null, "outcome": "delivered", "trigger": "schedule"
/// }))?;
/// assert_eq!(a.outcome, Outcome::Delivered);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// 1-based attempt number.
    pub n: u32,
    /// When it was planned, sandbox time.
    pub scheduled_at: DateTime<FixedOffset>,
    /// When it was sent, sandbox time.
    pub sent_at: DateTime<FixedOffset>,
    /// Real time it took.
    pub duration_ms: u64,
    /// Where it went.
    pub url: String,
    /// The merchant's HTTP status, if it answered.
    #[serde(default)]
    pub http_status: Option<u16>,
    /// The first 4 KiB of the merchant's answer.
    #[serde(default)]
    pub response_body: Option<String>,
    /// What went wrong on the wire, if anything.
    #[serde(default)]
    pub error: Option<String>,
    /// The verdict.
    pub outcome: Outcome,
    /// `schedule`, `redelivery` or `fault`.
    pub trigger: String,
    /// The fault that acted on this attempt, if any.
    #[serde(default)]
    pub fault: Option<String>,
}

/// What `POST /__mock/payscore/open` and `close` answer: the authorisation after the
/// transition and the notification that reports it.
///
/// ```
/// use chinaums_mock::server::embed::Transition;
/// fn open_id(t: &Transition) -> &str {
///     &t.authorization.open_id
/// }
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Transition {
    /// The authorisation, with its history.
    pub authorization: Authorization,
    /// The notification created for the transition.
    pub notification: Notification,
}

/// One gateway request of the journal (`GET /__mock/requests`).
///
/// ```
/// use chinaums_mock::server::embed::JournalEntry;
/// fn rejected(e: &JournalEntry) -> bool {
///     e.auth.verdict == "rejected"
/// }
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalEntry {
    /// Running number.
    pub id: u64,
    /// Sandbox time of arrival.
    pub at: DateTime<FixedOffset>,
    /// HTTP method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Query string, secrets masked.
    pub query: String,
    /// Headers, secrets masked.
    pub headers: BTreeMap<String, String>,
    /// Body as text, cut at 16 KiB.
    pub body: String,
    /// Whether the body was cut.
    pub body_truncated: bool,
    /// The app it came from, when known.
    pub app_id: Option<String>,
    /// How it authenticated.
    pub auth: JournalAuth,
    /// The answer.
    pub response: ResponseRecord,
    /// `ok`, `auth_failed`, `bad_request`, `fault` or `no_service`.
    pub outcome: String,
    /// Faults that acted on it.
    #[serde(default)]
    pub faults: Vec<String>,
    /// Real time taken.
    pub duration_ms: u64,
}

/// How a journaled request authenticated.
///
/// ```
/// use chinaums_mock::server::embed::JournalAuth;
/// let a: JournalAuth = serde_json::from_str(r#"{"scheme":null,"verdict":"none","reason":null}"#)?;
/// assert_eq!(a.verdict, "none");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JournalAuth {
    /// `OPEN-ACCESS-TOKEN`, `OPEN-BODY-SIG`, `OPEN-FORM-PARAM`, `token-request`, or none.
    #[serde(default)]
    pub scheme: Option<String>,
    /// `accepted`, `rejected` or `none`.
    pub verdict: String,
    /// Why it was rejected.
    #[serde(default)]
    pub reason: Option<String>,
    /// For signature failures: what was expected against what was received.
    #[serde(default)]
    pub diagnosis: Option<Value>,
}

/// The report of `POST /__mock/scenarios/run`.
///
/// ```
/// use chinaums_mock::server::embed::ScenarioReport;
/// let r: ScenarioReport = serde_json::from_str(
///     r#"{"name":"tick","passed":false,"steps":[{"index":0}],"firstFailure":{"index":0,"kind":"open","message":"…"}}"#)?;
/// assert!(!r.passed);
/// assert_eq!(r.first_failure.as_ref().map(|f| f["kind"].clone()), Some("open".into()));
/// assert_eq!(r.raw["name"], "tick");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioReport {
    /// The scenario's name.
    pub name: String,
    /// Whether every step passed.
    pub passed: bool,
    /// Every step, run or skipped.
    pub steps: Vec<Value>,
    /// The first step that failed, if any.
    pub first_failure: Option<Value>,
    /// The whole report as the server sent it.
    pub raw: Value,
}

impl<'de> Deserialize<'de> for ScenarioReport {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Typed {
            #[serde(default)]
            name: String,
            passed: bool,
            #[serde(default)]
            steps: Vec<Value>,
            #[serde(default)]
            first_failure: Option<Value>,
        }
        let raw = Value::deserialize(de)?;
        let typed = Typed::deserialize(&raw).map_err(serde::de::Error::custom)?;
        Ok(Self {
            name: typed.name,
            passed: typed.passed,
            steps: typed.steps,
            // `null` and absent mean the same: nothing failed.
            first_failure: typed.first_failure.filter(|f| !f.is_null()),
            raw,
        })
    }
}
