//! The conformance report: what each probe got back and whether each check passed.

use serde::Serialize;

use crate::api::conformance::Battery;
use crate::domain::notify::{Outcome, WireResult};

/// What a correct merchant does with a check's notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Expectation {
    /// Every notification of the check must be acknowledged.
    Acknowledged,
    /// No notification of the check may be acknowledged.
    Rejected,
}

impl Expectation {
    /// Whether answers with these acknowledgements meet the expectation. A check that sent
    /// nothing passes nothing.
    pub fn is_met_by(self, acknowledged: &[bool]) -> bool {
        !acknowledged.is_empty()
            && match self {
                Expectation::Acknowledged => acknowledged.iter().all(|a| *a),
                Expectation::Rejected => acknowledged.iter().all(|a| !*a),
            }
    }
}

/// One probe notification and the merchant's answer to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeRecord {
    /// The probe's `id`.
    pub notification_id: String,
    /// The merchant's HTTP status, if it answered.
    pub http_status: Option<u16>,
    /// The first 4 KiB of the merchant's answer.
    pub response_body: Option<String>,
    /// What went wrong on the wire (refused, reset, timeout), if anything.
    pub error: Option<String>,
    /// Real time the request took.
    pub duration_ms: u64,
    /// Whether the answer acknowledges the notification under the app's ack rule.
    pub acknowledged: bool,
}

impl ProbeRecord {
    /// The record of one sent probe. A transport failure is never an acknowledgement.
    pub fn from_wire(notification_id: &str, wire: &WireResult) -> Self {
        Self {
            notification_id: notification_id.to_owned(),
            http_status: wire.http_status,
            response_body: wire.response_body.clone(),
            error: wire.error.clone(),
            duration_ms: u64::try_from(wire.duration.as_millis()).unwrap_or(u64::MAX),
            acknowledged: wire.outcome == Outcome::Delivered,
        }
    }
}

/// The verdict on one property of the merchant's handler.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckReport {
    /// Machine-readable name, e.g. `rejects_forged_sign`.
    pub name: &'static str,
    /// One sentence on what is checked.
    pub description: &'static str,
    /// What a correct merchant does.
    pub expectation: Expectation,
    /// `None` when the check was skipped.
    pub passed: Option<bool>,
    /// Why the check was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped_because: Option<String>,
    /// The probes sent, in sending order.
    pub requests: Vec<ProbeRecord>,
}

impl CheckReport {
    /// A check whose probes were sent, judged on their answers.
    pub fn judged(
        name: &'static str,
        description: &'static str,
        expectation: Expectation,
        requests: Vec<ProbeRecord>,
    ) -> Self {
        let acks: Vec<bool> = requests.iter().map(|r| r.acknowledged).collect();
        Self {
            name,
            description,
            expectation,
            passed: Some(expectation.is_met_by(&acks)),
            skipped_because: None,
            requests,
        }
    }

    /// A check that does not apply to this app.
    pub fn skipped(
        name: &'static str,
        description: &'static str,
        expectation: Expectation,
        reason: String,
    ) -> Self {
        Self {
            name,
            description,
            expectation,
            passed: None,
            skipped_because: Some(reason),
            requests: Vec::new(),
        }
    }
}

/// The answer of `POST /__mock/conformance`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The app whose settings the probes used.
    pub app_id: String,
    /// The battery of probes sent.
    pub battery: Battery,
    /// Where the probes went.
    pub callback_url: String,
    /// True when no check that ran failed.
    pub passed: bool,
    /// Every check, in the order run.
    pub checks: Vec<CheckReport>,
}

