//! `chinaums-mock order …` and `bill …` against a running sandbox: pay, refund, show and list
//! print the control API's JSON answers; refusals exit 1, usage problems 2; a protected control
//! API is reached with `--admin-token`.

use std::process::Output;

use serde_json::{Value, json};

use super::{json_out, printed, stderr, verb};
use crate::helpers::{APP_ID, APP_KEY, MID, QR_APP_ID, order_body, spawn_app, spawn_app_with};

/// The number `order_body` creates.
const NUMBER: &str = "1017202611251200000001234";

#[tokio::test]
async fn order_pay_refund_show_and_list_print_the_sandbox_answers() {
    let app = spawn_app().await;
    let base = app.base.as_str();
    let shop = app.control.app(APP_ID).await.expect("the fixture app");
    let order = app.control.create_order(&shop, 300).await.expect("created");
    let number = order.mer_order_id.as_str();

    let paid = printed(&verb(base, &["order", "pay", number, "--coupon-amount", "10"]).await);
    assert_eq!(paid["order"]["status"], "TRADE_SUCCESS");
    assert_eq!(paid["order"]["buyerPayAmount"], 290);
    assert_eq!(paid["notification"]["eventType"], "NETPAY.PAYMENT");

    let args = [
        "order",
        "refund",
        number,
        "--amount",
        "30",
        "--refund-order-id",
        "R1",
        "--desc",
        "破损",
    ];
    let refunded = printed(&verb(base, &args).await);
    assert_eq!(
        (
            &refunded["refund"]["refundOrderId"],
            &refunded["refund"]["refundAmount"]
        ),
        (&json!("R1"), &json!(30))
    );
    let rest = printed(&verb(base, &["order", "refund", number, "--app", APP_ID]).await);
    assert_eq!(rest["refund"]["refundAmount"], 270, "the rest by default");

    let shown = printed(&verb(base, &["order", "show", number]).await);
    assert_eq!(shown["status"], "TRADE_REFUND");
    assert_eq!(shown["refunds"].as_array().map(Vec::len), Some(2));
    let listed = printed(
        &verb(
            base,
            &["order", "list", "--app", APP_ID, "--status", "TRADE_REFUND"],
        )
        .await,
    );
    assert_eq!(listed["orders"][0]["merOrderId"], number);
    assert_eq!(listed["dropped"], 0);
    let none = printed(&verb(base, &["order", "list", "--status", "TRADE_CLOSED"]).await);
    assert_eq!(none["orders"], json!([]));
}

#[tokio::test]
async fn bill_pay_prints_the_bill_the_order_that_paid_it_and_the_notification() {
    let app = spawn_app().await;
    let base = app.base.as_str();
    let qr = app
        .control
        .app(QR_APP_ID)
        .await
        .expect("the QR fixture app");
    let body = json!({ "mid": qr.mid, "billNo": "3194CLI1", "totalAmount": 20 });
    app.control
        .business_call(&qr, "/v1/netpay/bills/get-qrcode", &body)
        .await
        .expect("a bill");

    let failed = printed(&verb(base, &["bill", "pay", "3194CLI1", "--outcome", "fail"]).await);
    assert_eq!(failed["bill"]["billStatus"], "UNPAID");
    assert_eq!(failed["notification"], Value::Null);
    let paid = printed(&verb(base, &["bill", "pay", "3194CLI1", "--app", QR_APP_ID]).await);
    assert_eq!(paid["bill"]["billStatus"], "PAID");
    assert_eq!(paid["order"]["merOrderId"], "3194CLI10");
    assert_eq!(paid["notification"]["eventType"], "NETPAY.BILL_PAYMENT");

    let shown = printed(&verb(base, &["bill", "show", "3194CLI1"]).await);
    assert_eq!(shown["billStatus"], "PAID");
    let listed = printed(&verb(base, &["bill", "list", "--status", "PAID", "--limit", "5"]).await);
    assert_eq!(listed["bills"][0]["billNo"], "3194CLI1");
}

#[tokio::test]
async fn a_refused_order_call_exits_1_with_the_error_and_a_bad_argument_exits_2() {
    let app = spawn_app().await;
    let base = app.base.as_str();
    let refused = |out: Output| {
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        json_out(&out)["error"]["code"].clone()
    };
    assert_eq!(
        refused(verb(base, &["order", "pay", "3194NONE"]).await),
        "ORDER_NOT_FOUND"
    );
    assert_eq!(
        refused(verb(base, &["bill", "show", "3194NONE"]).await),
        "BILL_NOT_FOUND"
    );

    let out = verb(base, &["order", "list", "--status", "paid"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--status \"paid\""),
        "{}",
        stderr(&out)
    );
    let out = verb(base, &["order", "pay", "3194NONE", "--outcome", "maybe"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = verb(base, &["order", "refund", "3194NONE", "--amount", "-1"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[tokio::test]
async fn an_order_of_a_protected_sandbox_is_paid_with_the_admin_token() {
    let app = spawn_app_with(|c| c.admin_token = Some("s3cret-admin".into())).await;
    let base = app.base.as_str();
    let token = app.token(APP_ID, APP_KEY).await;
    let created = app
        .call_with_token("/v1/netpay/wx/unified-order", &token, &order_body(MID))
        .await;
    assert_eq!(created.code(), "SUCCESS", "{}", created.text);

    let out = verb(base, &["order", "pay", NUMBER]).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(json_out(&out)["error"]["code"], "UNAUTHORIZED");
    let paid = printed(
        &verb(
            base,
            &["order", "pay", NUMBER, "--admin-token", "s3cret-admin"],
        )
        .await,
    );
    assert_eq!(paid["order"]["status"], "TRADE_SUCCESS");
}
