//! The sandbox clock as the control API shows it.
//!
//! ```
//! use chinaums_mock::api::clock::ClockView;
//! let c: ClockView = serde_json::from_str(
//!     r#"{"now":"2026-11-25T12:00:00+08:00","offsetSeconds":0,"frozen":true}"#)?;
//! assert!(c.frozen);
//! assert_eq!(c.now.to_rfc3339(), "2026-11-25T04:00:00+00:00");
//! assert_eq!(serde_json::to_value(&c)?["now"], "2026-11-25T12:00:00+08:00");
//! # Ok::<(), serde_json::Error>(())
//! ```

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api::time;

/// The id of the instance's own clock (`/__mock/clock`): every app is on it unless it asks for
/// another.
pub const DEFAULT_CLOCK: &str = "default";

/// What an app's `clock` (and a scenario's) asks for to get a clock of its own.
pub const NEW_CLOCK: &str = "new";

/// A snapshot of the clock, as shown by `GET /__mock/clock`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClockView {
    /// The clock's id: `default` for the instance's own clock.
    #[serde(default = "default_id")]
    pub id: String,
    /// The name given when it was created, if any.
    #[serde(default)]
    pub name: Option<String>,
    /// Sandbox time, RFC 3339 in UTC+8.
    #[schema(value_type = String)]
    #[serde(with = "time::beijing")]
    pub now: DateTime<Utc>,
    /// Sandbox time minus wall time, in whole seconds.
    pub offset_seconds: i64,
    /// Whether the clock stands still.
    pub frozen: bool,
}

fn default_id() -> String {
    DEFAULT_CLOCK.to_owned()
}

/// What `POST /__mock/clock/advance` answers: the clock after the move, and what happened on
/// the way. It reads as the clock too (`advanced.now`).
///
/// ```
/// use chinaums_mock::api::clock::Advanced;
/// let text = r#"{"id":"default","name":null,"now":"2026-11-25T12:01:00+08:00","offsetSeconds":60,"frozen":true,"attempts":3,"exhausted":0}"#;
/// let a: Advanced = serde_json::from_str(text)?;
/// assert_eq!((a.attempts, a.offset_seconds), (3, 60));
/// assert_eq!(serde_json::to_string(&a)?, text);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Advanced {
    /// The clock after the advance.
    #[serde(flatten)]
    pub clock: ClockView,
    /// Delivery attempts made during the advance.
    pub attempts: u64,
    /// Notifications given up on during the advance.
    pub exhausted: u64,
}

impl std::ops::Deref for Advanced {
    type Target = ClockView;

    fn deref(&self) -> &ClockView {
        &self.clock
    }
}

/// What `POST /__mock/clocks` takes: every field optional. A new clock runs from wall time
/// unless `now` or `frozen` say otherwise.
///
/// ```
/// use chinaums_mock::api::clock::NewClock;
/// let spec: NewClock = serde_json::from_str(
///     r#"{"name":"job 7","now":"2026-11-25T12:00:00+08:00","frozen":true}"#)?;
/// assert_eq!(spec.name.as_deref(), Some("job 7"));
/// assert_eq!(serde_json::to_value(&NewClock::default())?, serde_json::json!({}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewClock {
    /// A name to recognise it by (a test job, a scenario).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Where its time starts, RFC 3339.
    #[schema(value_type = Option<String>)]
    #[serde(
        default,
        with = "time::beijing_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub now: Option<DateTime<Utc>>,
    /// Whether it stands still from the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frozen: Option<bool>,
}

/// What `GET /__mock/clocks` answers: `default` first, then in creation order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClockList {
    /// Every clock.
    pub clocks: Vec<ClockView>,
}
