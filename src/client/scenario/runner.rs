//! Runs a scenario's steps in order against a sandbox: control steps through the [`Control`]
//! trait (over HTTP, or in process on the server), gateway steps over HTTP.

use std::time::Instant;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::client::Gateway;
use super::clock::RunClock;
use super::report::{Failure, Report, StepReport};
use super::steps::{Args, Ctx, execute};
use crate::api::scenario::refs::Bindings;
use crate::api::scenario::{Scenario, Step, check_fields};
use crate::client::{Control, ControlClient};
use crate::protocol::timefmt::rfc3339_beijing;

fn millis(since: Instant) -> u64 {
    since.elapsed().as_millis() as u64
}

fn blank(index: usize, step: &Step) -> StepReport {
    StepReport {
        index,
        kind: step.kind.name(),
        name: step.label.clone(),
        save_as: step.save_as.clone(),
        passed: None,
        skipped: false,
        started_at: None,
        sandbox_seconds: None,
        real_ms: None,
        output: None,
        error: None,
    }
}

async fn run_step<C: Control>(ctx: &Ctx<'_, C>, step: &Step) -> Result<Value, String> {
    let resolved = ctx.bindings.resolve(&Value::Object(step.fields.clone()))?;
    let Value::Object(fields) = resolved else {
        return Err("the step's fields did not resolve to an object".into());
    };
    check_fields(step.kind, &fields, false)?;
    execute(ctx, step.kind, &Args(fields)).await
}

/// Runs `scenario` against the sandbox at `base_url` and reports every step. Steps after the
/// first failure are skipped.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use chinaums_mock::client::scenario::{run, Scenario};
/// let scenario = Scenario::from_json(r#"{"name":"tick","steps":[{"kind":"advance","seconds":60}]}"#)?;
/// let report = run(&scenario, "http://127.0.0.1:8080").await;
/// assert!(report.passed, "{}", report.to_text());
/// # Ok(()) }
/// ```
pub async fn run(scenario: &Scenario, base_url: &str) -> Report {
    match Gateway::new(base_url) {
        Ok(gateway) => {
            let control = ControlClient::with_http_client(base_url, gateway.http().clone());
            run_with(scenario, &control, &gateway).await
        }
        Err(e) => not_started(scenario, e, Instant::now()),
    }
}

/// Runs a scenario with its control steps through `control` (a [`ControlClient`], or the
/// server's own sandbox in process) and its gateway steps through `gateway`.
///
/// The run follows a clock of its own unless the scenario names one
/// ([`ScenarioClock`](crate::api::scenario::ScenarioClock)); the report's `clock` names it.
pub async fn run_with<C: Control>(scenario: &Scenario, control: &C, gateway: &Gateway) -> Report {
    let started = Instant::now();
    let clock = match RunClock::start(scenario, control).await {
        Ok(clock) => clock,
        Err(e) => {
            let message = format!("the run's clock could not be set up: {e}");
            return not_started(scenario, message, started);
        }
    };
    let now = || clock.now(control);
    let mut bindings = Bindings::new(gateway.base());
    let mut reports = Vec::with_capacity(scenario.steps.len());
    let mut first_failure = None;
    let mut sandbox_start = None;
    let mut previous: Option<(usize, DateTime<Utc>)> = None;
    for (index, step) in scenario.steps.iter().enumerate() {
        let mut report = blank(index, step);
        if first_failure.is_some() {
            report.skipped = true;
            reports.push(report);
            continue;
        }
        let now = now().await;
        if let (Ok(now), Some((i, before))) = (&now, previous)
            && let Some(r) = reports.get_mut(i)
        {
            r.sandbox_seconds = Some((*now - before).num_seconds());
        }
        let step_start = Instant::now();
        let result = match now {
            Ok(now) => {
                report.started_at = Some(rfc3339_beijing(now));
                sandbox_start.get_or_insert_with(|| rfc3339_beijing(now));
                previous = Some((index, now));
                let ctx = Ctx {
                    control,
                    gateway,
                    bindings: &bindings,
                    clock: &clock,
                };
                run_step(&ctx, step).await
            }
            Err(e) => Err(format!("cannot read the run's clock: {e}")),
        };
        report.real_ms = Some(millis(step_start));
        match result {
            Ok(output) => {
                if let Some(name) = &step.save_as {
                    bindings.save(name, output.clone());
                }
                report.passed = Some(true);
                report.output = Some(output);
            }
            Err(message) => {
                report.passed = Some(false);
                report.error = Some(message.clone());
                first_failure = Some(Failure {
                    index,
                    kind: step.kind.name(),
                    message,
                });
            }
        }
        reports.push(report);
    }
    let end = now().await.ok();
    if let (Some(end), Some((i, before))) = (end, previous)
        && let Some(r) = reports.get_mut(i)
    {
        r.sandbox_seconds = Some((end - before).num_seconds());
    }
    let sandbox_end = end.map(rfc3339_beijing);
    Report {
        name: scenario.name.clone(),
        passed: first_failure.is_none(),
        clock: Some(clock.id().to_owned()),
        steps: reports,
        first_failure,
        sandbox_start,
        sandbox_end,
        real_ms: millis(started),
    }
}

/// A run that could not start: the first step fails with `message`, the others are skipped.
fn not_started(scenario: &Scenario, message: String, started: Instant) -> Report {
    let steps: Vec<StepReport> = scenario
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| StepReport {
            skipped: i > 0,
            passed: (i == 0).then_some(false),
            error: (i == 0).then(|| message.clone()),
            ..blank(i, s)
        })
        .collect();
    Report {
        name: scenario.name.clone(),
        passed: false,
        clock: None,
        first_failure: scenario.steps.first().map(|s| Failure {
            index: 0,
            kind: s.kind.name(),
            message,
        }),
        steps,
        sandbox_start: None,
        sandbox_end: None,
        real_ms: millis(started),
    }
}
