use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::*;

/// [`parse_request`] for a body not read yet.
fn parse_request_once(body: &[u8]) -> Result<TokenRequest<'_>, TokenError> {
    parse_request(body, &RawTokenRequest::from_slice(body))
}

#[test]
fn a_json_value_that_is_not_an_object_is_refused_as_such() {
    for body in [&b"[1,2]"[..], b"\"appId\"", b"42", b"null", b" true "] {
        let refused = parse_request_once(body).err();
        assert_eq!(
            refused,
            Some(TokenError::MalformedJson("必须是JSON对象".into())),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn broken_json_is_refused_with_the_parser_s_reason() {
    for body in [&b"[1,2"[..], b"{\"appId\":", b"{} {}", b"", b"{\"a\":1,}"] {
        let refused = parse_request_once(body).err();
        assert!(
            matches!(&refused, Some(TokenError::MalformedJson(m)) if m.starts_with("不是合法的JSON")),
            "{}: {refused:?}",
            String::from_utf8_lossy(body)
        );
    }
    assert_eq!(
        parse_request_once(b"{\"appId\":\"\xff\"}").err(),
        Some(TokenError::MalformedJson("不是合法的UTF-8".into()))
    );
}

#[test]
fn escaped_keys_and_values_are_read_and_a_repeated_key_keeps_its_last_value() {
    let body = br#"{"app\u0049d":"first","appId":"a\u0062c","timestamp":"20261125120000",
        "nonce":"n","signature":"s","extra":{"deep":[1,{"x":null}]},"signMethod":"sha256"}"#;
    let parsed = parse_request_once(body).expect("a valid request");
    assert_eq!(parsed.app_id, "abc");
    assert_eq!(parsed.method, TokenSignMethod::Sha256);
}

#[test]
fn fields_of_the_wrong_type_are_named() {
    let body = br#"{"appId":1,"timestamp":"t","nonce":"n","signature":"s"}"#;
    assert!(matches!(
        parse_request_once(body),
        Err(TokenError::InvalidField { field: "appId", .. })
    ));
    let body = br#"{"appId":"a","timestamp":"t","nonce":"n","signature":"s","signMethod":[]}"#;
    assert!(matches!(
        parse_request_once(body),
        Err(TokenError::InvalidField {
            field: "signMethod",
            ..
        })
    ));
    let body = br#"{"appId":"a","timestamp":null,"nonce":"n","signature":"s"}"#;
    assert!(matches!(
        parse_request_once(body),
        Err(TokenError::MissingField("timestamp"))
    ));
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn filled() -> impl Strategy<Value = String> {
    any::<String>().prop_filter("not blank", |s| !s.trim().is_empty())
}

/// What a client may send as `signMethod`, and what it means.
fn sign_method() -> impl Strategy<Value = (Option<Value>, TokenSignMethod)> {
    use TokenSignMethod::{Sha1, Sha256};
    prop::sample::select(vec![
        (None, Sha1),
        (Some(Value::Null), Sha1),
        (Some(json!("")), Sha1),
        (Some(json!("  ")), Sha1),
        (Some(json!("SHA256")), Sha256),
        (Some(json!("sha256")), Sha256),
        (Some(json!(" Sha256 ")), Sha256),
        (Some(json!("SHA1")), Sha1),
        (Some(json!("sha1")), Sha1),
    ])
}

/// What a parse of the whole body into a JSON value says of it: the reference the one-pass
/// reader must agree with.
fn reference(body: &[u8]) -> Result<(Option<String>, bool), ()> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok((
            map.get("appId").and_then(Value::as_str).map(str::to_owned),
            true,
        )),
        Ok(_) => Ok((None, false)),
        Err(_) => Err(()),
    }
}

proptest! {
    #[test]
    fn no_bytes_make_the_token_request_parser_panic(body in any::<Vec<u8>>()) {
        let _ = parse_request_once(&body);
    }

    #[test]
    fn the_one_pass_reader_agrees_with_a_full_json_parse(value in any_json(), app_id in any::<String>(), with_app in any::<bool>()) {
        let value = match (value, with_app) {
            (Value::Object(mut map), true) => {
                map.insert("appId".into(), json!(app_id));
                Value::Object(map)
            }
            (v, _) => v,
        };
        let body = serde_json::to_vec(&value).unwrap_or_default();
        let ours = match RawTokenRequest::from_slice(&body) {
            Ok(raw) => Ok((raw.app_id.as_str().map(str::to_owned), true)),
            Err(NotAnObject::NotObject) => Ok((None, false)),
            Err(NotAnObject::Syntax(_)) => Err(()),
        };
        prop_assert_eq!(ours, reference(&body));
    }

    #[test]
    fn every_well_formed_body_is_accepted_with_its_fields(
        app_id in filled(),
        timestamp in filled(),
        nonce in filled().prop_filter("at most 128 characters", |n| n.chars().count() <= MAX_NONCE_CHARS),
        signature in filled(),
        (sign_method, method) in sign_method(),
        extra in prop::collection::btree_map("[a-z]{1,8}", any_json(), 0..4),
        pretty in any::<bool>(),
    ) {
        let mut map: Map<String, Value> = extra.into_iter().collect();
        map.insert("appId".into(), json!(app_id));
        map.insert("timestamp".into(), json!(timestamp));
        map.insert("nonce".into(), json!(nonce));
        map.insert("signature".into(), json!(signature));
        match sign_method {
            Some(m) => map.insert("signMethod".into(), m),
            None => map.remove("signMethod"),
        };
        let value = Value::Object(map);
        let body = if pretty {
            serde_json::to_vec_pretty(&value)
        } else {
            serde_json::to_vec(&value)
        };
        let body = body.unwrap_or_default();
        let parsed = match parse_request_once(&body) {
            Ok(parsed) => parsed,
            Err(e) => {
                let body = String::from_utf8_lossy(&body);
                return Err(TestCaseError::fail(format!("{e}: {body}")));
            }
        };
        prop_assert_eq!(
            (parsed.app_id.into_owned(), parsed.timestamp.into_owned(), parsed.nonce.into_owned(), parsed.signature.into_owned(), parsed.method),
            (app_id, timestamp, nonce, signature, method)
        );
    }

    #[test]
    fn a_damaged_well_formed_body_is_refused_or_read_but_never_panics(
        cut in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        insert in any::<bool>(),
    ) {
        let mut body = serde_json::to_vec(&json!({
            "appId": "10037e6f66f2d0f901672aa27d690006",
            "timestamp": "20261125120000",
            "nonce": "3f9a1c0e5b7d4e2f8a6b9c0d1e2f3a4b",
            "signMethod": "SHA256",
            "signature": "28e23d3448c49a2f0337601f2fa68e17549c7a27ee4fbecbb4c4d765c028dda7",
        })).unwrap_or_default();
        let at = cut.index(body.len());
        if insert {
            body.insert(at, byte);
        } else {
            body[at] = byte;
        }
        let ours = RawTokenRequest::from_slice(&body).is_ok();
        let theirs = matches!(serde_json::from_slice::<Value>(&body), Ok(Value::Object(_)));
        prop_assert_eq!(ours, theirs);
        let _ = parse_request_once(&body);
    }

    #[test]
    fn a_nonce_longer_than_128_characters_is_refused(extra in 1usize..64, c in any::<char>()) {
        prop_assume!(!c.is_whitespace());
        let nonce: String = std::iter::repeat_n(c, MAX_NONCE_CHARS + extra).collect();
        let body = json!({"appId": "a", "timestamp": "t", "nonce": nonce, "signature": "s"}).to_string();
        let refused = matches!(
            parse_request_once(body.as_bytes()),
            Err(TokenError::InvalidField { field: "nonce", .. })
        );
        prop_assert!(refused);
    }
}
