//! Why an embedded start failed.

use crate::server::StartError;

/// Why a [`MockServer`](super::MockServer) could not start.
///
/// ```
/// # #[tokio::main] async fn main() {
/// use chinaums_mock::{MockServer, MockServerError};
/// let err = MockServer::builder().frozen_at("yesterday").start().await.err();
/// assert!(matches!(err, Some(MockServerError::InvalidTime { .. })));
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
pub enum MockServerError {
    /// The sandbox itself could not start (fixtures, bind).
    #[error(transparent)]
    Start(#[from] StartError),
    /// A start time given as text is not RFC 3339.
    #[error("{value:?} is not an RFC 3339 time such as 2026-11-25T12:00:00+08:00: {source}")]
    InvalidTime {
        /// The text given.
        value: String,
        /// Why it does not parse.
        source: chrono::ParseError,
    },
}
