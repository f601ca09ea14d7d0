//! The usual signing mistakes, each recomputed, so a hint is only given when the received
//! signature (or canonical string) really is what that mistake produces.

mod body;
mod notify;
mod token;

use chrono::{DateTime, Utc};

pub(crate) use body::{BodyCase, body_variants};
pub(crate) use notify::{NotifyCase, notify_variants};
pub(crate) use token::{TokenCase, token_variants};

use crate::protocol::signing::{NotifySignType, TokenSignMethod, notify_sign, token_signature};
use crate::protocol::timefmt::{format_compact, parse_compact};

/// One way a client can get a signature wrong.
#[derive(Debug, Clone)]
pub(crate) struct Variant {
    /// What the client did and what to do instead.
    pub hint: String,
    /// The canonical string this mistake produces, when it changes the string.
    pub canonical: Option<String>,
    /// Whether the received signature is exactly what this mistake produces.
    pub matches: bool,
}

impl Variant {
    fn of_string(hint: String, canonical: String, matches: bool) -> Self {
        Self {
            hint,
            canonical: Some(canonical),
            matches,
        }
    }

    fn of_encoding(hint: String, matches: bool) -> Self {
        Self {
            hint,
            canonical: None,
            matches,
        }
    }
}

/// Hashes any string the way token signatures are hashed: the token canonical string is a
/// plain concatenation, so signing `s` with empty other parts hashes exactly `s`.
pub(crate) fn token_hash(method: TokenSignMethod, s: &str) -> String {
    token_signature(method, s, "", "", "")
}

/// Hashes any string the way notification signs are hashed: with no fields the signed string
/// is the key alone, so passing `s` as the key hashes exactly `s`.
pub(crate) fn notify_hash(sign_type: NotifySignType, s: &str) -> String {
    notify_sign::<&str, &str>(&[], sign_type, s)
}

fn method_name(method: TokenSignMethod) -> &'static str {
    match method {
        TokenSignMethod::Sha256 => "SHA256",
        TokenSignMethod::Sha1 => "SHA1",
    }
}

/// What the md5Key is for, told with every hint that finds it where the appKey belongs.
const MD5_KEY_ROLE: &str =
    "the md5Key (通讯密钥) signs notifications; requests are signed with the appKey";

const EIGHT_HOURS: i64 = 8 * 3600;

/// Hints about a `yyyyMMddHHmmss` timestamp: unreadable, outside the window, or 8 hours off
/// (UTC where Beijing time belongs).
pub(crate) fn timestamp_hints(
    timestamp: &str,
    now: DateTime<Utc>,
    window_secs: u64,
) -> Vec<String> {
    let sent_at = match parse_compact(timestamp) {
        Ok(t) => t,
        Err(e) => {
            return vec![format!(
                "{e}; the gateway rejects it before checking the signature"
            )];
        }
    };
    let mut hints = Vec::new();
    let skew = (sent_at - now).num_seconds();
    if window_secs > 0 && skew.unsigned_abs() > window_secs {
        hints.push(format!(
            "timestamp is {} s {} sandbox time {}, outside the ±{window_secs} s window",
            skew.unsigned_abs(),
            if skew < 0 { "behind" } else { "ahead of" },
            format_compact(now),
        ));
    }
    // With the window check off, still recognise the usual 8-hour slip (within 10 minutes).
    let tolerance = if window_secs > 0 { window_secs } else { 600 };
    if (skew + EIGHT_HOURS).unsigned_abs() <= tolerance {
        hints.push(
            "timestamp is 8 hours behind sandbox time: the client used UTC instead of Beijing time (UTC+8)"
                .to_owned(),
        );
    } else if (skew - EIGHT_HOURS).unsigned_abs() <= tolerance {
        hints.push(
            "timestamp is 8 hours ahead of sandbox time: the client shifted Beijing time by 8 hours twice"
                .to_owned(),
        );
    }
    hints
}

fn letter_case(hex: &str) -> &'static str {
    if !hex.bytes().any(|b| b.is_ascii_lowercase()) {
        "upper-case"
    } else if !hex.bytes().any(|b| b.is_ascii_uppercase()) {
        "lower-case"
    } else {
        "mixed-case"
    }
}
