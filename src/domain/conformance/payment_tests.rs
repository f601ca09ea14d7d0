//! The payment battery's probes, and the verdicts on scripted merchants, without any network.

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::Value;

use super::check::Check;
use super::payment::battery;
use super::probe::{PlannedCheck, Probe};
use super::report::Expectation;
use super::report::tests::record;
use super::run::run_battery;
use super::tests::{app, assert_skipped_as_unsigned, field, now, probes, sign_verifies};
use crate::domain::apps::{App, NotifyFormat, NotifySigning};

fn planned(app: &App) -> Vec<PlannedCheck> {
    battery(app, now(), &mut StdRng::seed_from_u64(42))
}

fn sha256_form() -> App {
    app(NotifyFormat::Form, NotifySigning::Sha256)
}

fn one(planned: &[PlannedCheck], check: Check) -> Probe {
    probes(planned, check).remove(0)
}

/// The probe's random extra fields: the names of two letters (every documented name is longer).
fn random_fields(probe: &Probe) -> Vec<String> {
    let fields = probe
        .encoded
        .payload
        .as_object()
        .cloned()
        .unwrap_or_default();
    fields
        .keys()
        .filter(|k| k.len() == 2 && k.bytes().all(|b| b.is_ascii_alphabetic()))
        .cloned()
        .collect()
}

/// The verdict on every check, in order, of a merchant acknowledging exactly the probes
/// `acknowledges` accepts.
async fn verdicts(
    planned: Vec<PlannedCheck>,
    mut acknowledges: impl FnMut(&Probe) -> bool,
) -> Vec<(&'static str, Option<bool>)> {
    let reports = run_battery(planned, async |_, probe: Probe| {
        record(acknowledges(&probe))
    })
    .await;
    reports.into_iter().map(|r| (r.name, r.passed)).collect()
}

/// The checks a merchant failed.
async fn failed(app: &App, acknowledges: impl Fn(&Probe) -> bool) -> Vec<&'static str> {
    let all = verdicts(planned(app), acknowledges).await;
    all.into_iter()
        .filter(|(_, passed)| *passed == Some(false))
        .map(|(name, _)| name)
        .collect()
}

#[test]
fn the_payment_battery_runs_its_five_checks_in_order() {
    let names: Vec<&str> = planned(&sha256_form())
        .iter()
        .map(|p| p.check.name())
        .collect();
    assert_eq!(
        names,
        [
            "accepts_random_field",
            "accepts_duplicate",
            "rejects_forged_sign",
            "accepts_legacy_md5",
            "accepts_refund_after_payment"
        ]
    );
    let rejected: Vec<Check> = Check::PAYMENT
        .into_iter()
        .filter(|c| c.expectation() == Expectation::Rejected)
        .collect();
    assert_eq!(rejected, [Check::RejectsForgedSign]);
    assert!(
        Check::PAYMENT
            .iter()
            .all(|c| c.description().ends_with('.'))
    );
}

#[test]
fn the_first_probe_is_a_signed_payment_notification_with_one_random_field() {
    let a = sha256_form();
    let valid = one(&planned(&a), Check::AcceptsRandomField);
    assert!(sign_verifies(&a, &valid));
    assert_eq!(valid.event_type, "NETPAY.PAYMENT");
    assert_eq!(valid.id, field(&valid, "notifyId"));
    assert_eq!(valid.subject, field(&valid, "buyerId"));
    assert_eq!(field(&valid, "status"), "TRADE_SUCCESS");
    assert_eq!(field(&valid, "signType"), "SHA256");
    assert_eq!(field(&valid, "mid"), a.mid);
    assert_eq!(field(&valid, "merName"), a.name);
    assert!(field(&valid, "merOrderId").starts_with(&format!("{}20261125115950", a.msg_src_id)));
    assert_eq!(field(&valid, "createTime"), "2026-11-25 11:59:50");
    assert_eq!(field(&valid, "payTime"), "2026-11-25 12:00:00");
    assert_eq!(field(&valid, "totalAmount"), "1");
    assert_eq!(field(&valid, "targetSys"), "WXPay");
    let random = random_fields(&valid);
    assert_eq!(random.len(), 1, "{random:?}");
    assert_eq!(field(&valid, &random[0]).len(), 4);
}

#[test]
fn the_duplicate_repeats_the_first_probe_byte_for_byte_with_its_notify_id() {
    let planned = planned(&sha256_form());
    let valid = probes(&planned, Check::AcceptsRandomField);
    assert_eq!(probes(&planned, Check::AcceptsDuplicate), valid);
}

#[test]
fn the_forged_probe_is_another_orders_payment_whose_sign_does_not_verify() {
    let a = sha256_form();
    let planned = planned(&a);
    let forged = one(&planned, Check::RejectsForgedSign);
    let valid = one(&planned, Check::AcceptsRandomField);
    assert!(!sign_verifies(&a, &forged));
    assert_eq!(field(&forged, "sign").len(), 64);
    assert_ne!(forged.id, valid.id);
    assert_ne!(field(&forged, "merOrderId"), field(&valid, "merOrderId"));
}

