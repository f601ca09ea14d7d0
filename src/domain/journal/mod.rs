//! The request journal: every gateway request with its authentication verdict and what
//! answered it, so a test can tell a fault from a bug.

pub(crate) mod draft;
pub(crate) mod mask;
pub(crate) mod store;

pub use draft::Draft;

pub use store::{Journal, JournalFilter};
