//! `{{…}}` templates in stub answers, so a canned answer can echo the request and look real.
//!
//! | expression | value |
//! |---|---|
//! | `request.body.<path>` | a member of the JSON request body (dots for nesting) |
//! | `request.path`, `request.method` | the request line |
//! | `app.<field>` | a field of the calling app (`appId`, `mid`, `tid`, `name`, `subAppId`, …) |
//! | `now` / `now.compact` / `now.date` / `now.rfc3339` / `now.unix` | sandbox time: `yyyy-MM-dd HH:mm:ss` / `yyyyMMddHHmmss` / `yyyyMMdd` / RFC 3339, Beijing / Unix seconds |
//! | `random.digits N` / `random.hex N` / `random.alnum N` | generated characters (seeded) |
//!
//! A string that is exactly one expression takes the value's JSON type (a number stays a
//! number). When it names a request member the request lacks, the answer leaves out the member
//! (or array element) it stands for, never echoing `""`: the real platform omits what it was not
//! sent. Inside a longer string a missing member is empty text; anything unknown renders as an
//! empty string.
//!
//! A stub's body is compiled once, when the stub is added ([`Template::compile`]): the parts
//! without templates are written as JSON then and copied on every call, and every expression is
//! parsed then. Rendering writes the answer's JSON text directly.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use rand::RngExt;
use serde_json::Value;

use super::body::{Json, RequestBody};
use super::expr::{Clock, Expr, Out};
use crate::domain::apps::App;

/// What templates can refer to.
pub struct TemplateContext<'a, 'b, R: RngExt + ?Sized> {
    /// The request body (read as JSON only if an expression asks).
    pub body: &'a RequestBody<'b>,
    /// Request path.
    pub path: &'a str,
    /// Request method.
    pub method: &'a str,
    /// The calling app.
    pub app: &'a App,
    /// Sandbox time.
    pub now: DateTime<Utc>,
    /// Generator for `random.*`.
    pub rng: &'a mut R,
}

/// A string value of the template.
#[derive(Debug, Clone)]
enum Str {
    /// Exactly one expression: the value keeps its JSON type.
    Whole(Expr),
    /// Text and expressions: always a string.
    Parts(Vec<Part>),
}

#[derive(Debug, Clone)]
enum Part {
    Text(String),
    Expr(Expr),
}

/// A JSON value of the template.
#[derive(Debug, Clone)]
enum Node {
    /// Holds no template: its JSON text, written once, and the value.
    Literal(String, Value),
    /// A string with templates.
    Str(Str),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

#[derive(Debug, Clone)]
struct Member {
    /// Read by the `Value` rendering the tests compare against.
    #[cfg_attr(not(test), allow(dead_code))]
    name: String,
    /// `"name":`, written once.
    prefix: String,
    node: Node,
}

/// A compiled stub answer body.
#[derive(Debug, Clone)]
pub struct Template {
    root: Node,
    /// For a top-level object: where its `errCode` member is.
    err_code_at: Option<usize>,
}

/// A rendered answer body, the way it goes on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rendered {
    /// `null`: no body at all.
    Empty,
    /// A string: sent as plain text.
    Text(String),
    /// Anything else: JSON text, and the `errCode` string member of a top-level object.
    Json {
        /// The JSON text.
        body: Vec<u8>,
        /// `errCode`, when it is a string.
        err_code: Option<String>,
    },
}

/// JSON text of a value that holds no template (writing to a `String` cannot fail).
fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn compile_str(s: &str) -> Str {
    let trimmed = s.trim();
    if trimmed.starts_with("{{") && trimmed.ends_with("}}") && trimmed.matches("{{").count() == 1 {
        return Str::Whole(Expr::parse(&trimmed[2..trimmed.len() - 2]));
    }
    let mut parts = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        parts.push(Part::Text(rest[..start].to_owned()));
        parts.push(Part::Expr(Expr::parse(&rest[start + 2..start + len])));
        rest = &rest[start + len + 2..];
    }
    parts.push(Part::Text(rest.to_owned()));
    parts.retain(|p| !matches!(p, Part::Text(t) if t.is_empty()));
    Str::Parts(parts)
}

