//! WeChat Pay Score authorisations (签约) and the notifications they emit.

mod event;
mod routes;
mod store;

pub use event::{Subject, Transition, event_fields};
pub use routes::configure;
pub use store::{AuthState, Authorization, HistoryEntry, PayScoreStore, TransitionError};
