//! Scenarios: JSON stories of steps (create an app, open an authorisation, advance the clock,
//! expect deliveries …) run against a sandbox over HTTP, with a report of every step; and the
//! built-in merchant sink they point callbacks at.
//!
//! ```
//! use chinaums_mock::scenario::Scenario;
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

mod client;
mod expect;
mod model;
mod refs;
mod report;
mod routes;
mod runner;
mod sink;
mod steps;

use actix_web::web::ServiceConfig;

pub use client::{Answer, Sandbox, describe, query, segment};
pub use model::{Field, Kind, Scenario, ScenarioError, Step, Ty};
pub use refs::{Bindings, is_whole_reference};
pub use report::{Failure, Report, StepReport};
pub use runner::{run, run_on};
pub use sink::{KEPT_PER_APP, Receipt, SinkStore, Verdict, judge};

/// Registers this module's control routes (inside the `/__mock` scope): the scenarios and the
/// merchant sink.
pub fn configure(cfg: &mut ServiceConfig) {
    routes::configure(cfg);
    sink::configure(cfg);
}
