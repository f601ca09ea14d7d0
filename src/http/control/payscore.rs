//! `/__mock/payscore`: users authorise and revoke; each transition emits a notification.

use actix_web::web::{Data, Payload, Query};
use actix_web::{HttpRequest, HttpResponse};

use crate::api::payscore::{AuthorizationFilter, AuthorizationList, CloseRequest, OpenRequest};
use crate::domain::payscore::store::TransitionError;
use crate::http::control::route::{Group, Route, SchemaRef};
use crate::http::control::{ControlError, parse_json};
use crate::sandbox::{PayScoreError, Sandbox};

/// The Pay Score routes (inside the `/__mock` scope), served and documented from this table.
pub(crate) const ROUTES: Group = Group::new(
    "payscore",
    &[
        Route::post("/payscore/open", |r| r.to(open))
            .summary("A user authorises; emits PAYSCORE.USER_OPEN_SERVICE")
            .json(SchemaRef::Named("PayScoreOpen"))
            .answers(201, None),
        Route::post("/payscore/close", |r| r.to(close))
            .summary("A user revokes; emits PAYSCORE.USER_CLOSE_SERVICE")
            .json(SchemaRef::Named("PayScoreClose"))
            .answers(201, None),
        Route::get("/payscore/authorizations", |r| r.to(list))
            .summary("Authorisations with history, and how many the retention bound dropped")
            .answers(200, Some(SchemaRef::of::<AuthorizationList>()))
            .query(&["appId", "openId", "state"]),
    ],
);

/// A refused transition in the control API's error shape.
pub(super) fn refused(e: PayScoreError) -> ControlError {
    match e {
        PayScoreError::App(e) => e.into(),
        PayScoreError::Invalid(message) => ControlError::Validation(message),
        PayScoreError::Transition(e) => {
            let code = match e {
                TransitionError::AlreadyOpen(_) => "AUTHORIZATION_ALREADY_OPEN",
                TransitionError::NotOpen { .. } => "AUTHORIZATION_NOT_OPEN",
            };
            ControlError::Conflict {
                code,
                message: e.to_string(),
            }
        }
    }
}

async fn open(
    req: HttpRequest,
    payload: Payload,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let body: OpenRequest = parse_json(&req, payload, &state).await?;
    let done = state.open_authorization(body).map_err(refused)?;
    Ok(HttpResponse::Created().json(done))
}

async fn close(
    req: HttpRequest,
    payload: Payload,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let body: CloseRequest = parse_json(&req, payload, &state).await?;
    let done = state.close_authorization(body).map_err(refused)?;
    Ok(HttpResponse::Created().json(done))
}

async fn list(query: Query<AuthorizationFilter>, state: Data<Sandbox>) -> HttpResponse {
    HttpResponse::Ok().json(authorization_list(&state, &query))
}

/// Matching authorisations, and how many the retention bound dropped.
pub(super) fn authorization_list(
    state: &Sandbox,
    filter: &AuthorizationFilter,
) -> AuthorizationList {
    AuthorizationList {
        authorizations: state.payscore.list(
            filter.app_id.as_deref(),
            filter.open_id.as_deref(),
            filter.state,
        ),
        dropped: state.payscore.dropped(),
    }
}
