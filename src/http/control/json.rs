//! JSON bodies of control requests, read with the instance's size limit.

use actix_web::HttpRequest;
use actix_web::web::{Data, Payload};
use serde::de::DeserializeOwned;

use super::error::ControlError;
use crate::http::body::read_limited;
use crate::sandbox::Sandbox;

/// Reads and parses a JSON body. An empty body counts as `{}`, so `curl -X POST` with no data
/// works for routes whose fields are all optional.
pub async fn parse_json<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: Payload,
    state: &Data<Sandbox>,
) -> Result<T, ControlError> {
    let bytes = read_limited(req, payload, state.config.max_body_bytes).await?;
    let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &bytes
    };
    // serde would also read a struct from an array of its fields in order (`[3601]`); the
    // control API takes objects only.
    if text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(ControlError::InvalidJson(
            "the body is not valid JSON for this route: expected a JSON object, got an array"
                .into(),
        ));
    }
    let first = serde_json::from_slice(text);
    // JSON Schema counts `15.0` as the integer 15, and so do clients that keep numbers as
    // floats; a field typed as an integer takes it when that is the only thing wrong.
    let first = match first {
        Err(e) if e.classify() == serde_json::error::Category::Data => {
            serde_json::from_slice::<serde_json::Value>(text)
                .ok()
                .map(whole_floats_as_integers)
                .and_then(|v| serde_json::from_value(v).ok())
                .ok_or(e)
        }
        other => other,
    };
    first.map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Data => "the JSON does not have the expected fields",
            _ => "the body is not valid JSON",
        };
        ControlError::InvalidJson(format!("{what}: {e}"))
    })
}

/// Rewrites every whole float that an integer holds exactly (`15.0`) as that integer.
fn whole_floats_as_integers(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if !n.is_i64() && !n.is_u64() && f.fract() == 0.0 && f.abs() <= EXACT => {
                Value::from(f as i64)
            }
            _ => Value::Number(n),
        },
        Value::Array(items) => {
            Value::Array(items.into_iter().map(whole_floats_as_integers).collect())
        }
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, whole_floats_as_integers(v)))
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_floats_become_integers_and_nothing_else_changes() {
        let v = serde_json::json!({"a": [15.0, 1.5, -0.0, 3, "4.0"], "b": {"c": 1e300}});
        assert_eq!(
            whole_floats_as_integers(v),
            serde_json::json!({"a": [15, 1.5, 0, 3, "4.0"], "b": {"c": 1e300}})
        );
    }
}
