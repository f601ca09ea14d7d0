//! `POST /v1/token/access`: exchanges a signed request for an access token.

use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::web::{Data, Payload};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use chrono::Duration;
use serde::Serialize;
use serde_json::{Map, Value};

use super::auth::check_window;
use super::error::{JSON_UTF8, TokenError, TokenErrorBody};
use crate::apps::generate::hex32;
use crate::body::read_limited;
use crate::faults::{FaultAction, FaultTarget};
use crate::journal::Draft;
use crate::signing::{TokenSignMethod, hex_matches, token_signature};
use crate::state::AppState;
use crate::timefmt::parse_compact;
use crate::tokens::TokenRecord;

/// The success body, fields in the real platform's order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenIssued<'a> {
    err_code: &'a str,
    err_info: &'a str,
    access_token: &'a str,
    expires_in: u64,
}

/// A token request's fields, checked for presence and type.
#[derive(Debug)]
pub(crate) struct TokenRequest {
    pub(crate) app_id: String,
    pub(crate) timestamp: String,
    pub(crate) nonce: String,
    pub(crate) signature: String,
    pub(crate) method: TokenSignMethod,
}

const MAX_NONCE_CHARS: usize = 128;

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

fn required(map: &Map<String, Value>, field: &'static str) -> Result<String, TokenError> {
    match map.get(field) {
        None | Some(Value::Null) => Err(TokenError::MissingField(field)),
        Some(Value::String(s)) if s.trim().is_empty() => Err(TokenError::MissingField(field)),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(TokenError::InvalidField {
            field,
            reason: "必须是字符串",
        }),
    }
}

