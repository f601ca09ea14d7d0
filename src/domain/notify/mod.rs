//! Notifications ChinaUMS → merchant: encoding, signing, the retry ladder and delivery.

pub(crate) mod attempt;
pub(crate) mod client;
pub(crate) mod deliver;
pub(crate) mod engine;
pub(crate) mod guard;
pub(crate) mod lanes;
pub(crate) mod resolve;
pub(crate) mod schedule;
pub(crate) mod store;
pub(crate) mod waiters;

pub use crate::api::notification::{Notification, Outcome, Status};
pub use crate::protocol::encode::{Encoded, encode};
pub use client::{CaFileError, CallbackClient, ClientSettings, load_ca_file};
pub use deliver::{Delivery, WireResult};
pub use engine::{AdvanceReport, DueWork, EngineSnapshot};
pub use engine::{EngineDeps, EngineSettings, NotifyEngine};
pub use guard::{CallbackGuard, Refusal};
pub use resolve::Lookup;
pub use store::Filter;
