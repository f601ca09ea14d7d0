use proptest::prelude::*;
use serde_json::json;

use super::*;

fn json_of(text: &str) -> Option<Json<'_>> {
    serde_json::from_str(text).ok()
}

/// JSON texts made to probe the corners: repeated names, escapes (a lone surrogate too),
/// numbers too big for an `f64`, and nesting.
fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec![
        "null",
        "true",
        "false",
        "0",
        "-0",
        "1",
        "-1",
        "1.5",
        "1E2",
        "0.1",
        "1e400",
        "18446744073709551616",
        "-9223372036854775809",
        "\"a\"",
        "\"b\"",
        "\"\\u0061\"",
        "\"\\ud800\"",
        "\"\\ud83d\\ude00\"",
        "\"x\\ny\\\"\"",
        "\"茶\"",
        "\"\"",
    ])
    .prop_map(str::to_owned);
    leaf.prop_recursive(4, 40, 5, |inner| {
        let key = prop::sample::select(vec!["\"a\"", "\"b\"", "\"\\u0061\"", "\"\"", "\"mid\""]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec((key, inner), 0..5).prop_map(|members| {
                let members: Vec<String> =
                    members.iter().map(|(k, v)| format!("{k} : {v}")).collect();
                format!("{{ {} }}", members.join(","))
            }),
        ]
    })
}

/// A JSON text, sometimes with one byte dropped or one inserted.
fn maybe_broken_text() -> impl Strategy<Value = String> {
    (
        json_text(),
        any::<prop::sample::Index>(),
        prop::sample::select(vec![None, Some(""), Some("{"), Some("\\"), Some("\u{1}")]),
    )
        .prop_map(|(text, at, edit)| match edit {
            None => text,
            Some(insert) => {
                let mut cut = at.index(text.len() + 1);
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                let rest = &text[cut..];
                let rest = if insert.is_empty() {
                    rest.char_indices().nth(1).map_or("", |(i, _)| &rest[i..])
                } else {
                    rest
                };
                format!("{}{insert}{rest}", &text[..cut])
            }
        })
}

proptest! {
    #[test]
    fn the_borrowed_reading_accepts_and_means_exactly_what_a_value_does(text in maybe_broken_text()) {
        let value = serde_json::from_str::<Value>(&text).ok();
        let json = json_of(&text);
        prop_assert_eq!(json.as_ref().map(Json::to_value), value.clone(), "{}", text);
        if let (Some(json), Some(value)) = (json, value) {
            prop_assert_eq!(serde_json::to_string(&json).ok(), serde_json::to_string(&value).ok());
            prop_assert!(json.equals(&value));
        }
    }

    #[test]
    fn comparisons_and_containment_agree_with_values(a in json_text(), b in json_text()) {
        let (Some(json), Some(value), Some(wanted)) = (
            json_of(&a),
            serde_json::from_str::<Value>(&a).ok(),
            serde_json::from_str::<Value>(&b).ok(),
        ) else {
            return Ok(());
        };
        prop_assert_eq!(json.equals(&wanted), value == wanted, "{} vs {}", a, b);
        prop_assert_eq!(json.contains(&wanted), reference_contains(&value, &wanted), "{} in {}", b, a);
        // The same answers through the index by name that large objects use.
        prop_assert_eq!(json.equals_within(&wanted, 0), value == wanted, "{} vs {}", a, b);
        prop_assert_eq!(json.contains_within(&wanted, 0), reference_contains(&value, &wanted), "{} in {}", b, a);
        for key in ["a", "b", "", "mid", "nope"] {
            prop_assert_eq!(json.get(key).map(Json::to_value), value.get(key).cloned());
        }
    }
}

/// The containment rule as it was written over `Value`s.
fn reference_contains(actual: &Value, wanted: &Value) -> bool {
    match (actual, wanted) {
        (Value::Object(a), Value::Object(w)) => w
            .iter()
            .all(|(k, wv)| a.get(k).is_some_and(|av| reference_contains(av, wv))),
        _ => actual == wanted,
    }
}

