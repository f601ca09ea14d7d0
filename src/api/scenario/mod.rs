//! What a scenario file is: a name, a description, an optional seed and ordered steps, each
//! checked against its kind's fields before anything runs.

use serde_json::{Map, Value};

pub mod refs;

use refs::{check_syntax, is_whole_reference};

/// A parsed, checked scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Its name (a fixture's file is `<name>.json`).
    pub name: String,
    /// What it shows.
    pub description: String,
    /// Seeds an in-process sandbox; informational against a running one.
    pub seed: Option<u64>,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// One step: its kind, the name its output is saved under, a label, and its own fields (still
/// holding `${…}` references; they are resolved when the step runs).
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// What the step does.
    pub kind: Kind,
    /// `as`: later steps refer to its output as `${name.…}`.
    pub save_as: Option<String>,
    /// `name`: a human label for the report.
    pub label: Option<String>,
    /// Every other member of the step.
    pub fields: Map<String, Value>,
}

/// Why a scenario cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", .step.map(|i| format!("steps[{i}]: ")).unwrap_or_default())]
pub struct ScenarioError {
    /// The step at fault (0-based), if the problem is in one.
    pub step: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl ScenarioError {
    fn top(message: impl Into<String>) -> Self {
        Self {
            step: None,
            message: message.into(),
        }
    }
}

/// The type a step field must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// A string.
    Str,
    /// A non-negative integer.
    Int,
    /// A non-negative number.
    Num,
    /// A boolean.
    Bool,
    /// A JSON object.
    Obj,
    /// Any JSON value.
    Any,
    /// `{"httpStatus"?: int, "errCode"?: string}`.
    Expect,
}

/// One field a step kind accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// Its JSON name.
    pub name: &'static str,
    /// Its type.
    pub ty: Ty,
    /// Whether the step needs it.
    pub required: bool,
}

const fn req(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: true,
    }
}

const fn opt(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: false,
    }
}

macro_rules! kinds {
    ($($variant:ident = $name:literal [$($field:expr),* $(,)?]),* $(,)?) => {
        /// Every step kind.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Kind { $(#[doc = $name] $variant),* }

        impl Kind {
            /// Every kind, in documentation order.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            /// The `kind` value.
            pub fn name(self) -> &'static str {
                match self { $(Kind::$variant => $name),* }
            }

            /// The fields it accepts.
            pub fn fields(self) -> &'static [Field] {
                match self { $(Kind::$variant => { const FIELDS: &[Field] = &[$($field),*]; FIELDS }),* }
            }
        }
    };
}

use Ty::{Any, Bool, Expect, Int, Num, Obj, Str};

kinds! {
    CreateApp = "createApp" [opt("app", Obj), opt("expect", Expect)],
    UpdateApp = "updateApp" [req("app", Str), req("patch", Obj), opt("expect", Expect)],
    Open = "open" [
        req("app", Str), opt("openId", Str), opt("subOpenId", Str),
        opt("authorizationCode", Str), opt("callbackUrl", Str), opt("expect", Expect),
    ],
    Close = "close" [req("app", Str), req("openId", Str), opt("callbackUrl", Str), opt("expect", Expect)],
    Advance = "advance" [req("seconds", Num)],
    SetFault = "setFault" [req("fault", Obj), opt("expect", Expect)],
    ClearFault = "clearFault" [opt("fault", Str)],
    Stub = "stub" [req("stub", Obj), opt("expect", Expect)],
    ClearStub = "clearStub" [opt("stub", Str)],
    WaitNotification = "waitNotification" [req("notification", Str), opt("status", Str), opt("timeoutMs", Int)],
    RequestToken = "requestToken" [req("app", Str), opt("signMethod", Str), opt("expect", Expect)],
    Call = "call" [
        req("app", Str), opt("method", Str), req("path", Str), opt("body", Any),
        req("auth", Str), opt("token", Str), opt("expect", Expect),
    ],
    ExpectNotification = "expectNotification" [
        opt("app", Str), opt("openId", Str), opt("eventType", Str), opt("notification", Str),
        opt("status", Str), opt("attempts", Int), opt("offsets", Any),
    ],
    ExpectDeliveries = "expectDeliveries" [req("app", Str), req("count", Int), opt("outcome", Str)],
    ExpectJournal = "expectJournal" [opt("path", Str), opt("app", Str), opt("outcome", Str), req("count", Int)],
    ExpectAuthorization = "expectAuthorization" [req("app", Str), req("openId", Str), req("state", Str)],
    ExpectSink = "expectSink" [req("app", Str), req("count", Int), opt("signValid", Bool), opt("eventType", Str)],
}

