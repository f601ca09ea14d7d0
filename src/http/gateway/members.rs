//! What the gateway checks in an authenticated call's members before anything serves it: a
//! `mid` must be a merchant of the calling app. The credentials decide which tenant is calling;
//! a `mid` of another tenant means the caller mixed up its credentials. Refusals are business
//! errors ([`BusinessError`], HTTP 200), as the real platform answers them.

use std::borrow::Cow;

use super::error::BusinessError;
use crate::domain::apps::App;
use crate::domain::stubs::RequestBody;
use crate::domain::stubs::body::Json;
use crate::sandbox::Sandbox;

/// Refuses a call whose `mid` belongs to other apps only, or is not a merchant number at all.
/// A `mid` no app has is left to whatever serves the call.
pub fn check(state: &Sandbox, app: &App, body: &RequestBody<'_>) -> Result<(), BusinessError> {
    let Some(mid) = merchant(body)? else {
        return Ok(());
    };
    if mid == app.mid {
        return Ok(());
    }
    let owners = state.apps.owners_of_mid(&mid);
    if !owners.is_empty() && !owners.contains(&app.app_id) {
        return Err(BusinessError::NoMerchant {
            mid: mid.into_owned(),
            app_id: app.app_id.clone(),
        });
    }
    Ok(())
}

/// For the journal: whose merchant a refused `mid` is. The answer may not name another tenant's
/// app, but the one who reads the journal needs both appIds to see the mix-up.
pub fn hint(state: &Sandbox, e: &BusinessError) -> Option<String> {
    let BusinessError::NoMerchant { mid, app_id } = e else {
        return None;
    };
    let mut owners = state.apps.owners_of_mid(mid);
    owners.sort();
    let own_mid = state
        .apps
        .get(app_id)
        .map(|a| a.mid.clone())
        .unwrap_or_default();
    Some(format!(
        "mid {mid} is the merchant of app {}, but the call used the credentials of app {app_id} \
         (whose mid is {own_mid}): the client mixed up two apps' settings",
        owners.join(", ")
    ))
}

/// The request's `mid` (inside a `{"data": …}` wrapper too): a string, or a number as its
/// digits (a Java platform reads `898…` into a string field as readily as `"898…"`). Absent,
/// `null` or empty: none. Anything else is malformed.
pub(crate) fn merchant<'b>(
    body: &'b RequestBody<'_>,
) -> Result<Option<Cow<'b, str>>, BusinessError> {
    let Some(mid) = body.json().and_then(|j| j.get("mid")) else {
        return Ok(None);
    };
    let kind = match mid {
        Json::Null => return Ok(None),
        Json::String(s) if s.is_empty() => return Ok(None),
        Json::String(s) => return Ok(Some(Cow::Borrowed(s))),
        Json::Number(n) => return Ok(Some(Cow::Owned(n.to_string()))),
        Json::Bool(_) => "布尔值",
        Json::Array(_) => "数组",
        Json::Object(_) => "对象",
    };
    Err(BusinessError::BadRequest {
        field: "mid".into(),
        reason: format!("应为商户号字符串，收到{kind}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mid_of(text: &str) -> Result<Option<String>, BusinessError> {
        merchant(&RequestBody::new(text.as_bytes())).map(|m| m.map(Cow::into_owned))
    }

    #[test]
    fn the_mid_is_read_as_text_from_a_string_or_a_number() {
        assert_eq!(
            mid_of(r#"{"mid":"898201612345678"}"#),
            Ok(Some("898201612345678".into()))
        );
        assert_eq!(
            mid_of(r#"{"mid":898201612345678}"#),
            Ok(Some("898201612345678".into()))
        );
        assert_eq!(
            mid_of(r#"{"data":{"mid":"898201612345678"}}"#),
            Ok(Some("898201612345678".into()))
        );
    }

    #[test]
    fn an_absent_null_or_empty_mid_or_a_body_that_is_not_json_is_none() {
        for text in [
            r#"{}"#,
            r#"{"mid":null}"#,
            r#"{"mid":""}"#,
            "a=1",
            "",
            "[1]",
        ] {
            assert_eq!(mid_of(text), Ok(None), "{text}");
        }
    }

    #[test]
    fn a_mid_of_another_kind_is_a_bad_request_naming_the_member() {
        for (text, kind) in [
            (r#"{"mid":true}"#, "布尔值"),
            (r#"{"mid":["898201612345678"]}"#, "数组"),
            (r#"{"data":{"mid":{"id":"898201612345678"}}}"#, "对象"),
        ] {
            let e = mid_of(text).expect_err(text);
            assert_eq!(e.code(), "BAD_REQUEST");
            assert_eq!(
                e.to_string(),
                format!("参数不合法: mid 应为商户号字符串，收到{kind}")
            );
        }
    }
}
