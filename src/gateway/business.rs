//! Every other `/v{N}/…` path: authenticate, then answer (stubs come later; for now
//! `NO_SERVICE`).

use actix_web::web::{Data, Payload};
use actix_web::{HttpRequest, HttpResponse};

use super::auth::authenticate;
use super::error::{no_service, AuthError};
use crate::body::read_limited;
use crate::state::AppState;

/// The response header naming the app a call authenticated as, so tests and logs can tell
/// tenants apart.
pub const APP_HEADER: &str = "x-chinaums-mock-app-id";

/// Authenticates a business call and answers it.
pub async fn handle(
    req: HttpRequest,
    payload: Payload,
    state: Data<AppState>,
) -> Result<HttpResponse, AuthError> {
    let body = read_limited(&req, payload, state.config.max_body_bytes).await?;
    let outcome = authenticate(&state, &req, &body);
    match outcome {
        Ok(ctx) => {
            tracing::info!(
                app_id = %ctx.app.app_id,
                method = %req.method(),
                path = %req.path(),
                scheme = ?ctx.method,
                "authenticated business call"
            );
            let mut response = no_service(req.method().as_str(), req.path());
            if let Ok(value) = ctx.app.app_id.parse() {
                response.headers_mut().insert(
                    actix_web::http::header::HeaderName::from_static(APP_HEADER),
                    value,
                );
            }
            Ok(response)
        }
        Err(e) => {
            tracing::info!(
                method = %req.method(),
                path = %req.path(),
                code = e.code(),
                reason = %e,
                "rejected business call"
            );
            Err(e)
        }
    }
}
