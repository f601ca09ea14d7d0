//! `/__mock/faults`: add, list, remove.

use actix_web::web::{Data, Path, Payload};
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;

use crate::domain::faults::{Fault, FaultSpec};
use crate::http::control::route::{Group, Route, SchemaRef};
use crate::http::control::{ControlError, parse_json};
use crate::sandbox::Sandbox;

/// The fault routes (inside the `/__mock` scope), served and documented from this table.
pub(crate) const ROUTES: Group = Group::new(
    "faults",
    &[
        Route::get("/faults", |r| r.to(list)).summary("List faults"),
        Route::post("/faults", |r| r.to(add))
            .summary("Add a fault")
            .json(SchemaRef::of::<FaultSpec>())
            .answers(201, Some(SchemaRef::of::<Fault>())),
        Route::delete("/faults", |r| r.to(clear))
            .summary("Remove every fault")
            .no_content(),
        Route::get("/faults/{id}", |r| r.to(get))
            .summary("One fault")
            .answers(200, Some(SchemaRef::of::<Fault>())),
        Route::delete("/faults/{id}", |r| r.to(remove))
            .summary("Remove a fault")
            .no_content(),
    ],
);

fn not_found(id: &str) -> ControlError {
    ControlError::NotFound {
        code: "FAULT_NOT_FOUND",
        message: format!("no fault with id {id}"),
    }
}

async fn add(
    req: HttpRequest,
    payload: Payload,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let spec: FaultSpec = parse_json(&req, payload, &state).await?;
    Ok(HttpResponse::Created().json(add_fault(&state, spec)?))
}

/// Registers a fault.
pub(super) fn add_fault(state: &Sandbox, spec: FaultSpec) -> Result<Fault, ControlError> {
    state
        .add_fault(spec)
        .map_err(|e| ControlError::Validation(e.to_string()))
}

/// Deletes a fault, releasing what it held back.
pub(super) fn remove_fault(state: &Sandbox, id: &str) -> Result<(), ControlError> {
    if state.remove_fault(id) {
        Ok(())
    } else {
        Err(not_found(id))
    }
}

async fn list(state: Data<Sandbox>) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "faults": state.faults.list() }))
}

async fn get(id: Path<String>, state: Data<Sandbox>) -> Result<HttpResponse, ControlError> {
    let fault = state.faults.get(&id).ok_or_else(|| not_found(&id))?;
    Ok(HttpResponse::Ok().json(fault))
}

async fn remove(id: Path<String>, state: Data<Sandbox>) -> Result<HttpResponse, ControlError> {
    remove_fault(&state, &id)?;
    Ok(HttpResponse::NoContent().finish())
}

async fn clear(state: Data<Sandbox>) -> HttpResponse {
    state.clear_faults();
    HttpResponse::NoContent().finish()
}
