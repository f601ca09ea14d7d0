//! Apps: the merchant tenants of the sandbox, and their control routes under `/__mock/apps`.

pub(crate) mod registry;
pub(crate) mod validate;

pub use crate::api::app::{AckMode, App, AppSpec, NotifyFormat, NotifySettings, NotifySigning};
pub use registry::{AppRegistry, build_app};

pub use validate::check_callback_url;

/// Why an app could not be created, changed or found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppError {
    /// A field has a value the sandbox does not accept.
    #[error("{field} {reason}")]
    Invalid {
        /// The field's JSON name.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Another app already has this appId.
    #[error("an app with appId {0} already exists")]
    Duplicate(String),
    /// No app has this appId.
    #[error("no app with appId {0}")]
    NotFound(String),
}
