//! The sandbox clock as the control API shows it.

use serde::Serialize;

/// A snapshot of the clock, as shown by `GET /__mock/clock`.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClockView {
    /// Sandbox time, RFC 3339 in UTC+8.
    pub now: String,
    /// Sandbox time minus wall time, in whole seconds.
    pub offset_seconds: i64,
    /// Whether the clock stands still.
    pub frozen: bool,
}
