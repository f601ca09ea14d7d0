//! The liveness answer of the control API.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api::time;

/// What `GET /__mock/health` answers.
///
/// ```
/// use chinaums_mock::api::health::Health;
/// let h: Health = serde_json::from_str(
///     r#"{"status":"ok","version":"0.2.0","apps":2,"now":"2026-11-25T12:00:00+08:00"}"#)?;
/// assert_eq!(h.apps, 2);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// The sandbox's version.
    pub version: String,
    /// How many apps it holds.
    pub apps: usize,
    /// Sandbox time.
    #[schema(value_type = String)]
    #[serde(with = "time::beijing")]
    pub now: DateTime<Utc>,
}
