//! What a fault is.

use serde::{Deserialize, Serialize};

/// What a fault acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FaultTarget {
    /// `POST /v1/token/access`.
    Token,
    /// Authenticated business calls (after authentication succeeded).
    Gateway,
    /// Notification delivery attempts.
    Notification,
}

/// What a fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum FaultAction {
    /// Answer an error instead (token, gateway).
    Error,
    /// Token/gateway: answer `delayMs` later (real time). Notification: send the attempt
    /// `delaySeconds` later (sandbox time).
    Delay,
    /// Send the attempt twice, same id.
    Duplicate,
    /// Send the attempt with a corrupted `sign`.
    TamperSign,
    /// Hold a notification until the next one about the same user has been sent.
    OutOfOrder,
    /// Lose the attempt, as if the network dropped it.
    Drop,
}

/// A fault as `POST /__mock/faults` describes it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultSpec {
    /// What it acts on.
    pub target: FaultTarget,
    /// What it does.
    pub action: FaultAction,
    /// Only this app.
    pub app_id: Option<String>,
    /// Gateway only: this exact path, or a prefix ending in `*`.
    pub path: Option<String>,
    /// Error: HTTP status (default 500 gateway, 412 token).
    pub http_status: Option<u16>,
    /// Error: `errCode` (default `INTERNAL_ERROR` gateway, `9200` token).
    pub err_code: Option<String>,
    /// Error: message (`errMsg`; `errInfo` on the token endpoint).
    pub err_msg: Option<String>,
    /// Token/gateway delay, real milliseconds.
    pub delay_ms: Option<u64>,
    /// Notification delay, sandbox seconds.
    pub delay_seconds: Option<u64>,
    /// Act on the next N matching calls or attempts only.
    pub times: Option<u32>,
    /// Act with this probability (0–1) on each match.
    pub probability: Option<f64>,
    /// A note for the reader.
    pub description: Option<String>,
}

/// A registered fault.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    /// `flt-N`.
    pub id: String,
    /// What it acts on.
    pub target: FaultTarget,
    /// What it does.
    pub action: FaultAction,
    /// Only this app.
    pub app_id: Option<String>,
    /// Only this path (gateway).
    pub path: Option<String>,
    /// Error status.
    pub http_status: Option<u16>,
    /// Error code.
    pub err_code: Option<String>,
    /// Error message.
    pub err_msg: Option<String>,
    /// Real delay.
    pub delay_ms: Option<u64>,
    /// Sandbox delay.
    pub delay_seconds: Option<u64>,
    /// Probability.
    pub probability: Option<f64>,
    /// How many more times it acts (`null` = until deleted).
    pub remaining: Option<u32>,
    /// How many times it acted.
    pub hits: u64,
    /// A note.
    pub description: Option<String>,
}

impl Fault {
    /// Whether it can still act.
    pub fn is_active(&self) -> bool {
        self.remaining != Some(0)
    }

    /// Whether it applies to a call or attempt.
    pub fn matches(&self, target: FaultTarget, app_id: Option<&str>, path: Option<&str>) -> bool {
        if self.target != target || !self.is_active() {
            return false;
        }
        if let Some(want) = &self.app_id {
            if app_id != Some(want.as_str()) {
                return false;
            }
        }
        match (&self.path, path) {
            (None, _) => true,
            (Some(p), Some(actual)) => match p.strip_suffix('*') {
                Some(prefix) => actual.starts_with(prefix),
                None => p == actual,
            },
            (Some(_), None) => false,
        }
    }
}
