//! The request head limit: a request line plus headers over 32 KiB is answered 431, in the
//! shape of the surface it was sent to, before any handler runs.
//!
//! The HTTP layer has limits of its own, which stay as outer bounds: a head it cannot parse
//! within 128 KiB, or with more than 96 headers, is answered 431 by it, with no body, and the
//! connection is closed.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{RequestHead, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};
use serde_json::json;

/// The largest request head served, in bytes: the request line and every header line as sent
/// (`name: value` plus CRLF).
pub const MAX_HEAD_BYTES: usize = 32 * 1024;

/// The size of `head` as it came on the wire, give or take the spelling of its version.
pub fn head_size(head: &RequestHead) -> usize {
    let target = head.uri.path_and_query().map_or(1, |pq| pq.as_str().len())
        + head.uri.authority().map_or(0, |a| a.as_str().len());
    // `METHOD target HTTP/1.1\r\n`
    let request_line = head.method.as_str().len() + 1 + target + 11;
    let headers: usize = head
        .headers
        .iter()
        .map(|(name, value)| name.as_str().len() + 2 + value.len() + 2)
        .sum();
    request_line + headers + 2
}

/// Answers 431 to a request whose head is over [`MAX_HEAD_BYTES`]; lets the others through.
pub async fn limit_head(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let size = head_size(req.head());
    if size <= MAX_HEAD_BYTES {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    tracing::info!(path = %req.path(), size, "request head too large");
    let message =
        format!("request line and headers are {size} bytes; at most {MAX_HEAD_BYTES} are accepted");
    let body = if req.path().starts_with("/__mock") {
        json!({ "error": { "code": "HEADERS_TOO_LARGE", "message": message } })
    } else {
        json!({ "errCode": "HEADERS_TOO_LARGE", "errMsg": format!("请求头过大：{message}") })
    };
    let response = HttpResponse::build(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE).json(body);
    Ok(req.into_response(response).map_into_right_body())
}
