//! Pay Score authorisations as the control API shows them.

use serde::{Deserialize, Serialize};

use crate::api::notification::Notification;

/// An authorisation's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum AuthState {
    /// The user authorised the service.
    Open,
    /// The user removed the authorisation.
    Closed,
}

/// One transition in an authorisation's life.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    /// The state entered.
    pub state: AuthState,
    /// When, RFC 3339 in UTC+8.
    pub at: String,
    /// The notification that reported it.
    pub notification_id: Option<String>,
}

/// One user's authorisation of one app's Pay Score service.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Authorization {
    /// The app.
    pub app_id: String,
    /// The user's openId.
    pub open_id: String,
    /// The user's openId under the sub-merchant's app.
    pub sub_open_id: String,
    /// The authorisation agreement number (授权协议号).
    pub authorization_code: String,
    /// Current state.
    pub state: AuthState,
    /// Every transition, oldest first.
    pub history: Vec<HistoryEntry>,
}

/// What `GET /__mock/payscore/authorizations` answers.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizationList {
    /// The matching authorisations, by app then openId.
    pub authorizations: Vec<Authorization>,
    /// Authorisations dropped by the retention bound (`--authorization-retention`) since start
    /// or the last reset, across every app.
    pub dropped: u64,
}

/// What `POST /__mock/payscore/open` and `close` answer: the authorisation after the
/// transition and the notification that reports it.
///
/// ```
/// use chinaums_mock::api::payscore::Transition;
/// fn open_id(t: &Transition) -> &str {
///     &t.authorization.open_id
/// }
/// ```
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Transition {
    /// The authorisation, with its history.
    pub authorization: Authorization,
    /// The notification created for the transition.
    pub notification: Notification,
}
