//! Scenarios: JSON stories of steps (create an app, open an authorisation, advance the clock,
//! expect deliveries …) run against a sandbox over HTTP, with a report of every step; and the
//! built-in merchant sink they point callbacks at.
//!
//! ```
//! use chinaums_mock::client::scenario::Scenario;
//! let scenario = Scenario::from_json(r#"{
//!   "name": "tick",
//!   "steps": [
//!     {"kind": "createApp", "as": "shop"},
//!     {"kind": "open", "app": "shop", "as": "open1"},
//!     {"kind": "expectAuthorization", "app": "shop", "openId": "${open1.authorization.openId}", "state": "OPEN"}
//!   ]
//! }"#).expect("a valid scenario");
//! assert_eq!(scenario.steps.len(), 3);
//! ```

pub(crate) mod business;
pub(crate) mod client;
pub(crate) mod clock;
pub(crate) mod expect;
pub(crate) mod order_expect;
pub(crate) mod orders;
pub(crate) mod outcome;
pub(crate) mod payer;

pub(crate) mod report;
pub(crate) mod runner;
pub(crate) mod steps;

pub use crate::api::scenario::refs::{Bindings, is_whole_reference};
pub use crate::api::scenario::{Field, Kind, Scenario, ScenarioClock, ScenarioError, Step, Ty};
pub use client::{Gateway, Reply, describe, query, segment};
pub use report::{Failure, Report, StepReport};
pub use runner::{run, run_with};
