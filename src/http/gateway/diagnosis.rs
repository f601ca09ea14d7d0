//! The same diagnosis `POST /__mock/tools/verify` gives, attached to signature failures in the
//! journal — with the key masked.

use actix_web::HttpRequest;
use actix_web::http::header::AUTHORIZATION;
use serde_json::Value;

use super::auth::{Credentials, form_params, parse_authorization};
use crate::protocol::diagnose::{diagnose_body_sig, diagnose_token};
use crate::protocol::signing::{
    TokenSignMethod, hex_matches, mac_matches, open_body_canonical, open_body_mac, token_signature,
};
use crate::sandbox::Sandbox;

/// Why an OPEN-BODY-SIG or OPEN-FORM-PARAM signature did not match.
pub fn business(state: &Sandbox, req: &HttpRequest, body: &[u8]) -> Option<Value> {
    let (params, content, rule) = match req.headers().get(AUTHORIZATION) {
        Some(value) => match parse_authorization(value.to_str().ok()?).ok()? {
            Credentials::BodySig(params) => (params, body.to_vec(), "openBodySig"),
            Credentials::AccessToken(_) => return None,
        },
        None => {
            let (params, content) = form_params(req.query_string()).ok()??;
            (params, content.into_bytes(), "openFormParam")
        }
    };
    let app = state.apps.get(&params.app_id)?;
    let mut d = diagnose_body_sig(
        &params.app_id,
        &params.timestamp,
        &params.nonce,
        &content,
        &app.app_key,
        &params.signature,
        state.clock_of(&app.app_id).now(),
        state.config.timestamp_window_secs,
    );
    d.rule = rule;
    let with_md5 = open_body_mac(
        &app.md5_key,
        &open_body_canonical(&params.app_id, &params.timestamp, &params.nonce, &content),
    );
    if mac_matches(&with_md5, &params.signature) {
        d.hints.insert(0, MD5_KEY_HINT.to_owned());
    }
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
    let mut d = diagnose_token(
        &app.app_id,
        field("timestamp")?,
        field("nonce")?,
        &app.app_key,
        method,
        field("signature")?,
        state.clock_of(&app.app_id).now(),
        state.config.timestamp_window_secs,
    );
    let with_md5 = token_signature(
        method,
        &app.app_id,
        field("timestamp")?,
        field("nonce")?,
        &app.md5_key,
    );
    if hex_matches(&with_md5, field("signature")?) {
        d.hints.insert(0, MD5_KEY_HINT.to_owned());
    }
    serde_json::to_value(d.masked(&app.app_key).masked(&app.md5_key)).ok()
}

/// The journal knows both keys, so it can name this mix-up even when the tools cannot.
const MD5_KEY_HINT: &str = "the signature was made with the md5Key (通讯密钥), which signs notifications; requests are signed with the appKey";
