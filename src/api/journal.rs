//! The request journal's entries, as `GET /__mock/requests` shows them.
//!
//! ```
//! use chinaums_mock::api::journal::{Entry, RequestOutcome, Verdict};
//! let e: Entry = serde_json::from_value(serde_json::json!({
//!     "id": 1, "at": "2026-11-25T12:00:00+08:00", "method": "POST", "path": "/v1/token/access",
//!     "query": "", "headers": {}, "body": "{}", "bodyTruncated": false, "appId": null,
//!     "auth": {"scheme": "token-request", "verdict": "rejected", "reason": "bad signature"},
//!     "response": {"status": 412, "errCode": "1000", "answeredBy": "error"},
//!     "outcome": "auth_failed", "faults": [], "durationMs": 0
//! }))?;
//! assert_eq!(e.outcome, RequestOutcome::AuthFailed);
//! assert_eq!(e.auth.verdict, Verdict::Rejected);
//! assert!(e.auth.verdict == "rejected", "the names compare with text too");
//! assert_eq!(serde_json::to_value(&e)?["auth"]["verdict"], "rejected");
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::time;

wire_names! {
    /// How a journaled request's authentication went.
    #[derive(Default)]
    pub enum Verdict {
        /// Authenticated.
        Accepted = "accepted",
        /// Refused; the entry says why.
        Rejected = "rejected",
        /// Not tried (or not reached).
        #[default]
        None = "none",
    }
}

wire_names! {
    /// Which time a client-signed timestamp was found close enough to: the sandbox time of the
    /// app's clock, or (when the app's clock has been moved away from it) the wall clock.
    pub enum TimestampWindow {
        /// Within the window of the app's sandbox time.
        Sandbox = "sandbox",
        /// Only within the window of the wall clock.
        Wall = "wall",
    }
}

wire_names! {
    /// How a journaled request ended.
    pub enum RequestOutcome {
        /// Answered normally (a token, a stub, the built-in answer).
        Ok = "ok",
        /// Authentication failed.
        AuthFailed = "auth_failed",
        /// Malformed before authentication could be judged, or authenticated and refused for
        /// what its members say (`BAD_REQUEST`, `NO_MERCHANT`: HTTP 200, as business errors).
        BadRequest = "bad_request",
        /// A fault answered.
        Fault = "fault",
        /// Authenticated, but no stub matched: `NO_SERVICE`.
        NoService = "no_service",
    }
}

/// How the request authenticated, if it tried.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthRecord {
    /// `OPEN-ACCESS-TOKEN`, `OPEN-BODY-SIG`, `OPEN-FORM-PARAM`, `token-request`, or none.
    #[serde(default)]
    pub scheme: Option<String>,
    /// `accepted`, `rejected` or `none`.
    pub verdict: Verdict,
    /// Why it was rejected.
    #[serde(default)]
    pub reason: Option<String>,
    /// For signature failures: expected vs received canonical strings and hints.
    #[serde(default)]
    pub diagnosis: Option<Value>,
    /// For a signed timestamp that was accepted: which time it matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_window: Option<TimestampWindow>,
}

/// What answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResponseRecord {
    /// HTTP status.
    pub status: u16,
    /// `errCode` of the answer, if any.
    #[serde(default)]
    pub err_code: Option<String>,
    /// `token`, `stub:<id>`, `simulation` (the netpay orders), `fault:<id>`, `no_service` or
    /// `error`.
    pub answered_by: String,
}

/// One journal entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// Running number.
    pub id: u64,
    /// Sandbox time of arrival.
    #[schema(value_type = String)]
    #[serde(with = "time::beijing")]
    pub at: DateTime<Utc>,
    /// HTTP method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Query string, secrets masked.
    pub query: String,
    /// Headers, secrets masked.
    pub headers: BTreeMap<String, String>,
    /// Body as text (lossy UTF-8), cut at 16 KiB.
    pub body: String,
    /// Whether the body was cut.
    pub body_truncated: bool,
    /// The app it came from, when known.
    #[serde(default)]
    pub app_id: Option<String>,
    /// Authentication.
    pub auth: AuthRecord,
    /// The answer.
    pub response: ResponseRecord,
    /// `ok`, `auth_failed`, `bad_request`, `fault` or `no_service`.
    pub outcome: RequestOutcome,
    /// Faults that acted on it.
    pub faults: Vec<String>,
    /// What probably went wrong, where the answer itself cannot say: a timestamp outside the
    /// window (UTC sent for Beijing time, or how far it is from the times accepted), a `mid` of
    /// another app (both apps named).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<String>,
    /// Real time taken.
    pub duration_ms: u64,
}

/// Filters of `GET /__mock/requests`; every one optional.
///
/// ```
/// use chinaums_mock::api::journal::RequestFilter;
/// let filter = RequestFilter { outcome: Some("auth_failed".into()), ..RequestFilter::default() };
/// assert!(filter.path.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestFilter {
    /// Only this app's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// Only this exact path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Only this outcome: `ok`, `auth_failed`, `bad_request`, `fault` or `no_service`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// Only this method.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// At most this many (the server's default is 1000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}
