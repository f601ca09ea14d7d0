//! The request journal: every gateway request with its authentication verdict and what
//! answered it, so a test can tell a fault from a bug.

mod draft;
mod mask;
mod routes;
mod store;

pub use draft::Draft;
pub use mask::{mask_authorization, mask_query, mask_secret};
pub use routes::configure;
pub use store::{AuthRecord, Entry, Journal, JournalFilter, ResponseRecord};
