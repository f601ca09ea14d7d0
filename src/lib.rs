//! # chinaums-mock
//!
//! A sandbox that impersonates the ChinaUMS (银联商务) Open Platform: the token endpoint, the
//! three ways business calls authenticate, and a control API under `/__mock` to script tenants
//! and time.
//!
//! The public surface is small:
//!
//! - the embedding API: [`MockServer`] (a sandbox inside a Rust test) with its
//!   [`MockServerBuilder`], and [`Application`] (one instance, bound and run by hand) with its
//!   [`AppHandle`] and [`Config`];
//! - [`client`]: the typed control-API client and the scenario runner, which also build without
//!   the server (`--no-default-features --features client`);
//! - [`api`]: the wire types of the control API, shared by the server, the client and the state
//!   file;
//! - [`protocol`]: the ChinaUMS rules themselves (signing, time formats, the `Authorization`
//!   header, notification encoding).
//!
//! Everything else (the stores, the sandbox's use cases, the HTTP adapters, the state file, the
//! command line) is private to the crate.
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
//!
//! Inside a test, [`MockServer`] starts one on a free port of the current tokio runtime, and
//! [`MockServer::client`] scripts it through the control API with typed requests and answers:
//!
//! ```
//! # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use chinaums_mock::client::{OpenRequest, WaitFor};
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

pub mod api;
// The binary's command line is not part of the library's API: `main.rs` only calls
// [`run_cli`], and the verbs stay private.
#[cfg(feature = "server")]
mod cli;
pub mod client;
#[cfg(feature = "server")]
mod config;
#[cfg(feature = "server")]
mod domain;
#[cfg(feature = "server")]
mod http;
#[cfg(feature = "server")]
mod persist;
pub mod protocol;
#[cfg(feature = "server")]
mod sandbox;
#[cfg(feature = "server")]
mod server;

#[cfg(feature = "server")]
pub use config::{CallbackResolver, Config, FixtureSource, LogFormat, StateFormat, StateStorage};
#[cfg(feature = "server")]
pub use server::embed::{MockServer, MockServerBuilder, MockServerError, StartTime};
#[cfg(feature = "server")]
pub use server::{AppHandle, Application, StartError};

/// Runs the `chinaums-mock` command line on this process's arguments and answers the exit
/// code. The binary's entry point; not meant for library users.
#[cfg(feature = "server")]
#[doc(hidden)]
pub async fn run_cli() -> i32 {
    use clap::Parser;
    cli::run(cli::Cli::parse()).await
}
