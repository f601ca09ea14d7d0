//! Refunds: partial, at most the paid amount, idempotent per refundOrderId, and queried.

use serde_json::json;

use super::*;

fn refund(number: &str, refund_id: &str, amount: serde_json::Value) -> serde_json::Value {
    about_with(
        number,
        json!({"refundOrderId": refund_id, "refundAmount": amount}),
    )
}

#[tokio::test]
async fn partial_refunds_add_up_to_at_most_the_paid_amount() {
    let shop = shop().await;
    shop.paid("3194R1", 100).await;
    let r = shop
        .call("/v1/netpay/refund", refund("3194R1", "3194RF1", json!(30)))
        .await;
    let b = r.json();
    assert_eq!(b["errCode"], "SUCCESS", "{}", r.text);
    assert_eq!(
        (b["refundStatus"].as_str(), b["refundOrderId"].as_str()),
        (Some("SUCCESS"), Some("3194RF1"))
    );
    assert_eq!(b["refundAmount"], 30);
    assert_eq!(b["refundPayTime"], "2026-11-25 12:00:00");
    assert!(
        b["refundTargetOrderId"]
            .as_str()
            .is_some_and(|t| t.starts_with("5030")),
        "{b}"
    );
    assert_eq!(b["status"], "TRADE_SUCCESS", "partly refunded");

    let r = shop
        .call(
            "/v1/netpay/refund",
            refund("3194R1", "3194RF2", json!("71")),
        )
        .await;
    assert_refused(&r, "OPERATION_NOT_ALLOWED");
    assert!(r.text.contains("70"), "says what is left: {}", r.text);

    let r = shop
        .call(
            "/v1/netpay/refund",
            refund("3194R1", "3194RF2", json!("70")),
        )
        .await;
    assert_eq!(
        (r.code().as_str(), r.json()["status"].as_str()),
        ("SUCCESS", Some("TRADE_REFUND")),
        "{}",
        r.text
    );
    let q = shop.call("/v1/netpay/query", about("3194R1")).await.json();
    assert_eq!(
        (q["status"].as_str(), q["refundAmount"].as_i64()),
        (Some("TRADE_REFUND"), Some(100))
    );
    let r = shop
        .call("/v1/netpay/refund", refund("3194R1", "3194RF3", json!(1)))
        .await;
    assert_refused(&r, "OPERATION_NOT_ALLOWED");
}

#[tokio::test]
async fn the_same_refund_order_id_again_answers_the_existing_refund() {
    let shop = shop().await;
    shop.paid("3194R2", 100).await;
    let first = shop
        .call("/v1/netpay/refund", refund("3194R2", "3194RF1", json!(60)))
        .await
        .json();
    shop.app.advance(30.0).await;
    let again = shop
        .call("/v1/netpay/refund", refund("3194R2", "3194RF1", json!(60)))
        .await
        .json();
    assert_eq!(again["refundTargetOrderId"], first["refundTargetOrderId"]);
    assert_eq!(again["refundPayTime"], first["refundPayTime"]);
    let order = shop.app.get("/__mock/orders/3194R2").await.json();
    assert_eq!(
        order["refunds"].as_array().map(Vec::len),
        Some(1),
        "refunded once"
    );
}

#[tokio::test]
async fn an_unpaid_order_cannot_be_refunded_and_an_unknown_one_is_no_order() {
    let shop = shop().await;
    shop.order("3194R3", 100).await;
    let r = shop
        .call("/v1/netpay/refund", refund("3194R3", "3194RF1", json!(1)))
        .await;
    assert_refused(&r, "OPERATION_NOT_ALLOWED");
    let r = shop
        .call("/v1/netpay/refund", refund("3194NONE", "3194RF1", json!(1)))
        .await;
    assert_refused(&r, "NO_ORDER");
    let r = shop.call("/v1/netpay/refund", about("3194R3")).await;
    assert_refused(&r, "BAD_REQUEST");
    assert!(r.text.contains("refundAmount"), "{}", r.text);
}

#[tokio::test]
async fn refund_query_answers_the_refund_named_or_the_latest() {
    let shop = shop().await;
    shop.paid("3194R4", 100).await;
    let none = shop.call("/v1/netpay/refund-query", about("3194R4")).await;
    assert_refused(&none, "NO_ORDER");
    for (id, amount) in [("3194RF1", 10), ("3194RF2", 20)] {
        shop.call("/v1/netpay/refund", refund("3194R4", id, json!(amount)))
            .await;
    }
    let named = shop
        .call(
            "/v1/netpay/refund-query",
            about_with("3194R4", json!({"refundOrderId": "3194RF1"})),
        )
        .await
        .json();
    assert_eq!(
        (
            named["refundOrderId"].as_str(),
            named["refundAmount"].as_i64()
        ),
        (Some("3194RF1"), Some(10))
    );
    assert_eq!(named["refundStatus"], "SUCCESS");
    let latest = shop
        .call("/v1/netpay/refund-query", about("3194R4"))
        .await
        .json();
    assert_eq!(latest["refundOrderId"], "3194RF2");
    assert_eq!(latest["refundAmount"], 20);
    assert_no_empty_members(&latest);
}

#[tokio::test]
async fn a_refund_without_a_refund_order_id_gets_one_of_the_apps_prefix() {
    let shop = shop().await;
    shop.paid("3194R5", 100).await;
    let b = shop
        .call(
            "/v1/netpay/refund",
            about_with("3194R5", json!({"refundAmount": 5})),
        )
        .await
        .json();
    let id = b["refundOrderId"].as_str().unwrap_or_default();
    assert!(id.starts_with("3194") && id.len() == 28, "{id}");
}

#[tokio::test]
async fn with_refund_notify_on_a_refund_reaches_the_merchant_as_a_signed_trade_refund() {
    // `--refund-notify`: every app's default.
    let shop = shop_with(|c| c.notify_defaults.refund_notify = true).await;
    let sink = shop.app.url(&format!("/__mock/sink/{APP_ID}"));
    shop.app
        .set_callback(APP_ID, &sink, serde_json::Value::Null)
        .await;
    shop.paid("3194RN", 100).await;
    let r = shop
        .call("/v1/netpay/refund", refund("3194RN", "3194RNF1", json!(40)))
        .await;
    assert_eq!(r.json()["errCode"], "SUCCESS", "{}", r.text);

    let order = shop.app.get("/__mock/orders/3194RN").await.json();
    let ids = order["notifications"].as_array().expect("ids").clone();
    assert_eq!(ids.len(), 2, "payment and refund: {order}");
    let id = ids[1].as_str().expect("an id");
    let n = shop.app.wait_status(id, "delivered").await;
    assert_eq!(
        (
            &n["eventType"],
            &n["payload"]["status"],
            &n["payload"]["refundAmount"]
        ),
        (
            &json!("NETPAY.REFUND"),
            &json!("TRADE_REFUND"),
            &json!("40")
        )
    );
    let received = shop.app.get(&format!("/__mock/sink/{APP_ID}")).await.json();
    let receipts = received["received"].as_array().expect("receipts");
    assert!(
        receipts
            .iter()
            .all(|r| r["answer"] == "SUCCESS" && r["signValid"] == true),
        "{received}"
    );
}
