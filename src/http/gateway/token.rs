//! `POST /v1/token/access`: exchanges a signed request for an access token.

use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::web::{Data, Payload};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use chrono::Duration;

use super::auth::check_window;
use super::error::{JSON_UTF8, TokenError, TokenErrorBody, add_hint};
use super::token_request::{NotAnObject, RawTokenRequest, parse_request};
use crate::api::journal::RequestOutcome;
use crate::api::journal::TimestampWindow;
use crate::domain::faults::{CallEffect, Fired};
use crate::domain::journal::Draft;
use crate::domain::tokens::TokenRecord;
use crate::http::body::read_limited;
use crate::protocol::generate::token_hex;
use crate::protocol::signing::{TokenSignMethod, hex_matches, token_signature};
use crate::protocol::timefmt::parse_compact;
use crate::sandbox::Sandbox;

/// The success body, fields in the real platform's order: `errCode`, `errInfo`,
/// `accessToken`, `expiresIn`. `token` is lowercase hex.
fn issued_body(token: &str, expires_in: u64) -> String {
    format!(
        r#"{{"errCode":"0000","errInfo":"正常","accessToken":"{token}","expiresIn":{expires_in}}}"#
    )
}

/// Accepts a missing Content-Type (some HTTP clients send none) and any JSON media type.
fn check_content_type(req: &HttpRequest) -> Result<(), TokenError> {
    let Some(value) = req.headers().get(CONTENT_TYPE) else {
        return Ok(());
    };
    let text = value.to_str().unwrap_or("");
    let essence = text
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let is_json = essence == "application/json"
        || essence == "text/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"));
    if is_json {
        Ok(())
    } else {
        Err(TokenError::UnsupportedContentType(
            text.chars().take(60).collect(),
        ))
    }
}

/// What the journal should know of a refused token request.
fn outcome_of(e: &TokenError) -> RequestOutcome {
    match e {
        TokenError::TimestampUnparsable
        | TokenError::TimestampOutOfWindow { .. }
        | TokenError::UnknownApp
        | TokenError::BadSignature { .. }
        | TokenError::UnsupportedSignMethod(_) => RequestOutcome::AuthFailed,
        _ => RequestOutcome::BadRequest,
    }
}

/// `POST /v1/token/access`: faults first, then the real checks; every request is journaled.
pub async fn issue_token(req: HttpRequest, payload: Payload, state: Data<Sandbox>) -> HttpResponse {
    let mut draft = Draft::new(&req, state.clock.now());
    draft.scheme("token-request");
    let body = match read_limited(&req, payload, state.config.max_body_bytes).await {
        Ok(body) => body,
        Err(e) => {
            let e = TokenError::from(e);
            let response = e.error_response();
            draft.finish(
                &state.journal,
                response.status().as_u16(),
                Some(e.code().into()),
                "error".into(),
                RequestOutcome::BadRequest,
            );
            return response;
        }
    };
    draft.body(&body);
    // Parsed once here: the appId decides which faults apply, and `issue` checks the fields.
    let parsed = RawTokenRequest::from_slice(&body);
    let claimed_app = parsed.as_ref().ok().and_then(|r| r.app_id.as_str());
    if let Some(app_id) = claimed_app
        && state.apps.contains(app_id)
    {
        draft.app(app_id, state.clock_of(app_id).now());
    }
    let fault = {
        let mut rng = state.rng.lock();
        state.faults.take_token(claimed_app, &mut *rng)
    };
    if let Some(Fired { id, effect }) = fault {
        draft.fault(&id);
        match effect {
            CallEffect::Delay { delay_ms } => {
                tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
            }
            CallEffect::Error {
                http_status,
                err_code,
                err_msg,
            } => {
                let info = err_msg.unwrap_or_else(|| format!("沙箱故障注入（{id}）"));
                let status =
                    StatusCode::from_u16(http_status).unwrap_or(StatusCode::PRECONDITION_FAILED);
                let response =
                    HttpResponse::build(status)
                        .content_type(JSON_UTF8)
                        .json(TokenErrorBody {
                            err_code: &err_code,
                            err_info: &info,
                        });
                draft.finish(
                    &state.journal,
                    status.as_u16(),
                    Some(err_code),
                    format!("fault:{id}"),
                    RequestOutcome::Fault,
                );
                return response;
            }
        }
    }
    match issue(&req, &body, &parsed, &state) {
        Ok((response, window)) => {
            draft.accepted();
            draft.window(window);
            draft.finish(
                &state.journal,
                200,
                Some("0000".into()),
                "token".into(),
                RequestOutcome::Ok,
            );
            response
        }
        Err(e) => {
            let mut response = e.error_response();
            let outcome = outcome_of(&e);
            if outcome == RequestOutcome::AuthFailed {
                let diagnosis = match e {
                    TokenError::BadSignature { .. } => super::diagnosis::token(&state, &body),
                    _ => None,
                };
                draft.rejected(e.to_string(), diagnosis);
            }
            if let TokenError::TimestampOutOfWindow { .. } = e
                && let Some(hint) = window_hint(&state, &parsed)
            {
                add_hint(&mut response, &hint);
                draft.hint(hint);
            }
            draft.finish(
                &state.journal,
                response.status().as_u16(),
                Some(e.code().into()),
                "error".into(),
                outcome,
            );
            response
        }
    }
}