impl Kind {
    /// The kind called `name`.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.name() == name)
    }
}

fn type_name(ty: Ty) -> &'static str {
    match ty {
        Str => "a string",
        Int => "a whole number ≥ 0",
        Num => "a number ≥ 0",
        Bool => "true or false",
        Obj | Expect => "an object",
        Any => "any JSON value",
    }
}

/// Checks a value against a type. `lenient` lets a whole `${…}` string stand for any type (its
/// value is only known when the step runs).
pub fn check_type(field: &str, ty: Ty, value: &Value, lenient: bool) -> Result<(), String> {
    if lenient && value.as_str().is_some_and(is_whole_reference) {
        return Ok(());
    }
    let ok = match ty {
        Str => value.is_string(),
        Int => value.as_u64().is_some(),
        Num => value.as_f64().is_some_and(|n| n >= 0.0),
        Bool => value.is_boolean(),
        Obj => value.is_object(),
        Any => true,
        Expect => {
            let Some(map) = value.as_object() else {
                return Err(format!("{field} must be {}", type_name(ty)));
            };
            for (k, v) in map {
                match k.as_str() {
                    "httpStatus" => check_type("expect.httpStatus", Int, v, lenient)?,
                    "errCode" => check_type("expect.errCode", Str, v, lenient)?,
                    other => {
                        return Err(format!(
                            "unknown field expect.{other}; expect has httpStatus and errCode"
                        ));
                    }
                }
            }
            true
        }
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{field} must be {}, not {value}", type_name(ty)))
    }
}

/// Checks a step's fields against its kind: no unknown field, every required one present, and
/// (with `lenient`, references aside) each of the right type.
pub fn check_fields(kind: Kind, fields: &Map<String, Value>, lenient: bool) -> Result<(), String> {
    let known = kind.fields();
    for name in fields.keys() {
        if !known.iter().any(|f| f.name == name) {
            let names: Vec<_> = known.iter().map(|f| f.name).collect();
            return Err(format!(
                "unknown field {name}; it takes {} (plus as and name)",
                names.join(", ")
            ));
        }
    }
    for field in known {
        match fields.get(field.name) {
            Some(value) => check_type(field.name, field.ty, value, lenient)?,
            None if field.required => return Err(format!("missing field {}", field.name)),
            None => {}
        }
    }
    Ok(())
}

fn parse_step(index: usize, value: &Value) -> Result<Step, ScenarioError> {
    let fail = |message: String| ScenarioError {
        step: Some(index),
        message,
    };
    let Some(map) = value.as_object() else {
        return Err(fail("a step must be an object with a kind".into()));
    };
    let mut fields = map.clone();
    let kind_name = match fields.remove("kind") {
        Some(Value::String(k)) => k,
        Some(other) => return Err(fail(format!("kind must be a string, not {other}"))),
        None => return Err(fail("the step has no kind".into())),
    };
    let kind = Kind::parse(&kind_name).ok_or_else(|| {
        let all: Vec<_> = Kind::ALL.iter().map(|k| k.name()).collect();
        fail(format!(
            "unknown kind {kind_name:?}; kinds are {}",
            all.join(", ")
        ))
    })?;
    let text = |field: &str, fields: &mut Map<String, Value>| match fields.remove(field) {
        None => Ok(None),
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s)),
        Some(other) => Err(fail(format!(
            "{field} must be a non-empty string, not {other}"
        ))),
    };
    let save_as = text("as", &mut fields)?;
    let label = text("name", &mut fields)?;
    if let Some(name) = &save_as {
        let valid = name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid || name == "sandbox" {
            return Err(fail(format!(
                "as {name:?} must be letters, digits, _ or - and not \"sandbox\""
            )));
        }
    }
    let prefix = |e: String| fail(format!("{}: {e}", kind.name()));
    check_fields(kind, &fields, true).map_err(prefix)?;
    check_syntax(&Value::Object(fields.clone())).map_err(prefix)?;
    Ok(Step {
        kind,
        save_as,
        label,
        fields,
    })
}

