//! The stores and state machines of the sandbox, each with explicit dependencies.

pub mod apps;
pub mod changes;
pub mod clock;
pub mod conformance;
pub mod faults;
pub mod fixtures;
pub mod journal;
pub mod notify;
pub mod orders;
pub mod payscore;
pub mod sink;
pub mod stubs;
pub mod tokens;
