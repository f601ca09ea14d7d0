//! Every other `/v{N}/…` path: authenticate, check the members, let faults act, then answer
//! from a stub, the netpay simulation or with `NO_SERVICE`. Each request lands in the journal.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::web::{Data, Payload};
use actix_web::{HttpRequest, HttpResponse, ResponseError};

use super::auth::{AuthContext, authenticate, claimed_app};
use super::error::{AuthError, BusinessError, BusinessErrorBody, JSON_UTF8, add_hint, no_service};
use super::members;
use crate::api::journal::RequestOutcome;
use crate::domain::faults::{CallEffect, Fired};
use crate::domain::journal::Draft;
use crate::domain::stubs::{Rendered, RequestBody, StubMatch, TemplateContext};
use crate::http::body::read_limited;
use crate::sandbox::Sandbox;

/// The response header naming the app a call authenticated as, so tests and logs can tell
/// tenants apart.
pub const APP_HEADER: &str = "x-chinaums-mock-app-id";

/// What a served call amounts to, for the journal.
struct Served {
    response: HttpResponse,
    err_code: Option<String>,
    answered_by: String,
    outcome: RequestOutcome,
}

/// Authenticates a business call and answers it.
pub async fn handle(req: HttpRequest, payload: Payload, state: Data<Sandbox>) -> HttpResponse {
    let mut draft = Draft::new(&req, state.clock.now());
    let served = match read_limited(&req, payload, state.config.max_body_bytes).await {
        Err(e) => {
            let e = AuthError::from(e);
            Served {
                err_code: Some(e.code().to_owned()),
                response: e.error_response(),
                answered_by: "error".into(),
                outcome: RequestOutcome::BadRequest,
            }
        }
        Ok(body) => {
            draft.body(&body);
            serve(&state, &req, &body, &mut draft).await
        }
    };
    let status = served.response.status().as_u16();
    draft.finish(
        &state.journal,
        status,
        served.err_code,
        served.answered_by,
        served.outcome,
    );
    served.response
}

/// The scheme a request tries, for the journal (whether or not it succeeds).
fn scheme_tried(req: &HttpRequest) -> Option<String> {
    match req.headers().get(actix_web::http::header::AUTHORIZATION) {
        Some(v) => Some(
            String::from_utf8_lossy(v.as_bytes())
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_uppercase(),
        ),
        None => req
            .query_string()
            .to_ascii_lowercase()
            .contains("authorization=open-form-param")
            .then(|| "OPEN-FORM-PARAM".to_owned()),
    }
}

async fn serve(state: &Sandbox, req: &HttpRequest, bytes: &[u8], draft: &mut Draft) -> Served {
    let ctx = match authenticate(state, req, bytes) {
        Ok(ctx) => ctx,
        Err(e) => {
            // An accepted call records the scheme it used instead.
            if let Some(scheme) = scheme_tried(req) {
                draft.scheme(&scheme);
            }
            // Filed under the app the credentials name, as token requests are, so an app's
            // journal shows its failures too.
            if let Some(app_id) = claimed_app(state, req) {
                draft.app(&app_id, state.clock_of(&app_id).now());
            }
            let reason = e.reason();
            tracing::info!(method = %req.method(), path = %req.path(), code = e.code(), reason = %reason, "rejected business call");
            let diagnosis = match e {
                AuthError::BadSign => super::diagnosis::business(state, req, bytes),
                _ => None,
            };
            draft.rejected(reason, diagnosis);
            let mut response = e.error_response();
            if let AuthError::AbnormalRequestTime { .. } = e
                && let Some(hint) = super::diagnosis::business_window_hint(state, req)
            {
                add_hint(&mut response, &hint);
                draft.hint(hint);
            }
            return Served {
                err_code: Some(e.code().to_owned()),
                response,
                answered_by: "error".into(),
                outcome: RequestOutcome::AuthFailed,
            };
        }
    };
    draft.app(&ctx.app.app_id, state.clock_of(&ctx.app.app_id).now());
    if let Some(window) = ctx.window {
        draft.window(window);
    }
    draft.scheme(ctx.method.as_str());
    draft.accepted();
    tracing::info!(app_id = %ctx.app.app_id, method = %req.method(), path = %req.path(), scheme = ctx.method.as_str(), "authenticated business call");
    // The request's members: the body, or an OPEN-FORM-PARAM's `content`.
    let body = &RequestBody::new(ctx.members(bytes));
    if let Err(e) = members::check(state, &ctx.app, body) {
        if let Some(hint) = members::hint(state, &e) {
            draft.hint(hint);
        }
        return refused(e, &ctx);
    }
    let fault = {
        let mut rng = state.rng.lock();
        state
            .faults
            .take_gateway(&ctx.app.app_id, req.path(), &mut *rng)
    };
    if let Some(Fired { id, effect }) = fault {
        draft.fault(&id);
        match effect {
            CallEffect::Delay { delay_ms } => {
                tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            }
            CallEffect::Error {
                http_status,
                err_code,
                err_msg,
            } => return fault_answer(&id, http_status, err_code, err_msg, &ctx),
        }
    }
    let stub = state
        .stubs
        .find(req.method().as_str(), req.path(), &ctx.app.app_id, body);
    let mut served = match stub {
        Some(m) => stub_answer(state, req, body, &ctx, m).await,
        // No stub: the netpay simulation, for the paths it serves.
        None => match super::netpay::answer(state, req, body, &ctx.app) {
            Some(sim) => Served {
                response: sim.response,
                err_code: sim.err_code,
                answered_by: "simulation".into(),
                outcome: RequestOutcome::Ok,
            },
            None => Served {
                response: no_service(req.method().as_str(), req.path()),
                err_code: Some("NO_SERVICE".into()),
                answered_by: "no_service".into(),
                outcome: RequestOutcome::NoService,
            },
        },
    };
    if let Ok(value) = HeaderValue::from_str(&ctx.app.app_id) {
        served
            .response
            .headers_mut()
            .insert(HeaderName::from_static(APP_HEADER), value);
    }
    served
}

