//! Property tests of the signing rules.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use proptest::prelude::*;

use super::*;

fn flip(bytes: &[u8], bit: prop::sample::Index) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let i = bit.index(out.len() * 8);
    out[i / 8] ^= 1 << (i % 8);
    out
}

proptest! {
    #[test]
    fn the_computed_body_signature_is_accepted_in_every_base64_form(
        app_id in any::<String>(),
        timestamp in "[0-9]{14}",
        nonce in any::<String>(),
        key in any::<String>(),
        body in any::<Vec<u8>>(),
    ) {
        let sent = open_body_signature(&app_id, &timestamp, &nonce, &body, &key);
        let expected = open_body_mac(&key, &open_body_canonical(&app_id, &timestamp, &nonce, &body));
        prop_assert!(mac_matches(&expected, &sent));
        for engine in [STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD] {
            prop_assert!(mac_matches(&expected, &engine.encode(&expected)));
        }
    }

    #[test]
    fn a_single_bit_changed_in_the_body_breaks_the_signature(
        body in prop::collection::vec(any::<u8>(), 1..512),
        bit in any::<prop::sample::Index>(),
    ) {
        let sent = open_body_signature("app", "20261125120000", "n", &body, "key");
        let tampered = flip(&body, bit);
        let expected = open_body_mac("key", &open_body_canonical("app", "20261125120000", "n", &tampered));
        prop_assert!(!mac_matches(&expected, &sent));
    }

    #[test]
    fn a_single_bit_changed_in_the_mac_or_its_base64_text_is_refused(
        body in any::<Vec<u8>>(),
        bit in any::<prop::sample::Index>(),
    ) {
        let expected = open_body_mac("key", &open_body_canonical("app", "20261125120000", "n", &body));
        prop_assert!(!mac_matches(&expected, &STANDARD.encode(flip(&expected, bit))));
        let text = STANDARD.encode(&expected);
        if let Ok(tampered) = String::from_utf8(flip(text.as_bytes(), bit)) {
            prop_assert!(!mac_matches(&expected, &tampered), "{} accepted for {}", tampered, text);
        }
    }

    #[test]
    fn a_token_signature_matches_in_any_letter_case_and_after_no_other_single_bit_change(
        nonce in any::<String>(),
        bit in any::<prop::sample::Index>(),
        sha1 in any::<bool>(),
    ) {
        let method = if sha1 { TokenSignMethod::Sha1 } else { TokenSignMethod::Sha256 };
        let sig = token_signature(method, "app", "20261125120000", &nonce, "key");
        prop_assert!(hex_matches(&sig, &sig.to_ascii_uppercase()));
        if let Ok(tampered) = String::from_utf8(flip(sig.as_bytes(), bit)) {
            let case_only = tampered.eq_ignore_ascii_case(&sig);
            prop_assert_eq!(hex_matches(&sig, &tampered), case_only, "{}", tampered);
        }
    }
}
