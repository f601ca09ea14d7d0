//! The ChinaUMS-facing gateway: `/v1/token/access` and authenticated `/v{N}/…` business paths.

pub mod auth;
mod business;
mod diagnosis;
pub mod error;
mod token;
mod token_request;

use actix_web::HttpResponse;
use actix_web::web::{self, ServiceConfig};

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
    .service(web::resource("/{version:[vV][0-9]+}/{service:.*}").to(business::handle));
}
