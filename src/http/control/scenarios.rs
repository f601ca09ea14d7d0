//! `/__mock/scenarios`: list the fixture scenarios and run one (or one given whole).

use actix_web::web::{Data, Payload};
use actix_web::{HttpRequest, HttpResponse};
use serde_json::{Value, json};

use crate::client::scenario::Scenario;
use crate::client::scenario::{Gateway, run_with};
use crate::domain::fixtures::{ScenarioFile, load_scenarios};
use crate::http::control::local::InProcess;
use crate::http::control::route::{Group, Route, SchemaRef};
use crate::http::control::{ControlError, parse_json};
use crate::sandbox::Sandbox;

/// The scenario routes (inside the `/__mock` scope), served and documented from this table.
pub(crate) const ROUTES: Group = Group::new(
    "scenarios",
    &[
        Route::get("/scenarios", |r| r.to(list)).summary("Fixture scenarios"),
        Route::post("/scenarios/run", |r| r.to(run_one))
            .summary("Run a scenario on a clock of its own, get a report")
            .json(SchemaRef::Named("ScenarioRun")),
    ],
);

fn fixtures(state: &Sandbox) -> Result<Vec<ScenarioFile>, ControlError> {
    load_scenarios(&state.config.fixtures).map_err(|e| ControlError::Validation(e.to_string()))
}

async fn list(state: Data<Sandbox>) -> Result<HttpResponse, ControlError> {
    let scenarios: Vec<Value> = fixtures(&state)?
        .iter()
        .map(|file| match Scenario::from_json(&file.text) {
            Ok(s) => json!({
                "name": s.name,
                "description": s.description,
                "steps": s.steps.len(),
            }),
            Err(e) => json!({ "name": file.name, "error": e.to_string() }),
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "scenarios": scenarios })))
}

fn invalid(e: &crate::client::scenario::ScenarioError) -> HttpResponse {
    let mut error = json!({ "code": "INVALID_SCENARIO", "message": e.to_string() });
    if let Some(step) = e.step {
        error["step"] = json!(step);
    }
    HttpResponse::BadRequest().json(json!({ "error": error }))
}

async fn run_one(
    req: HttpRequest,
    payload: Payload,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let body: Value = parse_json(&req, payload, &state).await?;
    let by_name = body
        .as_object()
        .filter(|m| m.len() == 1)
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str);
    let parsed = match by_name {
        Some(name) => {
            let file = fixtures(&state)?
                .into_iter()
                .find(|f| f.name == name)
                .ok_or_else(|| ControlError::NotFound {
                    code: "SCENARIO_NOT_FOUND",
                    message: format!(
                        "no fixture scenario named {name:?}; GET /__mock/scenarios lists them"
                    ),
                })?;
            Scenario::from_json(&file.text)
        }
        None => Scenario::from_value(&body),
    };
    let scenario = match parsed {
        Ok(s) => s,
        Err(e) => return Ok(invalid(&e)),
    };
    tracing::info!(scenario = %scenario.name, steps = scenario.steps.len(), "running scenario");
    // Control steps go to the sandbox in process; token requests and business calls go to
    // the gateway over HTTP, as a merchant's client would send them.
    let gateway = Gateway::new(&state.base_url)
        .map_err(|e| ControlError::Validation(format!("the scenario runner cannot start: {e}")))?;
    let report = run_with(&scenario, &InProcess(&state), &gateway).await;
    tracing::info!(scenario = %scenario.name, passed = report.passed, "scenario finished");
    Ok(HttpResponse::Ok().json(report))
}
