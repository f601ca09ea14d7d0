use super::*;

#[test]
fn token_diagnoses_reproduce_both_vectors_and_find_nothing_wrong() {
    let v = vectors();
    for case in v["token"].as_array().cloned().unwrap_or_default() {
        let method = if s(&case, "signMethod") == "SHA1" {
            TokenSignMethod::Sha1
        } else {
            SHA256
        };
        let d = diagnose_token(
            s(&case, "appId"),
            s(&case, "timestamp"),
            s(&case, "nonce"),
            APP_KEY,
            method,
            s(&case, "signature"),
            now(),
            600,
        );
        assert_eq!(d.expected_signature, s(&case, "signature"));
        assert_eq!(
            d.expected_canonical,
            format!("{APP_ID}{TS}{NONCE}{APP_KEY}")
        );
        assert!(d.signature_matches());
        assert!(d.hints.is_empty(), "{:?}", d.hints);
        assert!(d.first_difference.is_none() && d.received_canonical.is_none());
    }
}

#[test]
fn a_utc_timestamp_is_reported_as_eight_hours_behind_and_outside_the_window() {
    let ts = "20261125040000";
    let sig = token_signature(SHA256, APP_ID, ts, NONCE, APP_KEY);
    let d = token_at(ts, &sig);
    assert!(d.signature_matches());
    assert!(has(&d, "UTC instead of Beijing time"), "{:?}", d.hints);
    assert!(has(
        &d,
        "28800 s behind sandbox time 20261125120000, outside the ±600 s window"
    ));
    assert!(token_at(TS, &good_token()).hints.is_empty());
}

#[test]
fn a_timestamp_in_the_window_gets_no_time_hint() {
    let ts = "20261125120500";
    let d = token_at(ts, &token_signature(SHA256, APP_ID, ts, NONCE, APP_KEY));
    assert!(d.hints.is_empty(), "{:?}", d.hints);
}

#[test]
fn a_timestamp_eight_hours_ahead_is_reported_as_shifted_twice() {
    let d = token_at("20261125200000", "00");
    assert!(has(&d, "8 hours ahead"), "{:?}", d.hints);
    assert!(!has(&d, "UTC instead"));
}

#[test]
fn a_timestamp_far_off_but_not_eight_hours_only_reports_the_window() {
    let d = token_at("20261125123000", "00");
    assert!(has(&d, "1800 s ahead of sandbox time"), "{:?}", d.hints);
    assert!(!has(&d, "8 hours"));
}

#[test]
fn with_the_window_off_the_utc_slip_is_still_named_but_no_window_is() {
    let d = diagnose_token(
        APP_ID,
        "20261125040000",
        NONCE,
        APP_KEY,
        SHA256,
        "00",
        now(),
        0,
    );
    assert!(has(&d, "UTC instead of Beijing time"));
    assert!(!has(&d, "window"));
}

#[test]
fn an_unreadable_timestamp_is_reported() {
    let d = token_at("2026-11-25 12:00:00", "00");
    assert!(has(&d, "14 digits"), "{:?}", d.hints);
}

#[test]
fn a_sha1_signature_declared_as_sha256_is_recognised_and_vice_versa() {
    let sha1 = token_signature(TokenSignMethod::Sha1, APP_ID, TS, NONCE, APP_KEY);
    let d = token_at(TS, &sha1);
    assert!(!d.signature_matches());
    assert!(has(
        &d,
        "SHA1 of the right string, but signMethod is SHA256"
    ));
    let d = diagnose_token(
        APP_ID,
        TS,
        NONCE,
        APP_KEY,
        TokenSignMethod::Sha1,
        &good_token(),
        now(),
        600,
    );
    assert!(has(&d, "SHA256 of the right string, but SHA1 was declared"));
    assert!(!has(&token_at(TS, &good_token()), "SHA1"));
}

#[test]
fn upper_case_hex_of_the_right_value_is_called_fine() {
    let d = token_at(TS, &good_token().to_ascii_uppercase());
    assert!(d.signature_matches());
    assert_eq!(d.hints.len(), 1);
    assert!(has(&d, "upper-case hex of the right value: fine"));
}

