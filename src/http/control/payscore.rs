//! `/__mock/payscore`: users authorise and revoke; each transition emits a notification.

use actix_web::web::{Data, Payload, Query};
use actix_web::{HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::api::payscore::AuthorizationList;
use crate::domain::payscore::store::{AuthState, TransitionError};
use crate::http::control::route::{Group, Route, SchemaRef};
use crate::http::control::{ControlError, parse_json};
use crate::sandbox::{AppState, CloseAuthorization, OpenAuthorization, PayScoreError};

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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct OpenBody {
    app_id: String,
    open_id: Option<String>,
    sub_open_id: Option<String>,
    authorization_code: Option<String>,
    callback_url: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CloseBody {
    app_id: String,
    open_id: String,
    callback_url: Option<String>,
}

fn refused(e: PayScoreError) -> ControlError {
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
    state: Data<AppState>,
) -> Result<HttpResponse, ControlError> {
    let body: OpenBody = parse_json(&req, payload, &state).await?;
    let done = state
        .open_authorization(OpenAuthorization {
            app_id: body.app_id,
            open_id: body.open_id,
            sub_open_id: body.sub_open_id,
            authorization_code: body.authorization_code,
            callback_url: body.callback_url,
        })
        .map_err(refused)?;
    Ok(HttpResponse::Created().json(done))
}

async fn close(
    req: HttpRequest,
    payload: Payload,
    state: Data<AppState>,
) -> Result<HttpResponse, ControlError> {
    let body: CloseBody = parse_json(&req, payload, &state).await?;
    let done = state
        .close_authorization(CloseAuthorization {
            app_id: body.app_id,
            open_id: body.open_id,
            callback_url: body.callback_url,
        })
        .map_err(refused)?;
    Ok(HttpResponse::Created().json(done))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    app_id: Option<String>,
    open_id: Option<String>,
    state: Option<AuthState>,
}

async fn list(query: Query<ListQuery>, state: Data<AppState>) -> HttpResponse {
    let authorizations = state.payscore.list(
        query.app_id.as_deref(),
        query.open_id.as_deref(),
        query.state,
    );
    HttpResponse::Ok().json(AuthorizationList {
        authorizations,
        dropped: state.payscore.dropped(),
    })
}
