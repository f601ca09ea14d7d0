//! Callback URLs as they are set: well-formed, and going nowhere the sandbox refuses to send to
//! (its own control API, link-local and metadata addresses).

use super::Sandbox;
use crate::domain::apps::{AppError, check_callback_url};
use crate::domain::notify::Refusal;
use crate::domain::orders::OrderError;

impl Sandbox {
    /// Checks a callback URL given in `field` (`callbackUrl`, `notifyUrl`): an absolute http(s)
    /// URL that the notification engine's guard accepts. `--callback-allow` is not applied
    /// here: an attempt outside it is recorded as `blocked`.
    pub fn check_callback(&self, field: &str, url: &str) -> Result<(), AppError> {
        check_callback_url(url).map_err(|e| match e {
            AppError::Invalid { reason, .. } => AppError::Invalid {
                field: field.to_owned(),
                reason,
            },
            other => other,
        })?;
        self.notify
            .guard()
            .check_target(url)
            .map_err(|refusal| AppError::Invalid {
                field: field.to_owned(),
                reason: refusal.to_string(),
            })
    }
}

impl Sandbox {
    /// Checks an order's or bill's `notifyUrl` against the guard. Its form is not checked, as
    /// the gateway never did: a malformed one fails at delivery.
    pub fn check_notify_url(&self, url: &str) -> Result<(), OrderError> {
        match self.notify.guard().check_target(url) {
            Ok(()) | Err(Refusal::Unparsable) => Ok(()),
            Err(refusal) => Err(OrderError::Invalid(format!("notifyUrl {refusal}"))),
        }
    }
}
