//! `/__mock/clock`: read, advance and set the sandbox clock.

use actix_web::web::{Data, Payload};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Datelike, Duration, Utc};

use serde::Deserialize;

use super::route::{Group, Route, SchemaRef};
use super::{ControlError, parse_json};
use crate::api::clock::Advanced;
use crate::domain::clock::ClockView;
use crate::protocol::timefmt::rfc3339_beijing;
use crate::sandbox::Sandbox;

/// Longest single advance: ten years, far beyond any retry ladder.
const MAX_ADVANCE_SECS: f64 = 10.0 * 365.0 * 24.0 * 3600.0;

/// Whether ChinaUMS's `yyyyMMddHHmmss` can name the instant: years 0000 to 9999, Beijing time.
/// Past them tokens could not be requested and notifications would carry malformed times.
fn on_the_wire(t: DateTime<Utc>) -> bool {
    (0..=9999).contains(&t.with_timezone(&crate::domain::clock::BEIJING).year())
}

const OFF_THE_WIRE: &str = "sandbox time must stay within 0000-01-01T00:00:00+08:00 and 9999-12-31T23:59:59+08:00, the years yyyyMMddHHmmss can express";

/// The clock routes (inside the `/__mock` scope), served and documented from this table.
pub(crate) const ROUTES: Group = Group::new(
    "clock",
    &[
        Route::get("/clock", |r| r.to(get))
            .summary("Sandbox time")
            .answers(200, Some(SchemaRef::of::<ClockView>())),
        Route::put("/clock", |r| r.to(set))
            .summary("Set or freeze sandbox time")
            .json(SchemaRef::Named("ClockSet"))
            .answers(200, Some(SchemaRef::of::<ClockView>())),
        Route::post("/clock/advance", |r| r.to(advance))
            .summary("Advance sandbox time, making every attempt due on the way")
            .json(SchemaRef::Named("ClockAdvance")),
    ],
);

async fn get(state: Data<Sandbox>) -> HttpResponse {
    HttpResponse::Ok().json(state.clock.view())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: f64,
}

async fn advance(
    req: HttpRequest,
    payload: Payload,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let body: Advance = parse_json(&req, payload, &state).await?;
    Ok(HttpResponse::Ok().json(advance_by(&state, body.seconds).await?))
}

/// Advances the clock by `seconds`, making every attempt due on the way.
pub(super) async fn advance_by(state: &Sandbox, seconds: f64) -> Result<Advanced, ControlError> {
    if !seconds.is_finite() || !(0.0..=MAX_ADVANCE_SECS).contains(&seconds) {
        return Err(ControlError::Validation(
            "seconds must be a number from 0 to 315360000 (ten years); to go back, PUT /__mock/clock"
                .into(),
        ));
    }
    let by = Duration::milliseconds((seconds * 1000.0).round() as i64);
    if !state
        .clock
        .now()
        .checked_add_signed(by)
        .is_some_and(on_the_wire)
    {
        return Err(ControlError::Validation(OFF_THE_WIRE.into()));
    }
    let report = state.notify.advance(state.clock.id(), by).await;
    let clock = state.clock.view();
    tracing::info!(seconds, now = %rfc3339_beijing(clock.now), attempts = report.attempts, "advanced clock");
    Ok(Advanced {
        clock,
        attempts: report.attempts as u64,
        exhausted: report.exhausted as u64,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetClock {
    now: Option<String>,
    frozen: Option<bool>,
}

async fn set(
    req: HttpRequest,
    payload: Payload,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let body: SetClock = parse_json(&req, payload, &state).await?;
    let now = body
        .now
        .as_deref()
        .map(|s| {
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| {
                    ControlError::Validation(format!(
                        "now must be an RFC 3339 time such as 2026-11-25T12:00:00+08:00 ({e})"
                    ))
                })
        })
        .transpose()?;
    if now.is_some_and(|t| !on_the_wire(t)) {
        return Err(ControlError::Validation(OFF_THE_WIRE.into()));
    }
    state.clock.set(now, body.frozen);
    Ok(HttpResponse::Ok().json(state.clock.view()))
}
