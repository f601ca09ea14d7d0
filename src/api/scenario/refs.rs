//! `${name.path}` references: a step's fields may use the outputs of earlier steps.
//!
//! A string that is exactly one reference takes the referenced JSON value with its type; a
//! reference inside a longer string is interpolated as text. `$${` stands for a literal `${`.

use serde_json::{Map, Value};

/// One piece of a string: literal text or a reference path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece<'a> {
    Text(String),
    Ref(&'a str),
}

fn pieces(s: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('$') {
        text.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("$${") {
            text.push_str("${");
            rest = after;
        } else if let Some(after) = tail.strip_prefix("${") {
            let end = after
                .find('}')
                .ok_or_else(|| format!("unterminated reference in {s:?} (missing }})"))?;
            let path = &after[..end];
            if path.is_empty() || path.split('.').any(str::is_empty) {
                return Err(format!("malformed reference ${{{path}}} in {s:?}"));
            }
            if !text.is_empty() {
                out.push(Piece::Text(std::mem::take(&mut text)));
            }
            out.push(Piece::Ref(path));
            rest = &after[end + 1..];
        } else {
            text.push('$');
            rest = &tail[1..];
        }
    }
    text.push_str(rest);
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    Ok(out)
}

/// Is `s` exactly one `${…}` reference?
///
/// ```
/// use chinaums_mock::client::scenario::is_whole_reference;
/// assert!(is_whole_reference("${shop.appId}"));
/// assert!(!is_whole_reference("${sandbox.url}/__mock/sink/${shop.appId}"));
/// ```
pub fn is_whole_reference(s: &str) -> bool {
    matches!(pieces(s).as_deref(), Ok([Piece::Ref(_)]))
}

/// Checks every string in `value` for well-formed references.
pub fn check_syntax(value: &Value) -> Result<(), String> {
    match value {
        Value::String(s) => pieces(s).map(|_| ()),
        Value::Array(items) => items.iter().try_for_each(check_syntax),
        Value::Object(map) => map.values().try_for_each(check_syntax),
        _ => Ok(()),
    }
}

/// The values references can reach: `sandbox` and every earlier step's output by its `as`.
#[derive(Debug, Clone, Default)]
pub struct Bindings {
    values: Map<String, Value>,
}

impl Bindings {
    /// Bindings with `${sandbox.url}` set to `base_url`.
    pub fn new(base_url: &str) -> Self {
        let mut values = Map::new();
        values.insert("sandbox".into(), serde_json::json!({ "url": base_url }));
        Self { values }
    }

    /// Saves a step's output under `name`.
    pub fn save(&mut self, name: &str, value: Value) {
        self.values.insert(name.to_owned(), value);
    }

    /// The output saved under `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    fn lookup(&self, path: &str) -> Result<&Value, String> {
        let mut parts = path.split('.');
        let root = parts.next().unwrap_or_default();
        let mut at = self.values.get(root).ok_or_else(|| {
            let known: Vec<_> = self.values.keys().map(String::as_str).collect();
            format!(
                "unknown reference ${{{path}}}: no earlier step is named {root:?} (known: {})",
                known.join(", ")
            )
        })?;
        let mut walked = root.to_owned();
        for part in parts {
            let next = match at {
                Value::Object(map) => map.get(part),
                Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            at = next.ok_or_else(|| {
                let has = match at {
                    Value::Object(map) => {
                        let keys: Vec<_> = map.keys().map(String::as_str).collect();
                        format!("it has {}", keys.join(", "))
                    }
                    Value::Array(items) => format!("it is a list of {} items", items.len()),
                    other => format!("it is {other}"),
                };
                format!("unknown reference ${{{path}}}: {walked} has no {part:?} ({has})")
            })?;
            walked.push('.');
            walked.push_str(part);
        }
        Ok(at)
    }

    fn resolve_str(&self, s: &str) -> Result<Value, String> {
        let pieces = pieces(s)?;
        if let [Piece::Ref(path)] = pieces.as_slice() {
            return self.lookup(path).cloned();
        }
        let mut out = String::new();
        for piece in pieces {
            match piece {
                Piece::Text(t) => out.push_str(&t),
                Piece::Ref(path) => match self.lookup(path)? {
                    Value::String(v) => out.push_str(v),
                    other => out.push_str(&other.to_string()),
                },
            }
        }
        Ok(Value::String(out))
    }

    /// `value` with every reference replaced.
    pub fn resolve(&self, value: &Value) -> Result<Value, String> {
        Ok(match value {
            Value::String(s) => self.resolve_str(s)?,
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.resolve(v))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), self.resolve(v)?)))
                    .collect::<Result<_, String>>()?,
            ),
            other => other.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bindings() -> Bindings {
        let mut b = Bindings::new("http://127.0.0.1:1");
        b.save(
            "shop",
            json!({ "appId": "abc", "notify": { "retrySchedule": [15, 30] } }),
        );
        b.save("n", json!(3));
        b
    }

    #[test]
    fn a_whole_reference_keeps_its_type_and_a_partial_one_is_text() {
        let b = bindings();
        assert_eq!(b.resolve(&json!("${n}")).ok(), Some(json!(3)));
        assert_eq!(
            b.resolve(&json!("${shop.notify.retrySchedule}")).ok(),
            Some(json!([15, 30]))
        );
        assert_eq!(
            b.resolve(&json!({ "u": "${sandbox.url}/__mock/sink/${shop.appId}?n=${n}" }))
                .ok(),
            Some(json!({ "u": "http://127.0.0.1:1/__mock/sink/abc?n=3" }))
        );
        assert_eq!(
            b.resolve(&json!("${shop.notify.retrySchedule.1}")).ok(),
            Some(json!(30))
        );
    }

    #[test]
    fn unknown_references_say_what_exists() {
        let b = bindings();
        let e = b
            .resolve(&json!("${shopp.appId}"))
            .err()
            .unwrap_or_default();
        assert!(
            e.contains("no earlier step is named \"shopp\"") && e.contains("shop"),
            "{e}"
        );
        let e = b
            .resolve(&json!("x ${shop.appid}"))
            .err()
            .unwrap_or_default();
        assert!(
            e.contains("shop has no \"appid\"") && e.contains("appId"),
            "{e}"
        );
    }

    #[test]
    fn dollars_without_braces_stay_and_double_dollar_escapes() {
        let b = bindings();
        assert_eq!(
            b.resolve(&json!("$5 and $${x}")).ok(),
            Some(json!("$5 and ${x}"))
        );
        assert!(check_syntax(&json!(["${a"])).is_err());
        assert!(check_syntax(&json!({ "k": "${a..b}" })).is_err());
    }
}
