//! What the control client asks for: open requests, list filters and wait targets.

use serde::{Deserialize, Serialize};

use crate::api::notification::Status;
use crate::api::payscore::AuthState;

/// A user authorising an app's Pay Score service: `POST /__mock/payscore/open`. Everything
/// but the appId is generated when left out.
///
/// ```
/// use chinaums_mock::server::embed::OpenRequest;
/// let request = OpenRequest::new("10037e6f66f2d0f901672aa27d690006")
///     .open_id("ozsMbNLxQh9yY-tHhJYiMaDz7zbJ")
///     .callback_url("http://127.0.0.1:9000/notify");
/// let body = serde_json::to_value(&request)?;
/// assert_eq!(body["openId"], "ozsMbNLxQh9yY-tHhJYiMaDz7zbJ");
/// assert!(body.get("subOpenId").is_none());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
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
    /// # use chinaums_mock::server::embed::OpenRequest;
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
    /// # use chinaums_mock::server::embed::OpenRequest;
    /// assert_eq!(OpenRequest::new("app").open_id("o1").open_id.as_deref(), Some("o1"));
    /// ```
    pub fn open_id(mut self, open_id: impl Into<String>) -> Self {
        self.open_id = Some(open_id.into());
        self
    }

    /// With this subOpenId.
    ///
    /// ```
    /// # use chinaums_mock::server::embed::OpenRequest;
    /// assert!(OpenRequest::new("app").sub_open_id("s1").sub_open_id.is_some());
    /// ```
    pub fn sub_open_id(mut self, sub_open_id: impl Into<String>) -> Self {
        self.sub_open_id = Some(sub_open_id.into());
        self
    }

    /// With this authorizationCode.
    ///
    /// ```
    /// # use chinaums_mock::server::embed::OpenRequest;
    /// assert!(OpenRequest::new("app").authorization_code("AUTH1").authorization_code.is_some());
    /// ```
    pub fn authorization_code(mut self, code: impl Into<String>) -> Self {
        self.authorization_code = Some(code.into());
        self
    }

    /// Sends this notification to `url` instead of the app's callback URL.
    ///
    /// ```
    /// # use chinaums_mock::server::embed::OpenRequest;
    /// assert!(OpenRequest::new("app").callback_url("http://127.0.0.1:1/").callback_url.is_some());
    /// ```
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }
}

/// Filters of `GET /__mock/notifications`; every one optional.
///
/// ```
/// use chinaums_mock::server::embed::NotificationFilter;
/// use chinaums_mock::domain::notify::Status;
/// let filter = NotificationFilter { status: Some(Status::Delivered), ..NotificationFilter::app("app") };
/// assert_eq!(filter.app_id.as_deref(), Some("app"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationFilter {
    /// Only this app's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// Only about this user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_id: Option<String>,
    /// Only of this event type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// Only in this status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// At most this many (the server's default is 1000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}

impl NotificationFilter {
    /// Every notification of one app.
    ///
    /// ```
    /// # use chinaums_mock::server::embed::NotificationFilter;
    /// assert!(NotificationFilter::app("a").open_id.is_none());
    /// ```
    pub fn app(app_id: impl Into<String>) -> Self {
        Self {
            app_id: Some(app_id.into()),
            ..Self::default()
        }
    }
}

/// Filters of `GET /__mock/payscore/authorizations`; every one optional.
///
/// ```
/// use chinaums_mock::server::embed::AuthorizationFilter;
/// use chinaums_mock::domain::payscore::AuthState;
/// let open = AuthorizationFilter { state: Some(AuthState::Open), ..AuthorizationFilter::default() };
/// assert!(open.app_id.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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

/// Filters of `GET /__mock/requests`; every one optional.
///
/// ```
/// use chinaums_mock::server::embed::RequestFilter;
/// let filter = RequestFilter { outcome: Some("auth_failed".into()), ..RequestFilter::default() };
/// assert!(filter.path.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestFilter {
    /// Only this app's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// Only this exact path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Only this outcome: `ok`, `auth_failed`, `bad_request`, `fault` or `no_service`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// Only this method.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// At most this many (the server's default is 1000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}

/// What [`ControlClient::wait_for_notification`](super::ControlClient::wait_for_notification)
/// waits for.
///
/// ```
/// use chinaums_mock::server::embed::WaitFor;
/// assert_eq!(WaitFor::Settled.as_str(), "settled");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WaitFor {
    /// Acknowledged by the merchant.
    Delivered,
    /// Given up on.
    Exhausted,
    /// Either of the two.
    Settled,
}

impl WaitFor {
    /// The `status` query value.
    ///
    /// ```
    /// # use chinaums_mock::server::embed::WaitFor;
    /// assert_eq!(WaitFor::Delivered.as_str(), "delivered");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            WaitFor::Delivered => "delivered",
            WaitFor::Exhausted => "exhausted",
            WaitFor::Settled => "settled",
        }
    }
}

impl std::fmt::Display for WaitFor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
