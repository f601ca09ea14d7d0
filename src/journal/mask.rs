//! Secrets never reach the journal or the logs in full.

/// Keeps the first four characters of a secret, enough to tell two apart.
///
/// ```
/// use chinaums_mock::journal::mask_secret;
/// assert_eq!(mask_secret("5d0c9a1b2c3d"), "5d0c…");
/// assert_eq!(mask_secret("ab"), "…");
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
/// ```
/// use chinaums_mock::journal::mask_authorization;
/// assert_eq!(
///     mask_authorization("OPEN-ACCESS-TOKEN AccessToken=5d0c9a1b2c3d4e5f"),
///     "OPEN-ACCESS-TOKEN AccessToken=5d0c…"
/// );
/// assert_eq!(
///     mask_authorization(r#"OPEN-BODY-SIG AppId="a", Signature="rti+rzW6SUGyuCWG""#),
///     r#"OPEN-BODY-SIG AppId="a", Signature="rti+…""#
/// );
/// ```
pub fn mask_authorization(value: &str) -> String {
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
