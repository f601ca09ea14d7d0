//! `POST /__mock/reset`: back to the fixtures — everything, or one app.

use actix_web::HttpResponse;
use actix_web::web::{self, Data, Query, ServiceConfig};
use rand::RngExt;
use serde::Deserialize;
use serde_json::json;

use super::{ControlError, resource};
use crate::apps::{AppError, build_app};
use crate::fixtures::load_apps;
use crate::startup::seed_state;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(resource("/reset").route(web::post().to(reset)));
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResetQuery {
    app_id: Option<String>,
}

fn internal(e: impl std::fmt::Display) -> ControlError {
    ControlError::Validation(format!("the fixtures cannot be loaded again: {e}"))
}

async fn reset(
    query: Query<ResetQuery>,
    state: Data<AppState>,
) -> Result<HttpResponse, ControlError> {
    match &query.app_id {
        None => {
            reset_all(&state)?;
            tracing::info!("reset to the fixtures");
            Ok(HttpResponse::Ok().json(json!({ "reset": "all", "apps": state.apps.len() })))
        }
        Some(app_id) => {
            let restored = reset_app(&state, app_id)?;
            Ok(HttpResponse::Ok()
                .json(json!({ "reset": app_id, "restoredFromFixtures": restored })))
        }
    }
}

/// Everything back as at start: apps, tokens, authorisations, notifications, faults, stubs, the
/// journal, the clock and the generator.
fn reset_all(state: &AppState) -> Result<(), ControlError> {
    state.apps.clear();
    state.tokens.clear();
    state.payscore.clear();
    state.faults.clear(None);
    state.stubs.clear(None);
    state.journal.clear();
    state.sink.clear_all();
    state.clock.reset();
    if state.config.clock_start.is_some() || state.config.clock_frozen {
        state
            .clock
            .set(state.config.clock_start, Some(state.config.clock_frozen));
    }
    let first_event = {
        let mut rng = state.rng.lock();
        *rng = AppState::new_rng(state.config.seed);
        rng.random_range(10_000..90_000)
    };
    state.notify.reset(first_event);
    seed_state(state).map_err(internal)
}

/// One app back to its fixture definition (or gone, when it is not a fixture app), with its
/// tokens, authorisations, notifications, faults, stubs and journal entries dropped.
fn reset_app(state: &AppState, app_id: &str) -> Result<bool, ControlError> {
    let fixture = load_apps(&state.config.fixtures)
        .map_err(internal)?
        .into_iter()
        .find(|spec| spec.app_id.as_deref() == Some(app_id));
    let existed = state.remove_app(app_id);
    state.journal.remove_app(app_id);
    match fixture {
        Some(spec) => {
            let app = {
                let mut rng = state.rng.lock();
                build_app(
                    &spec,
                    &state.config.notify_defaults,
                    state.config.callback_url.as_deref(),
                    &mut *rng,
                )?
            };
            state.apps.insert(app)?;
            Ok(true)
        }
        None if existed => Ok(false),
        None => Err(AppError::NotFound(app_id.to_owned()).into()),
    }
}
