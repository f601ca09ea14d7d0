//! The built-in merchant sink under `/__mock/sink/{appId}`: a callback that verifies and answers
//! like a careful merchant, and remembers what it received.

use actix_web::web::{self, Data, Path, Payload, ServiceConfig};
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;

use crate::domain::sink::{Receipt, SinkAnswer, judge};
use crate::http::body::read_limited;
use crate::http::control::resource;
use crate::protocol::timefmt::rfc3339_beijing;
use crate::sandbox::AppState;

/// Registers the sink routes (inside the `/__mock` scope).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        resource("/sink/{app_id}")
            .route(web::post().to(receive))
            .route(web::get().to(list))
            .route(web::delete().to(clear)),
    );
}

fn text(answer: SinkAnswer) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=UTF-8")
        .body(answer.as_str())
}

async fn receive(
    req: HttpRequest,
    payload: Payload,
    app_id: Path<String>,
    state: Data<AppState>,
) -> HttpResponse {
    let Some(app) = state.apps.get(&app_id) else {
        tracing::info!(app_id = %app_id, "sink: notification for an unknown app");
        return text(SinkAnswer::Failed);
    };
    let body = match read_limited(&req, payload, state.config.max_body_bytes).await {
        Ok(body) => body,
        Err(e) => {
            tracing::info!(app_id = %app_id, error = %e, "sink: unreadable notification");
            return text(SinkAnswer::Failed);
        }
    };
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let verdict = judge(&body, content_type, &app.md5_key, app.notify.sign_type);
    let answer = if verdict.problem.is_none() {
        SinkAnswer::Success
    } else {
        SinkAnswer::Failed
    };
    tracing::debug!(app_id = %app_id, id = ?verdict.id, answer = answer.as_str(), "sink: notification");
    state.sink.record(
        &app.app_id,
        Receipt {
            id: verdict.id,
            event_type: verdict.event_type,
            sign_valid: verdict.sign_valid,
            format: verdict.format,
            answer,
            problem: verdict.problem,
            at: rfc3339_beijing(state.clock.now()),
        },
    );
    text(answer)
}

async fn list(app_id: Path<String>, state: Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "received": state.sink.received(&app_id) }))
}

async fn clear(app_id: Path<String>, state: Data<AppState>) -> HttpResponse {
    state.sink.clear(&app_id);
    HttpResponse::NoContent().finish()
}