fn compile_node(value: &Value) -> Node {
    let node = match value {
        Value::String(s) if s.contains("{{") => return Node::Str(compile_str(s)),
        Value::Array(items) => Node::Array(items.iter().map(compile_node).collect()),
        Value::Object(map) => Node::Object(
            map.iter()
                .map(|(k, v)| Member {
                    name: k.clone(),
                    prefix: format!("{}:", json_text(k)),
                    node: compile_node(v),
                })
                .collect(),
        ),
        other => return Node::Literal(json_text(other), other.clone()),
    };
    let literal = match &node {
        Node::Array(items) => items.iter().all(|n| matches!(n, Node::Literal(..))),
        Node::Object(members) => members.iter().all(|m| matches!(m.node, Node::Literal(..))),
        _ => false,
    };
    if literal {
        Node::Literal(json_text(value), value.clone())
    } else {
        node
    }
}

impl Template {
    /// Compiles a stub answer body.
    pub fn compile(body: &Value) -> Self {
        let err_code_at = match body {
            // In the order the members are compiled (and written) in.
            Value::Object(map) => map.keys().position(|k| k == "errCode"),
            _ => None,
        };
        Self {
            root: compile_node(body),
            err_code_at,
        }
    }

    /// Renders the answer as it goes on the wire: a JSON answer with the `errCode` it
    /// carries, plain text, or nothing.
    ///
    /// ```text
    /// {"errCode": "SUCCESS", "merOrderId": "{{request.body.merOrderId}}",
    ///  "totalAmount": "{{request.body.totalAmount}}"}
    /// with the request body {"merOrderId":"M1","totalAmount":88}
    ///   →  {"errCode":"SUCCESS","merOrderId":"M1","totalAmount":88}, errCode SUCCESS
    /// ```
    pub fn render<R: RngExt + ?Sized>(&self, ctx: &mut TemplateContext<'_, '_, R>) -> Rendered {
        let mut clock = Clock::default();
        match &self.root {
            Node::Literal(_, Value::Null) => Rendered::Empty,
            Node::Literal(_, Value::String(s)) => Rendered::Text(s.clone()),
            Node::Str(s) => match eval_str(s, ctx, &mut clock) {
                Out::Text(text) => Rendered::Text(text.into_owned()),
                Out::Missing => Rendered::Text(String::new()),
                Out::Body(Json::String(text)) => Rendered::Text(text.to_string()),
                Out::Value(Value::String(text)) => Rendered::Text(text),
                Out::Body(Json::Null) | Out::Value(Value::Null) => Rendered::Empty,
                other => Rendered::Json {
                    err_code: match &other {
                        Out::Body(j) => j.get("errCode").and_then(Json::as_str).map(str::to_owned),
                        Out::Value(v) => {
                            v.get("errCode").and_then(Value::as_str).map(str::to_owned)
                        }
                        Out::Text(_) | Out::Missing => None,
                    },
                    body: other.to_json(),
                },
            },
            Node::Object(members) => {
                let mut out = Vec::with_capacity(1024);
                let err_code = write_object(members, self.err_code_at, ctx, &mut clock, &mut out);
                Rendered::Json {
                    body: out,
                    err_code,
                }
            }
            root => {
                let mut out = Vec::new();
                write_node(root, ctx, &mut clock, &mut out);
                let err_code = match (root, self.err_code_at) {
                    (Node::Literal(_, v), Some(_)) => {
                        v.get("errCode").and_then(Value::as_str).map(str::to_owned)
                    }
                    _ => None,
                };
                Rendered::Json {
                    body: out,
                    err_code,
                }
            }
        }
    }

    #[cfg(test)]
    /// Renders the answer as a JSON value.
    pub fn render_value<R: RngExt + ?Sized>(&self, ctx: &mut TemplateContext<'_, '_, R>) -> Value {
        node_value(&self.root, ctx, &mut Clock::default())
    }
}

