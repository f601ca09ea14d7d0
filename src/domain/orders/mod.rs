//! Netpay orders and QR bills (docs/payments.md): the store, bounded by `--order-retention`, and
//! the state machine of one order.

pub(crate) mod bills;
#[cfg(test)]
mod bills_tests;
pub(crate) mod book;
pub(crate) mod due;
#[cfg(test)]
mod due_tests;
pub(crate) mod error;
pub(crate) mod facts;
pub(crate) mod machine;
pub(crate) mod notices;
pub(crate) mod snapshot;
pub(crate) mod store;
#[cfg(test)]
mod tests;

pub use error::OrderError;
pub use machine::{Payment, RefundDraft, RefundFacts};
pub use snapshot::Snapshot;
pub use store::{Cashier, OrderStore};
