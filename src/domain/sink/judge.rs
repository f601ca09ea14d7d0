//! The sink's judgement: a notification checked the way a correct merchant checks it.

use serde_json::Value;

use crate::domain::apps::{NotifyFormat, NotifySigning};
use crate::protocol::signing::{NotifySignType, hex_matches, notify_sign};

/// The sink's judgement of one notification body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// `id`, if present.
    pub id: Option<String>,
    /// `eventType`, if present.
    pub event_type: Option<String>,
    /// `form` or `json`.
    pub format: NotifyFormat,
    /// Whether `sign` matched; `None` without a `sign`.
    pub sign_valid: Option<bool>,
    /// `None` when accepted, else why not.
    pub problem: Option<String>,
}

/// A body's format (`form` or `json`) and its top-level fields in order.
type Fields = (NotifyFormat, Vec<(String, String)>);

/// Reads a notification body (form or JSON) into its top-level fields, nested JSON members as
/// their compact text — the text the sign covers.
fn fields_of(body: &[u8], content_type: &str) -> Result<Fields, String> {
    let looks_json = content_type.to_ascii_lowercase().contains("json")
        || body.trim_ascii_start().starts_with(b"{");
    if !looks_json {
        let pairs = url::form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        return Ok((NotifyFormat::Form, pairs));
    }
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not valid JSON: {e}"))?;
    let Value::Object(map) = value else {
        return Err("the JSON body is not an object".into());
    };
    let pairs = map
        .into_iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            (k, text)
        })
        .collect();
    Ok((NotifyFormat::Json, pairs))
}

