//! `GET /__mock/openapi.json`: an OpenAPI 3 document of every control route, built from the
//! route tables the server registers ([`super::GROUPS`]) and the wire types' own schemas
//! (utoipa).

use actix_web::HttpResponse;
use utoipa::openapi::path::{
    Operation, OperationBuilder, ParameterBuilder, ParameterIn, PathItem, PathsBuilder,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ComponentsBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{
    Content, InfoBuilder, OpenApi, OpenApiBuilder, Ref, RefOr, Required, ResponseBuilder,
};

use super::route::{Group, Request, Response, Route, SchemaRef, Schemas};

mod bodies;

/// A plain-text response (`SUCCESS` / `FAILED`).
const TEXT: &str = "text/plain";

/// This document's own route (inside the `/__mock` scope).
pub(crate) const ROUTES: Group = Group::new(
    "health",
    &[Route::get("/openapi.json", |r| r.to(serve)).summary("This document")],
);

/// Schemas no route names but a list answer holds: the items of `{"requests": [...]}` and
/// `{"authorizations": [...]}`, whose wrappers are built ad hoc.
const ITEMS: &[SchemaRef] = &[
    SchemaRef::of::<crate::api::payscore::Authorization>(),
    SchemaRef::of::<crate::api::journal::Entry>(),
];

fn json(schema: Option<&SchemaRef>) -> Content {
    let schema: RefOr<Schema> = match schema {
        Some(schema) => RefOr::Ref(Ref::from_schema_name(schema.name())),
        None => RefOr::T(Schema::Object(
            ObjectBuilder::new().schema_type(Type::Object).build(),
        )),
    };
    Content::new(Some(schema))
}

/// Adds a typed schema, and those it refers to, to the components.
fn collect(schema: &SchemaRef, out: &mut Schemas) {
    if let SchemaRef::Type { collect, .. } = schema {
        collect(out);
    }
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

/// The operation that documents `route`; the typed schemas it names go into `schemas`.
fn operation(tag: &str, route: &Route, schemas: &mut Schemas) -> Operation {
    let mut op = OperationBuilder::new()
        .tag(tag)
        .summary(Some(route.summary))
        .operation_id(Some(format!(
            "{} {}",
            route.method.as_str().to_ascii_lowercase(),
            route.path
        )));
    if route.head {
        op = op.description(Some(
            "Also answers HEAD: the same headers, without the body.",
        ));
    }
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
    let body = match &route.request {
        Request::None => None,
        Request::Json(schema) => {
            collect(schema, schemas);
            Some(RequestBodyBuilder::new().content("application/json", json(Some(schema))))
        }
        Request::JsonOrForm(schema) => {
            collect(schema, schemas);
            Some(
                RequestBodyBuilder::new()
                    .content("application/json", json(Some(schema)))
                    .content("application/x-www-form-urlencoded", json(Some(schema))),
            )
        }
    };
    if let Some(body) = body {
        op = op.request_body(Some(body.build()));
    }
    let (status, ok) = match &route.response {
        Response::NoContent => (204, ResponseBuilder::new().description("Done")),
        Response::Text => {
            let text = Schema::Object(ObjectBuilder::new().schema_type(Type::String).build());
            let ok = ResponseBuilder::new()
                .description("Success")
                .content(TEXT, Content::new(Some(text)));
            (200, ok)
        }
        Response::Json(status, schema) => {
            if let Some(schema) = schema {
                collect(schema, schemas);
            }
            let ok = ResponseBuilder::new()
                .description("Success")
                .content("application/json", json(schema.as_ref()));
            (*status, ok)
        }
    };
    let err = ResponseBuilder::new()
        .description("Control API error")
        .content(
            "application/json",
            json(Some(&SchemaRef::Named("ControlError"))),
        );
    op.response(status.to_string(), ok)
        .response("4XX", err)
        .build()
}

/// The document as the route tables and the types' own schemas give it. Some request bodies
/// refer to schemas only [`document_json`] adds: serve that one.
pub fn document() -> OpenApi {
    let mut paths = PathsBuilder::new();
    let mut schemas = Schemas::new();
    for group in super::GROUPS {
        for route in group.routes {
            let op = operation(group.tag, route, &mut schemas);
            paths = paths.path(
                format!("/__mock{}", route.path),
                PathItem::new(route.method.openapi(), op),
            );
        }
    }
    for item in ITEMS {
        collect(item, &mut schemas);
    }
    schemas.push(("ControlError".into(), RefOr::T(error_schema())));
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("chinaums-mock control API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some("Script and inspect the ChinaUMS sandbox: apps, Pay Score authorisations, notifications, clocks (one per group of apps: advancing one moves time only for the apps on it), faults, stubs, the request journal, scenarios."))
                .build(),
        )
        .paths(paths.build())
        .components(Some(ComponentsBuilder::new().schemas_from_iter(schemas).build()))
        .build()
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
                if param["in"] == "query"
                    && let Some(schema) = bodies::query_schema(path, name)
                {
                    param["schema"] = schema;
                }
            }
        }
    }
    doc
}

async fn serve() -> HttpResponse {
    HttpResponse::Ok().json(document_json())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    match v.as_str() {
                        Some(r) if k == "$ref" => out.push(r),
                        _ => refs(v, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    /// A `SchemaRef::Named` is a plain string: a typo would leave a dangling `$ref`.
    #[test]
    fn every_schema_the_document_refers_to_is_in_its_components() {
        let doc = document_json();
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(found.len() > 30, "{found:?}");
        for r in found {
            let name = r.trim_start_matches("#/components/schemas/");
            assert!(
                doc["components"]["schemas"][name].is_object(),
                "{r} refers to nothing"
            );
        }
    }

    #[test]
    fn every_route_of_the_list_is_documented_once_under_its_tag() {
        let doc = document_json();
        for group in super::super::GROUPS {
            for route in group.routes {
                let op = &doc["paths"][format!("/__mock{}", route.path)]
                    [route.method.as_str().to_ascii_lowercase()];
                assert_eq!(
                    op["tags"][0],
                    group.tag,
                    "{} {}",
                    route.method.as_str(),
                    route.path
                );
                assert!(!route.summary.is_empty(), "{} has no summary", route.path);
                assert_eq!(op["summary"], route.summary);
            }
        }
    }
}
