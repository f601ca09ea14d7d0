use super::*;

fn body_diag(body: &[u8], received: &str) -> Diagnosis {
    diagnose_body_sig(APP_ID, TS, NONCE, body, APP_KEY, received, now(), 600)
}

fn body_sig(body: &[u8]) -> String {
    open_body_signature(APP_ID, TS, NONCE, body, APP_KEY)
}

#[test]
fn body_sig_diagnosis_reproduces_the_vector() {
    let v = vectors();
    let c = &v["openBodySig"];
    let d = body_diag(s(c, "body").as_bytes(), s(c, "signature"));
    assert_eq!(d.rule, "openBodySig");
    assert_eq!(d.expected_signature, s(c, "signature"));
    assert_eq!(
        d.expected_canonical,
        format!("{APP_ID}{TS}{NONCE}{}", s(c, "bodySha256Hex"))
    );
    assert!(d.signature_matches() && d.hints.is_empty(), "{:?}", d.hints);
}

#[test]
fn a_signature_over_a_re_serialised_body_is_recognised_with_both_digests() {
    let sent = br#"{"b": 1, "a": [1, 2]}"#;
    let compact = br#"{"b":1,"a":[1,2]}"#;
    let d = body_diag(sent, &body_sig(compact));
    assert!(
        has(&d, "a compact re-serialisation of the body"),
        "{:?}",
        d.hints
    );
    assert!(has(&d, &body_digest_hex(compact)) && has(&d, &body_digest_hex(sent)));
    let sorted = br#"{"a":[1,2],"b":1}"#;
    assert!(has(&body_diag(sent, &body_sig(sorted)), "sorted keys"));
    assert!(has(&body_diag(b"{}\n", &body_sig(b"{}")), "trimmed copy"));
    assert!(!has(&body_diag(sent, &body_sig(sent)), "re-serialisation"));
}

#[test]
fn a_received_canonical_with_another_digest_shows_both_digests() {
    let body = b"{\"a\":1}";
    let theirs = body_digest_hex(b"{\"a\": 1, \"b\": 2}");
    let canonical = format!("{APP_ID}{TS}{NONCE}{theirs}");
    let case = BodyCase {
        app_id: APP_ID,
        timestamp: TS,
        nonce: NONCE,
        content: body,
        app_key: APP_KEY,
        part: "body",
    };
    let evidence = Evidence {
        received_canonical: Some(&canonical),
        ..Evidence::default()
    };
    let d = super::body(&case, "AAAA", now(), 600, evidence);
    let hint = format!(
        "the body digest differs: the client signed {theirs}, the body received hashes to {}",
        body_digest_hex(body)
    );
    assert!(has(&d, &hint), "{:?}", d.hints);
    assert_eq!(
        d.first_difference.map(|f| f.index),
        Some(APP_ID.len() + TS.len() + NONCE.len())
    );
}

#[test]
fn an_upper_case_body_digest_is_recognised() {
    let canonical = format!(
        "{APP_ID}{TS}{NONCE}{}",
        body_digest_hex(b"{}").to_ascii_uppercase()
    );
    let sig = STANDARD.encode(open_body_mac(APP_KEY, &canonical));
    assert!(has(
        &body_diag(b"{}", &sig),
        "upper-case hex: use lowercase"
    ));
}

#[test]
fn hex_where_base64_belongs_and_base64_of_hex_text_are_recognised() {
    let canonical = open_body_canonical(APP_ID, TS, NONCE, b"{}");
    let mac = open_body_mac(APP_KEY, &canonical);
    assert!(has(
        &body_diag(b"{}", &hex::encode(&mac)),
        "hex where base64 is expected"
    ));
    let b64_hex = STANDARD.encode(hex::encode(&mac));
    assert!(has(
        &body_diag(b"{}", &b64_hex),
        "base64 of the HMAC's hex text"
    ));
    assert!(!has(&body_diag(b"{}", &body_sig(b"{}")), "hex"));
}

#[test]
fn unpadded_or_url_safe_base64_of_the_right_mac_is_called_fine() {
    let canonical = open_body_canonical(APP_ID, TS, NONCE, b"{}");
    let mac = open_body_mac(APP_KEY, &canonical);
    let unpadded = STANDARD.encode(&mac).trim_end_matches('=').to_owned();
    let d = body_diag(b"{}", &unpadded);
    assert!(d.signature_matches() && has(&d, "unpadded base64 of the right value: fine"));
    let url = URL_SAFE_NO_PAD.encode(&mac);
    if url.trim_end_matches('=') != unpadded {
        assert!(has(&body_diag(b"{}", &url), "URL-safe base64"));
    }
}

#[test]
fn an_hmac_keyed_with_the_md5_key_is_recognised() {
    let case = BodyCase {
        app_id: APP_ID,
        timestamp: TS,
        nonce: NONCE,
        content: b"{}",
        app_key: APP_KEY,
        part: "content",
    };
    let wrong = open_body_signature(APP_ID, TS, NONCE, b"{}", MD5_KEY);
    let evidence = Evidence {
        other_key: Some(MD5_KEY),
        ..Evidence::default()
    };
    let d = super::body(&case, &wrong, now(), 600, evidence);
    assert_eq!(d.rule, "openFormParam");
    assert!(has(&d, "keyed with the md5Key"), "{:?}", d.hints);
}
