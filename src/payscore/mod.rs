//! WeChat Pay Score authorisations (签约) and the notifications they emit.

mod event;
mod records;
mod routes;
mod store;
#[cfg(test)]
mod tests;

pub use event::{Subject, Transition, event_fields};
pub use routes::{AuthorizationList, configure};
pub use store::{
    AuthState, Authorization, DEFAULT_RETENTION, HISTORY_CAP, HistoryEntry, PayScoreStore,
    TransitionError,
};
