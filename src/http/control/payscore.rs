//! `/__mock/payscore`: users authorise and revoke; each transition emits a notification.

use actix_web::web::{self, Data, Payload, Query, ServiceConfig};
use actix_web::{HttpRequest, HttpResponse};

use crate::api::payscore::{AuthorizationFilter, AuthorizationList, CloseRequest, OpenRequest};
use crate::domain::apps::{App, AppError, check_callback_url};
use crate::domain::notify::NewNotification;
use crate::domain::payscore::event::{Subject as EventSubject, Transition, event_fields};
use crate::domain::payscore::store::{Authorization, Terms, TransitionError};
use crate::http::control::{ControlError, parse_json, resource};
use crate::protocol::generate::{chars, open_id};
use crate::protocol::timefmt::format_compact;
use crate::sandbox::AppState;

/// Registers the Pay Score routes (inside the `/__mock` scope).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(resource("/payscore/open").route(web::post().to(open)))
        .service(resource("/payscore/close").route(web::post().to(close)))
        .service(resource("/payscore/authorizations").route(web::get().to(list)));
}

fn check_id(field: &str, value: &str, max: usize) -> Result<(), ControlError> {
    if value.is_empty() || value.len() > max || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ControlError::Validation(format!(
            "{field} must be 1 to {max} visible ASCII characters"
        )));
    }
    Ok(())
}

fn find_app(state: &AppState, app_id: &str) -> Result<std::sync::Arc<App>, ControlError> {
    state
        .apps
        .get(app_id)
        .ok_or_else(|| AppError::NotFound(app_id.to_owned()).into())
}

fn conflict(e: TransitionError) -> ControlError {
    let code = match e {
        TransitionError::AlreadyOpen(_) => "AUTHORIZATION_ALREADY_OPEN",
        TransitionError::NotOpen { .. } => "AUTHORIZATION_NOT_OPEN",
    };
    ControlError::Conflict {
        code,
        message: e.to_string(),
    }
}

/// Creates the transition's notification and answers `{authorization, notification}`.
fn emit(
    state: &AppState,
    app: &App,
    mut auth: Authorization,
    transition: Transition,
    callback_url: Option<String>,
) -> HttpResponse {
    let now = state.clock.now();
    let id = state.notify.next_event_id(now);
    let subject = EventSubject {
        open_id: &auth.open_id,
        sub_open_id: &auth.sub_open_id,
        authorization_code: &auth.authorization_code,
    };
    let fields = event_fields(&id, app, subject, transition, now);
    let new = NewNotification {
        id,
        event_type: transition.event_type(),
        open_id: &auth.open_id,
        fields: &fields,
        callback_url,
    };
    let notification = state.notify.create(app, new, now);
    // The answer shows the record as stored (also when the retention bound has just dropped
    // it), without a second copy out of the store.
    state
        .payscore
        .attach_notification(&app.app_id, &auth.open_id, &notification.id);
    if let Some(last) = auth.history.last_mut() {
        last.notification_id = Some(notification.id.clone());
    }
    tracing::info!(
        app_id = %app.app_id,
        open_id = %auth.open_id,
        event_type = transition.event_type(),
        id = %notification.id,
        "pay score transition"
    );
    // Serialised straight from the records (no intermediate `Value` tree: this is the hot path
    // of bulk triggering).
    HttpResponse::Created().json(crate::api::payscore::Transition {
        authorization: auth,
        notification,
    })
}

async fn open(
    req: HttpRequest,
    payload: Payload,
    state: Data<AppState>,
) -> Result<HttpResponse, ControlError> {
    let body: OpenRequest = parse_json(&req, payload, &state).await?;
    let app = find_app(&state, &body.app_id)?;
    for (field, value, max) in [
        ("openId", &body.open_id, 128),
        ("subOpenId", &body.sub_open_id, 128),
        ("authorizationCode", &body.authorization_code, 32),
    ] {
        if let Some(v) = value {
            check_id(field, v, max)?;
        }
    }
    if let Some(url) = &body.callback_url {
        check_callback_url(url)?;
    }
    let now = state.clock.now();
    // The generator stays locked through the open, so the values it draws for one open are
    // consecutive (openId, then subOpenId, then authorizationCode).
    let auth = {
        let mut rng = state.rng.lock();
        let open = body.open_id.clone().unwrap_or_else(|| open_id(&mut *rng));
        state
            .payscore
            .open(&app.app_id, open, now, |previous| Terms {
                sub_open_id: body
                    .sub_open_id
                    .clone()
                    .or_else(|| previous.map(str::to_owned))
                    .unwrap_or_else(|| open_id(&mut *rng)),
                authorization_code: body.authorization_code.clone().unwrap_or_else(|| {
                    format!(
                        "AUTH{}{}",
                        format_compact(now),
                        chars(&mut *rng, b"0123456789", 4)
                    )
                }),
            })
    }
    .map_err(conflict)?;
    Ok(emit(
        &state,
        &app,
        auth,
        Transition::Open,
        body.callback_url,
    ))
}

async fn close(
    req: HttpRequest,
    payload: Payload,
    state: Data<AppState>,
) -> Result<HttpResponse, ControlError> {
    let body: CloseRequest = parse_json(&req, payload, &state).await?;
    let app = find_app(&state, &body.app_id)?;
    check_id("openId", &body.open_id, 128)?;
    if let Some(url) = &body.callback_url {
        check_callback_url(url)?;
    }
    let auth = state
        .payscore
        .close(&app.app_id, &body.open_id, state.clock.now())
        .map_err(conflict)?;
    Ok(emit(
        &state,
        &app,
        auth,
        Transition::Close,
        body.callback_url,
    ))
}

async fn list(query: Query<AuthorizationFilter>, state: Data<AppState>) -> HttpResponse {
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
