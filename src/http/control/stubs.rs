//! `/__mock/stubs`: add, list, remove.

use actix_web::web::{self, Data, Path, Payload, ServiceConfig};
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;

use crate::domain::stubs::StubSpec;
use crate::http::control::{ControlError, parse_json, resource};
use crate::sandbox::AppState;

/// Registers the stub routes (inside the `/__mock` scope).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        resource("/stubs")
            .route(web::get().to(list))
            .route(web::post().to(add))
            .route(web::delete().to(clear)),
    )
    .service(
        resource("/stubs/{id}")
            .route(web::get().to(get))
            .route(web::delete().to(remove)),
    );
}

fn not_found(id: &str) -> ControlError {
    ControlError::NotFound {
        code: "STUB_NOT_FOUND",
        message: format!("no stub with id {id}"),
    }
}

async fn add(
    req: HttpRequest,
    payload: Payload,
    state: Data<AppState>,
) -> Result<HttpResponse, ControlError> {
    let spec: StubSpec = parse_json(&req, payload, &state).await?;
    let stub = state
        .stubs
        .add(spec, false)
        .map_err(|e| ControlError::Validation(e.to_string()))?;
    tracing::info!(id = %stub.id, method = %stub.method, path = %stub.path, "added stub");
    Ok(HttpResponse::Created().json(stub))
}

async fn list(state: Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "stubs": state.stubs.list() }))
}

async fn get(id: Path<String>, state: Data<AppState>) -> Result<HttpResponse, ControlError> {
    let stub = state.stubs.get(&id).ok_or_else(|| not_found(&id))?;
    Ok(HttpResponse::Ok().json(stub))
}

async fn remove(id: Path<String>, state: Data<AppState>) -> Result<HttpResponse, ControlError> {
    if state.stubs.remove(&id) {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(not_found(&id))
    }
}

async fn clear(state: Data<AppState>) -> HttpResponse {
    state.stubs.clear(None);
    HttpResponse::NoContent().finish()
}
