//! The built-in merchant sink under `/__mock/sink/{appId}`: a callback that verifies and answers
//! like a careful merchant, and remembers what it received. Its `POST` takes the sandbox's own
//! deliveries only (or a request with the admin token): see `domain/sink/own.rs`.

use actix_web::http::header::{AUTHORIZATION, CONTENT_TYPE};
use actix_web::web::{Data, Path, Payload};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use serde_json::json;

use crate::domain::sink::SinkAnswer;
use crate::http::body::{BodyError, read_limited};
use crate::http::control::ControlError;
use crate::http::control::admin::bearer_matches;
use crate::http::control::route::{Group, Route, SchemaRef};
use crate::sandbox::Sandbox;

/// The sink routes (inside the `/__mock` scope), served and documented from this table; the
/// document lists them with the scenarios, which use the sink as their merchant.
pub(crate) const ROUTES: Group = Group::new(
    "scenarios",
    &[
        Route::post("/sink/{appId}", |r| r.to(receive))
            .summary(
                "A built-in merchant that verifies and acknowledges the sandbox's own \
                 notification deliveries (others: with the admin token)",
            )
            .json_or_form(SchemaRef::Named("SinkNotification"))
            .answers_text(),
        Route::get("/sink/{appId}", |r| r.to(list)).summary("What the built-in merchant received"),
        Route::delete("/sink/{appId}", |r| r.to(clear))
            .summary("Forget what the built-in merchant received")
            .no_content(),
    ],
);

fn text(answer: SinkAnswer) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=UTF-8")
        .body(answer.as_str())
}

async fn receive(
    req: HttpRequest,
    payload: Payload,
    app_id: Path<String>,
    state: Data<Sandbox>,
) -> HttpResponse {
    let body = match read_limited(&req, payload, state.config.max_body_bytes).await {
        Ok(body) => body,
        // A late body is refused like any other control request's: 408, connection closed.
        Err(e @ BodyError::TimedOut { .. }) => return ControlError::from(e).error_response(),
        Err(e) => {
            tracing::info!(app_id = %app_id, error = %e, "sink: unreadable notification");
            return text(SinkAnswer::Failed);
        }
    };
    let header = |name| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    let with_admin = state
        .config
        .admin_token
        .as_deref()
        .is_some_and(|token| bearer_matches(Some(header(AUTHORIZATION)), token));
    match state.receive_at_sink(&app_id, &body, header(CONTENT_TYPE), with_admin) {
        Ok(answer) => text(answer),
        Err(refusal) => ControlError::from(refusal).error_response(),
    }
}

async fn list(app_id: Path<String>, state: Data<Sandbox>) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "received": state.sink.received(&app_id) }))
}

async fn clear(app_id: Path<String>, state: Data<Sandbox>) -> HttpResponse {
    state.sink.clear(&app_id);
    HttpResponse::NoContent().finish()
}
