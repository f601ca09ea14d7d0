//! `GET /__mock/openapi.json`: an OpenAPI 3 document of every control route, built from the
//! route table below and the request/response types' own schemas (utoipa).

use actix_web::HttpResponse;
use actix_web::web::{self, ServiceConfig};
use utoipa::ToSchema;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem, PathsBuilder,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ComponentsBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{
    Content, InfoBuilder, OpenApi, OpenApiBuilder, Ref, RefOr, Required, ResponseBuilder,
};

use super::resource;

mod bodies;

/// A plain-text response (`SUCCESS` / `FAILED`).
const TEXT: &str = "text/plain";
/// A notification body, form-encoded or JSON.
const SINK_BODY: &str = "SinkNotification";

/// One documented control route.
#[derive(Debug, Clone, Copy)]
pub struct RouteDoc {
    /// `GET`, `POST`, …
    pub method: &'static str,
    /// Path under `/__mock`, with `{param}`s.
    pub path: &'static str,
    /// Group.
    pub tag: &'static str,
    /// One line.
    pub summary: &'static str,
    /// Request body schema name, if any.
    pub request: Option<&'static str>,
    /// Success status and response schema name (`None`: no body or free-form).
    pub response: (u16, Option<&'static str>),
    /// Query parameters.
    pub query: &'static [&'static str],
}

const fn r(
    method: &'static str,
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    request: Option<&'static str>,
    response: (u16, Option<&'static str>),
    query: &'static [&'static str],
) -> RouteDoc {
    RouteDoc {
        method,
        path,
        tag,
        summary,
        request,
        response,
        query,
    }
}

/// Every control route. A test checks this table against the routes the code registers.
#[rustfmt::skip]
pub const ROUTES: &[RouteDoc] = &[
    r("GET", "/health", "health", "Liveness and version", None, (200, None), &[]),
    r("GET", "/openapi.json", "health", "This document", None, (200, None), &[]),
    r("GET", "/apps", "apps", "List apps", None, (200, None), &[]),
    r("POST", "/apps", "apps", "Create an app; missing fields are generated", Some("AppSpec"), (201, Some("App")), &[]),
    r("GET", "/apps/{appId}", "apps", "One app", None, (200, Some("App")), &[]),
    r("PATCH", "/apps/{appId}", "apps", "Change an app", Some("AppPatch"), (200, Some("App")), &[]),
    r("DELETE", "/apps/{appId}", "apps", "Delete an app and everything of it", None, (204, None), &[]),
    r("GET", "/clock", "clock", "Sandbox time", None, (200, Some("ClockView")), &[]),
    r("PUT", "/clock", "clock", "Set or freeze sandbox time", Some("ClockSet"), (200, Some("ClockView")), &[]),
    r("POST", "/clock/advance", "clock", "Advance sandbox time, making every attempt due on the way", Some("ClockAdvance"), (200, None), &[]),
    r("POST", "/reset", "reset", "Back to the fixtures (everything, or ?appId=)", None, (200, None), &["appId"]),
    r("POST", "/payscore/open", "payscore", "A user authorises; emits PAYSCORE.USER_OPEN_SERVICE", Some("PayScoreOpen"), (201, None), &[]),
    r("POST", "/payscore/close", "payscore", "A user revokes; emits PAYSCORE.USER_CLOSE_SERVICE", Some("PayScoreClose"), (201, None), &[]),
    r("GET", "/payscore/authorizations", "payscore", "Authorisations with history, and how many the retention bound dropped", None, (200, Some("AuthorizationList")), &["appId", "openId", "state"]),
    r("GET", "/notifications", "notifications", "Notifications, newest first", None, (200, None), &["appId", "openId", "eventType", "status", "limit"]),
    r("GET", "/notifications/{id}", "notifications", "One notification with every attempt", None, (200, Some("Notification")), &[]),
    r("GET", "/notifications/{id}/wait", "notifications", "Long-poll until a state is reached (408 on timeout)", None, (200, Some("Notification")), &["status", "timeoutMs"]),
    r("POST", "/notifications/{id}/redeliver", "notifications", "One more attempt now, same id", Some("Redeliver"), (200, Some("Notification")), &[]),
    r("GET", "/faults", "faults", "List faults", None, (200, None), &[]),
    r("POST", "/faults", "faults", "Add a fault", Some("FaultSpec"), (201, Some("Fault")), &[]),
    r("DELETE", "/faults", "faults", "Remove every fault", None, (204, None), &[]),
    r("GET", "/faults/{id}", "faults", "One fault", None, (200, Some("Fault")), &[]),
    r("DELETE", "/faults/{id}", "faults", "Remove a fault", None, (204, None), &[]),
    r("GET", "/stubs", "stubs", "List stubs in matching order", None, (200, None), &[]),
    r("POST", "/stubs", "stubs", "Add a stub", Some("StubSpec"), (201, Some("Stub")), &[]),
    r("DELETE", "/stubs", "stubs", "Remove every stub", None, (204, None), &[]),
    r("GET", "/stubs/{id}", "stubs", "One stub", None, (200, Some("Stub")), &[]),
    r("DELETE", "/stubs/{id}", "stubs", "Remove a stub", None, (204, None), &[]),
    r("GET", "/requests", "journal", "Gateway requests, newest first", None, (200, None), &["appId", "path", "outcome", "method", "limit"]),
    r("DELETE", "/requests", "journal", "Clear the journal", None, (204, None), &[]),
    r("POST", "/tools/sign", "tools", "Canonical string and signature for a signing rule", Some("ToolSign"), (200, None), &[]),
    r("POST", "/tools/verify", "tools", "Expected vs received signature, where they differ, hints", Some("ToolVerify"), (200, None), &[]),
    r("POST", "/conformance", "conformance", "Probe a merchant's notification handler", Some("ConformanceRun"), (200, None), &[]),
    r("GET", "/scenarios", "scenarios", "Fixture scenarios", None, (200, None), &[]),
    r("POST", "/scenarios/run", "scenarios", "Run a scenario, get a report", Some("ScenarioRun"), (200, None), &[]),
    r("POST", "/sink/{appId}", "scenarios", "A built-in merchant that verifies and acknowledges notifications", Some(SINK_BODY), (200, Some(TEXT)), &[]),
    r("GET", "/sink/{appId}", "scenarios", "What the built-in merchant received", None, (200, None), &[]),
    r("DELETE", "/sink/{appId}", "scenarios", "Forget what the built-in merchant received", None, (204, None), &[]),
    r("GET", "/ui", "ui", "The dashboard (HTML)", None, (200, None), &[]),
    r("GET", "/ui/{file}", "ui", "A dashboard file (script, style, icon)", None, (200, None), &[]),
];