/// Writes an object, leaving out the members whose request member is missing, and returns the
/// member at `err_code_at` (the top level's `errCode`) when it is a string.
fn write_object<R: RngExt + ?Sized>(
    members: &[Member],
    err_code_at: Option<usize>,
    ctx: &mut TemplateContext<'_, '_, R>,
    clock: &mut Clock,
    out: &mut Vec<u8>,
) -> Option<String> {
    let mut err_code = None;
    let mut first = true;
    out.push(b'{');
    for (i, m) in members.iter().enumerate() {
        let value = match &m.node {
            Node::Str(s) => Some(eval_str(s, ctx, clock)),
            _ => None,
        };
        if matches!(value, Some(Out::Missing)) {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        out.extend_from_slice(m.prefix.as_bytes());
        let code = match value {
            Some(value) => {
                value.write_json(out);
                value.as_str().map(str::to_owned)
            }
            None => {
                write_node(&m.node, ctx, clock, out);
                match &m.node {
                    Node::Literal(_, v) => v.as_str().map(str::to_owned),
                    _ => None,
                }
            }
        };
        if err_code_at == Some(i) {
            err_code = code;
        }
    }
    out.push(b'}');
    err_code
}

fn write_node<R: RngExt + ?Sized>(
    node: &Node,
    ctx: &mut TemplateContext<'_, '_, R>,
    clock: &mut Clock,
    out: &mut Vec<u8>,
) {
    match node {
        Node::Literal(text, _) => out.extend_from_slice(text.as_bytes()),
        Node::Str(s) => eval_str(s, ctx, clock).write_json(out),
        Node::Array(items) => {
            out.push(b'[');
            let mut first = true;
            for item in items {
                let value = match item {
                    Node::Str(s) => Some(eval_str(s, ctx, clock)),
                    _ => None,
                };
                if matches!(value, Some(Out::Missing)) {
                    continue;
                }
                if !first {
                    out.push(b',');
                }
                first = false;
                match value {
                    Some(value) => value.write_json(out),
                    None => write_node(item, ctx, clock, out),
                }
            }
            out.push(b']');
        }
        Node::Object(members) => {
            write_object(members, None, ctx, clock, out);
        }
    }
}

#[cfg(test)]
fn node_value<R: RngExt + ?Sized>(
    node: &Node,
    ctx: &mut TemplateContext<'_, '_, R>,
    clock: &mut Clock,
) -> Value {
    match node {
        Node::Literal(_, value) => value.clone(),
        Node::Str(s) => eval_str(s, ctx, clock).into_value(),
        Node::Array(items) => Value::Array(
            items
                .iter()
                .filter_map(|n| present_value(n, ctx, clock))
                .collect(),
        ),
        Node::Object(members) => Value::Object(
            members
                .iter()
                .filter_map(|m| Some((m.name.clone(), present_value(&m.node, ctx, clock)?)))
                .collect(),
        ),
    }
}

/// A member's or an element's value; `None` when its request member is missing.
#[cfg(test)]
fn present_value<R: RngExt + ?Sized>(
    node: &Node,
    ctx: &mut TemplateContext<'_, '_, R>,
    clock: &mut Clock,
) -> Option<Value> {
    match node {
        Node::Str(s) => match eval_str(s, ctx, clock) {
            Out::Missing => None,
            out => Some(out.into_value()),
        },
        other => Some(node_value(other, ctx, clock)),
    }
}

fn eval_str<'a, R: RngExt + ?Sized>(
    s: &Str,
    ctx: &mut TemplateContext<'a, '_, R>,
    clock: &mut Clock,
) -> Out<'a> {
    match s {
        Str::Whole(expr) => expr.eval(ctx, clock),
        Str::Parts(parts) => {
            let mut text = String::new();
            for part in parts {
                match part {
                    Part::Text(t) => text.push_str(t),
                    Part::Expr(e) => e.eval(ctx, clock).push_text(&mut text),
                }
            }
            Out::Text(Cow::Owned(text))
        }
    }
}

/// Renders every template in a JSON value (compiling it first; a stub compiles its answers
/// once, with [`Template::compile`]).
#[cfg(test)]
pub fn render<R: RngExt + ?Sized>(value: &Value, ctx: &mut TemplateContext<'_, '_, R>) -> Value {
    Template::compile(value).render_value(ctx)
}

#[cfg(test)]
#[path = "template_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "template_missing_tests.rs"]
mod missing_tests;