#[test]
fn the_legacy_probe_has_no_sign_type_and_an_md5_sign_even_when_the_app_signs_sha256() {
    let a = sha256_form();
    let legacy = one(&planned(&a), Check::AcceptsLegacyMd5);
    assert!(legacy.encoded.payload.get("signType").is_none());
    assert!(
        !legacy.encoded.body.contains("signType"),
        "{}",
        legacy.encoded.body
    );
    assert_eq!(field(&legacy, "sign").len(), 32);
    assert!(sign_verifies(&a, &legacy), "MD5 over the other fields");
    assert_eq!(
        random_fields(&legacy).len(),
        1,
        "it has its random field too"
    );
}

#[test]
fn the_refund_probe_refunds_the_order_paid_in_the_first_check() {
    let a = sha256_form();
    let planned = planned(&a);
    let paid = one(&planned, Check::AcceptsRandomField);
    let refund = one(&planned, Check::AcceptsRefundAfterPayment);
    assert!(sign_verifies(&a, &refund));
    assert_eq!(refund.event_type, "NETPAY.REFUND");
    assert_eq!(field(&refund, "status"), "TRADE_REFUND");
    for same in [
        "merOrderId",
        "targetOrderId",
        "seqId",
        "buyerId",
        "totalAmount",
        "payTime",
    ] {
        assert_eq!(field(&refund, same), field(&paid, same), "{same}");
    }
    assert_eq!(field(&refund, "refundAmount"), "1");
    assert_eq!(field(&refund, "refundPayTime"), "2026-11-25 12:00:00");
    assert_eq!(field(&refund, "refundSettleDate"), "2026-11-25");
    assert!(field(&refund, "refundOrderId").starts_with(&a.msg_src_id));
    assert_eq!(
        field(&refund, "refundTargetOrderId").len(),
        29,
        "a WeChat refund number"
    );
    assert_ne!(refund.id, paid.id, "a notifyId of its own");
    assert_eq!(refund.id, field(&refund, "notifyId"));
    assert_eq!(random_fields(&refund).len(), 1);
}

#[test]
fn the_same_generator_state_gives_the_same_probes() {
    let a = sha256_form();
    assert_eq!(planned(&a), planned(&a));
    let other = battery(&a, now(), &mut StdRng::seed_from_u64(43));
    assert_ne!(other, planned(&a));
}

#[test]
fn an_unsigned_app_skips_only_the_forged_sign_and_still_gets_the_legacy_md5_probe() {
    let a = app(NotifyFormat::Json, NotifySigning::None);
    let planned = planned(&a);
    assert_skipped_as_unsigned(&planned, Check::RejectsForgedSign);
    let valid = one(&planned, Check::AcceptsRandomField);
    assert!(valid.encoded.payload.get("sign").is_none());
    assert!(valid.encoded.content_type.starts_with("application/json"));
    let legacy = one(&planned, Check::AcceptsLegacyMd5);
    assert!(sign_verifies(&a, &legacy));
    let body: Value = serde_json::from_str(&legacy.encoded.body).unwrap_or_default();
    assert!(
        body.get("signType").is_none() && body["sign"].is_string(),
        "{body}"
    );
}

#[tokio::test]
async fn a_merchant_that_verifies_signs_passes_every_check() {
    let a = sha256_form();
    assert_eq!(failed(&a, |p| sign_verifies(&a, p)).await, [] as [&str; 0]);
    let md5 = app(NotifyFormat::Json, NotifySigning::Md5Legacy);
    assert_eq!(
        failed(&md5, |p| sign_verifies(&md5, p)).await,
        [] as [&str; 0]
    );
}

#[tokio::test]
async fn a_merchant_refusing_unknown_fields_fails_the_random_field_and_every_acknowledgement() {
    let a = sha256_form();
    // Its list of fields has none of the random ones.
    let strict = |p: &Probe| sign_verifies(&a, p) && random_fields(p).is_empty();
    // Every real notification carries a random field, so such a handler refuses them all.
    assert_eq!(
        failed(&a, strict).await,
        [
            "accepts_random_field",
            "accepts_duplicate",
            "accepts_legacy_md5",
            "accepts_refund_after_payment"
        ]
    );
}

#[tokio::test]
async fn a_merchant_that_accepts_anything_fails_only_the_forged_sign() {
    let a = sha256_form();
    assert_eq!(failed(&a, |_| true).await, ["rejects_forged_sign"]);
}

#[tokio::test]
async fn a_merchant_that_requires_sign_type_fails_only_the_legacy_md5() {
    let a = sha256_form();
    let requires = |p: &Probe| sign_verifies(&a, p) && p.encoded.payload.get("signType").is_some();
    assert_eq!(failed(&a, requires).await, ["accepts_legacy_md5"]);
}

#[tokio::test]
async fn a_merchant_that_refuses_refunds_fails_only_the_refund_after_payment() {
    let a = sha256_form();
    let payments_only = |p: &Probe| sign_verifies(&a, p) && field(p, "status") != "TRADE_REFUND";
    assert_eq!(
        failed(&a, payments_only).await,
        ["accepts_refund_after_payment"]
    );
}

#[tokio::test]
async fn a_skipped_check_sends_nothing_and_has_no_verdict() {
    let a = app(NotifyFormat::Form, NotifySigning::None);
    let mut sent = 0;
    let all = verdicts(planned(&a), |_| {
        sent += 1;
        true
    })
    .await;
    assert_eq!(all[2], ("rejects_forged_sign", None));
    assert_eq!(sent, 4, "one for each check that applies");
}
