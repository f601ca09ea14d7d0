//! Order steps: `createOrder`, `pay`, `refund` and `expectOrder` — the built-in payment
//! stories pass whoever runs them, their outputs are references, and a difference or a
//! malformed step is explained.

use chinaums_mock::client::scenario::{Scenario, run as run_scenario};
use serde_json::{Value, json};

use super::{assert_passed, run};
use crate::helpers::spawn_app;

/// The built-in order scenarios.
pub(crate) const ORDER_SCENARIOS: [&str; 5] = [
    "pay-and-notify",
    "merchant-down-during-payment",
    "partial-refunds",
    "qr-bill-paid",
    "h5-cashier-payment",
];

/// A scenario with a merchant acknowledging through the sink, then `more` steps.
fn shop_then(more: Value) -> Value {
    let mut steps = vec![
        json!({ "kind": "createApp", "as": "shop" }),
        json!({
            "kind": "updateApp",
            "app": "shop",
            "patch": { "callbackUrl": "${sandbox.url}/__mock/sink/${shop.appId}" },
        }),
    ];
    steps.extend(more.as_array().cloned().unwrap_or_default());
    json!({ "name": "orders inline", "steps": steps })
}

fn failure(report: &Value) -> (u64, String) {
    let f = &report["firstFailure"];
    let message = f["message"].as_str().unwrap_or_default().to_owned();
    (f["index"].as_u64().unwrap_or(u64::MAX), message)
}

#[tokio::test]
async fn every_built_in_order_scenario_passes_when_the_server_runs_it() {
    let app = spawn_app().await;
    for name in ORDER_SCENARIOS {
        let report = run(&app, json!({ "name": name })).await;
        assert_passed(&report);
        assert!(
            report["clock"]
                .as_str()
                .is_some_and(|c| c.starts_with("clk_")),
            "{name} runs on a clock of its own: {report:#}"
        );
    }
}

