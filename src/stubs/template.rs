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
//! number); anything unknown renders as an empty string.

use chrono::{DateTime, Utc};
use rand::RngExt;
use serde_json::Value;

use crate::apps::generate::chars;
use crate::clock::BEIJING;
use crate::timefmt::{format_compact, rfc3339_beijing};

/// What templates can refer to.
pub struct TemplateContext<'a, R: RngExt + ?Sized> {
    /// The request body, parsed (Null if not JSON).
    pub body: &'a Value,
    /// Request path.
    pub path: &'a str,
    /// Request method.
    pub method: &'a str,
    /// The calling app, as JSON.
    pub app: &'a Value,
    /// Sandbox time.
    pub now: DateTime<Utc>,
    /// Generator for `random.*`.
    pub rng: &'a mut R,
}

fn lookup<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(root, |v, key| v.get(key))
}

fn eval<R: RngExt + ?Sized>(expr: &str, ctx: &mut TemplateContext<'_, R>) -> Value {
    let expr = expr.trim();
    let now = ctx.now.with_timezone(&BEIJING);
    let value = match expr {
        "now" => Some(Value::String(now.format("%Y-%m-%d %H:%M:%S").to_string())),
        "now.compact" => Some(Value::String(format_compact(ctx.now))),
        "now.date" => Some(Value::String(now.format("%Y%m%d").to_string())),
        "now.rfc3339" => Some(Value::String(rfc3339_beijing(ctx.now))),
        "now.unix" => Some(Value::String(ctx.now.timestamp().to_string())),
        "request.path" => Some(Value::String(ctx.path.to_owned())),
        "request.method" => Some(Value::String(ctx.method.to_owned())),
        _ => {
            if let Some(p) = expr.strip_prefix("request.body.") {
                lookup(ctx.body, p).cloned()
            } else if let Some(p) = expr.strip_prefix("app.") {
                lookup(ctx.app, p).cloned()
            } else if let Some((kind, n)) =
                expr.strip_prefix("random.").and_then(|r| r.split_once(' '))
            {
                let n = n.trim().parse::<usize>().unwrap_or(0).min(256);
                let alphabet: &[u8] = match kind {
                    "digits" => b"0123456789",
                    "hex" => b"0123456789abcdef",
                    "alnum" => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                    _ => b"",
                };
                (!alphabet.is_empty()).then(|| Value::String(chars(ctx.rng, alphabet, n)))
            } else {
                None
            }
        }
    };
    value.unwrap_or(Value::String(String::new()))
}

fn render_str<R: RngExt + ?Sized>(s: &str, ctx: &mut TemplateContext<'_, R>) -> Value {
    let trimmed = s.trim();
    if trimmed.starts_with("{{") && trimmed.ends_with("}}") && trimmed.matches("{{").count() == 1 {
        return eval(&trimmed[2..trimmed.len() - 2], ctx);
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        match eval(&rest[start + 2..start + len], ctx) {
            Value::String(v) => out.push_str(&v),
            other => out.push_str(&other.to_string()),
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    Value::String(out)
}

/// Renders every template in a JSON value.
pub fn render<R: RngExt + ?Sized>(value: &Value, ctx: &mut TemplateContext<'_, R>) -> Value {
    match value {
        Value::String(s) if s.contains("{{") => render_str(s, ctx),
        Value::Array(items) => Value::Array(items.iter().map(|v| render(v, ctx)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), render(v, ctx)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use serde_json::json;

    #[test]
    fn templates_echo_the_request_and_keep_json_types() {
        let body = json!({"merOrderId": "M1", "totalAmount": 88, "goods": {"name": "茶"}});
        let app = json!({"mid": "898201612345678"});
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let now = crate::timefmt::parse_compact("20261125120000").unwrap_or_default();
        let mut ctx = TemplateContext {
            body: &body,
            path: "/v1/x",
            method: "POST",
            app: &app,
            now,
            rng: &mut rng,
        };
        let out = render(
            &json!({
                "merOrderId": "{{request.body.merOrderId}}",
                "totalAmount": "{{ request.body.totalAmount }}",
                "goods": "{{request.body.goods.name}}",
                "mid": "{{app.mid}}",
                "time": "{{now}}",
                "seq": "T{{now.compact}}{{random.digits 4}}",
                "missing": "{{request.body.nope}}",
                "plain": "no templates",
            }),
            &mut ctx,
        );
        assert_eq!(out["merOrderId"], "M1");
        assert_eq!(out["totalAmount"], 88);
        assert_eq!(out["goods"], "茶");
        assert_eq!(out["mid"], "898201612345678");
        assert_eq!(out["time"], "2026-11-25 12:00:00");
        let seq = out["seq"].as_str().unwrap_or_default();
        assert!(
            seq.starts_with("T20261125120000") && seq.len() == 19,
            "{seq}"
        );
        assert_eq!(out["missing"], "");
        assert_eq!(out["plain"], "no templates");
    }
}
