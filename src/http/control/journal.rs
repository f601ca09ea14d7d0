//! `/__mock/requests`: read and clear the journal.

use actix_web::HttpResponse;
use actix_web::web::{Data, Query};
use serde_json::json;

use crate::api::journal::{Entry, RequestFilter};
use crate::domain::journal::JournalFilter;
use crate::http::control::ControlError;
use crate::http::control::route::{Group, Route};
use crate::sandbox::Sandbox;

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
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let entries = requests(&state, query.into_inner())?;
    Ok(HttpResponse::Ok().json(json!({ "requests": entries })))
}

/// Journal entries matching `q`, newest first, at most `q.limit` (default 1000).
pub(super) fn requests(state: &Sandbox, q: RequestFilter) -> Result<Vec<Entry>, ControlError> {
    if let Some(o) = &q.outcome
        && !OUTCOMES.contains(&o.as_str())
    {
        return Err(ControlError::InvalidQuery(format!(
            "outcome must be one of {}, not {o:?}",
            OUTCOMES.join(", ")
        )));
    }
    let filter = JournalFilter {
        app_id: q.app_id,
        path: q.path,
        outcome: q.outcome,
        method: q.method,
    };
    Ok(state.journal.list(&filter, q.limit.unwrap_or(1000)))
}

async fn clear(state: Data<Sandbox>) -> HttpResponse {
    state.journal.clear();
    HttpResponse::NoContent().finish()
}
