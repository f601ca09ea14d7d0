//! The typed client of the control API, and the scenario runner.

mod api;
mod clock;
mod clocks;
mod control;
mod error;
mod more;
mod notifications;
mod requests;
pub mod scenario;
mod scripting;
mod types;

pub use api::{Answer, Control};
pub use control::ControlClient;
pub use error::ClientError;
pub use requests::{NotificationFilter, WaitFor};
pub use types::ScenarioReport;

pub use crate::api::clock::{Advanced, ClockView as ClockState, NewClock};
pub use crate::api::conformance::{Battery, ConformanceRequest};
pub use crate::api::health::Health;
pub use crate::api::journal::{AuthRecord as JournalAuth, Entry as JournalEntry, RequestFilter};
pub use crate::api::notification::{Attempt, Notification};
pub use crate::api::payscore::{AuthorizationFilter, CloseRequest, OpenRequest, Transition};
