//! `POST /__mock/conformance`: sends the battery to a merchant's callback and reports.

use std::time::Duration;

use actix_web::web::{Data, Payload};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};

use crate::api::conformance::{Battery, ConformanceRequest};
use crate::domain::apps::{App, AppError};
use crate::domain::conformance::check::Check;
use crate::domain::conformance::payscore::{Fresh, User};
use crate::domain::conformance::probe::{PlannedCheck, Probe};
use crate::domain::conformance::report::{CheckReport, ProbeRecord, Report};
use crate::domain::conformance::run::run_battery;
use crate::domain::conformance::{payment, payscore};
use crate::domain::notify::Delivery;
use crate::http::control::route::{Group, Route, SchemaRef};
use crate::http::control::{ControlError, parse_json};
use crate::protocol::generate::{chars, open_id};
use crate::protocol::timefmt::format_compact;
use crate::sandbox::Sandbox;

/// The conformance route (inside the `/__mock` scope), served and documented from this table.
pub(crate) const ROUTES: Group = Group::new(
    "conformance",
    &[Route::post("/conformance", |r| r.to(run))
        .summary("Probe a merchant's notification handler")
        .json(SchemaRef::Named("ConformanceRun"))],
);

/// The same bounds as an app's `notify.timeoutMs`.
const TIMEOUT_MS: std::ops::RangeInclusive<u64> = 1..=600_000;

/// Fresh ids from the notification counter and users from the instance's generator, so a
/// seeded run probes with the same values every time.
struct FromState<'a>(&'a Sandbox);

impl Fresh for FromState<'_> {
    fn event_id(&mut self, at: DateTime<Utc>) -> String {
        self.0.notify.next_event_id(at)
    }

    fn user(&mut self, at: DateTime<Utc>) -> User {
        let mut rng = self.0.rng.lock();
        User {
            open_id: open_id(&mut *rng),
            sub_open_id: open_id(&mut *rng),
            authorization_code: format!(
                "AUTH{}{}",
                format_compact(at),
                chars(&mut *rng, b"0123456789", 4)
            ),
        }
    }
}

async fn run(
    req: HttpRequest,
    payload: Payload,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let body: ConformanceRequest = parse_json(&req, payload, &state).await?;
    let app = state
        .apps
        .get(&body.app_id)
        .ok_or_else(|| ControlError::from(AppError::NotFound(body.app_id.clone())))?;
    if let Some(url) = &body.callback_url {
        state.check_callback("callbackUrl", url)?;
    }
    if let Some(ms) = body.timeout_ms
        && !TIMEOUT_MS.contains(&ms)
    {
        return Err(ControlError::Validation(
            "timeoutMs must be between 1 and 600000".to_owned(),
        ));
    }
    let url = body
        .callback_url
        .or_else(|| app.callback_url.clone())
        .ok_or_else(|| ControlError::Conflict {
            code: "NO_CALLBACK_URL",
            message: format!(
                "app {} has no callbackUrl: set one with PATCH /__mock/apps/{} or pass callbackUrl",
                app.app_id, app.app_id
            ),
        })?;
    if let Err(refusal) = state.notify.guard().screen(&url).await {
        return Err(ControlError::Validation(format!(
            "callbackUrl {refusal}: {url}"
        )));
    }
    let timeout = Duration::from_millis(body.timeout_ms.unwrap_or(app.notify.timeout_ms));
    let battery = body.battery.unwrap_or_default();
    let now = state.clock_of(&app.app_id).now();
    let planned = match battery {
        Battery::PayScore => payscore::battery(&app, now, &mut FromState(&state)),
        Battery::Payment => payment::battery(&app, now, &mut *state.rng.lock()),
    };
    let checks = run_checks(&state, &app, &url, timeout, planned).await;
    let report = Report::new(app.app_id.clone(), battery, url, checks);
    tracing::info!(
        app_id = %report.app_id,
        battery = %report.battery,
        url = %report.callback_url,
        passed = report.passed,
        "conformance run"
    );
    Ok(HttpResponse::Ok().json(report))
}

/// Sends every probe to `url`, one after the other, and judges the answers with the app's ack
/// rule. Nothing is recorded in the notification engine.
async fn run_checks(
    state: &Sandbox,
    app: &App,
    url: &str,
    timeout: Duration,
    planned: Vec<PlannedCheck>,
) -> Vec<CheckReport> {
    run_battery(planned, async |check: Check, probe: Probe| {
        let encoded = probe.encoded;
        let wire = state
            .notify
            .transport()
            .send(Delivery {
                url: url.to_owned(),
                content_type: encoded.content_type.to_owned(),
                body: encoded.body,
                timeout,
                ack: app.notify.ack,
            })
            .await;
        let record = ProbeRecord::from_wire(&probe.id, &wire);
        tracing::info!(
            check = check.name(),
            id = %probe.id,
            app_id = %app.app_id,
            event_type = probe.event_type,
            subject = %probe.subject,
            status = record.http_status,
            acknowledged = record.acknowledged,
            duration_ms = record.duration_ms,
            error = record.error.as_deref(),
            "conformance probe"
        );
        record
    })
    .await
}
