//! `/__mock/faults`: add, list, remove.

use actix_web::web::{self, Data, Path, Payload, ServiceConfig};
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;

use crate::domain::faults::FaultSpec;
use crate::http::control::{ControlError, parse_json, resource};
use crate::sandbox::AppState;

/// Registers the fault routes (inside the `/__mock` scope).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        resource("/faults")
            .route(web::get().to(list))
            .route(web::post().to(add))
            .route(web::delete().to(clear)),
    )
    .service(
        resource("/faults/{id}")
            .route(web::get().to(get))
            .route(web::delete().to(remove)),
    );
}

fn not_found(id: &str) -> ControlError {
    ControlError::NotFound {
        code: "FAULT_NOT_FOUND",
        message: format!("no fault with id {id}"),
    }
}

async fn add(
    req: HttpRequest,
    payload: Payload,
    state: Data<AppState>,
) -> Result<HttpResponse, ControlError> {
    let spec: FaultSpec = parse_json(&req, payload, &state).await?;
    let fault = state
        .faults
        .add(spec)
        .map_err(|e| ControlError::Validation(e.to_string()))?;
    tracing::info!(id = %fault.id, target = ?fault.target, action = ?fault.action, "added fault");
    Ok(HttpResponse::Created().json(fault))
}

async fn list(state: Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "faults": state.faults.list() }))
}

async fn get(id: Path<String>, state: Data<AppState>) -> Result<HttpResponse, ControlError> {
    let fault = state.faults.get(&id).ok_or_else(|| not_found(&id))?;
    Ok(HttpResponse::Ok().json(fault))
}

async fn remove(id: Path<String>, state: Data<AppState>) -> Result<HttpResponse, ControlError> {
    if !state.faults.remove(&id) {
        return Err(not_found(&id));
    }
    state.notify.release_held(&id, state.clock.now());
    Ok(HttpResponse::NoContent().finish())
}

async fn clear(state: Data<AppState>) -> HttpResponse {
    for fault in state.faults.list() {
        state.notify.release_held(&fault.id, state.clock.now());
    }
    state.faults.clear(None);
    HttpResponse::NoContent().finish()
}
