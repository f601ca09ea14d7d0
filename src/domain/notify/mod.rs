//! Notifications ChinaUMS → merchant: encoding, signing, the retry ladder and delivery.

pub(crate) mod attempt;
pub(crate) mod deliver;
pub(crate) mod engine;
pub(crate) mod schedule;
pub(crate) mod store;

pub use crate::api::notification::DeliveryPlan;
pub use crate::api::notification::{Attempt, Notification, Outcome, Status};
pub use crate::protocol::encode::{Encoded, FORM, JSON, encode};
pub use attempt::tamper_sign;
pub use deliver::{
    CallbackClient, Delivery, KEPT_RESPONSE_BYTES, Transport, WireResult, callback_allowed, is_ack,
    send,
};
pub use engine::EngineSnapshot;
pub use engine::{
    AdvanceReport, EngineDeps, EngineSettings, NewNotification, NotifyEngine, RedeliverError,
    USER_AGENT,
};

pub use schedule::{MAX_SCHEDULED_ATTEMPTS, next_offset};
pub use store::Filter;
