//! `POST /__mock/conformance` with `"battery": "payment"`: a merchant's handler of netpay
//! payment-result and refund notifications, checked over real HTTP.

use serde_json::{Value, json};

use crate::conformance::{
    assert_every_check_passed, checks, failed, receiver, run_body, set_notify,
};
use crate::helpers::*;
use crate::receiver::{Behavior, Receiver};

const CHECKS: [&str; 5] = [
    "accepts_random_field",
    "accepts_duplicate",
    "rejects_forged_sign",
    "accepts_legacy_md5",
    "accepts_refund_after_payment",
];

/// Every field netpay §3 lists for a payment-result or refund notification, and the sign.
#[rustfmt::skip]
const DOCUMENTED: &[&str] = &[
    "mid", "tid", "instMid", "merOrderId", "totalAmount", "buyerPayAmount", "invoiceAmount",
    "receiptAmount", "couponAmount", "payTime", "createTime", "settleDate", "seqId", "status",
    "targetOrderId", "targetSys", "buyerId", "billFunds", "merName", "mchntUuid", "subInst",
    "connectSys", "orderDesc", "attachedData", "srcReserve", "refundOrderId", "refundAmount",
    "refundTargetOrderId", "refundPayTime", "refundSettleDate", "notifyId", "signType", "sign",
];

/// Runs the payment battery against `merchant` and returns the report.
async fn run(app: &TestApp, merchant: &Receiver) -> Value {
    let body = json!({ "appId": APP_ID, "callbackUrl": merchant.url(), "battery": "payment" });
    run_body(app, &body).await
}

/// The report of the payment battery against a merchant answering with `behavior`.
async fn report_of(behavior: Behavior) -> Value {
    let app = spawn_app().await;
    run(&app, &receiver(behavior).await).await
}

#[tokio::test]
async fn a_merchant_that_verifies_signs_passes_every_payment_check() {
    let app = spawn_app().await;
    let merchant = receiver(Behavior::Verify).await;
    let report = run(&app, &merchant).await;

    assert_eq!(report["passed"], true, "{report:#}");
    assert_eq!(report["battery"], "payment");
    assert_eq!(report["callbackUrl"], merchant.url());
    assert_every_check_passed(&report, &CHECKS);
    for check in checks(&report) {
        assert_eq!(check["requests"].as_array().map(Vec::len), Some(1));
    }
}

#[tokio::test]
async fn the_merchant_receives_real_payment_and_refund_notifications_in_the_order_of_the_checks() {
    let app = spawn_app().await;
    let merchant = receiver(Behavior::Verify).await;
    let report = run(&app, &merchant).await;
    let got = merchant.received();
    assert_eq!(got.len(), 5);
    let signs: Vec<Option<bool>> = got.iter().map(|g| g.sign_valid).collect();
    assert_eq!(
        signs,
        [Some(true), Some(true), Some(false), Some(true), Some(true)]
    );
    assert_eq!(got[1].body, got[0].body, "the duplicate is the same bytes");
    let notify_ids: Vec<Value> = got.iter().map(|g| json!(g.fields["notifyId"])).collect();
    let reported: Vec<Value> = checks(&report)
        .iter()
        .flat_map(|c| c["requests"].as_array().cloned().unwrap_or_default())
        .map(|r| r["notificationId"].clone())
        .collect();
    assert_eq!(
        reported, notify_ids,
        "a probe is reported under its notifyId"
    );
    for g in &got {
        let extra: Vec<&String> = g
            .fields
            .keys()
            .filter(|k| !DOCUMENTED.contains(&k.as_str()))
            .collect();
        assert_eq!(extra.len(), 1, "one random field: {extra:?}");
        assert!(extra[0].len() == 2 && g.fields[extra[0]].len() == 4);
        assert_eq!(g.fields["mid"], MID);
        assert_eq!(g.fields["payTime"], "2026-11-25 12:00:00");
        assert!(
            g.content_type
                .starts_with("application/x-www-form-urlencoded")
        );
    }
    let (paid, legacy, refund) = (&got[0].fields, &got[3].fields, &got[4].fields);
    assert_eq!(paid["status"], "TRADE_SUCCESS");
    assert_eq!(paid["signType"], "SHA256");
    assert!(!legacy.contains_key("signType"));
    assert_eq!(legacy["sign"].len(), 32, "MD5");
    assert_eq!(refund["status"], "TRADE_REFUND");
    assert_eq!(
        refund["merOrderId"], paid["merOrderId"],
        "the order paid first"
    );
    assert_eq!(refund["refundAmount"], paid["totalAmount"]);
    assert_ne!(refund["notifyId"], paid["notifyId"]);
    assert_ne!(got[2].fields["merOrderId"], paid["merOrderId"]);
}

