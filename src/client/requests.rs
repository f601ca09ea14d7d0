//! What the control client asks for where the server reads the request its own way: the
//! notification list filter (the server checks `status` itself, to name the values it takes)
//! and wait targets. Open and close requests and the other filters are [`crate::api`] types.

use serde::Serialize;

use crate::api::notification::Status;

/// Filters of `GET /__mock/notifications`; every one optional.
///
/// ```
/// use chinaums_mock::client::NotificationFilter;
/// use chinaums_mock::api::notification::Status;
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
    /// # use chinaums_mock::client::NotificationFilter;
    /// assert!(NotificationFilter::app("a").open_id.is_none());
    /// ```
    pub fn app(app_id: impl Into<String>) -> Self {
        Self {
            app_id: Some(app_id.into()),
            ..Self::default()
        }
    }
}

/// What [`ControlClient::wait_for_notification`](super::ControlClient::wait_for_notification)
/// waits for.
///
/// ```
/// use chinaums_mock::client::WaitFor;
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
    /// Still pending (at once, unless it has settled).
    Pending,
}

impl WaitFor {
    /// The `status` query value.
    ///
    /// ```
    /// # use chinaums_mock::client::WaitFor;
    /// assert_eq!(WaitFor::Delivered.as_str(), "delivered");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            WaitFor::Delivered => "delivered",
            WaitFor::Exhausted => "exhausted",
            WaitFor::Settled => "settled",
            WaitFor::Pending => "pending",
        }
    }
}

impl std::fmt::Display for WaitFor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
