//! OPEN-BODY-SIG and OPEN-FORM-PARAM mistakes.

use serde_json::Value;

use super::{MD5_KEY_ROLE, Variant};
use crate::protocol::signing::{
    body_digest_hex, decode_base64_lenient, mac_matches, open_body_mac,
};

/// The inputs of an OPEN-BODY-SIG or OPEN-FORM-PARAM signature.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyCase<'a> {
    pub app_id: &'a str,
    pub timestamp: &'a str,
    pub nonce: &'a str,
    pub content: &'a [u8],
    pub app_key: &'a str,
    /// What the signed bytes are called: `body` or `content`.
    pub part: &'static str,
}

/// OPEN-BODY-SIG mistakes: a different body, an upper-case digest, the md5Key, hex instead of
/// base64, base64 of the hex text, unpadded or URL-safe base64.
pub(crate) fn body_variants(
    case: &BodyCase<'_>,
    expected: &str,
    received: &str,
    md5_key: Option<&str>,
) -> Vec<Variant> {
    let BodyCase {
        app_id,
        timestamp,
        nonce,
        content,
        app_key,
        part,
    } = *case;
    let prefix = [app_id, timestamp, nonce].concat();
    let digest = body_digest_hex(content);
    let mac = open_body_mac(app_key, &format!("{prefix}{digest}"));
    let mut out = Vec::new();
    for (what, bytes) in reserialisations(content) {
        let alt = body_digest_hex(&bytes);
        let canonical = format!("{prefix}{alt}");
        let matches = mac_matches(&open_body_mac(app_key, &canonical), received);
        out.push(Variant::of_string(
            format!(
                "the client signed {what} of the {part}, not the exact bytes sent: signed digest \
                 {alt}, digest of the {part} received {digest}"
            ),
            canonical,
            matches,
        ));
    }
    let upper = format!("{prefix}{}", digest.to_ascii_uppercase());
    out.push(Variant::of_string(
        format!("the {part} digest was written in upper-case hex: use lowercase"),
        upper.clone(),
        mac_matches(&open_body_mac(app_key, &upper), received),
    ));
    if let Some(md5_key) = md5_key.filter(|k| !k.is_empty() && *k != app_key) {
        out.push(Variant::of_encoding(
            format!("the HMAC was keyed with the md5Key where the appKey belongs: {MD5_KEY_ROLE}"),
            mac_matches(
                &open_body_mac(md5_key, &format!("{prefix}{digest}")),
                received,
            ),
        ));
    }
    let trimmed = received.trim();
    let is_hex_mac = hex::decode(trimmed).is_ok_and(|b| b == mac);
    out.push(Variant::of_encoding(
        "the signature is hex where base64 is expected: base64-encode the raw 32-byte HMAC"
            .to_owned(),
        is_hex_mac,
    ));
    let is_b64_of_hex =
        decode_base64_lenient(trimmed).is_some_and(|b| b == hex::encode(&mac).as_bytes());
    out.push(Variant::of_encoding(
        "the signature is base64 of the HMAC's hex text: base64-encode the raw 32 bytes instead"
            .to_owned(),
        is_b64_of_hex,
    ));
    if mac_matches(&mac, trimmed) && trimmed != expected {
        let how = if trimmed.trim_end_matches('=') == expected.trim_end_matches('=') {
            "unpadded"
        } else {
            "URL-safe"
        };
        out.push(Variant::of_encoding(
            format!(
                "the signature is {how} base64 of the right value: fine, the gateway accepts it"
            ),
            true,
        ));
    }
    out
}

/// Other bytes a client may have signed instead of what it sent.
fn reserialisations(content: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let mut out: Vec<(&'static str, Vec<u8>)> =
        vec![("a trimmed copy", content.trim_ascii().to_vec())];
    if let Ok(value) = serde_json::from_slice::<Value>(content) {
        if let Ok(b) = serde_json::to_vec(&value) {
            out.push(("a compact re-serialisation", b));
        }
        if let Ok(b) = serde_json::to_vec_pretty(&value) {
            out.push(("a pretty-printed re-serialisation", b));
        }
        if let Ok(b) = serde_json::to_vec(&sort_keys(value)) {
            out.push(("a re-serialisation with sorted keys", b));
        }
    }
    let mut newline = content.to_vec();
    newline.push(b'\n');
    out.push(("a copy with a trailing newline", newline));
    if !content.is_empty() {
        out.push(("an empty copy", Vec::new()));
    }
    let mut seen: Vec<Vec<u8>> = vec![content.to_vec()];
    out.retain(|(_, bytes)| {
        let fresh = !seen.contains(bytes);
        seen.push(bytes.clone());
        fresh
    });
    out
}

fn sort_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sort_keys(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sort_keys).collect()),
        other => other,
    }
}
