//! The wire types: one declaration per concept, shared by the server, the typed client and the
//! state file.

pub mod app;
pub mod clock;
pub mod fault;
pub mod health;
pub mod journal;
pub mod notification;
pub mod payscore;
pub mod scenario;
pub mod stored;
pub mod stub;
pub mod time;
