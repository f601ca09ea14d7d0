//! Every ChinaUMS signing rule, as pure functions.
//!
//! The server verifies with these, the control API's tools show them, and the unit tests below
//! reproduce the reference vectors byte for byte.

mod body_sig;
mod notify;

pub use body_sig::{
    body_digest_hex, decode_base64_lenient, mac_matches, open_body_canonical, open_body_mac,
    open_body_sig_header, open_body_signature, open_body_signature_matches,
};
pub use notify::{NotifySignType, form_encode, notify_sign, notify_signed_string};

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

#[cfg(test)]
#[path = "tests.rs"]
mod tests;

#[cfg(test)]
#[path = "open_body_tests.rs"]
mod open_body_tests;

#[cfg(test)]
#[path = "properties.rs"]
mod properties;
