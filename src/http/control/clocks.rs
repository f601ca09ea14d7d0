//! `/__mock/clocks`: any number of clocks, one per group of tenants. An app is on the clock it
//! named when it was created; moving a clock moves time for those apps only.

use actix_web::web::{Data, Path, Payload};
use actix_web::{HttpRequest, HttpResponse};

use super::clock::{Advance, OFF_THE_WIRE, SetClock, advance_by, on_the_wire, set_clock};
use super::route::{Group, Route, SchemaRef};
use super::{ControlError, parse_json};
use crate::api::clock::{Advanced, ClockList, ClockView, NewClock};
use crate::sandbox::Sandbox;

/// The clocks routes (inside the `/__mock` scope), served and documented from this table.
pub(crate) const ROUTES: Group = Group::new(
    "clock",
    &[
        Route::get("/clocks", |r| r.to(list))
            .summary("Every clock, default first")
            .answers(200, Some(SchemaRef::of::<ClockList>())),
        Route::post("/clocks", |r| r.to(create))
            .summary("Create a clock for a group of apps")
            .json(SchemaRef::of::<NewClock>())
            .answers(201, Some(SchemaRef::of::<ClockView>())),
        Route::get("/clocks/{id}", |r| r.to(get))
            .summary("One clock")
            .answers(200, Some(SchemaRef::of::<ClockView>())),
        Route::put("/clocks/{id}", |r| r.to(set))
            .summary("Set or freeze one clock")
            .json(SchemaRef::Named("ClockSet"))
            .answers(200, Some(SchemaRef::of::<ClockView>())),
        Route::post("/clocks/{id}/advance", |r| r.to(advance))
            .summary("Advance one clock, making every attempt due on the way for its apps")
            .json(SchemaRef::Named("ClockAdvance"))
            .answers(200, Some(SchemaRef::of::<Advanced>())),
        Route::delete("/clocks/{id}", |r| r.to(delete))
            .summary("Delete a clock no app is on")
            .no_content(),
    ],
);

/// Every clock.
pub(super) fn clock_list(state: &Sandbox) -> ClockList {
    ClockList {
        clocks: state.clocks.list().iter().map(|c| c.view()).collect(),
    }
}

async fn list(state: Data<Sandbox>) -> HttpResponse {
    HttpResponse::Ok().json(clock_list(&state))
}

/// Creates a clock from a spec.
pub(super) fn create_clock(state: &Sandbox, spec: &NewClock) -> Result<ClockView, ControlError> {
    if spec.now.is_some_and(|t| !on_the_wire(t)) {
        return Err(ControlError::Validation(OFF_THE_WIRE.into()));
    }
    Ok(state.create_clock(spec)?.view())
}

async fn create(
    req: HttpRequest,
    payload: Payload,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let spec: NewClock = parse_json(&req, payload, &state).await?;
    Ok(HttpResponse::Created().json(create_clock(&state, &spec)?))
}

/// One clock as the control API shows it.
pub(super) fn clock_view(state: &Sandbox, id: &str) -> Result<ClockView, ControlError> {
    Ok(state.clocks.find(id)?.view())
}

async fn get(path: Path<String>, state: Data<Sandbox>) -> Result<HttpResponse, ControlError> {
    Ok(HttpResponse::Ok().json(clock_view(&state, &path)?))
}

async fn set(
    req: HttpRequest,
    payload: Payload,
    path: Path<String>,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let clock = state.clocks.find(&path)?;
    let body: SetClock = parse_json(&req, payload, &state).await?;
    Ok(HttpResponse::Ok().json(set_clock(&clock, &body)?))
}

async fn advance(
    req: HttpRequest,
    payload: Payload,
    path: Path<String>,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    state.clocks.find(&path)?;
    let body: Advance = parse_json(&req, payload, &state).await?;
    Ok(HttpResponse::Ok().json(advance_by(&state, &path, body.seconds).await?))
}

async fn delete(path: Path<String>, state: Data<Sandbox>) -> Result<HttpResponse, ControlError> {
    state.delete_clock(&path)?;
    Ok(HttpResponse::NoContent().finish())
}
