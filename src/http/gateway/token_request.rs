//! Reading a `POST /v1/token/access` body: one pass over the JSON, borrowing the strings.
//!
//! The body is read into the five fields that matter (other keys are skipped, a repeated key
//! keeps its last value, like a JSON object read into a map), so the hot path allocates nothing
//! for a well-formed request.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::error::TokenError;
use crate::protocol::signing::TokenSignMethod;

/// A JSON value as far as a token request cares: absent, `null`, a string, or anything else.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) enum Field<'a> {
    /// The key is not there.
    #[default]
    Absent,
    /// `null`.
    Null,
    /// A string (borrowed from the body unless it had escapes).
    Str(Cow<'a, str>),
    /// A number, boolean, array or object.
    Other,
}

impl<'a> Field<'a> {
    /// The string, when the field is one.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Field::Str(s) => Some(s),
            _ => None,
        }
    }
}

struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = Field<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Field<'de>, E> {
        Ok(Field::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Field<'de>, E> {
        Ok(Field::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Field<'de>, E> {
        Ok(Field::Str(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Field<'de>, E> {
        Ok(Field::Null)
    }
    fn visit_none<E>(self) -> Result<Field<'de>, E> {
        Ok(Field::Null)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Field<'de>, E> {
        Ok(Field::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Field<'de>, E> {
        Ok(Field::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Field<'de>, E> {
        Ok(Field::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Field<'de>, E> {
        Ok(Field::Other)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Field<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Field::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Field::Other)
    }
}

impl<'de> de::Deserialize<'de> for Field<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FieldVisitor)
    }
}

/// The fields of a token request body that parsed as a JSON object, not yet checked.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct RawTokenRequest<'a> {
    pub(crate) app_id: Field<'a>,
    pub(crate) timestamp: Field<'a>,
    pub(crate) nonce: Field<'a>,
    pub(crate) signature: Field<'a>,
    pub(crate) sign_method: Field<'a>,
}

/// Why a body is not a token request object at all.
#[derive(Debug)]
pub(crate) enum NotAnObject {
    /// Not JSON (or not UTF-8).
    Syntax(serde_json::Error),
    /// JSON, but not an object.
    NotObject,
}

struct RequestVisitor;

impl<'de> Visitor<'de> for RequestVisitor {
    type Value = RawTokenRequest<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut raw = RawTokenRequest::default();
        // `Field` borrows the key when it can (serde's own `Cow<str>` always copies).
        while let Some(key) = map.next_key::<Field<'de>>()? {
            let slot = match key.as_str().unwrap_or_default() {
                "appId" => &mut raw.app_id,
                "timestamp" => &mut raw.timestamp,
                "nonce" => &mut raw.nonce,
                "signature" => &mut raw.signature,
                "signMethod" => &mut raw.sign_method,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            *slot = map.next_value()?;
        }
        Ok(raw)
    }
}

impl<'a> RawTokenRequest<'a> {
    /// Reads a body; anything but one JSON object (and whitespace) is refused.
    pub(crate) fn from_slice(body: &'a [u8]) -> Result<Self, NotAnObject> {
        let mut de = serde_json::Deserializer::from_slice(body);
        let raw = match de.deserialize_map(RequestVisitor) {
            Ok(raw) => raw,
            Err(e) if e.is_data() => {
                // Valid JSON of another type, or broken JSON that starts like one: tell them
                // apart the way a full parse would.
                return Err(match serde_json::from_slice::<IgnoredAny>(body) {
                    Ok(_) => NotAnObject::NotObject,
                    Err(e) => NotAnObject::Syntax(e),
                });
            }
            Err(e) => return Err(NotAnObject::Syntax(e)),
        };
        de.end().map_err(NotAnObject::Syntax)?;
        Ok(raw)
    }
}

/// A token request's fields, checked for presence and type.
#[derive(Debug)]
pub(crate) struct TokenRequest<'a> {
    pub(crate) app_id: Cow<'a, str>,
    pub(crate) timestamp: Cow<'a, str>,
    pub(crate) nonce: Cow<'a, str>,
    pub(crate) signature: Cow<'a, str>,
    pub(crate) method: TokenSignMethod,
}

/// The longest nonce accepted, in characters.
pub(crate) const MAX_NONCE_CHARS: usize = 128;

fn required<'a>(field: &Field<'a>, name: &'static str) -> Result<Cow<'a, str>, TokenError> {
    match field {
        Field::Absent | Field::Null => Err(TokenError::MissingField(name)),
        Field::Str(s) if s.trim().is_empty() => Err(TokenError::MissingField(name)),
        Field::Str(s) => Ok(s.clone()),
        Field::Other => Err(TokenError::InvalidField {
            field: name,
            reason: "必须是字符串",
        }),
    }
}

/// Checks the fields of a body already read once (`parsed`, with why it is not an object).
pub(crate) fn parse_request<'a>(
    body: &[u8],
    parsed: &Result<RawTokenRequest<'a>, NotAnObject>,
) -> Result<TokenRequest<'a>, TokenError> {
    let raw = match parsed {
        Ok(raw) => raw,
        Err(NotAnObject::NotObject) => {
            return Err(TokenError::MalformedJson("必须是JSON对象".to_owned()));
        }
        Err(NotAnObject::Syntax(e)) => {
            return Err(TokenError::MalformedJson(
                if std::str::from_utf8(body).is_err() {
                    "不是合法的UTF-8".to_owned()
                } else {
                    format!("不是合法的JSON（{e}）")
                },
            ));
        }
    };
    let method = match &raw.sign_method {
        Field::Absent | Field::Null => TokenSignMethod::Sha1,
        Field::Str(m) if m.trim().is_empty() => TokenSignMethod::Sha1,
        Field::Str(m) if m.trim().eq_ignore_ascii_case("SHA256") => TokenSignMethod::Sha256,
        Field::Str(m) if m.trim().eq_ignore_ascii_case("SHA1") => TokenSignMethod::Sha1,
        Field::Str(m) => {
            return Err(TokenError::UnsupportedSignMethod(
                m.chars().take(20).collect(),
            ));
        }
        Field::Other => {
            return Err(TokenError::InvalidField {
                field: "signMethod",
                reason: "必须是字符串",
            });
        }
    };
    let request = TokenRequest {
        app_id: required(&raw.app_id, "appId")?,
        timestamp: required(&raw.timestamp, "timestamp")?,
        nonce: required(&raw.nonce, "nonce")?,
        signature: required(&raw.signature, "signature")?,
        method,
    };
    if request.nonce.chars().count() > MAX_NONCE_CHARS {
        return Err(TokenError::InvalidField {
            field: "nonce",
            reason: "不能超过128个字符",
        });
    }
    Ok(request)
}

#[cfg(test)]
#[path = "token_request_tests.rs"]
mod tests;
