//! `/__mock/requests`: read and clear the journal.

use actix_web::HttpResponse;
use actix_web::web::{Data, Query};
use serde_json::json;

use crate::api::journal::RequestFilter;
use crate::domain::journal::JournalFilter;
use crate::http::control::ControlError;
use crate::http::control::route::{Group, Route};
use crate::sandbox::AppState;

const OUTCOMES: [&str; 5] = ["ok", "auth_failed", "bad_request", "fault", "no_service"];

/// The journal routes (inside the `/__mock` scope), served and documented from this table.
pub(crate) const ROUTES: Group = Group::new(
    "journal",
    &[
        Route::get("/requests", |r| r.to(list))
            .summary("Gateway requests, newest first")
            .query(&["appId", "path", "outcome", "method", "limit"]),
        Route::delete("/requests", |r| r.to(clear))
            .summary("Clear the journal")
            .no_content(),
    ],
);

async fn list(
    query: Query<RequestFilter>,
    state: Data<AppState>,
) -> Result<HttpResponse, ControlError> {
    let q = query.into_inner();
    if let Some(o) = &q.outcome {
        if !OUTCOMES.contains(&o.as_str()) {
            return Err(ControlError::InvalidQuery(format!(
                "outcome must be one of {}, not {o:?}",
                OUTCOMES.join(", ")
            )));
        }
    }
    let filter = JournalFilter {
        app_id: q.app_id,
        path: q.path,
        outcome: q.outcome,
        method: q.method,
    };
    let entries = state.journal.list(&filter, q.limit.unwrap_or(1000));
    Ok(HttpResponse::Ok().json(json!({ "requests": entries })))
}

async fn clear(state: Data<AppState>) -> HttpResponse {
    state.journal.clear();
    HttpResponse::NoContent().finish()
}