#[tokio::test]
async fn a_merchant_that_rejects_unknown_fields_fails_the_random_field_check() {
    let report = report_of(Behavior::VerifyKnownFields(DOCUMENTED)).await;
    assert_eq!(report["passed"], false);
    let failed = failed(&report);
    assert_eq!(
        failed.first().map(String::as_str),
        Some("accepts_random_field")
    );
    // Every real notification carries a random field: such a handler acknowledges none.
    let accepting: Vec<&str> = CHECKS
        .into_iter()
        .filter(|c| c.starts_with("accepts"))
        .collect();
    assert_eq!(failed, accepting);
}

#[tokio::test]
async fn a_merchant_that_accepts_forged_signs_fails_the_forged_sign_check() {
    let report = report_of(Behavior::Success).await;
    assert_eq!(failed(&report), ["rejects_forged_sign"]);
    assert_eq!(report["checks"][2]["requests"][0]["acknowledged"], true);
}

#[tokio::test]
async fn a_merchant_that_requires_sign_type_fails_the_legacy_md5_check() {
    let report = report_of(Behavior::VerifyRequiringSignType).await;
    assert_eq!(failed(&report), ["accepts_legacy_md5"]);
    let answer = &report["checks"][3]["requests"][0];
    assert_eq!(
        (answer["httpStatus"].clone(), answer["responseBody"].clone()),
        (json!(200), json!("FAILED"))
    );
}

#[tokio::test]
async fn an_unsigned_json_app_skips_the_forged_sign_and_still_gets_the_legacy_md5_probe() {
    let app = spawn_app().await;
    set_notify(&app, json!({ "format": "json", "signType": "NONE" })).await;
    let merchant = receiver(Behavior::Success).await;
    let report = run(&app, &merchant).await;
    assert_eq!(report["passed"], true, "{report:#}");
    let forged = &report["checks"][2];
    assert_eq!(forged["passed"], Value::Null);
    assert!(
        forged["skippedBecause"]
            .as_str()
            .is_some_and(|r| r.contains("NONE"))
    );
    let got = merchant.received();
    assert_eq!(got.len(), 4);
    assert!(got.iter().all(|g| g.json.is_some()));
    let signs: Vec<Option<bool>> = got.iter().map(|g| g.sign_valid).collect();
    assert_eq!(
        signs,
        [None, None, Some(true), None],
        "only the legacy probe is signed"
    );
}

#[tokio::test]
async fn payment_probes_are_not_recorded_as_notifications_or_orders() {
    let app = spawn_app().await;
    let merchant = receiver(Behavior::Verify).await;
    assert_eq!(run(&app, &merchant).await["passed"], true);
    let listed = app.get("/__mock/notifications").await.json();
    assert_eq!(listed["notifications"], json!([]));
    let orders = app.get("/__mock/orders").await.json();
    assert_eq!(orders["orders"], json!([]));
}

#[tokio::test]
async fn an_unknown_battery_is_refused_and_a_null_one_is_pay_score() {
    let app = spawn_app().await;
    let merchant = receiver(Behavior::Verify).await;
    let body = json!({ "appId": APP_ID, "callbackUrl": merchant.url(), "battery": "refund" });
    let r = app.post_json("/__mock/conformance", &body).await;
    r.assert_control(400, "INVALID_JSON");
    assert!(r.text.contains("payment"), "{}", r.text);
    assert!(merchant.received().is_empty());
    let body = json!({ "appId": APP_ID, "callbackUrl": merchant.url(), "battery": null });
    assert_eq!(run_body(&app, &body).await["battery"], "payscore");
}