/// The documented methods of a control path, given as registered (`/__mock/apps/{app_id}`) or
/// as documented (`/apps/{appId}`): what a 405's `Allow` header lists.
pub fn allowed_methods(pattern: &str) -> Vec<&'static str> {
    let shape = |p: &str| {
        p.strip_prefix("/__mock")
            .unwrap_or(p)
            .split('/')
            .map(|s| if s.starts_with('{') { "{}" } else { s })
            .collect::<Vec<_>>()
            .join("/")
    };
    let wanted = shape(pattern);
    ROUTES
        .iter()
        .filter(|r| shape(r.path) == wanted)
        .map(|r| r.method)
        .collect()
}

fn method(m: &str) -> HttpMethod {
    match m {
        "POST" => HttpMethod::Post,
        "PUT" => HttpMethod::Put,
        "PATCH" => HttpMethod::Patch,
        "DELETE" => HttpMethod::Delete,
        _ => HttpMethod::Get,
    }
}

fn json(schema: Option<&str>) -> Content {
    let schema: RefOr<Schema> = match schema {
        Some(name) => RefOr::Ref(Ref::from_schema_name(name)),
        None => RefOr::T(Schema::Object(
            ObjectBuilder::new().schema_type(Type::Object).build(),
        )),
    };
    Content::new(Some(schema))
}

fn add<T: ToSchema>(out: &mut Vec<(String, RefOr<Schema>)>) {
    out.push((T::name().into_owned(), T::schema()));
    T::schemas(out);
}

fn error_schema() -> Schema {
    let inner = ObjectBuilder::new()
        .property("code", ObjectBuilder::new().schema_type(Type::String))
        .property("message", ObjectBuilder::new().schema_type(Type::String))
        .required("code")
        .required("message");
    Schema::Object(
        ObjectBuilder::new()
            .property("error", inner)
            .required("error")
            .build(),
    )
}

