//! `--admin-token`: the control API answers only to `Authorization: Bearer <token>`.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use actix_web::middleware::Next;
use actix_web::web::Data;
use actix_web::{Error, HttpResponse};
use serde_json::json;
use subtle::ConstantTimeEq;

use crate::sandbox::Sandbox;

/// Paths that stay open: the health check (for orchestrators), the dashboard's static files
/// (they hold no data; the page sends the token itself) and the cashier pages.
fn is_public(method: &actix_web::http::Method, path: &str) -> bool {
    path == "/__mock/health"
        || path == "/__mock/ui"
        || path.starts_with("/__mock/ui/")
        // The built-in merchant receives the sandbox's own notifications, which carry no token;
        // it checks who is posting itself (own deliveries, or this token).
        || (method == actix_web::http::Method::POST && path.starts_with("/__mock/sink/"))
        // A cashier page is a link to one order or bill, behind an unguessable token.
        || super::cashier::is_cashier_path(path)
}

/// Whether `header` is `Bearer <expected>`, compared in constant time.
pub fn bearer_matches(header: Option<&str>, expected: &str) -> bool {
    let Some(value) = header else {
        return false;
    };
    let Some((scheme, token)) = value.trim().split_once(' ') else {
        return false;
    };
    scheme.eq_ignore_ascii_case("Bearer")
        && bool::from(token.trim().as_bytes().ct_eq(expected.as_bytes()))
}

/// Rejects control requests without the admin token (when one is configured).
pub async fn require_admin(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let expected = req
        .app_data::<Data<Sandbox>>()
        .and_then(|s| s.config.admin_token.clone());
    let allowed = match &expected {
        None => true,
        Some(token) => {
            is_public(req.method(), req.path())
                || bearer_matches(
                    req.headers()
                        .get(AUTHORIZATION)
                        .and_then(|v| v.to_str().ok()),
                    token,
                )
        }
    };
    if allowed {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let response = HttpResponse::Unauthorized()
        .insert_header((WWW_AUTHENTICATE, "Bearer realm=\"chinaums-mock\""))
        .json(json!({
            "error": {
                "code": "UNAUTHORIZED",
                "message": "the control API needs Authorization: Bearer <admin token> (--admin-token)",
            }
        }));
    Ok(req.into_response(response).map_into_right_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_bearer_token_passes() {
        assert!(bearer_matches(Some("Bearer s3cret"), "s3cret"));
        assert!(bearer_matches(Some("bearer  s3cret "), "s3cret"));
        assert!(!bearer_matches(Some("Bearer s3cre"), "s3cret"));
        assert!(!bearer_matches(Some("Basic s3cret"), "s3cret"));
        assert!(!bearer_matches(Some("s3cret"), "s3cret"));
        assert!(!bearer_matches(None, "s3cret"));
    }
}
