//! Every ChinaUMS signing rule, as pure functions.
//!
//! The server verifies with these, the control API's tools show them, and the unit tests below
//! reproduce the reference vectors byte for byte.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::{DecodePaddingMode, GeneralPurpose as Engine};
use base64::{Engine as _, alphabet};
use hmac::{Hmac, Mac};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The hash a token request is signed with.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub enum TokenSignMethod {
    /// `signMethod: "SHA256"`, what current SDKs send.
    #[serde(rename = "SHA256")]
    Sha256,
    /// No `signMethod`: legacy clients hash with SHA-1.
    #[serde(rename = "SHA1")]
    Sha1,
}

/// The string a token signature covers: `appId + timestamp + nonce + appKey`, plainly joined.
pub fn token_canonical(app_id: &str, timestamp: &str, nonce: &str, app_key: &str) -> String {
    [app_id, timestamp, nonce, app_key].concat()
}

/// The signature of a `POST /v1/token/access` request, lowercase hex.
///
/// ```
/// use chinaums_mock::protocol::signing::{token_signature, TokenSignMethod};
/// let sig = token_signature(
///     TokenSignMethod::Sha256,
///     "10037e6f66f2d0f901672aa27d690006",
///     "20261125120000",
///     "3f9a1c0e5b7d4e2f8a6b9c0d1e2f3a4b",
///     "47ace12ae3b348fe93ab46cee97c6fde",
/// );
/// assert_eq!(sig, "28e23d3448c49a2f0337601f2fa68e17549c7a27ee4fbecbb4c4d765c028dda7");
/// ```
pub fn token_signature(
    method: TokenSignMethod,
    app_id: &str,
    timestamp: &str,
    nonce: &str,
    app_key: &str,
) -> String {
    let canonical = token_canonical(app_id, timestamp, nonce, app_key);
    match method {
        TokenSignMethod::Sha256 => lower_hex(&Sha256::digest(canonical.as_bytes())),
        TokenSignMethod::Sha1 => lower_hex(&Sha1::digest(canonical.as_bytes())),
    }
}

/// Lowercase hex of `bytes`, the way every digest and token here is written.
///
/// Written out rather than `hex::encode`, which builds its string a `char` at a time: this runs
/// for every signature checked and every token issued, and a table lookup is several times
/// cheaper.
///
/// ```
/// assert_eq!(chinaums_mock::protocol::signing::lower_hex(&[0x0a, 0xff]), "0aff");
/// ```
pub fn lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = vec![0u8; bytes.len() * 2];
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(b >> 4)];
        pair[1] = DIGITS[usize::from(b & 0x0f)];
    }
    // Only ASCII digits and letters were written.
    String::from_utf8(out).unwrap_or_default()
}

/// Lowercase hex SHA-256 of the exact body bytes, the part of OPEN-BODY-SIG that covers the body.
pub fn body_digest_hex(body: &[u8]) -> String {
    lower_hex(&Sha256::digest(body))
}

/// The message an OPEN-BODY-SIG (or OPEN-FORM-PARAM) signature covers:
/// `appId + timestamp + nonce + lowerhex(SHA256(body))`.
pub fn open_body_canonical(app_id: &str, timestamp: &str, nonce: &str, body: &[u8]) -> String {
    [app_id, timestamp, nonce, &body_digest_hex(body)].concat()
}

/// The raw HMAC-SHA256 of an OPEN-BODY-SIG message, keyed with the appKey.
pub fn open_body_mac(app_key: &str, canonical: &str) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(app_key.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return Vec::new(),
    };
    mac.update(canonical.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The OPEN-BODY-SIG signature, standard base64.
///
/// ```
/// use chinaums_mock::protocol::signing::open_body_signature;
/// let sig = open_body_signature("app", "20261125120000", "n1", b"{}", "key");
/// assert_eq!(sig.len(), 44);
/// ```
pub fn open_body_signature(
    app_id: &str,
    timestamp: &str,
    nonce: &str,
    body: &[u8],
    app_key: &str,
) -> String {
    STANDARD.encode(open_body_mac(
        app_key,
        &open_body_canonical(app_id, timestamp, nonce, body),
    ))
}

/// The `Authorization` header value an official SDK sends for OPEN-BODY-SIG.
pub fn open_body_sig_header(app_id: &str, timestamp: &str, nonce: &str, signature: &str) -> String {
    format!(
        "OPEN-BODY-SIG AppId=\"{app_id}\", Timestamp=\"{timestamp}\", Nonce=\"{nonce}\", Signature=\"{signature}\""
    )
}

/// Compares a received hex digest with the expected one, ignoring case, in constant time.
pub fn hex_matches(expected_lower: &str, received: &str) -> bool {
    let received = received.trim().as_bytes();
    let expected = expected_lower.as_bytes();
    if received.len() != expected.len() {
        return false;
    }
    // Byte by byte without an early exit (and without lowercasing into a new string).
    let mut equal = subtle::Choice::from(1);
    for (e, r) in expected.iter().zip(received) {
        equal &= e.ct_eq(&r.to_ascii_lowercase());
    }
    bool::from(equal)
}

/// Base64 as clients send it: padded or not, standard or URL-safe alphabet.
const LENIENT: Engine = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);
const LENIENT_URL: Engine = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes a received base64 signature, tolerating missing padding and the URL-safe alphabet.
pub fn decode_base64_lenient(received: &str) -> Option<Vec<u8>> {
    let trimmed = received.trim();
    LENIENT
        .decode(trimmed)
        .or_else(|_| LENIENT_URL.decode(trimmed))
        .ok()
}