/// Judges a notification as a correct merchant would: a present `sign` must match under the
/// hash its `signType` names — MD5 when it has none, as legacy channels send — and that hash
/// must be the app's; an unsigned one is accepted only when the app sends unsigned ones. The
/// receipt's id is the notification's `id`, else its `notifyId` (netpay).
///
/// ```text
/// id=EV-1&eventType=X              from an app that sends unsigned ones  →  no problem
/// id=EV-1&signType=SHA256&sign=00  from an app that signs with SHA256    →  sign not valid
/// notifyId=…&sign=<MD5>            from an app that signs with MD5       →  no problem
/// ```
pub fn judge(body: &[u8], content_type: &str, md5_key: &str, signing: NotifySigning) -> Verdict {
    let (format, fields) = match fields_of(body, content_type) {
        Ok(parsed) => parsed,
        Err(problem) => {
            return Verdict {
                id: None,
                event_type: None,
                format: NotifyFormat::Json,
                sign_valid: None,
                problem: Some(problem),
            };
        }
    };
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let (id, event_type) = (
        field("id").or_else(|| field("notifyId")),
        field("eventType"),
    );
    let verdict = |sign_valid, problem| Verdict {
        id: id.clone(),
        event_type: event_type.clone(),
        format,
        sign_valid,
        problem,
    };
    let Some(sign) = field("sign") else {
        return match signing {
            NotifySigning::None => verdict(None, None),
            _ => verdict(None, Some("the notification carries no sign".into())),
        };
    };
    let declared = field("signType");
    let sign_type = match declared.as_deref() {
        // Legacy channels leave signType out and sign with MD5.
        None => NotifySignType::Md5,
        Some("SHA256") => NotifySignType::Sha256,
        Some("MD5") => NotifySignType::Md5,
        Some(other) => {
            return verdict(Some(false), Some(format!("unknown signType {other:?}")));
        }
    };
    if let Some(expected) = signing.sign_type()
        && expected != sign_type
    {
        let said = declared.map_or_else(
            || "no signType (legacy MD5)".to_owned(),
            |d| format!("signType {d}"),
        );
        return verdict(
            Some(false),
            Some(format!(
                "{said}, but the app signs with {}",
                expected.as_str()
            )),
        );
    }
    let expected = notify_sign(&fields, sign_type, md5_key).to_ascii_lowercase();
    if hex_matches(&expected, &sign) {
        verdict(Some(true), None)
    } else {
        verdict(Some(false), Some("sign does not match".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::apps::NotifyFormat;
    use crate::protocol::encode::encode;

    #[test]
    fn an_unsigned_notification_is_fine_when_unsigned_and_a_wrong_sign_is_not_valid() {
        let v = judge(
            b"id=EV-1&eventType=X",
            "application/x-www-form-urlencoded",
            "key",
            NotifySigning::None,
        );
        assert_eq!(v.problem, None);
        let v = judge(
            b"id=EV-1&signType=SHA256&sign=00",
            "",
            "key",
            NotifySigning::Sha256,
        );
        assert_eq!(v.sign_valid, Some(false));
    }

    fn fields() -> Vec<(&'static str, String)> {
        vec![
            ("id", "EV-2026112512000012345".to_owned()),
            ("eventType", "PAYSCORE.USER_OPEN_SERVICE".to_owned()),
            (
                "resource",
                r#"{"openId":"o1","mid":"898201612345678"}"#.to_owned(),
            ),
        ]
    }

    #[test]
    fn both_formats_and_both_hashes_are_accepted_when_signed_with_the_key() {
        for format in [NotifyFormat::Form, NotifyFormat::Json] {
            for signing in [NotifySigning::Sha256, NotifySigning::Md5] {
                let sent = encode(&fields(), format, signing, "k1");
                let v = judge(sent.body.as_bytes(), sent.content_type, "k1", signing);
                assert_eq!(v.problem, None, "{format:?} {signing:?}");
                assert_eq!(v.sign_valid, Some(true));
                assert_eq!(v.id.as_deref(), Some("EV-2026112512000012345"));
            }
        }
    }

    #[test]
    fn another_key_a_downgraded_hash_or_a_missing_sign_is_refused() {
        let sent = encode(&fields(), NotifyFormat::Form, NotifySigning::Sha256, "k1");
        let wrong_key = judge(
            sent.body.as_bytes(),
            sent.content_type,
            "k2",
            NotifySigning::Sha256,
        );
        assert_eq!(wrong_key.sign_valid, Some(false));
        let md5 = encode(&fields(), NotifyFormat::Form, NotifySigning::Md5, "k1");
        let downgraded = judge(
            md5.body.as_bytes(),
            md5.content_type,
            "k1",
            NotifySigning::Sha256,
        );
        assert!(downgraded.problem.is_some_and(|p| p.contains("MD5")));
        let unsigned = encode(&fields(), NotifyFormat::Form, NotifySigning::None, "k1");
        let refused = judge(
            unsigned.body.as_bytes(),
            unsigned.content_type,
            "k1",
            NotifySigning::Sha256,
        );
        assert_eq!(
            (refused.sign_valid, refused.problem.is_some()),
            (None, true)
        );
        let accepted = judge(
            unsigned.body.as_bytes(),
            unsigned.content_type,
            "k1",
            NotifySigning::None,
        );
        assert_eq!(accepted.problem, None);
    }

    #[test]
    fn a_notification_without_sign_type_is_checked_as_md5() {
        let legacy = encode(
            &fields(),
            NotifyFormat::Form,
            NotifySigning::Md5Legacy,
            "k1",
        );
        for signing in [NotifySigning::Md5Legacy, NotifySigning::Md5] {
            let v = judge(legacy.body.as_bytes(), legacy.content_type, "k1", signing);
            assert_eq!((v.sign_valid, v.problem), (Some(true), None), "{signing:?}");
        }
        let declared = encode(&fields(), NotifyFormat::Form, NotifySigning::Md5, "k1");
        let v = judge(
            declared.body.as_bytes(),
            declared.content_type,
            "k1",
            NotifySigning::Md5Legacy,
        );
        assert_eq!(v.problem, None, "signType=MD5 is the same hash");
        let v = judge(
            legacy.body.as_bytes(),
            legacy.content_type,
            "k1",
            NotifySigning::Sha256,
        );
        assert_eq!(v.sign_valid, Some(false));
        assert!(v.problem.is_some_and(|p| p.contains("no signType")));
    }

    #[test]
    fn a_netpay_notification_is_recorded_by_its_notify_id() {
        let fields = vec![
            (
                "notifyId",
                "e82a0275-f767-4f77-90c2-614c91222275".to_owned(),
            ),
            ("status", "TRADE_SUCCESS".to_owned()),
        ];
        let sent = encode(&fields, NotifyFormat::Form, NotifySigning::Sha256, "k1");
        let v = judge(
            sent.body.as_bytes(),
            sent.content_type,
            "k1",
            NotifySigning::Sha256,
        );
        assert_eq!(
            v.id.as_deref(),
            Some("e82a0275-f767-4f77-90c2-614c91222275")
        );
        assert_eq!(v.problem, None);
    }
}
