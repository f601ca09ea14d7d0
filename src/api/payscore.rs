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

/// A user authorising an app's Pay Score service: `POST /__mock/payscore/open`. Everything
/// but the appId is generated when left out.
///
/// ```
/// use chinaums_mock::api::payscore::OpenRequest;
/// let request = OpenRequest::new("10037e6f66f2d0f901672aa27d690006")
///     .open_id("ozsMbNLxQh9yY-tHhJYiMaDz7zbJ")
///     .callback_url("http://127.0.0.1:9000/notify");
/// let body = serde_json::to_value(&request)?;
/// assert_eq!(body["openId"], "ozsMbNLxQh9yY-tHhJYiMaDz7zbJ");
/// assert!(body.get("subOpenId").is_none());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenRequest {
    /// The app.
    pub app_id: String,
    /// The user's openId.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_id: Option<String>,
    /// The user's openId under the sub-merchant's app.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_open_id: Option<String>,
    /// The authorisation agreement number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_code: Option<String>,
    /// Send this notification here instead of to the app's callback URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
}

impl OpenRequest {
    /// An open for a new user of `app_id`.
    ///
    /// ```
    /// # use chinaums_mock::api::payscore::OpenRequest;
    /// assert_eq!(OpenRequest::new("app").app_id, "app");
    /// ```
    pub fn new(app_id: impl Into<String>) -> Self {
        Self {
            app_id: app_id.into(),
            ..Self::default()
        }
    }

    /// For this user.
    ///
    /// ```
    /// # use chinaums_mock::api::payscore::OpenRequest;
    /// assert_eq!(OpenRequest::new("app").open_id("o1").open_id.as_deref(), Some("o1"));
    /// ```
    pub fn open_id(mut self, open_id: impl Into<String>) -> Self {
        self.open_id = Some(open_id.into());
        self
    }

    /// With this subOpenId.
    ///
    /// ```
    /// # use chinaums_mock::api::payscore::OpenRequest;
    /// assert!(OpenRequest::new("app").sub_open_id("s1").sub_open_id.is_some());
    /// ```
    pub fn sub_open_id(mut self, sub_open_id: impl Into<String>) -> Self {
        self.sub_open_id = Some(sub_open_id.into());
        self
    }

    /// With this authorizationCode.
    ///
    /// ```
    /// # use chinaums_mock::api::payscore::OpenRequest;
    /// assert!(OpenRequest::new("app").authorization_code("AUTH1").authorization_code.is_some());
    /// ```
    pub fn authorization_code(mut self, code: impl Into<String>) -> Self {
        self.authorization_code = Some(code.into());
        self
    }

    /// Sends this notification to `url` instead of the app's callback URL.
    ///
    /// ```
    /// # use chinaums_mock::api::payscore::OpenRequest;
    /// assert!(OpenRequest::new("app").callback_url("http://127.0.0.1:1/").callback_url.is_some());
    /// ```
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }
}

/// A user removing an app's Pay Score authorisation: `POST /__mock/payscore/close`.
///
/// ```
/// use chinaums_mock::api::payscore::CloseRequest;
/// let request = CloseRequest::new("10037e6f66f2d0f901672aa27d690006", "o1");
/// let body = serde_json::to_value(&request)?;
/// assert_eq!(body, serde_json::json!({"appId": "10037e6f66f2d0f901672aa27d690006", "openId": "o1"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CloseRequest {
    /// The app.
    pub app_id: String,
    /// The user's openId.
    pub open_id: String,
    /// Send this notification here instead of to the app's callback URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
}

impl CloseRequest {
    /// A close of `open_id`'s authorisation of `app_id`.
    ///
    /// ```
    /// # use chinaums_mock::api::payscore::CloseRequest;
    /// assert_eq!(CloseRequest::new("app", "o1").open_id, "o1");
    /// ```
    pub fn new(app_id: impl Into<String>, open_id: impl Into<String>) -> Self {
        Self {
            app_id: app_id.into(),
            open_id: open_id.into(),
            callback_url: None,
        }
    }
}

/// Filters of `GET /__mock/payscore/authorizations`; every one optional.
///
/// ```
/// use chinaums_mock::api::payscore::AuthorizationFilter;
/// use chinaums_mock::api::payscore::AuthState;
/// let open = AuthorizationFilter { state: Some(AuthState::Open), ..AuthorizationFilter::default() };
/// assert!(open.app_id.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizationFilter {
    /// Only this app's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// Only this user's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_id: Option<String>,
    /// Only in this state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<AuthState>,
}