/// Compares a received base64 MAC with the expected raw bytes in constant time.
pub fn mac_matches(expected: &[u8], received_b64: &str) -> bool {
    match decode_base64_lenient(received_b64) {
        Some(received) => bool::from(expected.ct_eq(&received)),
        None => false,
    }
}

/// Whether `received_b64` is the OPEN-BODY-SIG (or OPEN-FORM-PARAM) signature of `body`: the
/// answer of `mac_matches(&open_body_mac(app_key, &open_body_canonical(…)), received_b64)`,
/// worked out without building the message, its hex digest or the decoded signature on the
/// heap (this runs for every signed call).
///
/// ```
/// use chinaums_mock::protocol::signing::{open_body_signature, open_body_signature_matches};
/// let sig = open_body_signature("app", "20261125120000", "n1", b"{}", "key");
/// assert!(open_body_signature_matches("app", "20261125120000", "n1", b"{}", "key", &sig));
/// assert!(!open_body_signature_matches("app", "20261125120000", "n2", b"{}", "key", &sig));
/// ```
pub fn open_body_signature_matches(
    app_id: &str,
    timestamp: &str,
    nonce: &str,
    body: &[u8],
    app_key: &str,
    received_b64: &str,
) -> bool {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = [0u8; 64];
    for (pair, b) in hex.chunks_exact_mut(2).zip(Sha256::digest(body)) {
        pair[0] = DIGITS[usize::from(b >> 4)];
        pair[1] = DIGITS[usize::from(b & 0x0f)];
    }
    let mut mac = match Hmac::<Sha256>::new_from_slice(app_key.as_bytes()) {
        Ok(mac) => mac,
        // As `open_body_mac`, which then gives an empty MAC (HMAC takes keys of any length).
        Err(_) => return mac_matches(&[], received_b64),
    };
    for part in [
        app_id.as_bytes(),
        timestamp.as_bytes(),
        nonce.as_bytes(),
        &hex,
    ] {
        mac.update(part);
    }
    let expected = mac.finalize().into_bytes();
    // A signature that decodes to more than this cannot be the 32-byte MAC either way.
    let mut received = [0u8; 64];
    let trimmed = received_b64.trim();
    match LENIENT
        .decode_slice(trimmed, &mut received)
        .or_else(|_| LENIENT_URL.decode_slice(trimmed, &mut received))
    {
        Ok(n) => bool::from(expected.as_slice().ct_eq(&received[..n])),
        Err(_) => false,
    }
}

/// The hash of a notification signature (`signType`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub enum NotifySignType {
    /// Upper-case hex SHA-256, the default.
    #[serde(rename = "SHA256")]
    Sha256,
    /// Upper-case hex MD5.
    #[serde(rename = "MD5")]
    Md5,
}

impl NotifySignType {
    /// The value of the `signType` field.
    pub fn as_str(self) -> &'static str {
        match self {
            NotifySignType::Sha256 => "SHA256",
            NotifySignType::Md5 => "MD5",
        }
    }
}

/// The string a notification `sign` covers: every field except `sign` with a non-empty value,
/// sorted by key (byte order), joined as `k=v` with `&`, then the md5Key appended directly.
///
/// ```
/// use chinaums_mock::protocol::signing::notify_signed_string;
/// let s = notify_signed_string(&[("b", "2"), ("a", "1"), ("c", ""), ("sign", "X")], "KEY");
/// assert_eq!(s, "a=1&b=2KEY");
/// ```
pub fn notify_signed_string<K: AsRef<str>, V: AsRef<str>>(
    fields: &[(K, V)],
    md5_key: &str,
) -> String {
    let mut pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .filter(|(k, v)| *k != "sign" && !v.is_empty())
        .collect();
    pairs.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let size = pairs
        .iter()
        .map(|(k, v)| k.len() + v.len() + 2)
        .sum::<usize>()
        + md5_key.len();
    let mut out = String::with_capacity(size);
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out.push_str(md5_key);
    out
}

