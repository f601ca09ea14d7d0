//! Token mistakes.

use super::{MD5_KEY_ROLE, Variant, letter_case, method_name, token_hash};
use crate::protocol::signing::{
    TokenSignMethod, decode_base64_lenient, hex_matches, token_signature,
};

/// The inputs of a token signature.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TokenCase<'a> {
    pub app_id: &'a str,
    pub timestamp: &'a str,
    pub nonce: &'a str,
    pub app_key: &'a str,
    pub method: TokenSignMethod,
}

/// Token mistakes: the other hash, the md5Key, `&key=`, base64 instead of hex, letter case.
pub(crate) fn token_variants(
    case: &TokenCase<'_>,
    expected: &str,
    received: &str,
    md5_key: Option<&str>,
) -> Vec<Variant> {
    let TokenCase {
        app_id,
        timestamp,
        nonce,
        app_key,
        method,
    } = *case;
    let prefix = [app_id, timestamp, nonce].concat();
    let mut out = Vec::new();
    let other = match method {
        TokenSignMethod::Sha256 => TokenSignMethod::Sha1,
        TokenSignMethod::Sha1 => TokenSignMethod::Sha256,
    };
    let hint = match method {
        TokenSignMethod::Sha256 => {
            "the signature is SHA1 of the right string, but signMethod is SHA256: hash with \
             SHA-256 (no signMethod at all means SHA1)"
        }
        TokenSignMethod::Sha1 => {
            "the signature is SHA256 of the right string, but SHA1 was declared: send \
             signMethod \"SHA256\" (no signMethod means SHA1)"
        }
    };
    let sig = token_signature(other, app_id, timestamp, nonce, app_key);
    out.push(Variant::of_encoding(
        hint.to_owned(),
        hex_matches(&sig, received),
    ));
    if let Some(md5_key) = md5_key.filter(|k| !k.is_empty() && *k != app_key) {
        let sig = token_signature(method, app_id, timestamp, nonce, md5_key);
        out.push(Variant::of_string(
            format!(
                "the canonical string ends in the md5Key where the appKey belongs: {MD5_KEY_ROLE}"
            ),
            format!("{prefix}{md5_key}"),
            hex_matches(&sig, received),
        ));
    }
    let with_key_label = format!("{prefix}&key={app_key}");
    out.push(Variant::of_string(
        "the appKey was appended as \"&key=…\": append it directly, with no separator".to_owned(),
        with_key_label.clone(),
        hex_matches(&token_hash(method, &with_key_label), received),
    ));
    let base64_of_digest = decode_base64_lenient(received)
        .is_some_and(|bytes| hex::decode(expected).is_ok_and(|d| d == bytes));
    out.push(Variant::of_encoding(
        format!(
            "the signature is base64 of the right {} digest: the token endpoint expects lowercase hex",
            method_name(method)
        ),
        base64_of_digest && !hex_matches(expected, received),
    ));
    let trimmed = received.trim();
    out.push(Variant::of_encoding(
        format!(
            "the signature is {} hex of the right value: fine, hex is compared case-insensitively",
            letter_case(trimmed)
        ),
        trimmed != expected && hex_matches(expected, trimmed),
    ));
    out
}
