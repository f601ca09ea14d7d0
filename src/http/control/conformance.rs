//! `POST /__mock/conformance`: sends the battery to a merchant's callback and reports.

use std::time::Duration;

use actix_web::web::{Data, Payload};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::domain::apps::{App, AppError, check_callback_url};
use crate::domain::conformance::battery::{Fresh, Plan, PlannedCheck, User, battery};
use crate::domain::conformance::report::{CheckReport, ProbeRecord, Report};
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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RunBody {
    app_id: String,
    callback_url: Option<String>,
    timeout_ms: Option<u64>,
}

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
    let body: RunBody = parse_json(&req, payload, &state).await?;
    let app = state
        .apps
        .get(&body.app_id)
        .ok_or_else(|| ControlError::from(AppError::NotFound(body.app_id.clone())))?;
    if let Some(url) = &body.callback_url {
        check_callback_url(url)?;
    }
    if let Some(ms) = body.timeout_ms {
        if !TIMEOUT_MS.contains(&ms) {
            return Err(ControlError::Validation(
                "timeoutMs must be between 1 and 600000".to_owned(),
            ));
        }
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
    if !crate::domain::notify::callback_allowed(&state.config.callback_allow, &url) {
        return Err(ControlError::Validation(format!(
            "{url} is not allowed by --callback-allow"
        )));
    }
    let timeout = Duration::from_millis(body.timeout_ms.unwrap_or(app.notify.timeout_ms));
    let planned = battery(
        &app,
        state.clock_of(&app.app_id).now(),
        &mut FromState(&state),
    );
    let checks = run_checks(&state, &app, &url, timeout, planned).await;
    let report = Report::new(app.app_id.clone(), url, checks);
    tracing::info!(
        app_id = %report.app_id,
        url = %report.callback_url,
        passed = report.passed,
        "conformance run"
    );
    Ok(HttpResponse::Ok().json(report))
}

/// Sends every probe, one after the other (the order is part of the checks), and judges the
/// answers with the app's ack rule. Nothing is recorded in the notification engine.
async fn run_checks(
    state: &Sandbox,
    app: &App,
    url: &str,
    timeout: Duration,
    planned: Vec<PlannedCheck>,
) -> Vec<CheckReport> {
    let mut reports = Vec::with_capacity(planned.len());
    for PlannedCheck { check, plan } in planned {
        let (name, description, expectation) =
            (check.name(), check.description(), check.expectation());
        let probes = match plan {
            Plan::Skip(reason) => {
                reports.push(CheckReport::skipped(name, description, expectation, reason));
                continue;
            }
            Plan::Send(probes) => probes,
        };
        let mut requests = Vec::with_capacity(probes.len());
        for probe in probes {
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
                check = name,
                id = %probe.id,
                app_id = %app.app_id,
                event_type = probe.event_type,
                open_id = %probe.open_id,
                status = record.http_status,
                acknowledged = record.acknowledged,
                duration_ms = record.duration_ms,
                error = record.error.as_deref(),
                "conformance probe"
            );
            requests.push(record);
        }
        reports.push(CheckReport::judged(
            name,
            description,
            expectation,
            requests,
        ));
    }
    reports
}
