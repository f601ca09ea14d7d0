//! How a step's call came out: a control call's typed answer or refusal, or a gateway answer,
//! checked against the step's `expect` and turned into words when it fails.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::client::Reply;
use super::steps::Args;
use crate::client::ClientError;

/// `HTTP 409 AUTHORIZATION_ALREADY_OPEN: …` for a refusal, the error itself otherwise.
pub fn said(e: &ClientError) -> String {
    match e {
        ClientError::Control {
            status,
            code,
            message,
        } => format!("HTTP {status} {code}: {message}"),
        other => other.to_string(),
    }
}

/// `GET /__mock/clock answered HTTP …` — a failed control call, for a failure message.
pub fn failed(what: &str, e: &ClientError) -> String {
    match e {
        ClientError::Control { .. } => format!("{what} answered {}", said(e)),
        other => format!("{what} failed: {other}"),
    }
}

/// A control refusal as the answer it was on the wire, so `expect` can be checked against it.
pub(super) fn refusal(e: &ClientError) -> Option<Reply> {
    match e {
        ClientError::Control {
            status,
            code,
            message,
        } => Some(Reply {
            status: *status,
            body: json!({ "error": { "code": code, "message": message } }),
        }),
        _ => None,
    }
}

/// A step field as the control API's request type.
pub(super) fn field<T: DeserializeOwned>(args: &Args, name: &str) -> Result<T, String> {
    let value = args.value(name).cloned().unwrap_or_else(|| json!({}));
    serde_json::from_value(value).map_err(|e| format!("{name} is not valid: {e}"))
}

/// The outcome of a control call checked against `expect` (success is `ok`): the answer's JSON.
pub(super) fn answered<T: Serialize>(
    what: &str,
    result: Result<T, ClientError>,
    expect: Option<&Value>,
    ok: u16,
) -> Result<Value, String> {
    let reply = match result {
        Ok(value) => Reply {
            status: ok,
            body: serde_json::to_value(value).map_err(|e| format!("{what}: {e}"))?,
        },
        Err(e) => refusal(&e).ok_or_else(|| failed(what, &e))?,
    };
    check(what, &reply, expect, (ok, None))?;
    Ok(reply.body)
}

/// Checks an answer against `expect` (`httpStatus`, `errCode`); without one, against the
/// default status and code.
pub(super) fn check(
    what: &str,
    answer: &Reply,
    expect: Option<&Value>,
    default: (u16, Option<&str>),
) -> Result<(), String> {
    let (status, code) = match expect {
        Some(e) => (
            e["httpStatus"].as_u64().map(|s| s as u16),
            e["errCode"].as_str(),
        ),
        None => (Some(default.0), default.1),
    };
    let status_ok = status.is_none_or(|s| s == answer.status);
    let code_ok = code.is_none_or(|c| answer.code() == Some(c));
    if status_ok && code_ok {
        return Ok(());
    }
    let wanted = match (status, code) {
        (Some(s), Some(c)) => format!("HTTP {s} {c}"),
        (Some(s), None) => format!("HTTP {s}"),
        (None, Some(c)) => c.to_owned(),
        (None, None) => "anything".to_owned(),
    };
    let mut message = format!("{what}: expected {wanted}, got {}", answer.summary());
    if answer.code() == Some("ROUTE_NOT_FOUND") {
        message.push_str(" (this sandbox does not offer that control route)");
    }
    Err(message)
}

/// Deletes one fault or stub (a missing one counts as cleared) or all of them.
pub(super) fn cleared(
    what: &str,
    id: Option<&str>,
    result: Result<(), ClientError>,
) -> Result<Value, String> {
    let gone = match &result {
        Ok(()) => false,
        Err(ClientError::Control {
            status: 404, code, ..
        }) if id.is_some() && code != "ROUTE_NOT_FOUND" => true,
        Err(e) => {
            let reply = refusal(e).ok_or_else(|| failed(what, e))?;
            check(what, &reply, None, (204, None))?;
            false
        }
    };
    Ok(json!({ "cleared": id.unwrap_or("all"), "alreadyGone": gone }))
}
