//! Property tests of the header parser.

use proptest::prelude::*;

use super::*;

/// A value a client may send unquoted: no quote, no comma, nothing to trim at the ends.
fn bare_value() -> impl Strategy<Value = String> {
    any::<String>().prop_filter("a value a header can carry unquoted", |v| {
        !v.is_empty() && !v.contains(['"', ',']) && v.trim() == v
    })
}

/// Quoted, a value may also hold commas.
fn quotable_value() -> impl Strategy<Value = String> {
    prop_oneof![
        bare_value(),
        (bare_value(), bare_value()).prop_map(|(a, b)| format!("{a},{b}")),
    ]
}

fn any_case(name: &'static str) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<bool>(), name.len()).prop_map(move |upper| {
        name.chars()
            .zip(upper)
            .map(|(c, u)| {
                if u {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect()
    })
}

/// `k=v` with or without quotes, and optional blanks around `=`.
fn param(name: String, value: String, quoted: bool, spaced: bool) -> String {
    let eq = if spaced { " = " } else { "=" };
    if quoted {
        format!("{name}{eq}\"{value}\"")
    } else {
        format!("{name}{eq}{value}")
    }
}

fn separator() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![", ", ",", " , ", ",\t", " ,  "])
}

proptest! {
    #[test]
    fn no_string_makes_the_header_parser_panic(s in any::<String>()) {
        let _ = parse_authorization(&s);
    }

    #[test]
    fn no_near_miss_of_a_real_header_makes_the_parser_panic(
        scheme in prop::sample::select(vec!["OPEN-BODY-SIG", "open-access-token", "OPEN-ACCESS-TOKEN", "Bearer", ""]),
        rest in "[\"=, \\tA-Za-z0-9+/\u{3000}é]{0,60}",
    ) {
        let _ = parse_authorization(&format!("{scheme} {rest}"));
    }

    #[test]
    fn a_body_sig_header_in_any_tolerated_variant_parses_back_to_its_params(
        app_id in bare_value(),
        timestamp in bare_value(),
        nonce in quotable_value(),
        signature in bare_value(),
        scheme in any_case(BODY_SIG),
        names in (any_case("AppId"), any_case("Timestamp"), any_case("Nonce"), any_case("Signature")),
        quoted in any::<[bool; 4]>(),
        spaced in any::<[bool; 4]>(),
        separators in prop::collection::vec(separator(), 3),
        order in Just([0usize, 1, 2, 3]).prop_shuffle(),
    ) {
        let names = [names.0, names.1, names.2, names.3];
        let values = [app_id.clone(), timestamp.clone(), nonce.clone(), signature.clone()];
        // A value with a comma only survives inside quotes.
        let quoted: Vec<bool> = (0..4).map(|i| quoted[i] || values[i].contains(',')).collect();
        let mut header = format!("{scheme} ");
        for (k, &i) in order.iter().enumerate() {
            if k > 0 {
                header.push_str(separators[k - 1]);
            }
            header.push_str(&param(names[i].clone(), values[i].clone(), quoted[i], spaced[i]));
        }
        let expected = Credentials::BodySig(SignedParams { app_id, timestamp, nonce, signature });
        prop_assert_eq!(parse_authorization(&header), Ok(expected), "{}", header);
    }

    #[test]
    fn an_access_token_header_in_any_tolerated_variant_parses_back_to_its_token(
        token in bare_value(),
        scheme in any_case(ACCESS_TOKEN),
        name in any_case("AccessToken"),
        quoted in any::<bool>(),
        spaced in any::<bool>(),
        bare in any::<bool>(),
        padding in prop::sample::select(vec![" ", "  ", "\t", " \t "]),
    ) {
        // The bare form has no name, so a token with `=` in it needs one.
        let header = if bare && !token.contains('=') {
            let t = if quoted { format!("\"{token}\"") } else { token.clone() };
            format!("{scheme}{padding}{t}")
        } else {
            format!("{scheme}{padding}{}", param(name, token.clone(), quoted, spaced))
        };
        prop_assert_eq!(parse_authorization(&header), Ok(Credentials::AccessToken(token)), "{}", header);
    }
}

/// Splitting as it was first written, a character at a time into new strings.
fn reference_split(s: &str) -> Result<Vec<(String, String)>, HeaderError> {
    let mut items = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    for c in s.chars() {
        match c {
            '"' => {
                in_quotes = !in_quotes;
                current.push(c);
            }
            ',' if !in_quotes => items.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    if in_quotes {
        return Err(HeaderError::Malformed("unterminated quote".into()));
    }
    items.push(current);
    items
        .into_iter()
        .map(|item| item.trim().to_owned())
        .filter(|item| !item.is_empty())
        .map(|item| {
            let (key, value) = item.split_once('=').ok_or_else(|| {
                HeaderError::Malformed(format!(
                    "expected name=value, got {:?}",
                    item.chars().take(40).collect::<String>()
                ))
            })?;
            Ok((key.trim().to_owned(), unquote(value.trim())?.to_owned()))
        })
        .collect()
}

proptest! {
    #[test]
    fn splitting_in_place_gives_what_splitting_into_new_strings_gave(
        s in prop_oneof![any::<String>(), "[\"=, \tA-Za-z0-9+/\u{3000}é]{0,60}"],
    ) {
        let split = split_params(&s).map(|items| {
            items.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect::<Vec<_>>()
        });
        prop_assert_eq!(split, reference_split(&s));
    }
}
