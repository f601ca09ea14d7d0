//! `/__mock/stubs`: add, list, remove.

use actix_web::web::{Data, Path, Payload};
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;

use crate::domain::stubs::{Stub, StubSpec};
use crate::http::control::route::{Group, Route, SchemaRef};
use crate::http::control::{ControlError, parse_json};
use crate::sandbox::Sandbox;

/// The stub routes (inside the `/__mock` scope), served and documented from this table.
pub(crate) const ROUTES: Group = Group::new(
    "stubs",
    &[
        Route::get("/stubs", |r| r.to(list)).summary("List stubs in matching order"),
        Route::post("/stubs", |r| r.to(add))
            .summary("Add a stub")
            .json(SchemaRef::of::<StubSpec>())
            .answers(201, Some(SchemaRef::of::<Stub>())),
        Route::delete("/stubs", |r| r.to(clear))
            .summary("Remove every stub")
            .no_content(),
        Route::get("/stubs/{id}", |r| r.to(get))
            .summary("One stub")
            .answers(200, Some(SchemaRef::of::<Stub>())),
        Route::delete("/stubs/{id}", |r| r.to(remove))
            .summary("Remove a stub")
            .no_content(),
    ],
);

fn not_found(id: &str) -> ControlError {
    ControlError::NotFound {
        code: "STUB_NOT_FOUND",
        message: format!("no stub with id {id}"),
    }
}

async fn add(
    req: HttpRequest,
    payload: Payload,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let spec: StubSpec = parse_json(&req, payload, &state).await?;
    Ok(HttpResponse::Created().json(add_stub(&state, spec)?))
}

/// Registers a stub.
pub(super) fn add_stub(state: &Sandbox, spec: StubSpec) -> Result<Stub, ControlError> {
    let stub = state
        .stubs
        .add(spec, false)
        .map_err(|e| ControlError::Validation(e.to_string()))?;
    tracing::info!(id = %stub.id, method = %stub.method, path = %stub.path, "added stub");
    Ok(stub)
}

/// Removes a stub.
pub(super) fn remove_stub(state: &Sandbox, id: &str) -> Result<(), ControlError> {
    if state.stubs.remove(id) {
        Ok(())
    } else {
        Err(not_found(id))
    }
}

async fn list(state: Data<Sandbox>) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "stubs": state.stubs.list() }))
}

async fn get(id: Path<String>, state: Data<Sandbox>) -> Result<HttpResponse, ControlError> {
    let stub = state.stubs.get(&id).ok_or_else(|| not_found(&id))?;
    Ok(HttpResponse::Ok().json(stub))
}

async fn remove(id: Path<String>, state: Data<Sandbox>) -> Result<HttpResponse, ControlError> {
    remove_stub(&state, &id)?;
    Ok(HttpResponse::NoContent().finish())
}

async fn clear(state: Data<Sandbox>) -> HttpResponse {
    state.stubs.clear(None);
    HttpResponse::NoContent().finish()
}
