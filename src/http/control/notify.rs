//! `/__mock/notifications`: list, inspect, wait for and redeliver notifications.

use std::time::Duration;

use actix_web::web::{Data, Path, Payload, Query};
use actix_web::{HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::domain::notify::Filter;
use crate::domain::notify::engine::RedeliverError;
use crate::domain::notify::{Notification, Status};
use crate::http::control::route::{Group, Route, SchemaRef};
use crate::http::control::{ControlError, parse_json};
use crate::sandbox::Sandbox;

/// The notification routes (inside the `/__mock` scope), served and documented from this table.
pub(crate) const ROUTES: Group = Group::new(
    "notifications",
    &[
        Route::get("/notifications", |r| r.to(list))
            .summary("Notifications, newest first")
            .query(&["appId", "openId", "eventType", "status", "limit"]),
        Route::get("/notifications/{id}", |r| r.to(get))
            .summary("One notification with every attempt")
            .answers(200, Some(SchemaRef::of::<Notification>())),
        Route::get("/notifications/{id}/wait", |r| r.to(wait))
            .summary("Long-poll until a state is reached (408 on timeout)")
            .answers(200, Some(SchemaRef::of::<Notification>()))
            .query(&["status", "timeoutMs"]),
        Route::post("/notifications/{id}/redeliver", |r| r.to(redeliver))
            .summary("One more attempt now, same id")
            .json(SchemaRef::Named("Redeliver"))
            .answers(200, Some(SchemaRef::of::<Notification>())),
    ],
);

const DEFAULT_LIMIT: usize = 1000;
const MAX_WAIT_MS: u64 = 300_000;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    app_id: Option<String>,
    open_id: Option<String>,
    event_type: Option<String>,
    status: Option<String>,
    limit: Option<usize>,
}

fn parse_status(s: &str) -> Result<Status, ControlError> {
    Status::parse(s).ok_or_else(|| {
        ControlError::InvalidQuery(format!(
            "status must be pending, delivered or exhausted, not {s:?}"
        ))
    })
}

fn not_found(id: &str) -> ControlError {
    ControlError::NotFound {
        code: "NOTIFICATION_NOT_FOUND",
        message: format!("no notification with id {id}"),
    }
}

async fn list(query: Query<ListQuery>, state: Data<Sandbox>) -> Result<HttpResponse, ControlError> {
    let q = query.into_inner();
    let status = q.status.as_deref().map(parse_status).transpose()?;
    let filter = Filter {
        app_id: q.app_id,
        open_id: q.open_id,
        event_type: q.event_type,
        status,
    };
    let notifications = list_notifications(&state, &filter, q.limit);
    Ok(HttpResponse::Ok().json(json!({ "notifications": notifications })))
}

/// Matching notifications, newest first, at most `limit` (default 100).
pub(super) fn list_notifications(
    state: &Sandbox,
    filter: &Filter,
    limit: Option<usize>,
) -> Vec<Notification> {
    state.notify.list(filter, limit.unwrap_or(DEFAULT_LIMIT))
}

/// One notification.
pub(super) fn notification(state: &Sandbox, id: &str) -> Result<Notification, ControlError> {
    state.notify.get(id).ok_or_else(|| not_found(id))
}

async fn get(id: Path<String>, state: Data<Sandbox>) -> Result<HttpResponse, ControlError> {
    Ok(HttpResponse::Ok().json(notification(&state, &id)?))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WaitQuery {
    status: Option<String>,
    timeout_ms: Option<u64>,
}

async fn wait(
    id: Path<String>,
    query: Query<WaitQuery>,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let (reached, n) = wait_for(&state, &id, query.status.as_deref(), query.timeout_ms).await?;
    if !reached && state.notify.is_closing() {
        return Err(ControlError::ShuttingDown(format!(
            "notification {} is {}; wait again once it is back",
            n.id,
            serde_json::to_value(n.status)
                .ok()
                .and_then(|s| s.as_str().map(str::to_owned))
                .unwrap_or_default()
        )));
    }
    Ok(if reached {
        HttpResponse::Ok().json(n)
    } else {
        HttpResponse::RequestTimeout().json(n)
    })
}

/// Waits until the notification is `wanted` (default `settled`) or `timeout_ms` (default
/// 10 s, at most 300 s) has passed; answers whether it is, and the notification.
pub(super) async fn wait_for(
    state: &Sandbox,
    id: &str,
    wanted: Option<&str>,
    timeout_ms: Option<u64>,
) -> Result<(bool, Notification), ControlError> {
    let wanted = wanted.unwrap_or("settled");
    let done: Box<dyn Fn(&Notification) -> bool + Send + Sync> = match wanted {
        "settled" => Box::new(|n: &Notification| n.status.is_settled()),
        other => {
            let status = parse_status(other).map_err(|_| {
                ControlError::InvalidQuery(format!(
                    "status must be delivered, exhausted, pending or settled, not {other:?}"
                ))
            })?;
            Box::new(move |n: &Notification| n.status == status)
        }
    };
    let timeout = Duration::from_millis(timeout_ms.unwrap_or(10_000).min(MAX_WAIT_MS));
    state
        .notify
        .wait_until(id, done, timeout)
        .await
        .ok_or_else(|| not_found(id))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RedeliverBody {
    callback_url: Option<String>,
}

async fn redeliver(
    req: HttpRequest,
    payload: Payload,
    id: Path<String>,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let body: RedeliverBody = parse_json(&req, payload, &state).await?;
    if let Some(url) = &body.callback_url {
        state.check_callback("callbackUrl", url)?;
    }
    match state.notify.redeliver(&id, body.callback_url).await {
        Ok(n) => Ok(HttpResponse::Ok().json(n)),
        Err(RedeliverError::NotFound(id)) => Err(not_found(&id)),
        Err(e @ RedeliverError::NoCallbackUrl(_)) => Err(ControlError::Conflict {
            code: "NO_CALLBACK_URL",
            message: e.to_string(),
        }),
    }
}
