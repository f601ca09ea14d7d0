//! `/__mock/apps`: create, list, read, change and delete tenants.

use actix_web::web::{Data, Path, Payload};
use actix_web::{HttpRequest, HttpResponse};

use crate::domain::apps::{App, AppSpec};
use crate::http::control::route::{Group, Route, SchemaRef};
use crate::http::control::{ControlError, parse_json};
use crate::sandbox::Sandbox;

/// The app routes (inside the `/__mock` scope), served and documented from this table.
pub(crate) const ROUTES: Group = Group::new(
    "apps",
    &[
        Route::get("/apps", |r| r.to(list)).summary("List apps"),
        Route::post("/apps", |r| r.to(create))
            .summary("Create an app; missing fields are generated")
            .json(SchemaRef::of::<AppSpec>())
            .answers(201, Some(SchemaRef::of::<App>())),
        Route::get("/apps/{appId}", |r| r.to(get))
            .summary("One app")
            .answers(200, Some(SchemaRef::of::<App>())),
        Route::patch("/apps/{appId}", |r| r.to(patch))
            .summary("Change an app")
            .json(SchemaRef::Named("AppPatch"))
            .answers(200, Some(SchemaRef::of::<App>())),
        Route::delete("/apps/{appId}", |r| r.to(delete))
            .summary("Delete an app and everything of it")
            .no_content(),
    ],
);

async fn list(state: Data<Sandbox>) -> HttpResponse {
    let apps: Vec<_> = state.apps.list().iter().map(|a| (**a).clone()).collect();
    HttpResponse::Ok().json(serde_json::json!({ "apps": apps }))
}

async fn create(
    req: HttpRequest,
    payload: Payload,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let spec: AppSpec = parse_json(&req, payload, &state).await?;
    let app = state.create_app(&spec)?;
    Ok(HttpResponse::Created().json(&*app))
}

async fn get(path: Path<String>, state: Data<Sandbox>) -> Result<HttpResponse, ControlError> {
    let app = state.app(&path)?;
    Ok(HttpResponse::Ok().json(&*app))
}

async fn patch(
    req: HttpRequest,
    payload: Payload,
    path: Path<String>,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let spec: AppSpec = parse_json(&req, payload, &state).await?;
    let app = state.update_app(&path, &spec)?;
    Ok(HttpResponse::Ok().json(&*app))
}

async fn delete(path: Path<String>, state: Data<Sandbox>) -> Result<HttpResponse, ControlError> {
    if state.remove_app(&path) {
        tracing::info!(app_id = %path, "deleted app");
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(crate::domain::apps::AppError::NotFound(path.into_inner()).into())
    }
}
