//! The ChinaUMS rules themselves, pure and free of I/O: signing, time formats, the
//! `Authorization` header, notification encoding, the netpay products, generated identifiers and
//! signature diagnosis. Nothing here depends on the rest of the crate.

pub mod diagnose;
pub mod encode;
pub mod events;
pub mod generate;
pub mod header;
pub mod netpay;
pub mod signing;
pub mod skew;
pub mod timefmt;
pub(crate) mod variants;

/// The reference vectors (`tests/data/vectors.json`) the protocol's unit tests reproduce.
#[cfg(test)]
pub(crate) fn vectors() -> serde_json::Value {
    serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/vectors.json"
    )))
    .expect("the reference vectors parse")
}

/// The real notifications (`tests/data/real-notifications.json`), each signed with a published
/// demo md5Key, that the protocol's unit tests reproduce.
#[cfg(test)]
pub(crate) fn real_notifications() -> Vec<serde_json::Value> {
    let file: serde_json::Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/real-notifications.json"
    )))
    .expect("the real notifications parse");
    file["notifications"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}
