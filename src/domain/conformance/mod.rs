//! Checking a merchant's notification handler: `POST /__mock/conformance` sends its callback
//! a battery of probe notifications and reports, per property, whether the answers were
//! right. The Pay Score battery (`payscore`) sends authorisation notifications valid,
//! duplicated, forged, unsigned, late and out of order; the payment battery (`payment`) sends
//! netpay payment-result notifications with their random extra field, duplicated, forged and
//! signed the legacy MD5 way, then a refund notification.
//!
//! The probes are built and signed exactly like real notifications but are not stored: they
//! never show up under `/__mock/notifications` and change nothing in the app's data.

pub(crate) mod check;
pub(crate) mod payment;
#[cfg(test)]
mod payment_tests;
pub(crate) mod payscore;
pub(crate) mod probe;
pub(crate) mod report;
pub(crate) mod run;
#[cfg(test)]
pub(crate) mod tests;
