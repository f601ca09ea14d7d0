//! The ChinaUMS-facing gateway: `/v1/token/access` and authenticated `/v{N}/…` business paths.

pub mod auth;
mod business;
mod diagnosis;
pub mod error;
mod members;
mod netpay;
mod token;
mod token_request;

use actix_web::web::{self, ServiceConfig};
use actix_web::{HttpResponse, guard};

pub use error::TokenError;

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
        // `/{version}/…`, told by a guard: a path pattern for it (`/{version:[vV][0-9]+}/…`)
        // runs the router's regex with captures on every call.
        web::scope("")
            .guard(guard::fn_guard(|ctx| {
                business::is_business_path(ctx.head().uri.path())
            }))
            .default_service(web::to(business::handle)),
    );
}
