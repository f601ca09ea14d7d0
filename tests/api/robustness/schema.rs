//! The routes to attack, read from the sandbox's own OpenAPI document.

use serde_json::Value;

use super::values::{self, Field, Kind};

/// A documented control route, its path parameters still in braces.
#[derive(Debug, Clone)]
pub struct Route {
    pub method: String,
    pub path: String,
    pub query: Vec<String>,
    pub fields: Vec<Field>,
}

/// Follows `$ref`, and `allOf` / `oneOf` wrappers around a single real schema.
fn resolve<'a>(schemas: &'a Value, mut s: &'a Value) -> &'a Value {
    for _ in 0..8 {
        if let Some(r) = s["$ref"].as_str() {
            s = &schemas[r.rsplit('/').next().unwrap_or_default()];
        } else if let Some(first) = s["allOf"].as_array().and_then(|a| a.first()) {
            s = first;
        } else if let Some(some) = s["oneOf"]
            .as_array()
            .and_then(|a| a.iter().find(|v| v["type"] != "null"))
        {
            if s["oneOf"].as_array().is_some_and(|a| a.len() == 2) {
                s = some;
            } else {
                break;
            }
        } else {
            break;
        }
    }
    s
}

/// Every property of a body schema, across its `oneOf` / `allOf` variants, with the values
/// each variant lists.
fn fields(schemas: &Value, schema: &Value, out: &mut Vec<Field>) {
    let schema = resolve(schemas, schema);
    for variant in ["oneOf", "allOf"] {
        for v in schema[variant].as_array().into_iter().flatten() {
            fields(schemas, v, out);
        }
    }
    for (name, prop) in schema["properties"].as_object().into_iter().flatten() {
        let prop = resolve(schemas, prop);
        let mut choices = prop["enum"].as_array().cloned().unwrap_or_default();
        // An error fault answers 5xx on purpose; the run must not count those as the server's.
        choices.retain(|c| !(name == "action" && c == "error"));
        match out.iter_mut().find(|f| &f.name == name) {
            Some(f) => f
                .choices
                .extend(choices.into_iter().filter(|c| !c.is_null())),
            None => out.push(Field {
                name: name.clone(),
                kind: Kind::of(prop),
                choices: choices.into_iter().filter(|c| !c.is_null()).collect(),
            }),
        }
    }
}

/// Every operation in the OpenAPI document, with the fields of its request body.
pub fn routes(doc: &Value) -> Vec<Route> {
    let schemas = &doc["components"]["schemas"];
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let query = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query")
                .filter_map(|p| p["name"].as_str().map(str::to_owned))
                .collect();
            let mut body = Vec::new();
            fields(
                schemas,
                &op["requestBody"]["content"]["application/json"]["schema"],
                &mut body,
            );
            if body.is_empty() {
                body = values::FIELDS
                    .iter()
                    .map(|f| Field::new(f, Kind::Any))
                    .collect();
            }
            out.push(Route {
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                query,
                fields: body,
            });
        }
    }
    out
}
