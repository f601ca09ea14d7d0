//! What a fault is: the wire types of `/__mock/faults` and the state file, and the typed
//! [`FaultEffect`] the rule in [`FaultSpec::effect`] derives from them.

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
    /// Error: HTTP status (default 412 token; 200 gateway, a business error as the real
    /// platform answers it; 400–599, and 200 for the gateway).
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
    /// What it does, by the same rule that registered it. `Err` only for a fault that did not
    /// come through registration (a hand-edited state file).
    pub fn effect(&self) -> Result<FaultEffect, InvalidFault> {
        self.spec().effect()
    }

    /// The spec that registers this fault again, with what remains of `times`.
    pub fn spec(&self) -> FaultSpec {
        FaultSpec {
            target: self.target,
            action: self.action,
            app_id: self.app_id.clone(),
            path: self.path.clone(),
            http_status: self.http_status,
            err_code: self.err_code.clone(),
            err_msg: self.err_msg.clone(),
            delay_ms: self.delay_ms,
            delay_seconds: self.delay_seconds,
            times: self.remaining,
            probability: self.probability,
            description: self.description.clone(),
        }
    }

    /// Whether it can still act.
    pub fn is_active(&self) -> bool {
        self.remaining != Some(0)
    }

    /// Whether it applies to a call or attempt.
    pub fn matches(&self, target: FaultTarget, app_id: Option<&str>, path: Option<&str>) -> bool {
        if self.target != target || !self.is_active() {
            return false;
        }
        if let Some(want) = &self.app_id
            && app_id != Some(want.as_str())
        {
            return false;
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

/// What a fault does, once its spec was accepted: one variant per target, so each consumer
/// matches only the effects that can reach it, and a new effect is a compile error at every
/// consumer until it is handled.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultEffect {
    /// On `POST /v1/token/access`.
    Token(CallEffect),
    /// On authenticated business calls.
    Gateway(CallEffect),
    /// On notification delivery attempts.
    Notification(NotificationEffect),
}

/// What a fault does to a token or business call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallEffect {
    /// Answer this error instead of serving the call.
    Error {
        /// HTTP status (defaulted: 412 token, 200 gateway).
        http_status: u16,
        /// `errCode` (defaulted: `9200` token, `INTERNAL_ERROR` gateway).
        err_code: String,
        /// The message; `None` lets the endpoint name the fault instead.
        err_msg: Option<String>,
    },
    /// Serve the call this many real milliseconds late.
    Delay {
        /// Real milliseconds.
        delay_ms: u64,
    },
}

/// What a fault does to a notification delivery attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationEffect {
    /// Send the attempt this many sandbox seconds later.
    Delay {
        /// Sandbox seconds (at most one year).
        delay_seconds: u64,
    },
    /// Send the attempt twice, same id.
    Duplicate,
    /// Send the attempt with a corrupted `sign`.
    TamperSign,
    /// Hold the notification until the next one about the same user has been sent.
    OutOfOrder,
    /// Lose the attempt, as if the network dropped it.
    Drop,
}

impl FaultEffect {
    /// The status and `errCode` of an error effect, defaults applied.
    pub fn error(&self) -> Option<(u16, &str)> {
        match self {
            FaultEffect::Token(call) | FaultEffect::Gateway(call) => match call {
                CallEffect::Error {
                    http_status,
                    err_code,
                    ..
                } => Some((*http_status, err_code.as_str())),
                CallEffect::Delay { .. } => None,
            },
            FaultEffect::Notification(_) => None,
        }
    }
}

/// Why a fault was refused; the message is what `POST /__mock/faults` answers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidFault(pub String);

/// Sandbox time cannot hold an instant arbitrarily far ahead; a year outlasts any ladder.
const MAX_DELAY_SECONDS: u64 = 365 * 24 * 3600;