/// The document as the route table and the types' own schemas give it. Some request bodies
/// refer to schemas only [`document_json`] adds: serve that one.
pub fn document() -> OpenApi {
    let mut paths = PathsBuilder::new();
    for route in ROUTES {
        let mut op = OperationBuilder::new()
            .tag(route.tag)
            .summary(Some(route.summary))
            .operation_id(Some(format!(
                "{} {}",
                route.method.to_ascii_lowercase(),
                route.path
            )));
        for segment in route.path.split('/') {
            if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                op = op.parameter(
                    ParameterBuilder::new()
                        .name(name)
                        .parameter_in(ParameterIn::Path)
                        .required(Required::True)
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String))),
                );
            }
        }
        for name in route.query {
            op = op.parameter(
                ParameterBuilder::new()
                    .name(*name)
                    .parameter_in(ParameterIn::Query)
                    .required(Required::False)
                    .schema(Some(ObjectBuilder::new().schema_type(Type::String))),
            );
        }
        if let Some(request) = route.request {
            let mut body =
                RequestBodyBuilder::new().content("application/json", json(Some(request)));
            if request == SINK_BODY {
                body = body.content("application/x-www-form-urlencoded", json(Some(request)));
            }
            op = op.request_body(Some(body.build()));
        }
        let (status, schema) = route.response;
        let ok = if status == 204 {
            ResponseBuilder::new().description("Done")
        } else if schema == Some(TEXT) {
            let text = Schema::Object(ObjectBuilder::new().schema_type(Type::String).build());
            ResponseBuilder::new()
                .description("Success")
                .content(TEXT, Content::new(Some(text)))
        } else {
            ResponseBuilder::new()
                .description("Success")
                .content("application/json", json(schema))
        };
        let err = ResponseBuilder::new()
            .description("Control API error")
            .content("application/json", json(Some("ControlError")));
        op = op.response(status.to_string(), ok).response("4XX", err);
        paths = paths.path(
            format!("/__mock{}", route.path),
            PathItem::new(method(route.method), op),
        );
    }
    let mut schemas = Vec::new();
    add::<crate::domain::apps::App>(&mut schemas);
    add::<crate::domain::apps::AppSpec>(&mut schemas);
    add::<crate::domain::clock::ClockView>(&mut schemas);
    add::<crate::domain::notify::Notification>(&mut schemas);
    add::<crate::domain::payscore::Authorization>(&mut schemas);
    add::<crate::domain::payscore::AuthorizationList>(&mut schemas);
    add::<crate::domain::faults::Fault>(&mut schemas);
    add::<crate::domain::faults::FaultSpec>(&mut schemas);
    add::<crate::domain::stubs::Stub>(&mut schemas);
    add::<crate::domain::stubs::StubSpec>(&mut schemas);
    add::<crate::domain::journal::Entry>(&mut schemas);
    schemas.push(("ControlError".into(), RefOr::T(error_schema())));
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("chinaums-mock control API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some("Script and inspect the ChinaUMS sandbox: apps, Pay Score authorisations, notifications, the clock, faults, stubs, the request journal, scenarios."))
                .build(),
        )
        .paths(paths.build())
        .components(Some(ComponentsBuilder::new().schemas_from_iter(schemas).build()))
        .build()
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(resource("/openapi.json").route(web::get().to(serve)));
}

/// The document as served: [`document`] with the request bodies, field limits and query
/// parameter types that the types alone do not carry.
pub fn document_json() -> serde_json::Value {
    let mut doc = serde_json::to_value(document()).unwrap_or_default();
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(serde_json::Value::as_object_mut)
    {
        for (name, schema) in bodies::request_schemas() {
            schemas.insert(name.into(), schema);
        }
        bodies::refine(schemas);
    }
    let schemas = doc["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for (path, item) in doc["paths"].as_object_mut().into_iter().flatten() {
        for op in item.as_object_mut().into_iter().flatten().map(|(_, op)| op) {
            let body = op
                .pointer("/requestBody/content/application~1json/schema/$ref")
                .and_then(serde_json::Value::as_str)
                .and_then(|r| r.rsplit('/').next())
                .map(str::to_owned);
            if body.is_some_and(|name| bodies::body_required(&schemas, &name)) {
                op["requestBody"]["required"] = serde_json::Value::Bool(true);
            }
            let params = op.get_mut("parameters").and_then(|p| p.as_array_mut());
            for param in params.into_iter().flatten() {
                let name = param["name"].as_str().unwrap_or_default();
                if param["in"] == "query" {
                    if let Some(schema) = bodies::query_schema(path, name) {
                        param["schema"] = schema;
                    }
                }
            }
        }
    }
    doc
}

async fn serve() -> HttpResponse {
    HttpResponse::Ok().json(document_json())
}
