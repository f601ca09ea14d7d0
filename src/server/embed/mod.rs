//! The sandbox embedded in a Rust test: [`MockServer`] starts one on a free port of the
//! current tokio runtime, and its [`ControlClient`](crate::client::ControlClient) scripts it
//! through the control API with typed requests and answers (the crate's own documentation has
//! the example).

mod builder;
mod error;
mod server;

pub use builder::{MockServerBuilder, StartTime};
pub use error::MockServerError;
pub use server::MockServer;
