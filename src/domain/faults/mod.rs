//! Faults: make the gateway fail or stall, and notifications go wrong, on purpose — for the next
//! N calls or with a probability, optionally for one app.

pub(crate) mod store;

pub use crate::api::fault::{CallEffect, Fault, FaultSpec, NotificationEffect};

pub use store::{FaultStore, Fired};
