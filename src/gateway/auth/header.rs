//! Parsing the `Authorization` header the way real client libraries write it.
//!
//! Tolerated variants: any case of the scheme and of parameter names, values with or without
//! double quotes, `", "` or `","` (or any whitespace) between parameters, and for tokens
//! `AccessToken=`, `accessToken=` or the bare token.

/// The credentials a header carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    /// `OPEN-ACCESS-TOKEN AccessToken=…`
    AccessToken(String),
    /// `OPEN-BODY-SIG AppId=…, Timestamp=…, Nonce=…, Signature=…`
    BodySig(SignedParams),
}

/// The parameters of an OPEN-BODY-SIG header or an OPEN-FORM-PARAM query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedParams {
    /// `AppId`
    pub app_id: String,
    /// `Timestamp`, `yyyyMMddHHmmss`
    pub timestamp: String,
    /// `Nonce`
    pub nonce: String,
    /// `Signature`, base64
    pub signature: String,
}

/// Why a header could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// Blank header.
    #[error("Authorization is empty")]
    Empty,
    /// Not a ChinaUMS scheme.
    #[error("{0}")]
    UnknownScheme(String),
    /// A required parameter is absent or empty.
    #[error("missing {0}")]
    Missing(&'static str),
    /// A parameter appears twice.
    #[error("{0} appears more than once")]
    Duplicate(String),
    /// Something unreadable, e.g. an unterminated quote.
    #[error("{0}")]
    Malformed(String),
}

const ACCESS_TOKEN: &str = "OPEN-ACCESS-TOKEN";
const BODY_SIG: &str = "OPEN-BODY-SIG";

/// Reads an `Authorization` header value.
///
/// ```
/// use chinaums_mock::gateway::auth::{parse_authorization, Credentials};
/// let c = parse_authorization("open-access-token accessToken=\"abc\"").unwrap();
/// assert_eq!(c, Credentials::AccessToken("abc".into()));
/// ```
pub fn parse_authorization(value: &str) -> Result<Credentials, HeaderError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(HeaderError::Empty);
    }
    let (scheme, rest) = match value.find(char::is_whitespace) {
        Some(i) => (&value[..i], value[i..].trim()),
        None => (value, ""),
    };
    if scheme.eq_ignore_ascii_case(ACCESS_TOKEN) {
        parse_access_token(rest).map(Credentials::AccessToken)
    } else if scheme.eq_ignore_ascii_case(BODY_SIG) {
        parse_body_sig(rest).map(Credentials::BodySig)
    } else {
        Err(HeaderError::UnknownScheme(
            scheme.chars().take(40).collect(),
        ))
    }
}

fn parse_access_token(rest: &str) -> Result<String, HeaderError> {
    if rest.is_empty() {
        return Err(HeaderError::Missing("AccessToken"));
    }
    // A bare token: `OPEN-ACCESS-TOKEN abc123`.
    if !rest.contains('=') {
        return Ok(unquote(rest)?.to_owned());
    }
    let params = split_params(rest)?;
    let mut token = None;
    for (key, value) in params {
        if key.eq_ignore_ascii_case("AccessToken") {
            if token.is_some() {
                return Err(HeaderError::Duplicate("AccessToken".into()));
            }
            token = Some(value);
        }
    }
    match token {
        Some(t) if !t.is_empty() => Ok(t),
        _ => Err(HeaderError::Missing("AccessToken")),
    }
}

fn parse_body_sig(rest: &str) -> Result<SignedParams, HeaderError> {
    let mut fields: [Option<String>; 4] = Default::default();
    const NAMES: [&str; 4] = ["AppId", "Timestamp", "Nonce", "Signature"];
    for (key, value) in split_params(rest)? {
        if let Some(i) = NAMES.iter().position(|n| n.eq_ignore_ascii_case(&key)) {
            if fields[i].is_some() {
                return Err(HeaderError::Duplicate(NAMES[i].into()));
            }
            fields[i] = Some(value);
        }
    }
    let mut take = |i: usize| match fields[i].take() {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(HeaderError::Missing(NAMES[i])),
    };
    Ok(SignedParams {
        app_id: take(0)?,
        timestamp: take(1)?,
        nonce: take(2)?,
        signature: take(3)?,
    })
}