#[test]
fn base64_of_the_right_token_digest_is_recognised() {
    let bytes = hex::decode(good_token()).expect("hex");
    let d = token_at(TS, &STANDARD.encode(bytes));
    assert!(
        has(&d, "base64 of the right SHA256 digest"),
        "{:?}",
        d.hints
    );
    assert!(!has(&token_at(TS, "00"), "base64"));
}

#[test]
fn a_token_signed_with_the_md5_key_is_recognised_when_the_md5_key_is_known() {
    let wrong = token_signature(SHA256, APP_ID, TS, NONCE, MD5_KEY);
    let evidence = Evidence {
        other_key: Some(MD5_KEY),
        ..Evidence::default()
    };
    let d = token_with(&wrong, evidence);
    assert!(has(&d, "md5Key where the appKey belongs"), "{:?}", d.hints);
    // Without the md5Key nothing is claimed but the general advice.
    let d = token_at(TS, &wrong);
    assert_eq!(d.hints.len(), 1);
    assert!(has(&d, "no common mistake reproduces this signature"));
}

#[test]
fn an_appended_key_label_is_recognised() {
    let wrong = token_signature(SHA256, APP_ID, TS, NONCE, &format!("&key={APP_KEY}"));
    assert!(has(&token_at(TS, &wrong), "\"&key=…\""));
}

#[test]
fn a_received_canonical_with_the_md5_key_shows_where_it_departs() {
    let canonical = format!("{APP_ID}{TS}{NONCE}{MD5_KEY}");
    let wrong = token_signature(SHA256, APP_ID, TS, NONCE, MD5_KEY);
    let d = token_with(
        &wrong,
        Evidence {
            received_canonical: Some(&canonical),
            other_key: Some(MD5_KEY),
        },
    );
    let diff = d.first_difference.clone().expect("differs");
    assert_eq!(diff.index, APP_ID.len() + TS.len() + NONCE.len());
    assert_eq!(diff.expected, &APP_KEY[..20]);
    assert_eq!(diff.received, &MD5_KEY[..20]);
    assert!(has(&d, "md5Key where the appKey belongs"));
    assert!(has(&d, "matches the canonical string the client sent"));
    assert_eq!(d.hints.len(), 2, "{:?}", d.hints);
}

#[test]
fn an_unknown_key_in_the_received_canonical_is_named_as_the_key_part() {
    let canonical = format!("{APP_ID}{TS}{NONCE}somethingelse");
    let d = token_with(
        "00",
        Evidence {
            received_canonical: Some(&canonical),
            ..Evidence::default()
        },
    );
    assert!(has(&d, "differs only in the key part"), "{:?}", d.hints);
    assert!(!has(&d, "matches the canonical string"));
    assert!(!has(&d, "no common mistake"));
}

#[test]
fn a_right_canonical_with_a_wrong_signature_points_at_key_or_hash() {
    let canonical = format!("{APP_ID}{TS}{NONCE}{APP_KEY}");
    let d = token_with(
        "00",
        Evidence {
            received_canonical: Some(&canonical),
            ..Evidence::default()
        },
    );
    assert!(d.first_difference.is_none());
    assert!(has(&d, "the key or the hash is wrong"));
    let d = token_with(
        &good_token(),
        Evidence {
            received_canonical: Some(&canonical),
            ..Evidence::default()
        },
    );
    assert!(d.hints.is_empty(), "{:?}", d.hints);
}

#[test]
fn a_received_canonical_with_another_timestamp_names_that_part() {
    let canonical = format!("{APP_ID}20261125120001{NONCE}{APP_KEY}");
    let d = token_with(
        "00",
        Evidence {
            received_canonical: Some(&canonical),
            ..Evidence::default()
        },
    );
    assert!(
        has(&d, "differs in the timestamp, from character 45"),
        "{:?}",
        d.hints
    );
    let longer = format!("{APP_ID}{TS}{NONCE}{APP_KEY}\n");
    let d = token_with(
        "00",
        Evidence {
            received_canonical: Some(&longer),
            ..Evidence::default()
        },
    );
    assert!(has(&d, "goes on after the appKey"), "{:?}", d.hints);
}
