//! A run of a battery: every probe sent, in order, and every check judged on the answers.

use super::check::Check;
use super::probe::{Plan, PlannedCheck, Probe};
use super::report::{CheckReport, ProbeRecord};

/// Sends every probe of `planned` through `send`, one after the other (the order is part of
/// the checks), and judges each check on the answers; skipped checks send nothing.
pub async fn run_battery(
    planned: Vec<PlannedCheck>,
    mut send: impl AsyncFnMut(Check, Probe) -> ProbeRecord,
) -> Vec<CheckReport> {
    let mut reports = Vec::with_capacity(planned.len());
    for PlannedCheck { check, plan } in planned {
        let (name, description, expectation) =
            (check.name(), check.description(), check.expectation());
        let report = match plan {
            Plan::Skip(reason) => CheckReport::skipped(name, description, expectation, reason),
            Plan::Send(probes) => {
                let mut requests = Vec::with_capacity(probes.len());
                for probe in probes {
                    requests.push(send(check, probe).await);
                }
                CheckReport::judged(name, description, expectation, requests)
            }
        };
        reports.push(report);
    }
    reports
}
