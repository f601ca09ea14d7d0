//! The typed client of the control API, and the scenario runner.

mod api;
mod business;
mod clock;
mod clocks;
mod control;
mod error;
mod more;
mod notifications;
mod orders;
mod requests;
pub mod scenario;
mod scripting;
mod types;

pub use api::{Answer, Control};
pub use business::DEFAULT_ORDER_PATH;
pub use control::ControlClient;
pub use error::ClientError;
pub use requests::{NotificationFilter, WaitFor};
pub use types::ScenarioReport;

pub use crate::api::clock::{Advanced, ClockView as ClockState, NewClock};
pub use crate::api::conformance::{Battery, ConformanceRequest};
pub use crate::api::health::Health;
pub use crate::api::journal::{AuthRecord as JournalAuth, Entry as JournalEntry, RequestFilter};
pub use crate::api::notification::{Attempt, Notification};
pub use crate::api::order::{
    Bill, BillFilter, BillPaid, Order, OrderFilter, OrderPaid, OrderRefunded, PayOutcome,
    PayRequest, RefundRequest,
};
pub use crate::api::payscore::{AuthorizationFilter, CloseRequest, OpenRequest, Transition};
pub use crate::api::token::{LiveToken, TokenFilter, TokenList};