/// A business error: HTTP 200, as the real platform answers what its services refuse.
fn refused(e: BusinessError, ctx: &AuthContext) -> Served {
    tracing::info!(app_id = %ctx.app.app_id, code = e.code(), reason = %e, "refused business call");
    let mut response = e.error_response();
    if let Ok(value) = HeaderValue::from_str(&ctx.app.app_id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(APP_HEADER), value);
    }
    Served {
        response,
        err_code: Some(e.code().to_owned()),
        answered_by: "error".into(),
        outcome: RequestOutcome::BadRequest,
    }
}

/// The error a gateway fault answers with; without a message of its own it names the fault.
/// At HTTP 200 it is a business error (`errCode`, `errMsg`); at an HTTP error status it stands
/// for the gateway's own refusal, which also carries the text in `errInfo`.
fn fault_answer(
    id: &str,
    http_status: u16,
    code: String,
    msg: Option<String>,
    ctx: &AuthContext,
) -> Served {
    let msg = msg.unwrap_or_else(|| format!("沙箱故障注入（{id}）：{code}"));
    let status = StatusCode::from_u16(http_status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response =
        HttpResponse::build(status)
            .content_type(JSON_UTF8)
            .json(BusinessErrorBody {
                err_code: &code,
                err_msg: &msg,
                err_info: (status != StatusCode::OK).then_some(msg.as_str()),
            });
    if let Ok(value) = HeaderValue::from_str(&ctx.app.app_id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(APP_HEADER), value);
    }
    Served {
        response,
        err_code: Some(code),
        answered_by: format!("fault:{id}"),
        outcome: RequestOutcome::Fault,
    }
}

async fn stub_answer(
    state: &Sandbox,
    req: &HttpRequest,
    body: &RequestBody<'_>,
    ctx: &AuthContext,
    m: StubMatch,
) -> Served {
    let answer = &m.answer;
    if answer.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(answer.delay_ms)).await;
    }
    let rendered = {
        let mut rng = state.rng.lock();
        let mut tctx = TemplateContext {
            body,
            path: req.path(),
            method: req.method().as_str(),
            app: &ctx.app,
            now: state.clock_of(&ctx.app.app_id).now(),
            rng: &mut *rng,
        };
        answer.body.render(&mut tctx)
    };
    let mut builder = HttpResponse::build(answer.status);
    answer.add_headers(&mut builder);
    let (response, err_code) = match rendered {
        Rendered::Empty => (builder.finish(), None),
        Rendered::Text(text) => {
            if !answer.sets_content_type {
                builder.content_type("text/plain;charset=UTF-8");
            }
            (builder.body(text), None)
        }
        Rendered::Json { body, err_code } => {
            if !answer.sets_content_type {
                builder.content_type(JSON_UTF8);
            }
            (builder.body(body), err_code)
        }
    };
    Served {
        response,
        err_code,
        answered_by: m.answered_by,
        outcome: RequestOutcome::Ok,
    }
}

/// Whether a request path is a business path: `/`, a version segment (`v` or `V` and digits),
/// `/`, then anything. The version is read as the router reads paths, with escapes decoded
/// except `%25`, `%2F` and `%2B` (so `/%76%31/…` is one, `/v1%2F…` is not).
pub fn is_business_path(path: &str) -> bool {
    let Some((version, _)) = path.strip_prefix('/').and_then(|rest| rest.split_once('/')) else {
        return false;
    };
    let hex = |b: u8| char::from(b).to_digit(16);
    let bytes = version.as_bytes();
    let mut i = 0;
    let mut n = 0;
    while i < bytes.len() {
        let mut b = bytes[i];
        i += 1;
        if b == b'%' {
            let pair = bytes
                .get(i..i + 2)
                .and_then(|p| Some(hex(p[0])? << 4 | hex(p[1])?));
            if let Some(decoded) = pair.map(|d| d as u8)
                && !matches!(decoded, b'%' | b'/' | b'+')
            {
                b = decoded;
                i += 2;
            }
        }
        let fits = if n == 0 {
            matches!(b, b'v' | b'V')
        } else {
            b.is_ascii_digit()
        };
        if !fits {
            return false;
        }
        n += 1;
    }
    n >= 2
}

#[cfg(test)]
#[path = "business_tests.rs"]
mod tests;
