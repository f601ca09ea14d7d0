//! `/__mock/clock`: read, advance and set the default clock — and the rules every clock's
//! routes share (`clocks.rs` serves `/__mock/clocks/{id}`).

use actix_web::web::{Data, Payload};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Datelike, Duration, Utc};

use serde::Deserialize;

use super::route::{Group, Route, SchemaRef};
use super::{ControlError, parse_json};
use crate::api::clock::Advanced;
use crate::domain::clock::{Clock, ClockView, DEFAULT_CLOCK};
use crate::protocol::timefmt::rfc3339_beijing;
use crate::sandbox::Sandbox;

/// Longest single advance: ten years, far beyond any retry ladder.
const MAX_ADVANCE_SECS: f64 = 10.0 * 365.0 * 24.0 * 3600.0;

/// Whether ChinaUMS's `yyyyMMddHHmmss` can name the instant: years 0000 to 9999, Beijing time.
/// Past them tokens could not be requested and notifications would carry malformed times.
pub(super) fn on_the_wire(t: DateTime<Utc>) -> bool {
    (0..=9999).contains(&t.with_timezone(&crate::domain::clock::BEIJING).year())
}

pub(super) const OFF_THE_WIRE: &str = "sandbox time must stay within 0000-01-01T00:00:00+08:00 and 9999-12-31T23:59:59+08:00, the years yyyyMMddHHmmss can express";

/// The clock routes (inside the `/__mock` scope), served and documented from this table.
pub(crate) const ROUTES: Group = Group::new(
    "clock",
    &[
        Route::get("/clock", |r| r.to(get))
            .summary("The default clock's time")
            .answers(200, Some(SchemaRef::of::<ClockView>())),
        Route::put("/clock", |r| r.to(set))
            .summary("Set or freeze the default clock")
            .json(SchemaRef::Named("ClockSet"))
            .answers(200, Some(SchemaRef::of::<ClockView>())),
        Route::post("/clock/advance", |r| r.to(advance))
            .summary("Advance the default clock, making every attempt due on the way")
            .json(SchemaRef::Named("ClockAdvance"))
            .answers(200, Some(SchemaRef::of::<Advanced>())),
    ],
);

async fn get(state: Data<Sandbox>) -> HttpResponse {
    HttpResponse::Ok().json(state.clock.view())
}

/// The body of an advance.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Advance {
    pub(super) seconds: f64,
}

async fn advance(
    req: HttpRequest,
    payload: Payload,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let body: Advance = parse_json(&req, payload, &state).await?;
    Ok(HttpResponse::Ok().json(advance_by(&state, DEFAULT_CLOCK, body.seconds).await?))
}

/// Advances the clock `clock_id` by `seconds`, making every attempt due on the way on that
/// clock (and only there).
pub(super) async fn advance_by(
    state: &Sandbox,
    clock_id: &str,
    seconds: f64,
) -> Result<Advanced, ControlError> {
    let clock = state.clocks.find(clock_id)?;
    if !seconds.is_finite() || !(0.0..=MAX_ADVANCE_SECS).contains(&seconds) {
        return Err(ControlError::Validation(
            "seconds must be a number from 0 to 315360000 (ten years); to go back, PUT the clock's time"
                .into(),
        ));
    }
    let by = Duration::milliseconds((seconds * 1000.0).round() as i64);
    if !clock.now().checked_add_signed(by).is_some_and(on_the_wire) {
        return Err(ControlError::Validation(OFF_THE_WIRE.into()));
    }
    let report = state.advance_clock(clock_id, by).await;
    let view = clock.view();
    tracing::info!(clock = clock_id, seconds, now = %rfc3339_beijing(view.now), attempts = report.attempts, "advanced clock");
    Ok(Advanced {
        clock: view,
        attempts: report.attempts as u64,
        exhausted: report.exhausted as u64,
    })
}

/// The body of a `PUT` of a clock.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SetClock {
    now: Option<String>,
    frozen: Option<bool>,
}

/// Parses an RFC 3339 time a clock can be set to.
pub(super) fn clock_time(text: &str) -> Result<DateTime<Utc>, ControlError> {
    let t = DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            ControlError::Validation(format!(
                "now must be an RFC 3339 time such as 2026-11-25T12:00:00+08:00 ({e})"
            ))
        })?;
    if !on_the_wire(t) {
        return Err(ControlError::Validation(OFF_THE_WIRE.into()));
    }
    Ok(t)
}

/// Sets a clock's time and/or whether it stands still.
pub(super) fn set_clock(clock: &Clock, body: &SetClock) -> Result<ClockView, ControlError> {
    let now = body.now.as_deref().map(clock_time).transpose()?;
    clock.set(now, body.frozen);
    Ok(clock.view())
}

async fn set(
    req: HttpRequest,
    payload: Payload,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let body: SetClock = parse_json(&req, payload, &state).await?;
    Ok(HttpResponse::Ok().json(set_clock(&state.clock, &body)?))
}
