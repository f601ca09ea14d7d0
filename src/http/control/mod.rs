//! The control API under `/__mock`: everything a test uses to script and inspect the sandbox.

mod admin;
pub(crate) mod apps;
mod cashier;
mod clock;
mod clocks;
mod conformance;
mod error;
pub(crate) mod faults;
mod guard;
mod journal;
mod json;
pub(crate) mod local;
pub(crate) mod notify;
pub mod openapi;
pub(crate) mod orders;
pub(crate) mod payscore;
mod reset;
pub mod route;
mod scenarios;
mod sink;
pub(crate) mod stubs;
mod tokens;
mod tools;
mod tools_request;

use actix_web::web::{self, Data, ServiceConfig};
use actix_web::{HttpRequest, HttpResponse};

pub use error::ControlError;
pub use json::parse_json;
pub use route::{Group, Route};

use crate::sandbox::Sandbox;

/// `/__mock/health` lives here, with the scope, as the one route that belongs to no area.
const HEALTH: Group = Group::new(
    "health",
    &[Route::get("/health", |r| r.to(health)).summary("Liveness and version")],
);

/// Every control route, file by file, in the order the OpenAPI document lists them: the one
/// list the server registers, the document describes and a 405's `Allow` header reads.
pub const GROUPS: &[Group] = &[
    HEALTH,
    openapi::ROUTES,
    apps::ROUTES,
    clock::ROUTES,
    clocks::ROUTES,
    reset::ROUTES,
    payscore::ROUTES,
    orders::ROUTES,
    cashier::ROUTES,
    notify::ROUTES,
    faults::ROUTES,
    stubs::ROUTES,
    journal::ROUTES,
    tokens::ROUTES,
    tools::ROUTES,
    conformance::ROUTES,
    scenarios::ROUTES,
    sink::ROUTES,
    crate::http::ui::ROUTES,
];

/// Every control route the server registers under `/__mock`.
pub fn routes() -> impl Iterator<Item = &'static Route> {
    GROUPS.iter().flat_map(|g| g.routes)
}

/// Registers `/__mock` and everything under it.
pub fn configure(cfg: &mut ServiceConfig) {
    let routes: Vec<&Route> = routes().collect();
    cfg.service(
        web::scope("/__mock")
            .wrap(actix_web::middleware::from_fn(admin::require_admin))
            // Wrapped last, so it runs first: a request from a rebound name or another site's
            // page is refused before anything else looks at it.
            .wrap(actix_web::middleware::from_fn(guard::browser_guard))
            .app_data(
                web::QueryConfig::default()
                    .error_handler(|e, _| ControlError::InvalidQuery(e.to_string()).into()),
            )
            .app_data(
                web::PathConfig::default()
                    .error_handler(|e, _| ControlError::InvalidQuery(e.to_string()).into()),
            )
            .configure(|cfg| route::register(cfg, &routes))
            .default_service(web::to(route_not_found)),
    );
}

async fn health(state: Data<Sandbox>) -> HttpResponse {
    HttpResponse::Ok().json(crate::api::health::Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        apps: state.apps.len(),
        now: state.clock.now(),
    })
}

async fn route_not_found(req: HttpRequest) -> Result<HttpResponse, ControlError> {
    Err(ControlError::RouteNotFound {
        method: req.method().to_string(),
        path: req.path().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `/apps/{appId}` and `/apps/{id}` would be two resources matching the same requests; the
    /// second would never be reached, yet the document would list it.
    #[test]
    fn no_two_routes_claim_the_same_method_and_path_shape() {
        let shape = |p: &str| {
            p.split('/')
                .map(|s| if s.starts_with('{') { "{}" } else { s })
                .collect::<Vec<_>>()
                .join("/")
        };
        let mut paths: Vec<(String, &str)> = Vec::new();
        let mut operations = Vec::new();
        for route in routes() {
            let key = shape(route.path);
            if let Some((_, other)) = paths.iter().find(|(k, p)| *k == key && *p != route.path) {
                panic!("{} and {other} are the same path", route.path);
            }
            paths.push((key, route.path));
            let operation = (route.method, route.path);
            assert!(
                !operations.contains(&operation),
                "{} {} is listed twice",
                route.method.as_str(),
                route.path
            );
            operations.push(operation);
        }
        assert!(operations.len() >= 30, "{}", operations.len());
    }
}
