//! Turning notification fields into the exact bytes sent, signed per the app's settings.
//!
//! Both formats sign the same string (protocol §4): every field but `sign` with a non-empty
//! value, sorted by key, `k=v` joined with `&`, then the md5Key. `resource` takes part as its
//! compact JSON text — in the form body that is the field's value; in the JSON body it is the
//! `resource` member's text exactly as it appears in the body.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::protocol::signing::NotifySignType;

/// How notifications are encoded on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum NotifyFormat {
    /// `application/x-www-form-urlencoded`, nested parts as JSON strings (ChinaUMS's way).
    #[default]
    Form,
    /// One JSON object.
    Json,
}

/// Which signature a notification carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub enum NotifySigning {
    /// `signType=SHA256`, upper-case hex SHA-256.
    #[default]
    #[serde(rename = "SHA256")]
    Sha256,
    /// `signType=MD5`, upper-case hex MD5.
    #[serde(rename = "MD5")]
    Md5,
    /// No `signType` and no `sign`.
    #[serde(rename = "NONE")]
    None,
    /// No `signType`, and a `sign` of upper-case hex MD5: what legacy channels send. A
    /// notification without `signType` is MD5-signed.
    #[serde(rename = "MD5_LEGACY")]
    Md5Legacy,
}

impl NotifySigning {
    /// The hash to sign with, if any.
    ///
    /// ```
    /// use chinaums_mock::protocol::encode::NotifySigning;
    /// use chinaums_mock::protocol::signing::NotifySignType;
    /// assert_eq!(NotifySigning::Md5Legacy.sign_type(), Some(NotifySignType::Md5));
    /// assert_eq!(NotifySigning::None.sign_type(), None);
    /// ```
    pub fn sign_type(self) -> Option<NotifySignType> {
        match self {
            NotifySigning::Sha256 => Some(NotifySignType::Sha256),
            NotifySigning::Md5 | NotifySigning::Md5Legacy => Some(NotifySignType::Md5),
            NotifySigning::None => None,
        }
    }

    /// Whether a signed notification says how: a `signType` field, sent and signed. Legacy MD5
    /// leaves it out.
    ///
    /// ```
    /// use chinaums_mock::protocol::encode::NotifySigning;
    /// assert!(NotifySigning::Sha256.declares_sign_type());
    /// assert!(!NotifySigning::Md5Legacy.declares_sign_type());
    /// ```
    pub fn declares_sign_type(self) -> bool {
        matches!(self, NotifySigning::Sha256 | NotifySigning::Md5)
    }
}

use crate::protocol::signing::{form_encode, notify_sign};

/// The form content type.
pub const FORM: &str = "application/x-www-form-urlencoded; charset=UTF-8";
/// The JSON content type.
pub const JSON: &str = "application/json; charset=UTF-8";

/// A notification ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    /// The Content-Type header.
    pub content_type: &'static str,
    /// The exact body.
    pub body: String,
    /// The fields as sent, for the control API.
    pub payload: Value,
}