impl Scenario {
    /// Parses and checks a scenario's JSON text.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| ScenarioError::top(format!("the scenario is not valid JSON: {e}")))?;
        Scenario::from_value(&value)
    }

    /// Parses and checks a scenario given as JSON.
    pub fn from_value(value: &Value) -> Result<Scenario, ScenarioError> {
        let Some(map) = value.as_object() else {
            return Err(ScenarioError::top("a scenario must be a JSON object"));
        };
        if let Some(other) = map
            .keys()
            .find(|k| !matches!(k.as_str(), "name" | "description" | "seed" | "steps"))
        {
            return Err(ScenarioError::top(format!(
                "unknown field {other}; a scenario has name, description, seed and steps"
            )));
        }
        let name = match map.get("name") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
            _ => return Err(ScenarioError::top("name must be a non-empty string")),
        };
        let description = match map.get("description") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(_) => return Err(ScenarioError::top("description must be a string")),
        };
        let seed = match map.get("seed") {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.as_u64().ok_or_else(|| {
                ScenarioError::top("seed must be a whole number from 0 to 2^64-1")
            })?),
        };
        let Some(steps) = map.get("steps").and_then(Value::as_array) else {
            return Err(ScenarioError::top("steps must be an array of steps"));
        };
        if steps.is_empty() {
            return Err(ScenarioError::top("steps must not be empty"));
        }
        let steps = steps
            .iter()
            .enumerate()
            .map(|(i, s)| parse_step(i, s))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Scenario {
            name,
            description,
            seed,
            steps,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problem(steps: Value) -> ScenarioError {
        Scenario::from_value(&json!({ "name": "t", "steps": steps }))
            .err()
            .unwrap_or_else(|| ScenarioError::top("accepted"))
    }

    #[test]
    fn a_step_with_an_unknown_kind_or_field_is_refused_with_its_index() {
        let e = problem(json!([{ "kind": "advance", "seconds": 1 }, { "kind": "teleport" }]));
        assert_eq!(e.step, Some(1));
        assert!(e.message.contains("unknown kind \"teleport\""), "{e}");
        let e = problem(json!([{ "kind": "advance", "secs": 1 }]));
        assert!(
            e.to_string()
                .starts_with("steps[0]: advance: unknown field secs"),
            "{e}"
        );
    }

    #[test]
    fn missing_and_mistyped_fields_are_refused_but_references_wait_for_run_time() {
        assert!(
            problem(json!([{ "kind": "open" }]))
                .message
                .contains("open: missing field app")
        );
        let e = problem(json!([{ "kind": "advance", "seconds": "soon" }]));
        assert!(e.message.contains("seconds must be a number"), "{e}");
        let ok = Scenario::from_value(&json!({
            "name": "t",
            "steps": [{ "kind": "advance", "seconds": "${plan.seconds}" }],
        }));
        assert!(ok.is_ok(), "{ok:?}");
    }

    #[test]
    fn the_expect_object_and_reference_syntax_are_checked_up_front() {
        let e =
            problem(json!([{ "kind": "requestToken", "app": "a", "expect": { "status": 200 } }]));
        assert!(e.message.contains("expect.status"), "{e}");
        let e = problem(json!([{ "kind": "open", "app": "${shop.appId" }]));
        assert!(e.message.contains("unterminated"), "{e}");
    }

    #[test]
    fn top_level_fields_are_checked() {
        let e = Scenario::from_value(&json!({ "name": "t", "steps": [], "extra": 1 })).err();
        assert!(e.is_some_and(|e| e.message.contains("unknown field extra")));
        let e = Scenario::from_value(&json!({ "name": "t", "steps": [] })).err();
        assert!(e.is_some_and(|e| e.message.contains("must not be empty")));
    }
}
