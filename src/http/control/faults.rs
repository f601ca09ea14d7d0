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
        .add_fault(spec)
        .map_err(|e| ControlError::Validation(e.to_string()))?;
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
    if !state.remove_fault(&id) {
        return Err(not_found(&id));
    }
    Ok(HttpResponse::NoContent().finish())
}

async fn clear(state: Data<AppState>) -> HttpResponse {
    state.clear_faults();
    HttpResponse::NoContent().finish()
}
