//! The request journal's entries, as `GET /__mock/requests` shows them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::protocol::timefmt::rfc3339_beijing;

/// How the request authenticated, if it tried.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthRecord {
    /// `OPEN-ACCESS-TOKEN`, `OPEN-BODY-SIG`, `OPEN-FORM-PARAM`, `token-request`, or none.
    pub scheme: Option<String>,
    /// `accepted`, `rejected` or `none`.
    pub verdict: &'static str,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// For signature failures: expected vs received canonical strings and hints.
    pub diagnosis: Option<Value>,
}

/// What answered.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResponseRecord {
    /// HTTP status.
    pub status: u16,
    /// `errCode` of the answer, if any.
    pub err_code: Option<String>,
    /// `token`, `stub:<id>`, `fault:<id>`, `no_service` or `error`.
    pub answered_by: String,
}

/// One journal entry.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// Running number.
    pub id: u64,
    /// Sandbox time of arrival.
    #[schema(value_type = String)]
    #[serde(serialize_with = "beijing")]
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
    pub app_id: Option<String>,
    /// Authentication.
    pub auth: AuthRecord,
    /// The answer.
    pub response: ResponseRecord,
    /// `ok`, `auth_failed`, `bad_request`, `fault` or `no_service`.
    pub outcome: &'static str,
    /// Faults that acted on it.
    pub faults: Vec<String>,
    /// Real time taken.
    pub duration_ms: u64,
}

fn beijing<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339_beijing(*t))
}