/// Encodes `fields` (in sending order; `resource` among them as compact JSON text) with the
/// app's format and signature. `signType` and `sign` are appended unless signing is `NONE`;
/// with `MD5_LEGACY`, `sign` alone.
pub fn encode<K: AsRef<str>>(
    fields: &[(K, String)],
    format: NotifyFormat,
    signing: NotifySigning,
    md5_key: &str,
) -> Encoded {
    let mut all: Vec<(&str, String)> = fields
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.as_ref(), v.clone()))
        .collect();
    if let Some(sign_type) = signing.sign_type() {
        if signing.declares_sign_type() {
            all.push(("signType", sign_type.as_str().to_owned()));
        }
        let sign = notify_sign(&all, sign_type, md5_key);
        all.push(("sign", sign));
    }
    match format {
        NotifyFormat::Form => Encoded {
            content_type: FORM,
            body: form_encode(&all),
            payload: Value::Object(
                all.into_iter()
                    .map(|(k, v)| (k.to_owned(), Value::String(v)))
                    .collect(),
            ),
        },
        NotifyFormat::Json => {
            let members: Vec<String> = all
                .iter()
                .map(|(k, v)| {
                    let value = if *k == "resource" {
                        v.clone()
                    } else {
                        Value::String(v.clone()).to_string()
                    };
                    format!("{}:{}", Value::String((*k).to_owned()), value)
                })
                .collect();
            let body = format!("{{{}}}", members.join(","));
            let payload = serde_json::from_str(&body).unwrap_or(Value::Null);
            Encoded {
                content_type: JSON,
                body,
                payload,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::signing::NotifySignType;

    fn vector_fields() -> (Vec<(&'static str, String)>, serde_json::Value) {
        let v = crate::protocol::vectors();
        let case = v["notifySign"][0].clone();
        let order = ["id", "createTime", "eventType", "summary", "resource"];
        let fields = order
            .iter()
            .map(|k| {
                (
                    *k,
                    case["fields"][k].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        (fields, v)
    }

    #[test]
    fn the_form_encoding_reproduces_both_vector_bodies() {
        let (fields, v) = vector_fields();
        let key = v["credentials"]["md5Key"].as_str().unwrap_or_default();
        let sha = encode(&fields, NotifyFormat::Form, NotifySigning::Sha256, key);
        assert_eq!(
            sha.body,
            v["notifySign"][0]["formBody"].as_str().unwrap_or_default()
        );
        assert_eq!(sha.content_type, FORM);
        let md5 = encode(&fields, NotifyFormat::Form, NotifySigning::Md5, key);
        assert_eq!(
            md5.body,
            v["notifySign"][1]["formBody"].as_str().unwrap_or_default()
        );
    }

    #[test]
    fn the_json_encoding_nests_resource_and_signs_the_same_string() {
        let (fields, v) = vector_fields();
        let key = v["credentials"]["md5Key"].as_str().unwrap_or_default();
        let json = encode(&fields, NotifyFormat::Json, NotifySigning::Sha256, key);
        assert_eq!(json.content_type, JSON);
        assert_eq!(json.payload["sign"], v["notifySign"][0]["sign"]);
        assert_eq!(
            json.payload["resource"]["openId"],
            "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
        );
        let resource = fields[4].1.as_str();
        assert!(
            json.body.contains(&format!("\"resource\":{resource},")),
            "{}",
            json.body
        );
        assert!(
            json.body
                .starts_with("{\"id\":\"EV-2026112512000012345\",\"createTime\"")
        );
    }

    #[test]
    fn legacy_md5_sends_no_sign_type_and_signs_md5_without_it() {
        let (fields, v) = vector_fields();
        let key = v["credentials"]["md5Key"].as_str().unwrap_or_default();
        let legacy = encode(&fields, NotifyFormat::Form, NotifySigning::Md5Legacy, key);
        assert!(!legacy.body.contains("signType"), "{}", legacy.body);
        let sign = legacy.payload["sign"].as_str().unwrap_or_default();
        assert_eq!(sign, notify_sign(&fields, NotifySignType::Md5, key));
        assert_eq!(sign.len(), 32);
        assert!(legacy.body.ends_with(&format!("&sign={sign}")));
        let md5 = encode(&fields, NotifyFormat::Form, NotifySigning::Md5, key);
        assert_ne!(
            md5.payload["sign"].as_str(),
            Some(sign),
            "signType=MD5 is signed"
        );
    }

    #[test]
    fn unsigned_notifications_carry_no_sign_fields_and_empty_fields_are_left_out() {
        let mut fields = vector_fields().0;
        fields.push(("extra", String::new()));
        let none = encode(&fields, NotifyFormat::Form, NotifySigning::None, "k");
        assert!(!none.body.contains("sign"), "{}", none.body);
        assert!(!none.body.contains("extra"), "{}", none.body);
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;
    use serde_json::Map;

    use super::*;
    use crate::protocol::signing::NotifySignType;

    /// Text with what breaks naive encoders: `&`, `=`, `+`, `%`, quotes, backslashes, newlines,
    /// CJK and astral characters — or anything at all.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[&=+% \"'\\\\\n\ta-zA-Z0-9授权成功\u{1F600}\u{2028}]{0,24}",
            any::<String>(),
        ]
    }

    /// No floats: serde_json reads some of them back a last digit off unless built with
    /// `float_roundtrip`, and a resource only ever holds strings anyway.
    fn resource() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            text().prop_map(Value::String),
            any::<i64>().prop_map(Value::from),
            any::<bool>().prop_map(Value::Bool),
            Just(Value::Null),
        ];
        let member = leaf.prop_recursive(2, 12, 4, |inner| {
            prop::collection::vec((text(), inner), 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>()))
        });
        prop::collection::vec((text(), member), 0..8)
            .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>()))
    }

    fn signing() -> impl Strategy<Value = NotifySigning> {
        prop::sample::select(vec![
            NotifySigning::Sha256,
            NotifySigning::Md5,
            NotifySigning::None,
            NotifySigning::Md5Legacy,
        ])
    }

    /// The event fields in sending order, `resource` as compact JSON text.
    fn event() -> impl Strategy<Value = (Vec<(&'static str, String)>, Value)> {
        (text(), text(), text(), text(), resource()).prop_map(|(id, time, kind, summary, r)| {
            let fields = vec![
                ("id", id),
                ("createTime", time),
                ("eventType", kind),
                ("summary", summary),
                ("resource", r.to_string()),
            ];
            (fields, r)
        })
    }

    /// What the receiver should find: the non-empty fields in order, then `signType`.
    fn expected_unsigned(
        fields: &[(&str, String)],
        signing: NotifySigning,
    ) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = fields
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        if let Some(t) = signing.sign_type().filter(|_| signing.declares_sign_type()) {
            out.push(("signType".into(), t.as_str().into()));
        }
        out
    }

    /// Splits off `sign` and checks it against a fresh signature over the rest.
    fn check_sign(
        mut received: Vec<(String, String)>,
        signing: NotifySigning,
        key: &str,
    ) -> Result<Vec<(String, String)>, TestCaseError> {
        let sign = match received.last() {
            Some((k, v)) if k == "sign" => Some(v.clone()),
            _ => None,
        };
        if sign.is_some() {
            received.pop();
        }
        match (signing.sign_type(), sign) {
            (None, None) => {}
            (Some(t), Some(sign)) => {
                prop_assert!(matches!(t, NotifySignType::Sha256 | NotifySignType::Md5));
                prop_assert_eq!(notify_sign(&received, t, key), sign);
            }
            (t, s) => prop_assert!(false, "signType {:?} but sign {:?}", t, s),
        }
        Ok(received)
    }

    proptest! {
        #[test]
        fn a_form_body_decodes_to_the_fields_and_its_sign_verifies(
            (fields, _) in event(),
            signing in signing(),
            key in any::<String>(),
        ) {
            let sent = encode(&fields, NotifyFormat::Form, signing, &key);
            prop_assert_eq!(sent.content_type, FORM);
            prop_assert!(sent.body.is_ascii(), "{}", sent.body);
            let decoded: Vec<(String, String)> = url::form_urlencoded::parse(sent.body.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let unsigned = check_sign(decoded, signing, &key)?;
            prop_assert_eq!(unsigned, expected_unsigned(&fields, signing));
        }

        #[test]
        fn a_json_body_parses_to_the_fields_with_resource_as_an_object_and_its_sign_verifies(
            (fields, resource) in event(),
            signing in signing(),
            key in any::<String>(),
        ) {
            let sent = encode(&fields, NotifyFormat::Json, signing, &key);
            prop_assert_eq!(sent.content_type, JSON);
            let parsed: Value = match serde_json::from_str(&sent.body) {
                Ok(v) => v,
                Err(e) => return Err(TestCaseError::fail(format!("{e}: {}", sent.body))),
            };
            prop_assert_eq!(&parsed, &sent.payload);
            prop_assert_eq!(&parsed["resource"], &resource);
            let mut received = Vec::new();
            for (k, v) in parsed.as_object().into_iter().flatten() {
                let text = match v {
                    Value::String(s) if k != "resource" => s.clone(),
                    Value::Object(_) if k == "resource" => v.to_string(),
                    other => return Err(TestCaseError::fail(format!("{k} is {other}"))),
                };
                received.push((k.clone(), text));
            }
            let unsigned = check_sign(received, signing, &key)?;
            prop_assert_eq!(unsigned, expected_unsigned(&fields, signing));
        }
    }
}
