//! What the control client sends and receives, where the server's own types do not fit a
//! client (they hold borrowed strings or server-only bookkeeping).

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::journal::ResponseRecord;

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
