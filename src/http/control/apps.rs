//! `/__mock/apps`: create, list, read, change and delete tenants.

use actix_web::web::{self, Data, Path, Payload, ServiceConfig};
use actix_web::{HttpRequest, HttpResponse};

use crate::domain::apps::AppSpec;
use crate::http::control::{ControlError, parse_json, resource};
use crate::sandbox::AppState;

/// Registers the app routes (inside the `/__mock` scope).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        resource("/apps")
            .route(web::get().to(list))
            .route(web::post().to(create)),
    )
    .service(
        resource("/apps/{app_id}")
            .route(web::get().to(get))
            .route(web::patch().to(patch))
            .route(web::delete().to(delete)),
    );
}

async fn list(state: Data<AppState>) -> HttpResponse {
    let apps: Vec<_> = state.apps.list().iter().map(|a| (**a).clone()).collect();
    HttpResponse::Ok().json(serde_json::json!({ "apps": apps }))
}

async fn create(
    req: HttpRequest,
    payload: Payload,
    state: Data<AppState>,
) -> Result<HttpResponse, ControlError> {
    let spec: AppSpec = parse_json(&req, payload, &state).await?;
    let app = state.create_app(&spec)?;
    Ok(HttpResponse::Created().json(&*app))
}

async fn get(path: Path<String>, state: Data<AppState>) -> Result<HttpResponse, ControlError> {
    let app = state.app(&path)?;
    Ok(HttpResponse::Ok().json(&*app))
}

async fn patch(
    req: HttpRequest,
    payload: Payload,
    path: Path<String>,
    state: Data<AppState>,
) -> Result<HttpResponse, ControlError> {
    let spec: AppSpec = parse_json(&req, payload, &state).await?;
    let app = state.update_app(&path, &spec)?;
    Ok(HttpResponse::Ok().json(&*app))
}

async fn delete(path: Path<String>, state: Data<AppState>) -> Result<HttpResponse, ControlError> {
    if state.remove_app(&path) {
        tracing::info!(app_id = %path, "deleted app");
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(crate::domain::apps::AppError::NotFound(path.into_inner()).into())
    }
}
