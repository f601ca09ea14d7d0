//! What the control client receives where the server has no type to share: the report of a
//! scenario run, read as JSON (the runner's own report holds borrowed step kinds and is only
//! written). Every other answer is a type of [`crate::api`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The report of `POST /__mock/scenarios/run`.
///
/// ```
/// use chinaums_mock::client::ScenarioReport;
/// let r: ScenarioReport = serde_json::from_str(
///     r#"{"name":"tick","passed":false,"clock":"clk_0123456789abcdef","steps":[{"index":0}],"firstFailure":{"index":0,"kind":"open","message":"…"}}"#)?;
/// assert!(!r.passed);
/// assert_eq!(r.clock.as_deref(), Some("clk_0123456789abcdef"));
/// assert_eq!(r.first_failure.as_ref().map(|f| f["kind"].clone()), Some("open".into()));
/// assert_eq!(r.raw["name"], "tick");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioReport {
    /// The scenario's name.
    pub name: String,
    /// Whether every step passed.
    pub passed: bool,
    /// The id of the clock the run followed (a clock of its own unless the scenario named one).
    pub clock: Option<String>,
    /// Every step, run or skipped.
    pub steps: Vec<Value>,
    /// The first step that failed, if any.
    pub first_failure: Option<Value>,
    /// The whole report as the server sent it.
    pub raw: Value,
}

impl<'de> Deserialize<'de> for ScenarioReport {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Typed {
            #[serde(default)]
            name: String,
            passed: bool,
            #[serde(default)]
            clock: Option<String>,
            #[serde(default)]
            steps: Vec<Value>,
            #[serde(default)]
            first_failure: Option<Value>,
        }
        let raw = Value::deserialize(de)?;
        let typed = Typed::deserialize(&raw).map_err(serde::de::Error::custom)?;
        Ok(Self {
            name: typed.name,
            passed: typed.passed,
            clock: typed.clock,
            steps: typed.steps,
            // `null` and absent mean the same: nothing failed.
            first_failure: typed.first_failure.filter(|f| !f.is_null()),
            raw,
        })
    }
}
