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

pub mod apps;
pub mod body;
pub mod cli;
pub mod clock;
pub mod config;
pub mod conformance;
pub mod control;
pub mod faults;
pub mod fixtures;
pub mod gateway;
pub mod journal;
pub mod mock_server;
pub mod notify;
pub mod payscore;
pub mod persist;
pub mod scenario;
pub mod signing;
pub mod startup;
pub mod state;
pub mod stubs;
pub mod telemetry;
pub mod timefmt;
pub mod tokens;
pub mod tools;
pub mod ui;

pub use config::{Config, FixtureSource, LogFormat};
pub use mock_server::{MockServer, MockServerBuilder};
pub use startup::{AppHandle, Application, StartError};
