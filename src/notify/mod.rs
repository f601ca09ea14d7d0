//! Notifications ChinaUMS → merchant: encoding, signing, the retry ladder and delivery.

mod attempt;
mod deliver;
mod encode;
mod engine;
mod model;
mod routes;
mod schedule;
mod store;

pub use attempt::tamper_sign;
pub use deliver::{
    CallbackClient, KEPT_RESPONSE_BYTES, WireResult, callback_allowed, is_ack, send,
};
pub use encode::{Encoded, FORM, JSON, encode};
pub use engine::EngineSnapshot;
pub use engine::{
    AdvanceReport, EngineSettings, NewNotification, NotifyEngine, RedeliverError, USER_AGENT,
};
pub use model::DeliveryPlan;
pub use model::{Attempt, Notification, Outcome, Status};
pub use routes::configure;
pub use schedule::{MAX_SCHEDULED_ATTEMPTS, next_offset};
pub use store::Filter;
