//! WeChat Pay Score authorisations (签约) and the notifications they emit.

pub(crate) mod records;
pub(crate) mod store;
#[cfg(test)]
pub(crate) mod tests;

pub use store::PayScoreStore;
