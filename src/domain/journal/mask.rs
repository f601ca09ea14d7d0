//! Secrets never reach the journal or the logs in full.

/// Keeps the first four characters of a secret, enough to tell two apart; a secret of eight
/// characters or fewer is masked whole.
///
/// ```text
/// 5d0c9a1b2c3d  →  5d0c…
/// ab            →  …
/// ```
pub fn mask_secret(secret: &str) -> String {
    if secret.chars().count() <= 8 {
        return "…".to_owned();
    }
    let head: String = secret.chars().take(4).collect();
    format!("{head}…")
}

/// Masks the token or signature inside an `Authorization` value, keeping its shape (scheme,
/// AppId, Timestamp, Nonce) readable.
///
/// ```text
/// OPEN-ACCESS-TOKEN AccessToken=5d0c9a1b2c3d4e5f
///   →  OPEN-ACCESS-TOKEN AccessToken=5d0c…
/// OPEN-BODY-SIG AppId="a", Signature="rti+rzW6SUGyuCWG"
///   →  OPEN-BODY-SIG AppId="a", Signature="rti+…"
/// ```
pub fn mask_authorization(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    mask_authorization_into(value, &mut out);
    out
}

/// [`mask_authorization`] appending to `out`: every gateway request's journal entry runs this,
/// so it copies slices instead of building a string per parameter.
pub(crate) fn mask_authorization_into(value: &str, out: &mut String) {
    let trimmed = value.trim();
    let Some((scheme, rest)) = trimmed.split_once(char::is_whitespace) else {
        push_masked(trimmed, out);
        return;
    };
    out.push_str(scheme);
    out.push(' ');
    if !rest.contains('=') {
        push_masked(rest.trim().trim_matches('"'), out);
        return;
    }
    for (i, part) in rest.split(',').enumerate() {
        if i > 0 {
            out.push(',');
        }
        match part.split_once('=') {
            Some((key, val))
                if key.trim().eq_ignore_ascii_case("accesstoken")
                    || key.trim().eq_ignore_ascii_case("signature") =>
            {
                out.push_str(key);
                out.push('=');
                let quoted = val.trim().starts_with('"');
                if quoted {
                    out.push('"');
                }
                push_masked(val.trim().trim_matches('"'), out);
                if quoted {
                    out.push('"');
                }
            }
            _ => out.push_str(part),
        }
    }
}

/// [`mask_secret`] appending to `out`.
fn push_masked(secret: &str, out: &mut String) {
    // More than eight characters: keep the first four.
    if secret.char_indices().nth(8).is_some() {
        let end = secret
            .char_indices()
            .nth(4)
            .map_or(secret.len(), |(i, _)| i);
        out.push_str(&secret[..end]);
    }
    out.push('…');
}

/// Masks `signature` and `accessToken` parameters of a query string.
pub fn mask_query(query: &str) -> String {
    if query.is_empty() {
        return String::new();
    }
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v))
                if k.eq_ignore_ascii_case("signature") || k.eq_ignore_ascii_case("accessToken") =>
            {
                format!("{k}={}", mask_secret(v))
            }
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_keeps_its_first_four_characters_unless_it_is_short() {
        assert_eq!(mask_secret("5d0c9a1b2c3d"), "5d0c…");
        assert_eq!(mask_secret("ab"), "…");
    }

    #[test]
    fn an_authorization_keeps_its_shape_and_loses_its_token_or_signature() {
        assert_eq!(
            mask_authorization("OPEN-ACCESS-TOKEN AccessToken=5d0c9a1b2c3d4e5f"),
            "OPEN-ACCESS-TOKEN AccessToken=5d0c…"
        );
        assert_eq!(
            mask_authorization(r#"OPEN-BODY-SIG AppId="a", Signature="rti+rzW6SUGyuCWG""#),
            r#"OPEN-BODY-SIG AppId="a", Signature="rti+…""#
        );
    }

    #[test]
    fn every_token_and_signature_shape_is_masked() {
        assert_eq!(
            mask_authorization("OPEN-ACCESS-TOKEN 5d0c9a1b2c3d4e5f"),
            "OPEN-ACCESS-TOKEN 5d0c…"
        );
        assert_eq!(
            mask_authorization("open-access-token accessToken=\"5d0c9a1b2c3d4e5f\""),
            "open-access-token accessToken=\"5d0c…\""
        );
        let sig = "OPEN-BODY-SIG AppId=\"app\",Timestamp=\"20261125120000\",Nonce=\"n\",Signature=\"rti+rzW6SUGyuCWGJsP329\"";
        let masked = mask_authorization(sig);
        assert!(
            masked.contains("AppId=\"app\"") && masked.contains("Signature=\"rti+…\""),
            "{masked}"
        );
        assert!(!masked.contains("rzW6"));
        assert_eq!(
            mask_query("a=1&signature=abcdefghijkl&b=2"),
            "a=1&signature=abcd…&b=2"
        );
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// The first, string-per-parameter version: what the journal showed before.
    fn reference(value: &str) -> String {
        let trimmed = value.trim();
        let Some((scheme, rest)) = trimmed.split_once(char::is_whitespace) else {
            return mask_secret(trimmed);
        };
        if !rest.contains('=') {
            return format!("{scheme} {}", mask_secret(rest.trim().trim_matches('"')));
        }
        let parts: Vec<String> = rest
            .split(',')
            .map(|part| match part.split_once('=') {
                Some((key, val)) => {
                    let name = key.trim().to_ascii_lowercase();
                    if name == "accesstoken" || name == "signature" {
                        let quoted = val.trim().starts_with('"');
                        let masked = mask_secret(val.trim().trim_matches('"'));
                        if quoted {
                            format!("{key}=\"{masked}\"")
                        } else {
                            format!("{key}={masked}")
                        }
                    } else {
                        part.to_owned()
                    }
                }
                None => part.to_owned(),
            })
            .collect();
        format!("{scheme} {}", parts.join(","))
    }

    fn header() -> impl Strategy<Value = String> {
        let word = "[A-Za-z\"= ,\t…é]{0,12}";
        prop_oneof![
            any::<String>(),
            (
                word,
                prop::collection::vec(
                    (
                        word,
                        prop::sample::select(vec![
                            "AccessToken",
                            "signature",
                            " Signature ",
                            "AppId",
                            "nonce"
                        ]),
                        word
                    ),
                    0..5
                )
            )
                .prop_map(|(scheme, params)| {
                    let params: Vec<String> = params
                        .into_iter()
                        .map(|(pre, key, val)| format!("{pre}{key}={val}"))
                        .collect();
                    format!("{scheme} {}", params.join(","))
                }),
        ]
    }

    proptest! {
        #[test]
        fn masking_in_place_writes_what_the_first_version_wrote(value in header()) {
            prop_assert_eq!(mask_authorization(&value), reference(&value));
        }
    }
}
