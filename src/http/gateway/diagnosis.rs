//! The same diagnosis `POST /__mock/tools/verify` gives, attached to signature failures in the
//! journal — with the key masked.

use actix_web::HttpRequest;
use actix_web::http::header::AUTHORIZATION;
use serde_json::Value;

use super::auth::{Credentials, form_params, parse_authorization};
use crate::protocol::diagnose::{self, Evidence};
use crate::protocol::signing::TokenSignMethod;
use crate::protocol::skew::{self, RefusedTimestamp};
use crate::protocol::timefmt::parse_compact;
use crate::protocol::variants::{BodyCase, TokenCase};
use crate::sandbox::Sandbox;

/// Why an OPEN-BODY-SIG or OPEN-FORM-PARAM signature did not match.
pub fn business(state: &Sandbox, req: &HttpRequest, body: &[u8]) -> Option<Value> {
    let (params, content, part) = match req.headers().get(AUTHORIZATION) {
        Some(value) => match parse_authorization(value.to_str().ok()?).ok()? {
            Credentials::BodySig(params) => (params, body.to_vec(), "body"),
            Credentials::AccessToken(_) => return None,
        },
        None => {
            let (params, content) = form_params(req.query_string()).ok()??;
            (params, content.into_bytes(), "content")
        }
    };
    let app = state.apps.get(&params.app_id)?;
    let case = BodyCase {
        app_id: &params.app_id,
        timestamp: &params.timestamp,
        nonce: &params.nonce,
        content: &content,
        app_key: &app.app_key,
        part,
    };
    let d = diagnose::body(
        &case,
        &params.signature,
        state.clock_of(&app.app_id).now(),
        state.config.timestamp_window_secs,
        other_key(&app.md5_key),
    );
    serde_json::to_value(d.masked(&app.app_key).masked(&app.md5_key)).ok()
}

/// Why a token request's signature did not match.
pub fn token(state: &Sandbox, body: &[u8]) -> Option<Value> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let field = |k: &str| v.get(k).and_then(Value::as_str);
    let app = state.apps.get(field("appId")?)?;
    let method = match field("signMethod").map(str::trim) {
        Some(m) if m.eq_ignore_ascii_case("SHA256") => TokenSignMethod::Sha256,
        _ => TokenSignMethod::Sha1,
    };
    let case = TokenCase {
        app_id: &app.app_id,
        timestamp: field("timestamp")?,
        nonce: field("nonce")?,
        app_key: &app.app_key,
        method,
    };
    let d = diagnose::token(
        &case,
        field("signature")?,
        state.clock_of(&app.app_id).now(),
        state.config.timestamp_window_secs,
        other_key(&app.md5_key),
    );
    serde_json::to_value(d.masked(&app.app_key).masked(&app.md5_key)).ok()
}

/// Why a signed timestamp of `app_id` was refused: the 8-hour slip, or how far it is from the
/// times the gateway accepts. `None` when the timestamp cannot be read.
pub fn window_hint(state: &Sandbox, app_id: &str, timestamp: &str) -> Option<String> {
    let sent_at = parse_compact(timestamp).ok()?;
    let clock = state.clock_of(app_id);
    let app = state.apps.get(app_id);
    Some(skew::window_hint(&RefusedTimestamp {
        sent_at,
        sandbox_now: clock.now(),
        wall_now: clock.wall_now(),
        window_secs: state.config.timestamp_window_secs,
        app: app.as_ref().map(|a| (a.app_id.as_str(), clock.id())),
    }))
}

/// [`window_hint`] for a business call, its appId and timestamp read from the credentials.
pub fn business_window_hint(state: &Sandbox, req: &HttpRequest) -> Option<String> {
    let params = match req.headers().get(AUTHORIZATION) {
        Some(value) => match parse_authorization(value.to_str().ok()?).ok()? {
            Credentials::BodySig(params) => params,
            Credentials::AccessToken(_) => return None,
        },
        None => form_params(req.query_string()).ok()??.0,
    };
    window_hint(state, &params.app_id, &params.timestamp)
}

/// The journal knows both keys, so it can try the md5Key mix-up even where the tools cannot.
fn other_key(md5_key: &str) -> Evidence<'_> {
    Evidence {
        received_canonical: None,
        other_key: Some(md5_key),
    }
}
