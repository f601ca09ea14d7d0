//! The battery's probes, checked without any network.

use chrono::{DateTime, Duration, Utc};
use rand::SeedableRng;
use serde_json::Value;

use super::check::Check;
use super::payscore::*;
use super::probe::*;
use super::report::Expectation;
use crate::domain::apps::{App, AppSpec, NotifyFormat, NotifySettings, NotifySigning, build_app};
use crate::protocol::signing::{NotifySignType, notify_sign};
use crate::protocol::timefmt::{format_compact, parse_compact, rfc3339_beijing};

/// Numbered ids and users, so every probe is recognisable.
#[derive(Default)]
struct Counter(u32);

impl Fresh for Counter {
    fn event_id(&mut self, at: DateTime<Utc>) -> String {
        self.0 += 1;
        format!("EV-{}{:05}", format_compact(at), self.0)
    }

    fn user(&mut self, _at: DateTime<Utc>) -> User {
        self.0 += 1;
        User {
            open_id: format!("openid-{}", self.0),
            sub_open_id: format!("subopenid-{}", self.0),
            authorization_code: format!("AUTH{}", self.0),
        }
    }
}

pub(super) fn app(format: NotifyFormat, sign_type: NotifySigning) -> App {
    let settings = NotifySettings {
        format,
        sign_type,
        ..NotifySettings::default()
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    build_app(
        &AppSpec::default(),
        &settings,
        &Default::default(),
        None,
        &mut rng,
    )
    .expect("a generated app is valid")
}

pub(super) fn now() -> DateTime<Utc> {
    parse_compact("20261125120000").expect("time")
}

pub(super) fn probes(planned: &[PlannedCheck], check: Check) -> Vec<Probe> {
    let found = planned.iter().find(|p| p.check == check);
    match found.map(|p| &p.plan) {
        Some(Plan::Send(probes)) => probes.clone(),
        other => panic!("{check:?} sends nothing: {other:?}"),
    }
}

/// Whether the form payload's `sign` is right for its other fields, with the hash its
/// `signType` names (MD5 without one).
pub(super) fn sign_verifies(app: &App, probe: &Probe) -> bool {
    let Some(fields) = probe.encoded.payload.as_object() else {
        return false;
    };
    let pairs: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
        .collect();
    let hash = match fields.get("signType").and_then(Value::as_str) {
        Some("SHA256") => NotifySignType::Sha256,
        _ => NotifySignType::Md5,
    };
    let sign = fields.get("sign").and_then(Value::as_str);
    sign == Some(notify_sign(&pairs, hash, &app.md5_key).as_str())
}

/// Asserts that `check` is skipped because the app does not sign.
pub(super) fn assert_skipped_as_unsigned(planned: &[PlannedCheck], check: Check) {
    let plan = planned.iter().find(|p| p.check == check).map(|p| &p.plan);
    assert!(
        matches!(plan, Some(Plan::Skip(reason)) if reason.contains("NONE")),
        "{check:?}: {plan:?}"
    );
}

pub(super) fn field(probe: &Probe, name: &str) -> String {
    probe.encoded.payload[name]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn the_battery_runs_the_six_checks_in_order() {
    let a = app(NotifyFormat::Form, NotifySigning::Sha256);
    let planned = battery(&a, now(), &mut Counter::default());
    let names: Vec<&str> = planned.iter().map(|p| p.check.name()).collect();
    assert_eq!(
        names,
        [
            "accepts_valid",
            "accepts_duplicate",
            "rejects_forged_sign",
            "rejects_missing_sign",
            "accepts_late_delivery",
            "accepts_close_before_open"
        ]
    );
    let rejected: Vec<Check> = Check::PAYSCORE
        .into_iter()
        .filter(|c| c.expectation() == Expectation::Rejected)
        .collect();
    assert_eq!(
        rejected,
        [Check::RejectsForgedSign, Check::RejectsMissingSign]
    );
    assert!(
        Check::PAYSCORE
            .iter()
            .all(|c| c.description().ends_with('.'))
    );
}

#[test]
fn the_duplicate_is_the_valid_probe_byte_for_byte() {
    let a = app(NotifyFormat::Form, NotifySigning::Sha256);
    let planned = battery(&a, now(), &mut Counter::default());
    let valid = probes(&planned, Check::AcceptsValid);
    assert_eq!(probes(&planned, Check::AcceptsDuplicate), valid);
    assert!(sign_verifies(&a, &valid[0]));
    assert_eq!(field(&valid[0], "eventType"), "PAYSCORE.USER_OPEN_SERVICE");
    assert_eq!(field(&valid[0], "createTime"), "2026-11-25T12:00:00+08:00");
}

#[test]
fn the_forged_probe_differs_from_a_valid_one_only_in_its_sign() {
    let a = app(NotifyFormat::Form, NotifySigning::Sha256);
    let planned = battery(&a, now(), &mut Counter::default());
    let forged = &probes(&planned, Check::RejectsForgedSign)[0];
    assert!(!sign_verifies(&a, forged));
    let sign = field(forged, "sign");
    assert_eq!(sign.len(), 64);
    assert!(
        sign.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
    );
    assert!(forged.encoded.body.ends_with(&format!("&sign={sign}")));
    let valid = &probes(&planned, Check::AcceptsValid)[0];
    assert_ne!(forged.id, valid.id, "a forged probe has its own id");
    assert_ne!(forged.subject, valid.subject);
}

#[test]
fn forging_changes_one_hex_digit_and_keeps_the_json_valid() {
    let a = app(NotifyFormat::Json, NotifySigning::Md5);
    let planned = battery(&a, now(), &mut Counter::default());
    let forged = &probes(&planned, Check::RejectsForgedSign)[0];
    let body: Value = serde_json::from_str(&forged.encoded.body).unwrap_or_default();
    assert_eq!(body["sign"], forged.encoded.payload["sign"]);
    assert_eq!(body["signType"], "MD5");
    assert_eq!(field(forged, "sign").len(), 32);
    let honest = Probe {
        encoded: crate::protocol::encode::encode(
            &[("id", "EV-1".to_owned())],
            NotifyFormat::Form,
            NotifySigning::Sha256,
            "k",
        ),
        id: "EV-1".into(),
        event_type: "PAYSCORE.USER_OPEN_SERVICE",
        subject: "o".into(),
    };
    let original = field(&honest, "sign");
    let changed = field(&forge_sign(honest), "sign");
    let differing = original
        .chars()
        .zip(changed.chars())
        .filter(|(x, y)| x != y)
        .count();
    assert_eq!(differing, 1, "{original} / {changed}");
}

#[test]
fn the_missing_sign_probe_carries_neither_sign_nor_sign_type() {
    let a = app(NotifyFormat::Form, NotifySigning::Sha256);
    let planned = battery(&a, now(), &mut Counter::default());
    let unsigned = &probes(&planned, Check::RejectsMissingSign)[0];
    assert!(unsigned.encoded.payload.get("sign").is_none());
    assert!(unsigned.encoded.payload.get("signType").is_none());
    assert!(
        !unsigned.encoded.body.contains("sign"),
        "{}",
        unsigned.encoded.body
    );
}

#[test]
fn the_late_probe_was_created_23_hours_before_now() {
    let a = app(NotifyFormat::Form, NotifySigning::Sha256);
    let planned = battery(&a, now(), &mut Counter::default());
    let late = &probes(&planned, Check::AcceptsLateDelivery)[0];
    let created = now() - Duration::hours(23);
    assert_eq!(field(late, "createTime"), rfc3339_beijing(created));
    assert!(late.id.starts_with("EV-20261124130000"), "{}", late.id);
    let resource: Value = serde_json::from_str(&field(late, "resource")).unwrap_or_default();
    assert_eq!(resource["openorcloseTime"], "20261124130000");
    assert!(sign_verifies(&a, late));
}

#[test]
fn the_close_goes_out_before_the_earlier_open_of_the_same_user() {
    let a = app(NotifyFormat::Form, NotifySigning::Sha256);
    let planned = battery(&a, now(), &mut Counter::default());
    let pair = probes(&planned, Check::AcceptsCloseBeforeOpen);
    let [close, open] = pair.as_slice() else {
        panic!("two probes expected: {pair:?}");
    };
    assert_eq!(close.event_type, "PAYSCORE.USER_CLOSE_SERVICE");
    assert_eq!(open.event_type, "PAYSCORE.USER_OPEN_SERVICE");
    assert_eq!(close.subject, open.subject);
    assert!(field(open, "createTime") < field(close, "createTime"));
    assert!(open.id < close.id, "the open was numbered first");
    assert!(sign_verifies(&a, close) && sign_verifies(&a, open));
    let others: Vec<String> = planned
        .iter()
        .filter(|p| p.check != Check::AcceptsCloseBeforeOpen)
        .filter_map(|p| match &p.plan {
            Plan::Send(probes) => Some(probes[0].subject.clone()),
            Plan::Skip(_) => None,
        })
        .collect();
    assert!(!others.contains(&open.subject), "a user of its own");
}

#[test]
fn an_unsigned_app_skips_the_sign_checks_and_sends_unsigned_probes() {
    let a = app(NotifyFormat::Form, NotifySigning::None);
    let planned = battery(&a, now(), &mut Counter::default());
    for check in [Check::RejectsForgedSign, Check::RejectsMissingSign] {
        assert_skipped_as_unsigned(&planned, check);
    }
    let valid = &probes(&planned, Check::AcceptsValid)[0];
    assert!(valid.encoded.payload.get("sign").is_none());
}
