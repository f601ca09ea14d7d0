//! OPEN-BODY-SIG (and OPEN-FORM-PARAM): an HMAC-SHA256 over `appId + timestamp + nonce +
//! lowerhex(SHA256(body))`, keyed with the appKey, sent in standard base64.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::{DecodePaddingMode, GeneralPurpose as Engine};
use base64::{Engine as _, alphabet};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::lower_hex;

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