/// Splits `k1="v1", k2=v2,k3="v3"` into pairs. Commas inside quotes do not split.
fn split_params(s: &str) -> Result<Vec<(String, String)>, HeaderError> {
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

fn unquote(v: &str) -> Result<&str, HeaderError> {
    match (v.strip_prefix('"'), v.ends_with('"')) {
        (Some(inner), true) if !inner.is_empty() || v.len() == 2 => {
            Ok(inner.strip_suffix('"').unwrap_or(inner))
        }
        (None, false) => Ok(v),
        _ => Err(HeaderError::Malformed("unbalanced quotes".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(app: &str, ts: &str, nonce: &str, s: &str) -> Credentials {
        Credentials::BodySig(SignedParams {
            app_id: app.into(),
            timestamp: ts.into(),
            nonce: nonce.into(),
            signature: s.into(),
        })
    }

    #[test]
    fn access_tokens_are_read_in_every_seen_variant() {
        for header in [
            "OPEN-ACCESS-TOKEN AccessToken=abc",
            "OPEN-ACCESS-TOKEN AccessToken=\"abc\"",
            "Open-Access-Token accessToken=abc",
            "open-access-token   ACCESSTOKEN = \"abc\" ",
            "OPEN-ACCESS-TOKEN abc",
        ] {
            assert_eq!(
                parse_authorization(header),
                Ok(Credentials::AccessToken("abc".into())),
                "{header}"
            );
        }
    }

    #[test]
    fn body_sig_headers_are_read_with_either_separator_and_any_case() {
        let expected = sig("app", "20261125120000", "n", "a+b/c==");
        for header in [
            "OPEN-BODY-SIG AppId=\"app\", Timestamp=\"20261125120000\", Nonce=\"n\", Signature=\"a+b/c==\"",
            "OPEN-BODY-SIG AppId=\"app\",Timestamp=\"20261125120000\",Nonce=\"n\",Signature=\"a+b/c==\"",
            "open-body-sig appid=app, timestamp=20261125120000, nonce=n, signature=a+b/c==",
            "OPEN-BODY-SIG Signature=\"a+b/c==\", Nonce=\"n\", Timestamp=\"20261125120000\", AppId=\"app\"",
        ] {
            assert_eq!(
                parse_authorization(header),
                Ok(expected.clone()),
                "{header}"
            );
        }
    }

    #[test]
    fn garbled_headers_are_reported_not_guessed() {
        assert_eq!(parse_authorization("  "), Err(HeaderError::Empty));
        assert!(
            matches!(parse_authorization("Bearer x"), Err(HeaderError::UnknownScheme(s)) if s == "Bearer")
        );
        assert_eq!(
            parse_authorization("OPEN-ACCESS-TOKEN"),
            Err(HeaderError::Missing("AccessToken"))
        );
        assert_eq!(
            parse_authorization("OPEN-ACCESS-TOKEN AccessToken="),
            Err(HeaderError::Missing("AccessToken"))
        );
        assert_eq!(
            parse_authorization("OPEN-BODY-SIG AppId=\"a\", Timestamp=\"t\", Nonce=\"n\""),
            Err(HeaderError::Missing("Signature"))
        );
        assert!(matches!(
            parse_authorization("OPEN-BODY-SIG AppId=\"a, Timestamp=\"t\""),
            Err(HeaderError::Malformed(_))
        ));
        assert!(matches!(
            parse_authorization(
                "OPEN-BODY-SIG AppId=a, AppId=b, Timestamp=t, Nonce=n, Signature=s"
            ),
            Err(HeaderError::Duplicate(_))
        ));
        assert!(matches!(
            parse_authorization("OPEN-BODY-SIG garbage"),
            Err(HeaderError::Malformed(_))
        ));
    }
}

#[cfg(test)]
mod properties {
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
}
