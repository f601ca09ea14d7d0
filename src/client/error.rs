//! Why a control call failed.

use super::requests::WaitFor;
use crate::api::notification::Notification;

/// Why a [`ControlClient`](super::ControlClient) call failed.
///
/// A control error answer (`{"error": {"code", "message"}}`) becomes
/// [`ClientError::Control`] with its HTTP status, code and message:
///
/// ```
/// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use chinaums_mock::{client::ClientError, MockServer};
/// let server = MockServer::start().await?;
/// let err = server.client().app("ffffffffffffffffffffffffffffffff").await.unwrap_err();
/// assert_eq!(err.status(), Some(404));
/// assert_eq!(err.code(), Some("APP_NOT_FOUND"));
/// assert!(matches!(err, ClientError::Control { .. }));
/// # Ok(()) }
/// ```
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The sandbox answered with a control error.
    #[error("{status} {code}: {message}")]
    Control {
        /// HTTP status.
        status: u16,
        /// Machine-readable code, e.g. `APP_NOT_FOUND`.
        code: String,
        /// Human sentence.
        message: String,
    },
    /// A long-poll ran out of time before the notification reached the wanted status; the
    /// notification as it stood is attached.
    #[error("notification {} did not become {wanted} in time (still {:?})", notification.id, notification.status)]
    WaitTimedOut {
        /// What was waited for.
        wanted: WaitFor,
        /// The notification when the wait ended.
        notification: Box<Notification>,
    },
    /// The token endpoint refused to issue a token.
    #[error("the token endpoint answered {status} {err_code}: {err_info}")]
    Token {
        /// HTTP status.
        status: u16,
        /// `errCode`.
        err_code: String,
        /// `errInfo`.
        err_info: String,
    },
    /// The gateway refused a business call: an authentication failure (HTTP 401 …), or a
    /// business refusal such as `DUP_ORDER` (HTTP 200) where an order was wanted.
    #[error("the gateway answered {status} {err_code}: {err_msg}")]
    Gateway {
        /// HTTP status.
        status: u16,
        /// `errCode`.
        err_code: String,
        /// `errMsg` (`errInfo` where the path says so).
        err_msg: String,
    },
    /// An answer that is neither success nor a control error (e.g. not the sandbox at all).
    #[error("unexpected answer {status}: {body}")]
    Unexpected {
        /// HTTP status.
        status: u16,
        /// The body, as text.
        body: String,
    },
    /// A successful answer that does not have the expected shape.
    #[error("cannot read the answer ({source}): {body}")]
    Decode {
        /// The body, as text.
        body: String,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// No answer: connection refused, reset, or a timeout.
    #[error("request failed: {0}")]
    Http(#[from] reqwest::Error),
    /// The client could not be set up (an admin token that is not a valid header value, say).
    #[error("the control client cannot be set up: {0}")]
    Setup(String),
}

impl ClientError {
    /// The HTTP status the sandbox answered with, if it answered.
    ///
    /// ```
    /// use chinaums_mock::client::ClientError;
    /// let e = ClientError::Unexpected { status: 502, body: String::new() };
    /// assert_eq!(e.status(), Some(502));
    /// ```
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Control { status, .. }
            | ClientError::Token { status, .. }
            | ClientError::Gateway { status, .. }
            | ClientError::Unexpected { status, .. } => Some(*status),
            ClientError::WaitTimedOut { .. } => Some(408),
            ClientError::Decode { .. } | ClientError::Setup(_) => None,
            ClientError::Http(e) => e.status().map(|s| s.as_u16()),
        }
    }

    /// The control error code (`APP_NOT_FOUND`, …), or the `errCode` of the token endpoint or
    /// the gateway.
    ///
    /// ```
    /// use chinaums_mock::client::ClientError;
    /// let e = ClientError::Control { status: 409, code: "APP_EXISTS".into(), message: String::new() };
    /// assert_eq!(e.code(), Some("APP_EXISTS"));
    /// ```
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Control { code, .. } => Some(code),
            ClientError::Token { err_code, .. } | ClientError::Gateway { err_code, .. } => {
                Some(err_code)
            }
            _ => None,
        }
    }

    /// The notification a timed-out wait left behind.
    ///
    /// ```
    /// use chinaums_mock::client::ClientError;
    /// let e = ClientError::Unexpected { status: 500, body: String::new() };
    /// assert!(e.notification().is_none());
    /// ```
    pub fn notification(&self) -> Option<&Notification> {
        match self {
            ClientError::WaitTimedOut { notification, .. } => Some(notification),
            _ => None,
        }
    }
}