/// The `sign` of a notification: upper-case hex of SHA-256 or MD5 over [`notify_signed_string`].
pub fn notify_sign<K: AsRef<str>, V: AsRef<str>>(
    fields: &[(K, V)],
    sign_type: NotifySignType,
    md5_key: &str,
) -> String {
    let s = notify_signed_string(fields, md5_key);
    let digest = match sign_type {
        NotifySignType::Sha256 => Sha256::digest(s.as_bytes()).to_vec(),
        NotifySignType::Md5 => Md5::digest(s.as_bytes()).to_vec(),
    };
    hex::encode_upper(digest)
}

/// Encodes fields as `application/x-www-form-urlencoded`, in the order given: `*-._` and ASCII
/// letters and digits as they are, space as `+`, every other byte as `%XX` (upper-case hex) —
/// the WHATWG form serializer's output, byte for byte.
///
/// ```
/// use chinaums_mock::protocol::signing::form_encode;
/// assert_eq!(form_encode(&[("a b", "{\"x\":1}"), ("s", "授权")]), "a+b=%7B%22x%22%3A1%7D&s=%E6%8E%88%E6%9D%83");
/// ```
pub fn form_encode<K: AsRef<str>, V: AsRef<str>>(fields: &[(K, V)]) -> String {
    // Written out (rather than `url::form_urlencoded`) because every notification body goes
    // through it: one pass, one allocation.
    let size: usize = fields
        .iter()
        .map(|(k, v)| 3 * (k.as_ref().len() + v.as_ref().len()) + 2)
        .sum();
    let mut out = String::with_capacity(size);
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_form_component(&mut out, k.as_ref());
        out.push('=');
        push_form_component(&mut out, v.as_ref());
    }
    out
}

fn push_form_component(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in text.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_hex_agrees_with_the_hex_crate() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(lower_hex(&bytes), hex::encode(&bytes));
        assert_eq!(lower_hex(&[]), "");
    }
    use serde_json::Value;

    fn vectors() -> Value {
        serde_json::from_str(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/vectors.json"
        )))
        .expect("vectors parse")
    }

    fn s<'a>(v: &'a Value, k: &str) -> &'a str {
        v[k].as_str().unwrap_or_default()
    }

    #[test]
    fn token_signatures_reproduce_every_vector() {
        let v = vectors();
        let key = s(&v["credentials"], "appKey");
        let cases = v["token"].as_array().cloned().unwrap_or_default();
        assert_eq!(cases.len(), 2);
        for case in cases {
            let method = match s(&case, "signMethod") {
                "SHA1" => TokenSignMethod::Sha1,
                _ => TokenSignMethod::Sha256,
            };
            let sig = token_signature(
                method,
                s(&case, "appId"),
                s(&case, "timestamp"),
                s(&case, "nonce"),
                key,
            );
            assert_eq!(sig, s(&case, "signature"));
            assert!(hex_matches(&sig, &sig.to_ascii_uppercase()));
        }
    }

    #[test]
    fn open_body_sig_reproduces_the_vector_digest_signature_and_header() {
        let v = vectors();
        let key = s(&v["credentials"], "appKey");
        let c = &v["openBodySig"];
        let body = s(c, "body").as_bytes();
        assert_eq!(body_digest_hex(body), s(c, "bodySha256Hex"));
        let sig = open_body_signature(s(c, "appId"), s(c, "timestamp"), s(c, "nonce"), body, key);
        assert_eq!(sig, s(c, "signature"));
        assert_eq!(
            open_body_sig_header(s(c, "appId"), s(c, "timestamp"), s(c, "nonce"), &sig),
            s(c, "header")
        );
    }

    #[test]
    fn received_macs_match_with_or_without_padding_and_in_either_alphabet() {
        let mac = open_body_mac("k", "message");
        let std = STANDARD.encode(&mac);
        assert!(mac_matches(&mac, &std));
        assert!(mac_matches(&mac, std.trim_end_matches('=')));
        let url = base64::engine::general_purpose::URL_SAFE.encode(&mac);
        assert!(mac_matches(&mac, &url));
        assert!(!mac_matches(&mac, "not base64!"));
        assert!(!mac_matches(&mac, &STANDARD.encode(b"other")));
    }

    #[test]
    fn notification_signs_reproduce_every_vector_byte_for_byte() {
        let v = vectors();
        let key = s(&v["credentials"], "md5Key");
        for case in v["notifySign"].as_array().cloned().unwrap_or_default() {
            let order = [
                "id",
                "createTime",
                "eventType",
                "summary",
                "resource",
                "signType",
            ];
            let fields: Vec<(&str, &str)> =
                order.iter().map(|k| (*k, s(&case["fields"], k))).collect();
            let sign_type = if s(&case, "signType") == "MD5" {
                NotifySignType::Md5
            } else {
                NotifySignType::Sha256
            };
            assert_eq!(notify_signed_string(&fields, key), s(&case, "signedString"));
            let sign = notify_sign(&fields, sign_type, key);
            assert_eq!(sign, s(&case, "sign"));
            let mut all = fields.clone();
            all.push(("sign", &sign));
            assert_eq!(form_encode(&all), s(&case, "formBody"));
        }
    }

    #[test]
    fn empty_fields_are_left_out_of_the_signed_string() {
        let with_empty = notify_signed_string(&[("a", "1"), ("b", "")], "K");
        assert_eq!(with_empty, notify_signed_string(&[("a", "1")], "K"));
    }

    #[test]
    fn form_encoding_matches_the_whatwg_serializer_for_every_character() {
        let every: String = (0u8..=127)
            .map(char::from)
            .chain("授权成功 é€😀".chars())
            .collect();
        let fields = [("k", every.as_str()), ("a b&=", "x+y%z"), ("", "")];
        let mut reference = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in fields {
            reference.append_pair(k, v);
        }
        assert_eq!(form_encode(&fields), reference.finish());
    }
}