#[test]
fn a_repeated_name_keeps_its_first_place_and_its_last_value() {
    let text = r#"{"a":1,"b":2,"a":3}"#;
    let json = json_of(text).expect("json");
    assert_eq!(json.get("a"), Some(&Json::Number(3.into())));
    assert_eq!(
        serde_json::to_string(&json).ok().as_deref(),
        Some(r#"{"a":3,"b":2}"#)
    );
    assert!(json.equals(&json!({"b": 2, "a": 3})));
    assert!(!json.equals(&json!({"a": 1, "b": 2})));
}

#[test]
fn strings_without_escapes_are_borrowed_from_the_body() {
    let body = RequestBody::new(br#"{"mid":"898201612345678","x":"a\nb"}"#);
    let json = body.json().expect("json");
    assert!(matches!(
        json.get("mid"),
        Some(Json::String(Cow::Borrowed(_)))
    ));
    assert_eq!(json.get("x").and_then(Json::as_str), Some("a\nb"));
}

#[test]
fn a_body_that_is_not_json_has_text_but_no_json() {
    let body = RequestBody::new(b"a=1&b=\xff");
    assert!(body.json().is_none());
    assert_eq!(body.text(), "a=1&b=\u{fffd}");
    assert!(RequestBody::new(b"1e400").json().is_none());
    assert!(RequestBody::new(b"").json().is_none());
}

#[test]
fn a_json_body_answers_its_fields_and_a_form_body_has_no_json() {
    let body = RequestBody::new(br#"{"mid":"898201612345678","n":1}"#);
    let mid = body
        .json()
        .and_then(|j| j.get("mid"))
        .and_then(|m| m.as_str());
    assert_eq!(mid, Some("898201612345678"));
    assert!(RequestBody::new(b"a=1").json().is_none());
}

#[test]
fn a_body_wrapped_in_data_is_read_as_the_object_inside() {
    let body = RequestBody::new(br#"{"data":{"mid":"898201612345678","totalAmount":1}}"#);
    let json = body.json().expect("json");
    assert_eq!(
        json.get("mid").and_then(Json::as_str),
        Some("898201612345678")
    );
    assert!(json.equals(&json!({"mid": "898201612345678", "totalAmount": 1})));
    // The bytes and the text stay as received.
    assert!(body.text().starts_with(r#"{"data":"#));
    // A repeated wrapper counts its last value, as any repeated name does.
    let body = RequestBody::new(br#"{"data":{"mid":"1"},"data":{"mid":"2"}}"#);
    assert_eq!(
        body.json()
            .and_then(|j| j.get("mid"))
            .and_then(Json::as_str),
        Some("2")
    );
}

#[test]
fn data_beside_other_members_or_holding_no_object_is_an_ordinary_member() {
    for text in [
        r#"{"data":{"mid":"1"},"mid":"2"}"#,
        r#"{"data":"{\"mid\":\"1\"}"}"#,
        r#"{"data":[{"mid":"1"}]}"#,
        r#"{"data":{"mid":"1"},"data":null}"#,
        r#"{}"#,
    ] {
        let body = RequestBody::new(text.as_bytes());
        let value: Value = serde_json::from_str(text).expect("json");
        assert!(body.json().is_some_and(|j| j.equals(&value)), "{text}");
    }
    // Only the outermost wrapper comes off.
    let body = RequestBody::new(br#"{"data":{"data":{"mid":"1"}}}"#);
    assert!(
        body.json()
            .is_some_and(|j| j.equals(&json!({"data": {"mid": "1"}})))
    );
}

/// An object of `n` members `"k0": 0, "k1": 1, …`, as text.
fn wide_object(n: usize) -> String {
    let members: Vec<String> = (0..n).map(|i| format!("\"k{i}\":{i}")).collect();
    format!("{{{}}}", members.join(","))
}

#[test]
fn a_body_json_of_65_000_names_is_matched_against_a_body_of_as_many() {
    const N: usize = 65_000;
    let text = wide_object(N);
    let json = json_of(&text).expect("json");
    let wanted: Value = serde_json::from_str(&text).expect("value");
    assert!(json.contains(&wanted));
    assert!(json.equals(&wanted));
    let mut other = wanted.clone();
    other["k64999"] = json!(-1);
    assert!(!json.contains(&other));
    assert!(!json.equals(&other));
    let mut more = wanted.clone();
    more["absent"] = json!(0);
    assert!(!json.contains(&more));
    // Nested in an array, objects are compared for equality.
    let listed_text = format!("{{\"list\":[{text}]}}");
    let listed = json_of(&listed_text).expect("json");
    assert!(listed.contains(&json!({ "list": [wanted] })));
    assert!(!listed.contains(&json!({ "list": [other] })));
}

/// `cargo test --lib body_json_timing -- --ignored --nocapture`: the figures in
/// docs/benchmarks.md ("Stub matching of wide bodies").
#[test]
#[ignore = "a measurement, not a check"]
fn body_json_timing() {
    for n in [1_000, 10_000, 65_000] {
        let text = wide_object(n);
        let json = json_of(&text).expect("json");
        let wanted: Value = serde_json::from_str(&text).expect("value");
        let started = std::time::Instant::now();
        let runs = 10;
        for _ in 0..runs {
            assert!(json.contains(&wanted));
        }
        let indexed = started.elapsed() / runs;
        let started = std::time::Instant::now();
        assert!(json.contains_within(&wanted, usize::MAX));
        let scanned = started.elapsed();
        println!("{n} names: indexed {indexed:?} per match, scanned {scanned:?}");
    }
}