/// Checks the fields of a body already parsed once (`parsed`, with its parse error if any).
fn parse_request(
    body: &[u8],
    parsed: &Result<Value, serde_json::Error>,
) -> Result<TokenRequest, TokenError> {
    let value = parsed.as_ref().map_err(|e| {
        TokenError::MalformedJson(if std::str::from_utf8(body).is_err() {
            "不是合法的UTF-8".to_owned()
        } else {
            format!("不是合法的JSON（{e}）")
        })
    })?;
    let Value::Object(map) = value else {
        return Err(TokenError::MalformedJson("必须是JSON对象".to_owned()));
    };
    let method = match map.get("signMethod") {
        None | Some(Value::Null) => TokenSignMethod::Sha1,
        Some(Value::String(m)) if m.trim().is_empty() => TokenSignMethod::Sha1,
        Some(Value::String(m)) if m.trim().eq_ignore_ascii_case("SHA256") => {
            TokenSignMethod::Sha256
        }
        Some(Value::String(m)) if m.trim().eq_ignore_ascii_case("SHA1") => TokenSignMethod::Sha1,
        Some(Value::String(m)) => {
            return Err(TokenError::UnsupportedSignMethod(
                m.chars().take(20).collect(),
            ));
        }
        Some(_) => {
            return Err(TokenError::InvalidField {
                field: "signMethod",
                reason: "必须是字符串",
            });
        }
    };
    let request = TokenRequest {
        app_id: required(map, "appId")?,
        timestamp: required(map, "timestamp")?,
        nonce: required(map, "nonce")?,
        signature: required(map, "signature")?,
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

/// What the journal should know of a refused token request.
fn outcome_of(e: &TokenError) -> &'static str {
    match e {
        TokenError::TimestampUnparsable
        | TokenError::TimestampOutOfWindow { .. }
        | TokenError::UnknownApp
        | TokenError::BadSignature { .. }
        | TokenError::UnsupportedSignMethod(_) => "auth_failed",
        _ => "bad_request",
    }
}

/// `POST /v1/token/access`: faults first, then the real checks; every request is journaled.
pub async fn issue_token(
    req: HttpRequest,
    payload: Payload,
    state: Data<AppState>,
) -> HttpResponse {
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
                "bad_request",
            );
            return response;
        }
    };
    draft.body(&body);
    // Parsed once here: the appId decides which faults apply, and `issue` checks the fields.
    let parsed = serde_json::from_slice::<Value>(&body);
    let claimed_app = parsed
        .as_ref()
        .ok()
        .and_then(|v| v.get("appId").and_then(Value::as_str).map(str::to_owned));
    if let Some(app_id) = &claimed_app {
        if state.apps.get(app_id).is_some() {
            draft.app(app_id);
        }
    }
    let fault = {
        let mut rng = state.rng.lock();
        state
            .faults
            .take(FaultTarget::Token, claimed_app.as_deref(), None, &mut *rng)
    };
    if let Some(fault) = fault {
        draft.fault(&fault.id);
        if fault.action == FaultAction::Delay {
            tokio::time::sleep(std::time::Duration::from_millis(
                fault.delay_ms.unwrap_or(0),
            ))
            .await;
        } else {
            let code = fault.err_code.clone().unwrap_or_else(|| "9200".into());
            let info = fault
                .err_msg
                .clone()
                .unwrap_or_else(|| format!("沙箱故障注入（{}）", fault.id));
            let status = StatusCode::from_u16(fault.http_status.unwrap_or(412))
                .unwrap_or(StatusCode::PRECONDITION_FAILED);
            let response =
                HttpResponse::build(status)
                    .content_type(JSON_UTF8)
                    .json(TokenErrorBody {
                        err_code: &code,
                        err_info: &info,
                    });
            draft.finish(
                &state.journal,
                status.as_u16(),
                Some(code),
                format!("fault:{}", fault.id),
                "fault",
            );
            return response;
        }
    }
    match issue(&req, &body, &parsed, &state) {
        Ok(response) => {
            draft.accepted();
            draft.finish(
                &state.journal,
                200,
                Some("0000".into()),
                "token".into(),
                "ok",
            );
            response
        }
        Err(e) => {
            let response = e.error_response();
            let outcome = outcome_of(&e);
            if outcome == "auth_failed" {
                let diagnosis = match e {
                    TokenError::BadSignature { .. } => super::diagnosis::token(&state, &body),
                    _ => None,
                };
                draft.rejected(e.to_string(), diagnosis);
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

/// Issues a token after checking content type, fields, timestamp, app and signature, in that
/// order.
fn issue(
    req: &HttpRequest,
    body: &[u8],
    parsed: &Result<Value, serde_json::Error>,
    state: &AppState,
) -> Result<HttpResponse, TokenError> {
    check_content_type(req)?;
    let request = parse_request(body, parsed)?;
    let sent_at = parse_compact(&request.timestamp).map_err(|_| TokenError::TimestampUnparsable)?;
    let now = state.clock.now();
    check_window(state.config.timestamp_window_secs, sent_at, now).map_err(|_| {
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
    let token = hex32(&mut *state.rng.lock());
    let ttl = state.config.token_ttl_secs;
    let record = TokenRecord {
        app_id: app.app_id.clone(),
        issued_at: now,
        expires_at: now + Duration::seconds(i64::try_from(ttl).unwrap_or(i64::MAX / 2)),
    };
    state.tokens.issue(token.clone(), record, now);
    tracing::info!(app_id = %app.app_id, token_prefix = token.get(..6).unwrap_or_default(), "issued access token");
    Ok(HttpResponse::Ok()
        .content_type(JSON_UTF8)
        .json(TokenIssued {
            err_code: "0000",
            err_info: "正常",
            access_token: &token,
            expires_in: ttl,
        }))
}

/// [`parse_request`] for a body not parsed yet.
#[cfg(test)]
fn parse_request_once(body: &[u8]) -> Result<TokenRequest, TokenError> {
    parse_request(body, &serde_json::from_slice(body))
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(any::<String>(), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn filled() -> impl Strategy<Value = String> {
        any::<String>().prop_filter("not blank", |s| !s.trim().is_empty())
    }

    /// What a client may send as `signMethod`, and what it means.
    fn sign_method() -> impl Strategy<Value = (Option<Value>, TokenSignMethod)> {
        use TokenSignMethod::{Sha1, Sha256};
        prop::sample::select(vec![
            (None, Sha1),
            (Some(Value::Null), Sha1),
            (Some(json!("")), Sha1),
            (Some(json!("  ")), Sha1),
            (Some(json!("SHA256")), Sha256),
            (Some(json!("sha256")), Sha256),
            (Some(json!(" Sha256 ")), Sha256),
            (Some(json!("SHA1")), Sha1),
            (Some(json!("sha1")), Sha1),
        ])
    }

    proptest! {
        #[test]
        fn no_bytes_make_the_token_request_parser_panic(body in any::<Vec<u8>>()) {
            let _ = parse_request_once(&body);
        }

        #[test]
        fn every_well_formed_body_is_accepted_with_its_fields(
            app_id in filled(),
            timestamp in filled(),
            nonce in filled().prop_filter("at most 128 characters", |n| n.chars().count() <= MAX_NONCE_CHARS),
            signature in filled(),
            (sign_method, method) in sign_method(),
            extra in prop::collection::btree_map("[a-z]{1,8}", any_json(), 0..4),
            pretty in any::<bool>(),
        ) {
            let mut map: Map<String, Value> = extra.into_iter().collect();
            map.insert("appId".into(), json!(app_id));
            map.insert("timestamp".into(), json!(timestamp));
            map.insert("nonce".into(), json!(nonce));
            map.insert("signature".into(), json!(signature));
            match sign_method {
                Some(m) => map.insert("signMethod".into(), m),
                None => map.remove("signMethod"),
            };
            let value = Value::Object(map);
            let body = if pretty {
                serde_json::to_vec_pretty(&value)
            } else {
                serde_json::to_vec(&value)
            };
            let body = body.unwrap_or_default();
            let parsed = match parse_request_once(&body) {
                Ok(parsed) => parsed,
                Err(e) => {
                    let body = String::from_utf8_lossy(&body);
                    return Err(TestCaseError::fail(format!("{e}: {body}")));
                }
            };
            prop_assert_eq!(
                (parsed.app_id, parsed.timestamp, parsed.nonce, parsed.signature, parsed.method),
                (app_id, timestamp, nonce, signature, method)
            );
        }

        #[test]
        fn a_damaged_well_formed_body_is_refused_or_read_but_never_panics(
            cut in any::<prop::sample::Index>(),
            byte in any::<u8>(),
            insert in any::<bool>(),
        ) {
            let mut body = serde_json::to_vec(&json!({
                "appId": "10037e6f66f2d0f901672aa27d690006",
                "timestamp": "20261125120000",
                "nonce": "3f9a1c0e5b7d4e2f8a6b9c0d1e2f3a4b",
                "signMethod": "SHA256",
                "signature": "28e23d3448c49a2f0337601f2fa68e17549c7a27ee4fbecbb4c4d765c028dda7",
            })).unwrap_or_default();
            let at = cut.index(body.len());
            if insert {
                body.insert(at, byte);
            } else {
                body[at] = byte;
            }
            let _ = parse_request_once(&body);
        }

        #[test]
        fn a_nonce_longer_than_128_characters_is_refused(extra in 1usize..64, c in any::<char>()) {
            prop_assume!(!c.is_whitespace());
            let nonce: String = std::iter::repeat_n(c, MAX_NONCE_CHARS + extra).collect();
            let body = json!({"appId": "a", "timestamp": "t", "nonce": nonce, "signature": "s"}).to_string();
            let refused = matches!(
                parse_request_once(body.as_bytes()),
                Err(TokenError::InvalidField { field: "nonce", .. })
            );
            prop_assert!(refused);
        }
    }
}