/// The hint for a timestamp outside the window, from the fields the request claims.
fn window_hint(
    state: &Sandbox,
    parsed: &Result<RawTokenRequest<'_>, NotAnObject>,
) -> Option<String> {
    let raw = parsed.as_ref().ok()?;
    super::diagnosis::window_hint(state, raw.app_id.as_str()?, raw.timestamp.as_str()?)
}

/// Issues a token after checking content type, fields, timestamp, app and signature, in that
/// order.
fn issue(
    req: &HttpRequest,
    body: &[u8],
    parsed: &Result<RawTokenRequest<'_>, NotAnObject>,
    state: &Sandbox,
) -> Result<(HttpResponse, TimestampWindow), TokenError> {
    check_content_type(req)?;
    let request = parse_request(body, parsed)?;
    let sent_at = parse_compact(&request.timestamp).map_err(|_| TokenError::TimestampUnparsable)?;
    let clock = state.clock_of(&request.app_id);
    let now = clock.now();
    let window =
        check_window(state.config.timestamp_window_secs, sent_at, &clock).map_err(|_| {
            TokenError::TimestampOutOfWindow {
                skew_secs: (sent_at - now).num_seconds(),
                window_secs: state.config.timestamp_window_secs,
            }
        })?;
    let app = state
        .apps
        .get(&request.app_id)
        .ok_or(TokenError::UnknownApp)?;
    let expected = token_signature(
        request.method,
        &app.app_id,
        &request.timestamp,
        &request.nonce,
        &app.app_key,
    );
    if !hex_matches(&expected, &request.signature) {
        return Err(TokenError::BadSignature {
            method: match request.method {
                TokenSignMethod::Sha256 => "SHA256",
                TokenSignMethod::Sha1 => "SHA1（未提供signMethod时按SHA1校验）",
            },
        });
    }
    let token = token_hex(&mut *state.rng.lock());
    let ttl = state.config.token_ttl_secs;
    let record = TokenRecord {
        app_id: app.app_id.clone(),
        issued_at: now,
        expires_at: now + Duration::seconds(i64::try_from(ttl).unwrap_or(i64::MAX / 2)),
    };
    state.tokens.issue(token.clone(), record, now);
    tracing::info!(app_id = %app.app_id, token_prefix = token.get(..6).unwrap_or_default(), "issued access token");
    // Written directly: the token is lowercase hex and the rest is fixed, so nothing needs
    // escaping (a test parses the answer and compares it with the serialised struct).
    Ok((
        HttpResponse::Ok()
            .content_type(JSON_UTF8)
            .body(issued_body(&token, ttl)),
        window,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_success_body_is_the_platform_s_json_in_its_field_order() {
        let body = issued_body("0123456789abcdef0123456789abcdef", 3600);
        let value: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(
            value,
            serde_json::json!({
                "errCode": "0000",
                "errInfo": "正常",
                "accessToken": "0123456789abcdef0123456789abcdef",
                "expiresIn": 3600,
            })
        );
        let keys: Vec<_> = ["errCode", "errInfo", "accessToken", "expiresIn"]
            .iter()
            .map(|k| body.find(k).unwrap_or(usize::MAX))
            .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{body}");
    }
}
