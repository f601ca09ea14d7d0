//! `POST /__mock/reset`: back to the fixtures — everything, or one app.

use actix_web::HttpResponse;
use actix_web::web::{Data, Query};
use serde::Deserialize;
use serde_json::json;

use super::ControlError;
use super::route::{Group, Route};
use crate::sandbox::Sandbox;
use crate::sandbox::{AppReset, SeedError};

/// The reset route (inside the `/__mock` scope), served and documented from this table.
pub(crate) const ROUTES: Group = Group::new(
    "reset",
    &[Route::post("/reset", |r| r.to(reset))
        .summary("Back to the fixtures (everything, or ?appId=)")
        .query(&["appId"])],
);

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResetQuery {
    app_id: Option<String>,
}

fn unloadable(e: impl std::fmt::Display) -> ControlError {
    ControlError::Validation(format!("the fixtures cannot be loaded again: {e}"))
}

/// A reset of one app reports problems with the app itself as such.
fn app_error(e: SeedError) -> ControlError {
    match e {
        SeedError::FixtureApp(e) => e.into(),
        e => unloadable(e),
    }
}

async fn reset(
    query: Query<ResetQuery>,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    match &query.app_id {
        None => {
            state.reset_all().map_err(unloadable)?;
            tracing::info!("reset to the fixtures");
            Ok(HttpResponse::Ok().json(json!({ "reset": "all", "apps": state.apps.len() })))
        }
        Some(app_id) => {
            let restored =
                state.reset_app(app_id).map_err(app_error)? == AppReset::RestoredFromFixtures;
            Ok(HttpResponse::Ok()
                .json(json!({ "reset": app_id, "restoredFromFixtures": restored })))
        }
    }
}
