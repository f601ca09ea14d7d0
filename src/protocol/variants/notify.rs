//! Notification sign mistakes.

use super::{Variant, letter_case, notify_hash};
use crate::protocol::signing::{NotifySignType, hex_matches, notify_signed_string};

/// The inputs of a notification sign.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NotifyCase<'a> {
    pub fields: &'a [(String, String)],
    pub md5_key: &'a str,
    pub sign_type: NotifySignType,
}

fn join(pairs: &[(&str, &str)], sort: bool) -> String {
    let mut pairs = pairs.to_vec();
    if sort {
        pairs.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Notification mistakes: the other hash, signType or sign mishandled, empty fields, encoded
/// values, unsorted fields, `&key=`, the appKey, letter case.
pub(crate) fn notify_variants(
    case: &NotifyCase<'_>,
    expected: &str,
    received: &str,
    app_key: Option<&str>,
) -> Vec<Variant> {
    let NotifyCase {
        fields,
        md5_key,
        sign_type,
    } = *case;
    let matches = |sig: &str| hex_matches(&sig.to_ascii_lowercase(), received);
    let sign_with = |canonical: String, hint: &str| {
        let m = matches(&notify_hash(sign_type, &canonical));
        Variant::of_string(hint.to_owned(), canonical, m)
    };
    let all: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let unsigned: Vec<(&str, &str)> = all.iter().copied().filter(|(k, _)| *k != "sign").collect();
    let kept: Vec<(&str, &str)> = unsigned
        .iter()
        .copied()
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let canonical = notify_signed_string(fields, md5_key);
    let prefix = canonical.strip_suffix(md5_key).unwrap_or(&canonical);
    let mut out = Vec::new();

    let (other, declared) = match sign_type {
        NotifySignType::Sha256 => (NotifySignType::Md5, "SHA256"),
        NotifySignType::Md5 => (NotifySignType::Sha256, "MD5"),
    };
    let legacy = sign_type == NotifySignType::Md5 && !kept.iter().any(|(k, _)| *k == "signType");
    let hint = if legacy {
        format!(
            "the sign is {} of the right string, but there is no signType, which means MD5 \
             (legacy channels): hash with MD5, or send signType={0} and sign it too",
            other.as_str()
        )
    } else {
        format!(
            "the sign is {} of the right string, but signType is {declared}: hash with {declared}",
            other.as_str()
        )
    };
    out.push(Variant::of_encoding(
        hint,
        matches(&notify_hash(other, &canonical)),
    ));
    if kept.iter().any(|(k, _)| *k == "signType") {
        let without: Vec<(&str, &str)> = kept
            .iter()
            .copied()
            .filter(|(k, _)| *k != "signType")
            .collect();
        out.push(sign_with(
            format!("{}{md5_key}", join(&without, true)),
            "signType was left out of the signed string: it is signed like the other fields",
        ));
    }
    if all.iter().any(|(k, v)| *k == "sign" && !v.is_empty()) {
        let with_sign: Vec<(&str, &str)> =
            all.iter().copied().filter(|(_, v)| !v.is_empty()).collect();
        out.push(sign_with(
            format!("{}{md5_key}", join(&with_sign, true)),
            "the sign field itself was signed: leave it out",
        ));
    }
    if unsigned.len() != kept.len() {
        out.push(sign_with(
            format!("{}{md5_key}", join(&unsigned, true)),
            "fields with empty values were signed as \"k=\": leave them out",
        ));
    }
    let encoded: Vec<(String, String)> = kept
        .iter()
        .map(|(k, v)| {
            (
                (*k).to_owned(),
                url::form_urlencoded::byte_serialize(v.as_bytes()).collect(),
            )
        })
        .collect();
    let encoded_string = notify_signed_string(&encoded, md5_key);
    if encoded_string != canonical {
        out.push(sign_with(
            encoded_string,
            "values were URL-encoded before signing: sign the decoded values",
        ));
    }
    let unsorted = format!("{}{md5_key}", join(&kept, false));
    if unsorted != canonical {
        out.push(sign_with(
            unsorted,
            "fields were signed in the order received: sort them by name",
        ));
    }
    out.push(sign_with(
        format!("{prefix}&key={md5_key}"),
        "the md5Key was appended as \"&key=…\": append it directly, with no separator",
    ));
    if let Some(app_key) = app_key.filter(|k| !k.is_empty() && *k != md5_key) {
        out.push(sign_with(
            format!("{prefix}{app_key}"),
            "the sign uses the appKey where the md5Key (通讯密钥) belongs",
        ));
    }
    let trimmed = received.trim();
    out.push(Variant::of_encoding(
        format!(
            "the sign is {} hex of the right value: fine when compared case-insensitively (ChinaUMS sends upper case)",
            letter_case(trimmed)
        ),
        trimmed != expected && hex_matches(&expected.to_ascii_lowercase(), trimmed),
    ));
    out
}
