//! Faults: make the gateway fail or stall, and notifications go wrong, on purpose — for the next
//! N calls or with a probability, optionally for one app.

mod model;
mod routes;
mod store;

pub use model::{Fault, FaultAction, FaultSpec, FaultTarget};
pub use routes::configure;
pub use store::FaultStore;
