//! Turning notification fields into the exact bytes sent, signed per the app's settings.
//!
//! Both formats sign the same string (protocol §4): every field but `sign` with a non-empty
//! value, sorted by key, `k=v` joined with `&`, then the md5Key. `resource` takes part as its
//! compact JSON text — in the form body that is the field's value; in the JSON body it is the
//! `resource` member's text exactly as it appears in the body.

use serde_json::Value;

use crate::apps::{NotifyFormat, NotifySigning};
use crate::signing::{form_encode, notify_sign};

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
/// app's format and signature. `signType` and `sign` are appended unless signing is `NONE`.
pub fn encode(
    fields: &[(&str, String)],
    format: NotifyFormat,
    signing: NotifySigning,
    md5_key: &str,
) -> Encoded {
    let mut all: Vec<(&str, String)> = fields
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (*k, v.clone()))
        .collect();
    if let Some(sign_type) = signing.sign_type() {
        all.push(("signType", sign_type.as_str().to_owned()));
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

    fn vector_fields() -> (Vec<(&'static str, String)>, serde_json::Value) {
        let v: Value =
            serde_json::from_str(include_str!("../../tests/data/vectors.json")).unwrap_or_default();
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
        assert!(json
            .body
            .starts_with("{\"id\":\"EV-2026112512000012345\",\"createTime\""));
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
