//! Checking a merchant's notification handler: `POST /__mock/conformance` sends its callback
//! a battery of Pay Score notifications — valid, duplicated, forged, unsigned, late and out
//! of order — and reports, per property, whether the answers were right.
//!
//! The probes are built and signed exactly like real notifications but are not stored: they
//! never show up under `/__mock/notifications` and change nothing in the app's data.

pub(crate) mod battery;
pub(crate) mod report;
#[cfg(test)]
pub(crate) mod tests;
