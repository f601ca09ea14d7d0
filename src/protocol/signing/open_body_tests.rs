use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use proptest::prelude::*;

use super::*;

/// The check as composed from the string-building functions.
fn composed(app_id: &str, ts: &str, nonce: &str, body: &[u8], key: &str, sig: &str) -> bool {
    mac_matches(
        &open_body_mac(key, &open_body_canonical(app_id, ts, nonce, body)),
        sig,
    )
}

/// Received signatures: the right one in every accepted spelling, and near misses.
fn received(right: Vec<u8>) -> impl Strategy<Value = String> {
    let spellings = vec![
        STANDARD.encode(&right),
        STANDARD_NO_PAD.encode(&right),
        URL_SAFE.encode(&right),
        URL_SAFE_NO_PAD.encode(&right),
        format!("  {}\t", STANDARD.encode(&right)),
        STANDARD.encode(&right[..31]),
        STANDARD.encode([&right[..], &right[..], &right[..]].concat()),
        STANDARD.encode([&right[..], b"x"].concat()),
        STANDARD.encode(b""),
        String::new(),
        "not base64!".into(),
    ];
    prop_oneof![prop::sample::select(spellings), any::<String>()]
}

proptest! {
    #[test]
    fn the_streamed_check_agrees_with_the_composed_one(
        (app_id, ts, nonce, body, key, sig) in (
            "[a-f0-9]{0,32}", "[0-9]{14}", ".{0,40}", prop::collection::vec(any::<u8>(), 0..300), ".{0,40}",
        ).prop_flat_map(|(app_id, ts, nonce, body, key)| {
            let right = open_body_mac(&key, &open_body_canonical(&app_id, &ts, &nonce, &body));
            (Just(app_id), Just(ts), Just(nonce), Just(body), Just(key), received(right))
        }),
    ) {
        prop_assert_eq!(
            open_body_signature_matches(&app_id, &ts, &nonce, &body, &key, &sig),
            composed(&app_id, &ts, &nonce, &body, &key, &sig),
            "{:?}", sig
        );
    }
}