#[cfg(test)]
#[path = "signing_open_body_tests.rs"]
mod open_body_tests;

#[cfg(test)]
mod properties {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    use proptest::prelude::*;

    use super::*;

    fn flip(bytes: &[u8], bit: prop::sample::Index) -> Vec<u8> {
        let mut out = bytes.to_vec();
        let i = bit.index(out.len() * 8);
        out[i / 8] ^= 1 << (i % 8);
        out
    }

    proptest! {
        #[test]
        fn the_computed_body_signature_is_accepted_in_every_base64_form(
            app_id in any::<String>(),
            timestamp in "[0-9]{14}",
            nonce in any::<String>(),
            key in any::<String>(),
            body in any::<Vec<u8>>(),
        ) {
            let sent = open_body_signature(&app_id, &timestamp, &nonce, &body, &key);
            let expected = open_body_mac(&key, &open_body_canonical(&app_id, &timestamp, &nonce, &body));
            prop_assert!(mac_matches(&expected, &sent));
            for engine in [STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD] {
                prop_assert!(mac_matches(&expected, &engine.encode(&expected)));
            }
        }

        #[test]
        fn a_single_bit_changed_in_the_body_breaks_the_signature(
            body in prop::collection::vec(any::<u8>(), 1..512),
            bit in any::<prop::sample::Index>(),
        ) {
            let sent = open_body_signature("app", "20261125120000", "n", &body, "key");
            let tampered = flip(&body, bit);
            let expected = open_body_mac("key", &open_body_canonical("app", "20261125120000", "n", &tampered));
            prop_assert!(!mac_matches(&expected, &sent));
        }

        #[test]
        fn a_single_bit_changed_in_the_mac_or_its_base64_text_is_refused(
            body in any::<Vec<u8>>(),
            bit in any::<prop::sample::Index>(),
        ) {
            let expected = open_body_mac("key", &open_body_canonical("app", "20261125120000", "n", &body));
            prop_assert!(!mac_matches(&expected, &STANDARD.encode(flip(&expected, bit))));
            let text = STANDARD.encode(&expected);
            if let Ok(tampered) = String::from_utf8(flip(text.as_bytes(), bit)) {
                prop_assert!(!mac_matches(&expected, &tampered), "{} accepted for {}", tampered, text);
            }
        }

        #[test]
        fn a_token_signature_matches_in_any_letter_case_and_after_no_other_single_bit_change(
            nonce in any::<String>(),
            bit in any::<prop::sample::Index>(),
            sha1 in any::<bool>(),
        ) {
            let method = if sha1 { TokenSignMethod::Sha1 } else { TokenSignMethod::Sha256 };
            let sig = token_signature(method, "app", "20261125120000", &nonce, "key");
            prop_assert!(hex_matches(&sig, &sig.to_ascii_uppercase()));
            if let Ok(tampered) = String::from_utf8(flip(sig.as_bytes(), bit)) {
                let case_only = tampered.eq_ignore_ascii_case(&sig);
                prop_assert_eq!(hex_matches(&sig, &tampered), case_only, "{}", tampered);
            }
        }
    }
}
