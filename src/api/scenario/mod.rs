//! What a scenario file is: a name, a description, an optional seed and ordered steps, each
//! checked against its kind's fields before anything runs.

use serde_json::{Map, Value};

mod kinds;
pub mod refs;

pub use kinds::{Field, Kind, Ty, check_fields, check_type};
use refs::check_syntax;

/// A parsed, checked scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Its name (a fixture's file is `<name>.json`).
    pub name: String,
    /// What it shows.
    pub description: String,
    /// Seeds an in-process sandbox; informational against a running one.
    pub seed: Option<u64>,
    /// The clock the run follows (`clock`): one of its own unless it names one.
    pub clock: ScenarioClock,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// The clock a scenario run follows: the one its `advance` steps move, its `createApp` steps
/// put apps on, and its report's sandbox times come from.
///
/// ```
/// use chinaums_mock::client::scenario::{Scenario, ScenarioClock};
/// let steps = r#""steps": [{"kind": "advance", "seconds": 60}]"#;
/// let own = Scenario::from_json(&format!(r#"{{"name": "a", {steps}}}"#))?;
/// assert_eq!(own.clock, ScenarioClock::Own);
/// let shared = Scenario::from_json(&format!(r#"{{"name": "b", "clock": "default", {steps}}}"#))?;
/// assert_eq!(shared.clock, ScenarioClock::Existing("default".into()));
/// # Ok::<(), chinaums_mock::client::scenario::ScenarioError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ScenarioClock {
    /// `"new"`, or no `clock` at all: a clock of the run's own, created when it starts at the
    /// default clock's time (standing still if that one does) and named after the scenario.
    /// The default clock and every other tenant are left alone; the clock stays after the run
    /// with the apps on it.
    #[default]
    Own,
    /// `"default"` or a clock's id: the run uses that clock, and moves it for every app on it.
    Existing(String),
}

impl ScenarioClock {
    /// What a scenario's `clock` says: `new` for a clock of the run's own, anything else the
    /// id of an existing clock.
    pub fn parse(text: &str) -> Self {
        if text == crate::api::clock::NEW_CLOCK {
            ScenarioClock::Own
        } else {
            ScenarioClock::Existing(text.to_owned())
        }
    }
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
        if let Some(other) = map.keys().find(|k| {
            !matches!(
                k.as_str(),
                "name" | "description" | "seed" | "clock" | "steps"
            )
        }) {
            return Err(ScenarioError::top(format!(
                "unknown field {other}; a scenario has name, description, seed, clock and steps"
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
        let clock = match map.get("clock") {
            None | Some(Value::Null) => ScenarioClock::Own,
            Some(Value::String(s)) if !s.trim().is_empty() => ScenarioClock::parse(s),
            Some(_) => {
                return Err(ScenarioError::top(
                    "clock must be \"new\" (a clock of the run's own, the default), \"default\" or a clock's id",
                ));
            }
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
            clock,
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
    fn order_steps_need_one_order_or_bill_and_take_only_the_values_they_know() {
        let e = problem(json!([{ "kind": "refund", "refundAmount": 1 }]));
        assert!(
            e.message
                .ends_with("refund: needs exactly one of order and bill"),
            "{e}"
        );
        let e = problem(json!([{ "kind": "pay", "bill": "b", "via": "phone" }]));
        assert!(
            e.message
                .contains("via must be one of control, cashier, not \"phone\""),
            "{e}"
        );
        let ok = Scenario::from_value(&json!({
            "name": "t",
            "steps": [{ "kind": "pay", "order": "${o.merOrderId}", "outcome": "${plan.outcome}" }],
        }));
        assert!(ok.is_ok(), "references wait for run time: {ok:?}");
    }

    #[test]
    fn the_clock_is_the_run_s_own_unless_the_scenario_names_one() {
        let parse = |clock: Value| {
            Scenario::from_value(&json!({
                "name": "t", "clock": clock, "steps": [{ "kind": "advance", "seconds": 1 }],
            }))
            .map(|s| s.clock)
        };
        assert_eq!(parse(Value::Null), Ok(ScenarioClock::Own));
        assert_eq!(parse(json!("new")), Ok(ScenarioClock::Own));
        assert_eq!(
            parse(json!("clk_0123456789abcdef")),
            Ok(ScenarioClock::Existing("clk_0123456789abcdef".into()))
        );
        let e = parse(json!(7)).err();
        assert!(e.is_some_and(|e| e.message.contains("clock must be")));
        assert!(parse(json!(" ")).is_err());
    }

    #[test]
    fn top_level_fields_are_checked() {
        let e = Scenario::from_value(&json!({ "name": "t", "steps": [], "extra": 1 })).err();
        assert!(e.is_some_and(|e| e.message.contains("unknown field extra")));
        let e = Scenario::from_value(&json!({ "name": "t", "steps": [] })).err();
        assert!(e.is_some_and(|e| e.message.contains("must not be empty")));
    }
}