impl FaultSpec {
    /// What this fault does, or why it is refused: the one place that pairs a target with an
    /// action, checks the parameters and fills in the defaults.
    ///
    /// ```
    /// use chinaums_mock::api::fault::{CallEffect, FaultEffect, FaultSpec};
    /// let spec: FaultSpec =
    ///     serde_json::from_str(r#"{"target": "token", "action": "error"}"#).expect("spec");
    /// assert_eq!(
    ///     spec.effect(),
    ///     Ok(FaultEffect::Token(CallEffect::Error {
    ///         http_status: 412,
    ///         err_code: "9200".into(),
    ///         err_msg: None,
    ///     }))
    /// );
    /// ```
    pub fn effect(&self) -> Result<FaultEffect, InvalidFault> {
        use FaultAction::*;
        use FaultTarget::*;
        // A missing delay is reported only after the general checks, as it always was, so a
        // spec with several problems keeps hearing of the same one first.
        let effect = match (self.target, self.action) {
            (Token, Error) => Ok(FaultEffect::Token(self.error(412, "9200"))),
            (Token, Delay) => self.call_delay().map(FaultEffect::Token),
            (Gateway, Error) => Ok(FaultEffect::Gateway(self.error(200, "INTERNAL_ERROR"))),
            (Gateway, Delay) => self.call_delay().map(FaultEffect::Gateway),
            (Notification, Delay) => match self.delay_seconds {
                Some(delay_seconds) => Ok(NotificationEffect::Delay { delay_seconds }),
                None => Err(InvalidFault(
                    "a notification delay needs delaySeconds".into(),
                )),
            }
            .map(FaultEffect::Notification),
            (Notification, Duplicate) => {
                Ok(FaultEffect::Notification(NotificationEffect::Duplicate))
            }
            (Notification, TamperSign) => {
                Ok(FaultEffect::Notification(NotificationEffect::TamperSign))
            }
            (Notification, OutOfOrder) => {
                Ok(FaultEffect::Notification(NotificationEffect::OutOfOrder))
            }
            (Notification, Drop) => Ok(FaultEffect::Notification(NotificationEffect::Drop)),
            (Token | Gateway, Duplicate | TamperSign | OutOfOrder | Drop)
            | (Notification, Error) => {
                return Err(InvalidFault(format!(
                    "action {:?} does not apply to target {:?}: token and gateway take error or delay; notification takes delay, duplicate, tamperSign, outOfOrder or drop",
                    self.action, self.target
                )));
            }
        };
        self.check_parameters()?;
        effect
    }

    /// The checks every parameter passes whatever the action.
    fn check_parameters(&self) -> Result<(), InvalidFault> {
        if self.path.is_some() && self.target != FaultTarget::Gateway {
            return Err(InvalidFault("path applies to gateway faults only".into()));
        }
        if self.probability.is_some_and(|p| !(0.0..=1.0).contains(&p)) {
            return Err(InvalidFault("probability must be between 0 and 1".into()));
        }
        // A gateway fault may also answer 200: a business error, as the real platform answers
        // its services' refusals.
        let business = |s: u16| s == 200 && self.target == FaultTarget::Gateway;
        if self
            .http_status
            .is_some_and(|s| !(400..=599).contains(&s) && !business(s))
        {
            return Err(InvalidFault(
                "httpStatus must be 400 to 599 (or 200 for a gateway fault)".into(),
            ));
        }
        if self.delay_ms.is_some_and(|ms| ms > 60_000) {
            return Err(InvalidFault("delayMs must be at most 60000".into()));
        }
        if self.delay_seconds.is_some_and(|s| s > MAX_DELAY_SECONDS) {
            return Err(InvalidFault(
                "delaySeconds must be at most 31536000 (one year)".into(),
            ));
        }
        Ok(())
    }

    fn error(&self, http_status: u16, err_code: &str) -> CallEffect {
        CallEffect::Error {
            http_status: self.http_status.unwrap_or(http_status),
            err_code: self.err_code.clone().unwrap_or_else(|| err_code.into()),
            err_msg: self.err_msg.clone(),
        }
    }

    fn call_delay(&self) -> Result<CallEffect, InvalidFault> {
        match self.delay_ms {
            Some(delay_ms) => Ok(CallEffect::Delay { delay_ms }),
            None => Err(InvalidFault("a delay fault needs delayMs".into())),
        }
    }
}
