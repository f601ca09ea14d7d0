//! One control route as data: the handler that serves it and the operation that documents it.
//!
//! Every control file lists its routes in one `ROUTES` [`Group`]. The `/__mock` scope, the
//! OpenAPI document and the `Allow` header of a 405 are all built from those groups, so a route
//! cannot be served without being documented, nor documented without being served.

use std::borrow::Cow;

use actix_web::web::{self, ServiceConfig};
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;
use utoipa::ToSchema;
use utoipa::openapi::path::HttpMethod;
use utoipa::openapi::{RefOr, Schema};

/// The methods control routes take. HEAD rides along with a GET ([`Route::with_head`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method as written on the wire: `GET`, `POST`, …
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    fn actix(self) -> actix_web::http::Method {
        use actix_web::http::Method as M;
        match self {
            Method::Get => M::GET,
            Method::Post => M::POST,
            Method::Put => M::PUT,
            Method::Patch => M::PATCH,
            Method::Delete => M::DELETE,
        }
    }

    /// The method as an OpenAPI path item names it.
    pub fn openapi(self) -> HttpMethod {
        match self {
            Method::Get => HttpMethod::Get,
            Method::Post => HttpMethod::Post,
            Method::Put => HttpMethod::Put,
            Method::Patch => HttpMethod::Patch,
            Method::Delete => HttpMethod::Delete,
        }
    }
}

/// The schemas of the OpenAPI document, as `(component name, schema)` pairs.
pub type Schemas = Vec<(String, RefOr<Schema>)>;

/// A body's schema: a wire type's own (from `src/api`, through `ToSchema`), or a component
/// written by hand in `openapi/bodies.rs` for the routes that read JSON ad hoc.
#[derive(Debug, Clone, Copy)]
pub enum SchemaRef {
    /// A type's generated schema.
    Type {
        /// Its component name.
        name: fn() -> Cow<'static, str>,
        /// Adds it, and every schema it refers to, to the components.
        collect: fn(&mut Schemas),
    },
    /// A component `openapi/bodies.rs` adds.
    Named(&'static str),
}

fn collect<T: ToSchema>(out: &mut Schemas) {
    out.push((T::name().into_owned(), T::schema()));
    T::schemas(out);
}

impl SchemaRef {
    /// The generated schema of `T`.
    pub const fn of<T: ToSchema>() -> Self {
        SchemaRef::Type {
            name: T::name,
            collect: collect::<T>,
        }
    }

    /// The component name a `$ref` points to.
    pub fn name(&self) -> Cow<'static, str> {
        match self {
            SchemaRef::Type { name, .. } => name(),
            SchemaRef::Named(name) => Cow::Borrowed(name),
        }
    }
}

/// What a route reads from the request body.
#[derive(Debug, Clone, Copy)]
pub enum Request {
    /// Nothing.
    None,
    /// A JSON object (an empty body counts as `{}`).
    Json(SchemaRef),
    /// The same fields as JSON or as a form (the built-in merchant reads both).
    JsonOrForm(SchemaRef),
}

/// What a route answers when it succeeds.
#[derive(Debug, Clone, Copy)]
pub enum Response {
    /// JSON with this status; `None`: an object without a schema of its own.
    Json(u16, Option<SchemaRef>),
    /// `text/plain` with status 200 (`SUCCESS` / `FAILED`).
    Text,
    /// 204, no body.
    NoContent,
}

/// Adds the handler to a route whose method guard is already set.
type Handler = fn(actix_web::Route) -> actix_web::Route;

/// One control route: how it is served and how it is documented.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// The method.
    pub method: Method,
    /// The path under `/__mock`, with `{param}`s named as the document names them.
    pub path: &'static str,
    /// One line for the document.
    pub summary: &'static str,
    /// What the route reads from the body.
    pub request: Request,
    /// What it answers when it succeeds.
    pub response: Response,
    /// Its query parameters.
    pub query: &'static [&'static str],
    /// Whether it answers HEAD too (the headers of the GET, without the body).
    pub head: bool,
    handler: Handler,
}

impl Route {
    const fn new(method: Method, path: &'static str, handler: Handler) -> Self {
        Route {
            method,
            path,
            summary: "",
            request: Request::None,
            response: Response::Json(200, None),
            query: &[],
            head: false,
            handler,
        }
    }

