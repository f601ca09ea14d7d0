use super::*;
use crate::protocol::signing::{body_digest_hex, notify_sign, open_body_signature};
use crate::protocol::timefmt::parse_compact;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::Value;

const APP_ID: &str = "10037e6f66f2d0f901672aa27d690006";
const APP_KEY: &str = "47ace12ae3b348fe93ab46cee97c6fde";
const MD5_KEY: &str = "impARTxrQcfwmRijpDNCw6hPxaWCddKEpYxjaKXDhCaTCXJ6";
const TS: &str = "20261125120000";
const NONCE: &str = "3f9a1c0e5b7d4e2f8a6b9c0d1e2f3a4b";
const SHA256: TokenSignMethod = TokenSignMethod::Sha256;

use crate::protocol::vectors;

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_default()
}

fn now() -> DateTime<Utc> {
    parse_compact(TS).expect("valid")
}

fn has(d: &Diagnosis, needle: &str) -> bool {
    d.hints.iter().any(|h| h.contains(needle))
}

fn token_at(ts: &str, received: &str) -> Diagnosis {
    diagnose_token(APP_ID, ts, NONCE, APP_KEY, SHA256, received, now(), 600)
}

fn good_token() -> String {
    token_signature(SHA256, APP_ID, TS, NONCE, APP_KEY)
}

fn token_with(received: &str, evidence: Evidence<'_>) -> Diagnosis {
    let case = TokenCase {
        app_id: APP_ID,
        timestamp: TS,
        nonce: NONCE,
        app_key: APP_KEY,
        method: SHA256,
    };
    token(&case, received, now(), 600, evidence)
}

mod body;
mod notify;
mod token;

#[test]
fn masking_removes_every_key_and_recomputes_the_difference() {
    let canonical = format!("{APP_ID}{TS}{NONCE}{MD5_KEY}");
    let d = token_with(
        "00",
        Evidence {
            received_canonical: Some(&canonical),
            other_key: Some(MD5_KEY),
        },
    )
    .masked(APP_KEY)
    .masked(MD5_KEY);
    let text = serde_json::to_string(&d).expect("serialises");
    assert!(!text.contains(APP_KEY) && !text.contains(MD5_KEY), "{text}");
    assert!(d.expected_canonical.ends_with("<appKey>"));
    assert_eq!(
        d.received_canonical.as_deref(),
        Some(format!("{APP_ID}{TS}{NONCE}<secret>").as_str())
    );
    let diff = d.first_difference.expect("still differs");
    assert_eq!(
        (diff.expected.as_str(), diff.received.as_str()),
        ("appKey>", "secret>")
    );
    let one = [("a".to_owned(), "1".to_owned())];
    let n = diagnose_notify(&one, MD5_KEY, NotifySignType::Sha256, "00", None).masked(MD5_KEY);
    assert_eq!(n.expected_canonical, "a=1<md5Key>");
    let unchanged = token_at(TS, "00").masked("");
    assert!(unchanged.expected_canonical.ends_with(APP_KEY));
}

#[test]
fn differences_are_counted_in_characters_with_short_context() {
    let d = first_difference("授权成功abc", "授权失败abc").expect("differs");
    assert_eq!(
        (d.index, d.expected.as_str(), d.received.as_str()),
        (2, "成功abc", "失败abc")
    );
    let d = first_difference("abc", "abcdef").expect("differs");
    assert_eq!(
        (d.index, d.expected.as_str(), d.received.as_str()),
        (3, "", "def")
    );
    let long = "x".repeat(50);
    assert_eq!(
        first_difference(&long, "").map(|d| d.expected.len()),
        Some(20)
    );
}

#[test]
fn a_diagnosis_serialises_in_camel_case() {
    let v = serde_json::to_value(token_at(TS, "00")).expect("serialises");
    for key in [
        "rule",
        "expectedCanonical",
        "expectedSignature",
        "receivedSignature",
        "receivedCanonical",
        "firstDifference",
        "hints",
    ] {
        assert!(v.get(key).is_some(), "{key} missing in {v}");
    }
}
