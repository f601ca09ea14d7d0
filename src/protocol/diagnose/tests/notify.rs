use super::*;

fn vector_fields(case: &Value) -> Vec<(String, String)> {
    [
        "id",
        "createTime",
        "eventType",
        "summary",
        "resource",
        "signType",
    ]
    .iter()
    .map(|k| ((*k).to_owned(), s(&case["fields"], k).to_owned()))
    .collect()
}

fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn sha256_of(s: &str) -> String {
    notify_hash(NotifySignType::Sha256, s)
}

fn notify_diag(f: &[(String, String)], received: &str) -> Diagnosis {
    diagnose_notify(f, MD5_KEY, NotifySignType::Sha256, received, None)
}

#[test]
fn notify_diagnoses_reproduce_both_vectors() {
    let v = vectors();
    for case in v["notifySign"].as_array().cloned().unwrap_or_default() {
        let sign_type = if s(&case, "signType") == "MD5" {
            NotifySignType::Md5
        } else {
            NotifySignType::Sha256
        };
        let d = diagnose_notify(
            &vector_fields(&case),
            MD5_KEY,
            sign_type,
            s(&case, "sign"),
            None,
        );
        assert_eq!(d.expected_canonical, s(&case, "signedString"));
        assert_eq!(d.expected_signature, s(&case, "sign"));
        assert!(d.signature_matches() && d.hints.is_empty(), "{:?}", d.hints);
    }
}

#[test]
fn a_lower_case_sign_is_called_fine() {
    let f = fields(&[("a", "1"), ("signType", "SHA256")]);
    let sign = notify_sign(&f, NotifySignType::Sha256, MD5_KEY).to_ascii_lowercase();
    let d = notify_diag(&f, &sign);
    assert!(d.signature_matches() && has(&d, "lower-case hex of the right value: fine"));
}

#[test]
fn an_md5_sign_declared_as_sha256_is_recognised() {
    let f = fields(&[("a", "1"), ("signType", "SHA256")]);
    let d = notify_diag(&f, &notify_sign(&f, NotifySignType::Md5, MD5_KEY));
    assert!(has(
        &d,
        "the sign is MD5 of the right string, but signType is SHA256"
    ));
}

#[test]
fn a_sha256_sign_on_a_notification_without_sign_type_is_told_it_means_md5() {
    let f = fields(&[("a", "1")]);
    let d = diagnose_notify(
        &f,
        MD5_KEY,
        NotifySignType::Md5,
        &sha256_of(&format!("a=1{MD5_KEY}")),
        None,
    );
    assert!(!d.signature_matches());
    assert!(
        has(&d, "there is no signType, which means MD5"),
        "{:?}",
        d.hints
    );
}

#[test]
fn sign_type_left_out_and_sign_included_are_recognised() {
    let f = fields(&[("a", "1"), ("signType", "SHA256"), ("sign", "ABC")]);
    let d = notify_diag(&f, &sha256_of(&format!("a=1{MD5_KEY}")));
    assert!(has(&d, "signType was left out"), "{:?}", d.hints);
    let d = notify_diag(
        &f,
        &sha256_of(&format!("a=1&sign=ABC&signType=SHA256{MD5_KEY}")),
    );
    assert!(has(&d, "the sign field itself was signed"), "{:?}", d.hints);
}

#[test]
fn signed_empty_fields_are_recognised_only_when_there_are_some() {
    let f = fields(&[("b", "2"), ("a", ""), ("signType", "SHA256")]);
    let d = notify_diag(&f, &sha256_of(&format!("a=&b=2&signType=SHA256{MD5_KEY}")));
    assert!(
        has(&d, "fields with empty values were signed"),
        "{:?}",
        d.hints
    );
    let f = fields(&[("b", "2"), ("signType", "SHA256")]);
    assert!(!has(&notify_diag(&f, "00"), "empty values"));
}

#[test]
fn url_encoded_values_and_unsorted_fields_are_recognised() {
    let f = fields(&[("time", "12:00+08:00"), ("id", "EV-1")]);
    let d = notify_diag(
        &f,
        &sha256_of(&format!("id=EV-1&time=12%3A00%2B08%3A00{MD5_KEY}")),
    );
    assert!(has(&d, "URL-encoded before signing"), "{:?}", d.hints);
    let d = notify_diag(
        &f,
        &sha256_of(&format!("time=12:00+08:00&id=EV-1{MD5_KEY}")),
    );
    assert!(has(&d, "signed in the order received"), "{:?}", d.hints);
}

#[test]
fn an_appended_key_label_and_the_app_key_are_recognised_in_notifications() {
    let f = fields(&[("a", "1")]);
    let d = notify_diag(&f, &sha256_of(&format!("a=1&key={MD5_KEY}")));
    assert!(has(&d, "\"&key=…\""), "{:?}", d.hints);
    let with_app_key = sha256_of(&format!("a=1{APP_KEY}"));
    let d = diagnose_notify(
        &f,
        MD5_KEY,
        NotifySignType::Sha256,
        &with_app_key,
        Some(APP_KEY),
    );
    assert!(has(&d, "appKey where the md5Key"), "{:?}", d.hints);
    let d = notify_diag(&f, &with_app_key);
    assert_eq!(d.hints.len(), 1);
    assert!(has(&d, "no common mistake reproduces this sign"));
}

#[test]
fn a_received_signed_string_with_the_app_key_is_named() {
    let f = fields(&[("a", "1")]);
    let theirs = format!("a=1{APP_KEY}");
    let case = NotifyCase {
        fields: &f,
        md5_key: MD5_KEY,
        sign_type: NotifySignType::Sha256,
    };
    let d = super::notify(&case, "00", Some(APP_KEY), Some(&theirs));
    assert!(has(&d, "appKey where the md5Key"), "{:?}", d.hints);
    assert_eq!(d.first_difference.map(|f| f.index), Some(3));
}
