//! The sandbox embedded in a Rust test: [`MockServer`] starts one on a free port of the
//! current tokio runtime, and [`ControlClient`] scripts it (or any running sandbox) through the
//! control API with typed requests and answers.
//!
//! ```
//! # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use chinaums_mock::server::embed::{OpenRequest, WaitFor};
//! use chinaums_mock::MockServer;
//!
//! let server = MockServer::builder().frozen_at("2026-11-25T12:00:00+08:00").start().await?;
//! let client = server.client();
//! let app = server.default_app();
//!
//! // the merchant service under test would get `server.uri()` and `app`'s credentials
//! let opened = client.open(OpenRequest::new(&app.app_id)).await?;
//!
//! // no callback URL yet: the notification waits for one
//! let waited = client
//!     .wait_for_notification(&opened.notification.id, WaitFor::Delivered, Duration::from_millis(1))
//!     .await;
//! let err = waited.unwrap_err();
//! assert_eq!(err.status(), Some(408));
//! assert!(err.notification().is_some_and(|n| n.awaiting_callback_url));
//! # Ok(()) }
//! ```

mod builder;
mod error;
mod server;

pub use crate::client::{
    Advanced, Attempt, AuthorizationFilter, ClientError, ClockState, CloseRequest, ControlClient,
    Health, JournalAuth, JournalEntry, Notification, NotificationFilter, OpenRequest,
    RequestFilter, ScenarioReport, Transition, WaitFor,
};
pub use builder::{MockServerBuilder, StartTime};
pub use error::MockServerError;
pub use server::MockServer;
