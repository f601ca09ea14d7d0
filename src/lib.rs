//! # chinaums-mock
//!
//! A sandbox that impersonates the ChinaUMS (银联商务) Open Platform: the token endpoint, the
//! three ways business calls authenticate, and a control API under `/__mock` to script tenants
//! and time.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use chinaums_mock::{Application, Config};
//!
//! let app = Application::build(Config { port: 0, seed: Some(1), ..Config::default() }).await?;
//! let base = app.url();
//! tokio::spawn(app.run_until_stopped());
//! // point the merchant's ChinaUMS client at `base` instead of https://test-api-open.chinaums.com
//! # let _ = base; Ok(()) }
//! ```

pub mod api;
#[cfg(feature = "server")]
pub mod cli;
pub mod client;
#[cfg(feature = "server")]
pub mod config;
#[cfg(feature = "server")]
pub mod domain;
#[cfg(feature = "server")]
pub mod http;
#[cfg(feature = "server")]
pub mod persist;
pub mod protocol;
#[cfg(feature = "server")]
pub mod sandbox;
#[cfg(feature = "server")]
pub mod server;

#[cfg(feature = "server")]
pub use config::{Config, FixtureSource, LogFormat};
#[cfg(feature = "server")]
pub use server::embed::{MockServer, MockServerBuilder, MockServerError, StartTime};
#[cfg(feature = "server")]
pub use server::{AppHandle, Application, StartError};
