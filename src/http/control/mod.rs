//! The control API under `/__mock`: everything a test uses to script and inspect the sandbox.

mod admin;
pub(crate) mod apps;
mod clock;
mod conformance;
mod error;
pub(crate) mod faults;
mod journal;
mod json;
pub(crate) mod notify;
pub mod openapi;
pub(crate) mod payscore;
mod reset;
mod scenarios;
mod sink;
pub(crate) mod stubs;
mod tools;
mod tools_request;

use actix_web::web::{self, Data, ServiceConfig};
use actix_web::{HttpRequest, HttpResponse, Resource};
use serde_json::json;

pub use error::ControlError;
pub use json::parse_json;

use crate::sandbox::AppState;

/// Registers `/__mock` and everything under it.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        web::scope("/__mock")
            .wrap(actix_web::middleware::from_fn(admin::require_admin))
            .app_data(
                web::QueryConfig::default()
                    .error_handler(|e, _| ControlError::InvalidQuery(e.to_string()).into()),
            )
            .app_data(
                web::PathConfig::default()
                    .error_handler(|e, _| ControlError::InvalidQuery(e.to_string()).into()),
            )
            .service(resource("/health").route(web::get().to(health)))
            .configure(clock::configure)
            .configure(reset::configure)
            .configure(openapi::configure)
            .configure(apps::configure)
            .configure(payscore::configure)
            .configure(notify::configure)
            .configure(faults::configure)
            .configure(stubs::configure)
            .configure(journal::configure)
            .configure(tools::configure)
            .configure(conformance::configure)
            .configure(scenarios::configure)
            .configure(sink::configure)
            .configure(crate::http::ui::configure)
            .default_service(web::to(route_not_found)),
    );
}

/// A control resource whose unsupported methods answer 405 in the control error shape.
pub fn resource(path: &str) -> Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn health(state: Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(crate::api::health::Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        apps: state.apps.len(),
        now: state.clock.now(),
    })
}

async fn method_not_allowed(req: HttpRequest) -> HttpResponse {
    let mut response = HttpResponse::MethodNotAllowed();
    // RFC 9110 requires a 405 to list what the resource does support.
    let allowed = openapi::allowed_methods(req.match_pattern().as_deref().unwrap_or(req.path()));
    if !allowed.is_empty() {
        response.insert_header((actix_web::http::header::ALLOW, allowed.join(", ")));
    }
    response.json(json!({
        "error": {
            "code": "METHOD_NOT_ALLOWED",
            "message": format!("{} is not supported on {}", req.method(), req.path()),
        }
    }))
}

async fn route_not_found(req: HttpRequest) -> Result<HttpResponse, ControlError> {
    Err(ControlError::RouteNotFound {
        method: req.method().to_string(),
        path: req.path().to_owned(),
    })
}
