//! The report of a scenario run, as JSON and as text for a terminal.

use serde::Serialize;
use serde_json::Value;

/// How one step went.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepReport {
    /// 0-based position in `steps`.
    pub index: usize,
    /// The step's kind.
    pub kind: &'static str,
    /// Its label, if it has one.
    pub name: Option<String>,
    /// The name its output was saved under, if any.
    #[serde(rename = "as", skip_serializing_if = "Option::is_none")]
    pub save_as: Option<String>,
    /// `true`/`false`; `null` when skipped.
    pub passed: Option<bool>,
    /// Present (true) when an earlier step failed and this one did not run.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub skipped: bool,
    /// The run's clock when it started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    /// Sandbox seconds it took (an advance takes its seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sandbox_seconds: Option<i64>,
    /// Real milliseconds it took.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub real_ms: Option<u64>,
    /// What the route answered (saved under `as`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The first step that failed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    /// 0-based position in `steps`.
    pub index: usize,
    /// The step's kind.
    pub kind: &'static str,
    /// What went wrong.
    pub message: String,
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The scenario's name.
    pub name: String,
    /// Whether every step passed.
    pub passed: bool,
    /// The id of the clock the run followed (its own, unless the scenario named one); `null`
    /// when the run could not start.
    pub clock: Option<String>,
    /// Every step, run or skipped.
    pub steps: Vec<StepReport>,
    /// The first failure, or `null`.
    pub first_failure: Option<Failure>,
    /// The run's clock at the start.
    pub sandbox_start: Option<String>,
    /// The run's clock at the end.
    pub sandbox_end: Option<String>,
    /// Real milliseconds the whole run took.
    pub real_ms: u64,
}

impl Report {
    /// A readable report: one line per step, the failure spelled out.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "scenario {}: {} ({} steps, {} ms; clock {}, sandbox {} → {})\n",
            self.name,
            if self.passed { "PASSED" } else { "FAILED" },
            self.steps.len(),
            self.real_ms,
            self.clock.as_deref().unwrap_or("?"),
            self.sandbox_start.as_deref().unwrap_or("?"),
            self.sandbox_end.as_deref().unwrap_or("?"),
        );
        for step in &self.steps {
            let mark = match (step.skipped, step.passed) {
                (true, _) => "skip",
                (false, Some(true)) => " ok ",
                _ => "FAIL",
            };
            let mut line = format!("  [{mark}] {:>2} {}", step.index, step.kind);
            if let Some(saved) = &step.save_as {
                line.push_str(&format!(" ({saved})"));
            }
            if let Some(name) = &step.name {
                line.push_str(&format!(" — {name}"));
            }
            if let (Some(secs), Some(ms)) = (step.sandbox_seconds, step.real_ms) {
                line.push_str(&format!("  (+{secs} s sandbox, {ms} ms)"));
            }
            out.push_str(&line);
            out.push('\n');
            if let Some(error) = &step.error {
                out.push_str(&format!("         {error}\n"));
            }
        }
        if let Some(f) = &self.first_failure {
            out.push_str(&format!(
                "first failure: steps[{}] ({}): {}\n",
                f.index, f.kind, f.message
            ));
        }
        out
    }
}
