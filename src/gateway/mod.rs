//! The ChinaUMS-facing gateway: `/v1/token/access` and authenticated `/v{N}/…` business paths.

pub mod auth;
mod business;
mod diagnosis;
pub mod error;
mod token;
mod token_request;

use actix_web::web::{self, ServiceConfig};
use actix_web::{HttpResponse, guard};

pub use business::APP_HEADER;
pub use error::{AuthError, TokenError};

/// Registers the gateway routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        web::resource("/v1/token/access")
            .route(web::post().to(token::issue_token))
            .default_service(web::to(|| async {
                Err::<HttpResponse, _>(TokenError::MethodNotAllowed)
            })),
    )
    .service(
        // `/{version}/…`: the version is matched as a prefix, which stops after it (a
        // `{service:.*}` segment ran the router's regex over the whole path on every call), and
        // `/v1` alone, with nothing after the version, is no business path.
        web::scope("/{version:[vV][0-9]+}")
            .guard(guard::fn_guard(|ctx| has_service(ctx.head().uri.path())))
            .default_service(web::to(business::handle)),
    );
}

/// Whether a path whose first segment is the version goes on after it. The router matches the
/// path with escapes such as `%76` decoded, but never `%2F`, so the slashes are where they are
/// in the raw path.
fn has_service(path: &str) -> bool {
    path.get(1..).is_some_and(|rest| rest.contains('/'))
}
