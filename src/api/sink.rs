//! What the built-in merchant sink (`/__mock/sink/{appId}`) received, as `GET` on it shows.

use serde::{Deserialize, Serialize};

pub use crate::protocol::encode::NotifyFormat;

wire_names! {
    /// What the sink answered.
    pub enum SinkAnswer {
        /// The notification was well formed and correctly signed.
        Success = "SUCCESS",
        /// It was not; the receipt says why.
        Failed = "FAILED",
    }
}

/// One notification the sink received.
///
/// ```
/// use chinaums_mock::api::sink::{NotifyFormat, Receipt, SinkAnswer};
/// let r: Receipt = serde_json::from_str(
///     r#"{"id":"EV-1","eventType":null,"signValid":true,"format":"form","answer":"SUCCESS",
///         "problem":null,"at":"2026-11-25T12:00:00+08:00"}"#)?;
/// assert_eq!((r.format, r.answer), (NotifyFormat::Form, SinkAnswer::Success));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// The notification's `id`, if it could be read.
    #[serde(default)]
    pub id: Option<String>,
    /// Its `eventType`, if it could be read.
    #[serde(default)]
    pub event_type: Option<String>,
    /// Whether `sign` matched; `None` when the notification carried no `sign`.
    #[serde(default)]
    pub sign_valid: Option<bool>,
    /// `form` or `json`.
    pub format: NotifyFormat,
    /// `SUCCESS` or `FAILED`.
    pub answer: SinkAnswer,
    /// Why it answered `FAILED`, if it did.
    #[serde(default)]
    pub problem: Option<String>,
    /// When it arrived, sandbox time, RFC 3339 in UTC+8.
    pub at: String,
}