    /// A GET route; `handler` is `|r| r.to(the_async_fn)`.
    pub const fn get(path: &'static str, handler: Handler) -> Self {
        Self::new(Method::Get, path, handler)
    }

    /// A POST route.
    pub const fn post(path: &'static str, handler: Handler) -> Self {
        Self::new(Method::Post, path, handler)
    }

    /// A PUT route.
    pub const fn put(path: &'static str, handler: Handler) -> Self {
        Self::new(Method::Put, path, handler)
    }

    /// A PATCH route.
    pub const fn patch(path: &'static str, handler: Handler) -> Self {
        Self::new(Method::Patch, path, handler)
    }

    /// A DELETE route.
    pub const fn delete(path: &'static str, handler: Handler) -> Self {
        Self::new(Method::Delete, path, handler)
    }

    /// The one-line summary.
    pub const fn summary(self, summary: &'static str) -> Self {
        Route { summary, ..self }
    }

    /// Reads a JSON body of this schema.
    pub const fn json(self, schema: SchemaRef) -> Self {
        Route {
            request: Request::Json(schema),
            ..self
        }
    }

    /// Reads this schema as JSON or as a form.
    pub const fn json_or_form(self, schema: SchemaRef) -> Self {
        Route {
            request: Request::JsonOrForm(schema),
            ..self
        }
    }

    /// Answers this status with a JSON object of this schema (the default: 200, free-form).
    pub const fn answers(self, status: u16, schema: Option<SchemaRef>) -> Self {
        Route {
            response: Response::Json(status, schema),
            ..self
        }
    }

    /// Answers `text/plain`.
    pub const fn answers_text(self) -> Self {
        Route {
            response: Response::Text,
            ..self
        }
    }

    /// Answers 204 without a body.
    pub const fn no_content(self) -> Self {
        Route {
            response: Response::NoContent,
            ..self
        }
    }

    /// Takes these query parameters.
    pub const fn query(self, query: &'static [&'static str]) -> Self {
        Route { query, ..self }
    }

    /// Answers HEAD too, with the same handler (actix leaves the body out on the wire).
    pub const fn with_head(self) -> Self {
        Route { head: true, ..self }
    }

    /// Every method the route is served for: its own, and HEAD when it answers that too.
    pub fn served_methods(&self) -> Vec<&'static str> {
        let mut methods = vec![self.method.as_str()];
        if self.head {
            methods.push("HEAD");
        }
        methods
    }
}

/// The routes of one control file, under one OpenAPI tag.
#[derive(Debug, Clone, Copy)]
pub struct Group {
    /// The tag their operations are grouped under in the document.
    pub tag: &'static str,
    /// The routes, in the order the document lists them.
    pub routes: &'static [Route],
}

impl Group {
    /// Routes under a tag.
    pub const fn new(tag: &'static str, routes: &'static [Route]) -> Self {
        Group { tag, routes }
    }
}

/// Registers the routes, one resource per path: actix stops at the first resource whose pattern
/// fits, so a second resource for the same path would never be reached.
pub fn register(cfg: &mut ServiceConfig, routes: &[&Route]) {
    let mut seen: Vec<&str> = Vec::new();
    for path in routes.iter().map(|r| r.path) {
        if seen.contains(&path) {
            continue;
        }
        seen.push(path);
        let on_path: Vec<&Route> = routes.iter().copied().filter(|r| r.path == path).collect();
        // RFC 9110 requires a 405 to list what the resource does support: the documented
        // methods of this very path.
        let allow = on_path
            .iter()
            .map(|r| r.method.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let mut resource = web::resource(path)
            .default_service(web::to(move |req| method_not_allowed(req, allow.clone())));
        for route in on_path {
            resource = resource.route((route.handler)(web::method(route.method.actix())));
            if route.head {
                resource = resource.route((route.handler)(web::head()));
            }
        }
        cfg.service(resource);
    }
}

async fn method_not_allowed(req: HttpRequest, allow: String) -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((actix_web::http::header::ALLOW, allow))
        .json(json!({
            "error": {
                "code": "METHOD_NOT_ALLOWED",
                "message": format!("{} is not supported on {}", req.method(), req.path()),
            }
        }))
}
