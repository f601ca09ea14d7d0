//! The ChinaUMS rules themselves, pure and free of I/O: signing, time formats, the
//! `Authorization` header, notification encoding, generated identifiers and signature
//! diagnosis. Nothing here depends on the rest of the crate.

pub mod diagnose;
pub mod encode;
pub mod events;
pub mod generate;
pub mod header;
pub mod signing;
pub mod timefmt;
pub(crate) mod variants;