#[tokio::test]
async fn every_built_in_order_scenario_passes_when_the_library_runner_runs_it_over_http() {
    let app = spawn_app().await;
    for name in ORDER_SCENARIOS {
        let path = format!(
            "{}/fixtures/scenarios/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let scenario = Scenario::from_json(&text).expect("a valid fixture");
        let report = run_scenario(&scenario, &app.base).await;
        assert!(report.passed, "{}", report.to_text());
    }
}

#[tokio::test]
async fn the_merchant_down_during_payment_scenario_takes_four_minutes_of_sandbox_time() {
    let app = spawn_app().await;
    let report = run(&app, json!({ "name": "merchant-down-during-payment" })).await;
    assert_passed(&report);
    assert_eq!(report["sandboxStart"], "2026-11-25T12:00:00+08:00");
    assert_eq!(report["sandboxEnd"], "2026-11-25T12:04:00+08:00");
}

#[tokio::test]
async fn order_step_outputs_are_references_and_a_generated_number_carries_the_msg_src_id() {
    let app = spawn_app().await;
    let report = run(
        &app,
        shop_then(json!([
            { "kind": "createOrder", "as": "o", "app": "shop", "totalAmount": 100,
              "body": { "attachedData": "cart-7" } },
            { "kind": "pay", "as": "paid", "order": "${o.merOrderId}", "app": "shop",
              "couponAmount": 10, "targetSys": "WXPay" },
            { "kind": "expectOrder", "order": "paid", "status": "TRADE_SUCCESS", "notifications": 1 },
            { "kind": "refund", "as": "back", "order": "o", "via": "control", "refundAmount": 40 },
            { "kind": "refund", "as": "rest", "order": "o", "refundOrderId": "R-rest" },
            { "kind": "expectOrder", "order": "o", "refunded": 100, "refunds": 2 },
            { "kind": "createOrder", "app": "shop", "merOrderId": "${o.merOrderId}", "totalAmount": 5,
              "expect": { "errCode": "DUP_ORDER" } },
            { "kind": "refund", "order": "3194NOPE", "app": "shop", "refundAmount": 1,
              "expect": { "errCode": "NO_ORDER" } },
        ])),
    )
    .await;
    assert_passed(&report);
    let steps = &report["steps"];
    let created = &steps[2]["output"];
    let msg_src_id = steps[0]["output"]["msgSrcId"].as_str().unwrap_or("?");
    let number = created["merOrderId"].as_str().unwrap_or_default();
    assert!(
        number.starts_with(msg_src_id) && number.len() == 28,
        "{created:#}"
    );
    assert_eq!(created["status"], "WAIT_BUYER_PAY");
    assert_eq!(created["attachedData"], "cart-7");
    assert_eq!(created["answer"]["errCode"], "SUCCESS");
    assert!(
        created["answer"]["miniPayRequest"].is_object(),
        "{created:#}"
    );
    assert_eq!(steps[3]["output"]["order"]["buyerPayAmount"], 90);
    assert_eq!(steps[5]["output"]["refund"]["refundAmount"], 40);
    let rest = &steps[6]["output"];
    assert_eq!(
        (
            &rest["refundOrderId"],
            &rest["refundAmount"],
            &rest["status"]
        ),
        (&json!("R-rest"), &json!(60), &json!("TRADE_REFUND")),
        "the gateway refunds what is left by default"
    );
    let refused = &steps[8]["output"];
    assert_eq!(refused["merOrderId"], number);
    assert_eq!(refused["answer"]["errCode"], "DUP_ORDER");
    assert_eq!(
        steps[9]["output"]["errCode"], "NO_ORDER",
        "asked of the gateway alone"
    );
}

#[tokio::test]
async fn an_order_that_differs_from_the_expectation_is_explained_difference_by_difference() {
    let app = spawn_app().await;
    let report = run(
        &app,
        shop_then(json!([
            { "kind": "createOrder", "as": "o", "app": "shop", "merOrderId": "3194X1", "totalAmount": 100 },
            { "kind": "pay", "order": "o" },
            { "kind": "refund", "order": "o", "refundAmount": 30 },
            { "kind": "expectOrder", "order": "o", "status": "TRADE_REFUND", "refunded": 100,
              "refundStatuses": ["SUCCESS", "SUCCESS"], "notifications": 1 },
        ])),
    )
    .await;
    let (index, message) = failure(&report);
    assert_eq!(index, 5, "{report:#}");
    assert_eq!(
        message,
        "expected order 3194X1 to have status TRADE_REFUND (it is TRADE_SUCCESS), \
         refunded 100 (it is 30), refundStatuses [SUCCESS, SUCCESS] (they are [SUCCESS])"
    );
}

#[tokio::test]
async fn a_refused_step_says_what_the_gateway_or_the_control_api_answered() {
    let app = spawn_app().await;
    let cases = [
        (
            json!([
                { "kind": "createOrder", "as": "o", "app": "shop", "totalAmount": 100 },
                { "kind": "refund", "order": "o", "refundAmount": 10 },
            ]),
            "POST /v1/netpay/refund: expected HTTP 200 SUCCESS, got HTTP 200 OPERATION_NOT_ALLOWED",
        ),
        (
            json!([{ "kind": "pay", "order": "3194NOBODY" }]),
            "POST /__mock/orders/3194NOBODY/pay: expected HTTP 200, got HTTP 404 ORDER_NOT_FOUND",
        ),
        (
            json!([
                { "kind": "createOrder", "as": "o", "app": "shop", "totalAmount": 100 },
                { "kind": "pay", "order": "o", "via": "cashier" },
            ]),
            "has no cashier page (H5 and Alipay QR orders and QR bills have one)",
        ),
        (
            json!([
                { "kind": "createOrder", "as": "o", "app": "shop", "totalAmount": 100 },
                { "kind": "pay", "order": "shop" },
            ]),
            "step \"shop\" saved no merOrderId",
        ),
        (
            json!([{ "kind": "createOrder", "app": "shop", "billNo": "B1", "totalAmount": 1 }]),
            "/v1/netpay/wx/unified-order numbers its record by merOrderId, not billNo",
        ),
    ];
    for (steps, wanted) in cases {
        let report = run(&app, shop_then(steps)).await;
        let (_, message) = failure(&report);
        assert!(message.contains(wanted), "{message}\nwanted: {wanted}");
    }
}

#[tokio::test]
async fn malformed_order_steps_are_refused_before_anything_runs() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({ "kind": "pay" }),
            "pay: needs exactly one of order and bill",
        ),
        (
            json!({ "kind": "pay", "order": "o", "bill": "b" }),
            "pay: needs exactly one of order and bill",
        ),
        (
            json!({ "kind": "pay", "order": "o", "outcome": "maybe" }),
            "outcome must be one of success, fail, pending, not \"maybe\"",
        ),
        (
            json!({ "kind": "createOrder", "app": "shop" }),
            "createOrder: missing field totalAmount",
        ),
        (
            json!({ "kind": "createOrder", "app": "shop", "totalAmount": "1" }),
            "totalAmount must be a whole number",
        ),
        (
            json!({ "kind": "refund", "order": "o", "auth": "formParam" }),
            "auth must be one of bodySig, token",
        ),
        (
            json!({ "kind": "expectOrder", "order": "o", "state": "PAID" }),
            "expectOrder: unknown field state",
        ),
        (
            json!({ "kind": "expectOrder", "order": "o", "via": "query" }),
            "via must be one of control, gateway",
        ),
    ];
    for (step, wanted) in cases {
        let r = app
            .post_json(
                "/__mock/scenarios/run",
                &json!({ "name": "bad", "steps": [step] }),
            )
            .await;
        r.assert_control(400, "INVALID_SCENARIO");
        let message = r.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(message.starts_with("steps[0]: "), "{message}");
        assert!(message.contains(wanted), "{message}\nwanted: {wanted}");
    }
}

#[tokio::test]
async fn fields_only_the_control_api_knows_are_refused_through_the_gateway_or_the_cashier() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({ "kind": "expectOrder", "order": "o", "via": "gateway", "refunds": 1 }),
            "refunds is read from the control API, not the merchant's query; leave via out",
        ),
        (
            json!({ "kind": "pay", "order": "o", "via": "cashier", "couponAmount": 1 }),
            "a cashier page takes no couponAmount",
        ),
        (
            json!({ "kind": "refund", "order": "o", "via": "control", "path": "/v1/x" }),
            "path is for a refund through the gateway",
        ),
    ];
    for (step, wanted) in cases {
        let report = run(
            &app,
            shop_then(json!([
                { "kind": "createOrder", "as": "o", "app": "shop", "path": "/v1/netpay/trade/precreate", "totalAmount": 100 },
                { "kind": "pay", "order": "o" },
                step,
            ])),
        )
        .await;
        let (index, message) = failure(&report);
        assert_eq!(index, 4, "{report:#}");
        assert!(message.contains(wanted), "{message}\nwanted: {wanted}");
    }
}
