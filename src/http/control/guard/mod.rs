//! The browser guard of the control API: it answers only the sandbox's own names
//! (`--allow-host`), and only the sandbox's own pages may change state (`--allow-origin`).
//! The rules are in [`rules`]; this is the middleware that applies them.

pub mod rules;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{HOST, ORIGIN};
use actix_web::middleware::Next;
use actix_web::web::Data;
use actix_web::{Error, ResponseError};

use super::ControlError;
use crate::sandbox::Sandbox;

/// Answered to any host: the health check (orchestrators probe it by whatever name they have;
/// it holds nothing), and the built-in sink's `POST`, which takes only the sandbox's own
/// deliveries whatever name they were sent to (see `sink.rs`).
fn skips_guard(method: &Method, path: &str) -> bool {
    (path == "/__mock/health" && matches!(*method, Method::GET | Method::HEAD))
        || (*method == Method::POST && path.starts_with("/__mock/sink/"))
}

/// The host the request was sent to: its `Host` header, or the authority of an absolute URI.
fn host_of(req: &ServiceRequest) -> Option<String> {
    match req.headers().get(HOST) {
        Some(value) => Some(String::from_utf8_lossy(value.as_bytes()).into_owned()),
        None => req.uri().authority().map(|a| a.as_str().to_owned()),
    }
}

fn header<'r>(req: &'r ServiceRequest, name: &str) -> Option<&'r str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Why the guard refused a request, if it did.
fn refusal(req: &ServiceRequest, state: &Sandbox) -> Option<ControlError> {
    if skips_guard(req.method(), req.path()) {
        return None;
    }
    let config = &state.config;
    let host = host_of(req);
    if !rules::host_allowed(host.as_deref(), &config.host, &config.allow_hosts) {
        let host = host.unwrap_or_default();
        tracing::info!(host = %host, path = %req.path(), "control API: Host not allowed");
        return Some(ControlError::Forbidden {
            code: "HOST_NOT_ALLOWED",
            message: format!(
                "the control API does not answer requests sent to {host:?}: it answers \
                 localhost, IP addresses and the names of --allow-host \
                 (CHINAUMS_MOCK_ALLOW_HOST), e.g. --allow-host {}",
                rules::split_host(&host).map_or_else(|| "NAME".to_owned(), |(name, _)| name)
            ),
        });
    }
    let safe = matches!(*req.method(), Method::GET | Method::HEAD);
    let origin = req.headers().get(ORIGIN).and_then(|v| v.to_str().ok());
    if !safe
        && !rules::origin_allowed(
            host.as_deref(),
            origin,
            header(req, "sec-fetch-site"),
            &config.allow_origins,
        )
    {
        let origin = origin.unwrap_or("another site");
        tracing::info!(origin = %origin, path = %req.path(), "control API: cross-site request refused");
        return Some(ControlError::Forbidden {
            code: "CROSS_ORIGIN_REFUSED",
            message: format!(
                "a web page of {origin} may not change the sandbox: only the sandbox's own pages \
                 may, and those of the origins given to --allow-origin (CHINAUMS_MOCK_ALLOW_ORIGIN)"
            ),
        });
    }
    None
}

/// Refuses, with 403, requests sent to a name the sandbox does not answer to and state changes
/// from other sites' pages.
pub async fn browser_guard(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let refused = req
        .app_data::<Data<Sandbox>>()
        .and_then(|state| refusal(&req, state));
    match refused {
        None => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body),
        Some(e) => Ok(req.into_response(e.error_response()).map_into_right_body()),
    }
}
