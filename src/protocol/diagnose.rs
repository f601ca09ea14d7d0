//! Why a signature was rejected: the expected canonical string and signature next to the
//! received ones, where they first differ, and hints found by recomputing the usual mistakes.

mod finish;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::variants::{
    BodyCase, NotifyCase, TokenCase, Variant, body_variants, notify_hash, notify_variants,
    timestamp_hints, token_hash, token_variants,
};
use crate::protocol::signing::{
    NotifySignType, TokenSignMethod, body_digest_hex, decode_base64_lenient, hex_matches,
    mac_matches, notify_sign, notify_signed_string, open_body_canonical, open_body_mac,
    open_body_signature, token_canonical, token_signature,
};
use finish::{Draft, Tail, finish};

/// Expected against received, for one signature.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnosis {
    /// `token`, `openBodySig`, `openFormParam` or `notify`.
    pub rule: &'static str,
    /// The string the sandbox signs.
    pub expected_canonical: String,
    /// The signature the sandbox computes.
    pub expected_signature: String,
    /// The signature the client sent.
    pub received_signature: String,
    /// The string the client says it signed, when known.
    pub received_canonical: Option<String>,
    /// Where the received canonical string first departs from the expected one.
    pub first_difference: Option<Difference>,
    /// What probably went wrong, each found by recomputing that mistake.
    pub hints: Vec<String>,
}

/// The first position at which two strings differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Difference {
    /// Index in characters (Unicode scalar values) from the start.
    pub index: usize,
    /// Up to 20 characters of the expected string from there.
    pub expected: String,
    /// Up to 20 characters of the received string from there.
    pub received: String,
}

const CONTEXT_CHARS: usize = 20;

/// Where `received` first departs from `expected`; `None` when they are equal.
///
/// ```
/// use chinaums_mock::protocol::diagnose::first_difference;
/// let d = first_difference("appId20261125", "appId20261126").unwrap();
/// assert_eq!((d.index, d.expected.as_str(), d.received.as_str()), (12, "5", "6"));
/// assert!(first_difference("same", "same").is_none());
/// ```
pub fn first_difference(expected: &str, received: &str) -> Option<Difference> {
    if expected == received {
        return None;
    }
    let index = expected
        .chars()
        .zip(received.chars())
        .take_while(|(a, b)| a == b)
        .count();
    let context = |s: &str| s.chars().skip(index).take(CONTEXT_CHARS).collect();
    Some(Difference {
        index,
        expected: context(expected),
        received: context(received),
    })
}

impl Diagnosis {
    /// Replaces every occurrence of `secret` in the canonical strings (and hints) with a
    /// placeholder, so logs and the journal never show keys: `<appKey>` or `<md5Key>` when it is
    /// the key this rule appends, `<secret>` otherwise. `firstDifference` is recomputed over the
    /// masked strings. Call once per key.
    pub fn masked(mut self, secret: &str) -> Diagnosis {
        if secret.is_empty() {
            return self;
        }
        let placeholder = match self.rule {
            "token" if self.expected_canonical.ends_with(secret) => "<appKey>",
            "notify" if self.expected_canonical.ends_with(secret) => "<md5Key>",
            _ => "<secret>",
        };
        self.expected_canonical = self.expected_canonical.replace(secret, placeholder);
        self.received_canonical = self
            .received_canonical
            .map(|c| c.replace(secret, placeholder));
        self.hints = self
            .hints
            .into_iter()
            .map(|h| h.replace(secret, placeholder))
            .collect();
        self.first_difference = self
            .received_canonical
            .as_deref()
            .and_then(|r| first_difference(&self.expected_canonical, r));
        self
    }

    /// Whether the received signature is accepted, compared the way the gateway compares: hex
    /// ignoring case, base64 padded or not and in either alphabet.
    pub fn signature_matches(&self) -> bool {
        match self.rule {
            "openBodySig" | "openFormParam" => decode_base64_lenient(&self.expected_signature)
                .is_some_and(|mac| mac_matches(&mac, &self.received_signature)),
            _ => hex_matches(
                &self.expected_signature.to_ascii_lowercase(),
                &self.received_signature,
            ),
        }
    }
}

/// What the control tool knows beyond what the gateway sees.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Evidence<'a> {
    /// The string the client says it signed.
    pub received_canonical: Option<&'a str>,
    /// The app's other key (md5Key for token and body rules, appKey for notify).
    pub other_key: Option<&'a str>,
}

/// The signature of a token request, against the one received.
///
/// ```
/// use chinaums_mock::protocol::signing::TokenSignMethod;
/// use chinaums_mock::protocol::diagnose::diagnose_token;
/// let now = chinaums_mock::protocol::timefmt::parse_compact("20261125120000").unwrap();
/// let d = diagnose_token("app", "20261125040000", "n", "key", TokenSignMethod::Sha256, "00", now, 600);
/// assert_eq!(d.expected_canonical, "app20261125040000nkey");
/// assert!(d.hints.iter().any(|h| h.contains("UTC")));
/// ```
#[allow(clippy::too_many_arguments)] // the signature the request journal calls, kept flat
pub fn diagnose_token(
    app_id: &str,
    timestamp: &str,
    nonce: &str,
    app_key: &str,
    method: TokenSignMethod,
    received_signature: &str,
    now: DateTime<Utc>,
    window_secs: u64,
) -> Diagnosis {
    let case = TokenCase {
        app_id,
        timestamp,
        nonce,
        app_key,
        method,
    };
    token(
        &case,
        received_signature,
        now,
        window_secs,
        Evidence::default(),
    )
}

