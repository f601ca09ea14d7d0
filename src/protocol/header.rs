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
/// use chinaums_mock::protocol::header::{parse_authorization, Credentials};
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
    let mut token = None;
    for (key, value) in split_params(rest)? {
        if key.eq_ignore_ascii_case("AccessToken") {
            if token.is_some() {
                return Err(HeaderError::Duplicate("AccessToken".into()));
            }
            token = Some(value);
        }
    }
    match token {
        Some(t) if !t.is_empty() => Ok(t.to_owned()),
        _ => Err(HeaderError::Missing("AccessToken")),
    }
}

fn parse_body_sig(rest: &str) -> Result<SignedParams, HeaderError> {
    let mut fields: [Option<&str>; 4] = Default::default();
    const NAMES: [&str; 4] = ["AppId", "Timestamp", "Nonce", "Signature"];
    for (key, value) in split_params(rest)? {
        if let Some(i) = NAMES.iter().position(|n| n.eq_ignore_ascii_case(key)) {
            if fields[i].is_some() {
                return Err(HeaderError::Duplicate(NAMES[i].into()));
            }
            fields[i] = Some(value);
        }
    }
    let take = |i: usize| match fields[i] {
        Some(v) if !v.is_empty() => Ok(v.to_owned()),
        _ => Err(HeaderError::Missing(NAMES[i])),
    };
    Ok(SignedParams {
        app_id: take(0)?,
        timestamp: take(1)?,
        nonce: take(2)?,
        signature: take(3)?,
    })
}

/// Splits `k1="v1", k2=v2,k3="v3"` into pairs, borrowed from `s`. Commas inside quotes do not
/// split. Every item is read before any is judged, so a garbled one is reported before a
/// repeated or missing name.
fn split_params(s: &str) -> Result<Vec<(&str, &str)>, HeaderError> {
    let mut items = Vec::with_capacity(4);
    let mut in_quotes = false;
    let mut start = 0;
    // Quotes and commas are ASCII, so every cut falls between characters.
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b',' if !in_quotes => {
                items.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if in_quotes {
        return Err(HeaderError::Malformed("unterminated quote".into()));
    }
    items.push(&s[start..]);
    items
        .into_iter()
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            let (key, value) = item.split_once('=').ok_or_else(|| {
                HeaderError::Malformed(format!(
                    "expected name=value, got {:?}",
                    item.chars().take(40).collect::<String>()
                ))
            })?;
            Ok((key.trim(), unquote(value.trim())?))
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
#[path = "header_properties.rs"]
mod properties;