impl Report {
    /// The report of `battery` over `checks`; skipped checks neither pass nor fail it.
    pub fn new(
        app_id: String,
        battery: Battery,
        callback_url: String,
        checks: Vec<CheckReport>,
    ) -> Self {
        Self {
            passed: checks.iter().all(|c| c.passed != Some(false)),
            app_id,
            battery,
            callback_url,
            checks,
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    #[test]
    fn an_expectation_is_met_by_answers_that_all_agree_and_never_by_none() {
        assert!(Expectation::Acknowledged.is_met_by(&[true, true]));
        assert!(!Expectation::Acknowledged.is_met_by(&[true, false]));
        assert!(Expectation::Rejected.is_met_by(&[false]));
        assert!(!Expectation::Rejected.is_met_by(&[]));
    }

    /// A 200 answer, `SUCCESS` when `acknowledged`, else `FAILED`.
    pub(in crate::domain::conformance) fn record(acknowledged: bool) -> ProbeRecord {
        ProbeRecord {
            notification_id: "EV-2026112512000010000".into(),
            http_status: Some(200),
            response_body: Some(if acknowledged { "SUCCESS" } else { "FAILED" }.into()),
            error: None,
            duration_ms: 1,
            acknowledged,
        }
    }

    #[test]
    fn an_accepting_check_passes_only_when_every_probe_was_acknowledged() {
        let e = Expectation::Acknowledged;
        assert!(e.is_met_by(&[true]));
        assert!(e.is_met_by(&[true, true]));
        assert!(!e.is_met_by(&[false, true]));
        assert!(!e.is_met_by(&[]));
    }

    #[test]
    fn a_rejecting_check_passes_only_when_no_probe_was_acknowledged() {
        let e = Expectation::Rejected;
        assert!(e.is_met_by(&[false]));
        assert!(!e.is_met_by(&[true]));
        assert!(!e.is_met_by(&[false, true]));
    }

    #[test]
    fn a_transport_failure_counts_as_not_acknowledged() {
        let wire = WireResult {
            http_status: None,
            response_body: None,
            error: Some("connection refused".into()),
            outcome: Outcome::ConnectionFailed,
            duration: std::time::Duration::from_millis(3),
        };
        let r = ProbeRecord::from_wire("EV-1", &wire);
        assert!(!r.acknowledged);
        assert_eq!(r.duration_ms, 3);
        assert_eq!(r.error.as_deref(), Some("connection refused"));
    }

    #[test]
    fn skipped_checks_neither_pass_nor_fail_the_report() {
        let ok = CheckReport::judged("a", "A.", Expectation::Acknowledged, vec![record(true)]);
        let skipped = CheckReport::skipped("b", "B.", Expectation::Rejected, "unsigned".into());
        let report = Report::new(
            "app".into(),
            Battery::PayScore,
            "http://x/".into(),
            vec![ok.clone(), skipped],
        );
        assert!(report.passed);
        let bad = CheckReport::judged("c", "C.", Expectation::Rejected, vec![record(true)]);
        assert_eq!(bad.passed, Some(false));
        let failed = Report::new(
            "app".into(),
            Battery::Payment,
            "http://x/".into(),
            vec![ok, bad],
        );
        assert!(!failed.passed);
        let v = serde_json::to_value(&failed).unwrap_or_default();
        assert_eq!(v["battery"], "payment", "the report names its battery");
    }

    #[test]
    fn a_skipped_check_serialises_with_a_null_verdict_and_its_reason() {
        let skipped = CheckReport::skipped("b", "B.", Expectation::Rejected, "unsigned".into());
        let v = serde_json::to_value(&skipped).unwrap_or_default();
        assert_eq!(v["passed"], serde_json::Value::Null);
        assert_eq!(v["skippedBecause"], "unsigned");
        assert_eq!(v["expectation"], "rejected");
        assert_eq!(v["requests"], serde_json::json!([]));
        let judged = CheckReport::judged("a", "A.", Expectation::Acknowledged, vec![record(true)]);
        let v = serde_json::to_value(&judged).unwrap_or_default();
        assert!(v.get("skippedBecause").is_none(), "{v}");
        assert_eq!(v["requests"][0]["notificationId"], "EV-2026112512000010000");
        assert_eq!(v["requests"][0]["acknowledged"], true);
    }
}