pub(crate) fn token(
    case: &TokenCase<'_>,
    received: &str,
    now: DateTime<Utc>,
    window_secs: u64,
    evidence: Evidence<'_>,
) -> Diagnosis {
    let expected_canonical = token_canonical(case.app_id, case.timestamp, case.nonce, case.app_key);
    let expected_signature = token_signature(
        case.method,
        case.app_id,
        case.timestamp,
        case.nonce,
        case.app_key,
    );
    let draft = Draft {
        rule: "token",
        valid: hex_matches(&expected_signature, received),
        variants: token_variants(case, &expected_signature, received, evidence.other_key),
        hints: timestamp_hints(case.timestamp, now, window_secs),
        tail: Tail::Key {
            len: case.app_key.len(),
            name: "appKey",
        },
        parts: parts(&[
            ("appId", case.app_id),
            ("timestamp", case.timestamp),
            ("nonce", case.nonce),
            ("appKey", case.app_key),
        ]),
        fallback: "no common mistake reproduces this signature: check the appKey, and that \
                   appId + timestamp + nonce + appKey are joined with nothing in between"
            .to_owned(),
        expected_canonical,
        expected_signature,
        received_signature: received.to_owned(),
    };
    let method = case.method;
    finish(draft, evidence.received_canonical, |c| {
        hex_matches(&token_hash(method, c), received)
    })
}

/// The signature of an OPEN-BODY-SIG request over the exact body bytes, against the one
/// received. For OPEN-FORM-PARAM pass the decoded `content` and set `rule` to `openFormParam`.
#[allow(clippy::too_many_arguments)] // the signature the request journal calls, kept flat
pub fn diagnose_body_sig(
    app_id: &str,
    timestamp: &str,
    nonce: &str,
    content: &[u8],
    app_key: &str,
    received_signature: &str,
    now: DateTime<Utc>,
    window_secs: u64,
) -> Diagnosis {
    let case = BodyCase {
        app_id,
        timestamp,
        nonce,
        content,
        app_key,
        part: "body",
    };
    body(
        &case,
        received_signature,
        now,
        window_secs,
        Evidence::default(),
    )
}

pub(crate) fn body(
    case: &BodyCase<'_>,
    received: &str,
    now: DateTime<Utc>,
    window_secs: u64,
    evidence: Evidence<'_>,
) -> Diagnosis {
    let expected_canonical =
        open_body_canonical(case.app_id, case.timestamp, case.nonce, case.content);
    let mac = open_body_mac(case.app_key, &expected_canonical);
    let expected_signature = open_body_signature(
        case.app_id,
        case.timestamp,
        case.nonce,
        case.content,
        case.app_key,
    );
    let part = case.part;
    let digest_name = if part == "content" {
        "content digest"
    } else {
        "body digest"
    };
    let parts = parts(&[
        ("appId", case.app_id),
        ("timestamp", case.timestamp),
        ("nonce", case.nonce),
        (digest_name, &body_digest_hex(case.content)),
    ]);
    let draft = Draft {
        rule: if part == "content" {
            "openFormParam"
        } else {
            "openBodySig"
        },
        valid: mac_matches(&mac, received),
        variants: body_variants(case, &expected_signature, received, evidence.other_key),
        hints: timestamp_hints(case.timestamp, now, window_secs),
        tail: Tail::Digest { part },
        parts,
        fallback: format!(
            "no common mistake reproduces this signature: check the appKey (the HMAC key) and \
             that the client signs appId + timestamp + nonce + lowerhex(SHA256({part})) over the \
             exact bytes sent"
        ),
        expected_canonical,
        expected_signature,
        received_signature: received.to_owned(),
    };
    let key = case.app_key;
    finish(draft, evidence.received_canonical, |c| {
        mac_matches(&open_body_mac(key, c), received)
    })
}

/// The `sign` of a notification, against the one received (or computed by the merchant).
/// `fields` may include `sign`, which is never signed. `app_key`, when given, is tried in place
/// of the md5Key.
pub fn diagnose_notify(
    fields: &[(String, String)],
    md5_key: &str,
    sign_type: NotifySignType,
    received_sign: &str,
    app_key: Option<&str>,
) -> Diagnosis {
    let case = NotifyCase {
        fields,
        md5_key,
        sign_type,
    };
    notify(&case, received_sign, app_key, None)
}

pub(crate) fn notify(
    case: &NotifyCase<'_>,
    received: &str,
    app_key: Option<&str>,
    received_canonical: Option<&str>,
) -> Diagnosis {
    let expected_canonical = notify_signed_string(case.fields, case.md5_key);
    let expected_signature = notify_sign(case.fields, case.sign_type, case.md5_key);
    let draft = Draft {
        rule: "notify",
        valid: hex_matches(&expected_signature.to_ascii_lowercase(), received),
        variants: notify_variants(case, &expected_signature, received, app_key),
        hints: Vec::new(),
        tail: Tail::Key {
            len: case.md5_key.len(),
            name: "md5Key",
        },
        // Field boundaries are already plain in the signed string.
        parts: Vec::new(),
        fallback: "no common mistake reproduces this sign: check the md5Key and that every \
                   field is signed exactly as received"
            .to_owned(),
        expected_canonical,
        expected_signature,
        received_signature: received.to_owned(),
    };
    let sign_type = case.sign_type;
    finish(draft, received_canonical, |c| {
        hex_matches(&notify_hash(sign_type, c).to_ascii_lowercase(), received)
    })
}

/// Names and lengths (in characters) of the parts of a canonical string.
fn parts(named: &[(&'static str, &str)]) -> Vec<(&'static str, usize)> {
    named
        .iter()
        .map(|(name, s)| (*name, s.chars().count()))
        .collect()
}

#[cfg(test)]
mod tests;
