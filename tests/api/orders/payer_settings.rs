//! The app's payer settings: an automatic payer, orders that expire, refunds that settle later
//! — all in the app's sandbox time, interleaved with notification attempts when a clock moves.

use serde_json::{Value, json};

use super::*;

/// The first fixture app's payer settings changed, its notifications sent to the built-in sink.
async fn shop_paying(payer: Value) -> Shop {
    let shop = shop().await;
    let sink = shop.app.url(&format!("/__mock/sink/{APP_ID}"));
    shop.app.set_callback(APP_ID, &sink, Value::Null).await;
    let r = shop
        .app
        .patch_json(&format!("/__mock/apps/{APP_ID}"), &json!({"payer": payer}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    shop
}

/// The order's `n`th notification, as the control API shows it.
async fn notification_of(shop: &Shop, order: &Value, n: usize) -> Value {
    let id = order["notifications"][n].as_str().expect("a notification");
    shop.app
        .get(&format!("/__mock/notifications/{id}"))
        .await
        .json()
}

/// The order's status as the control API shows it (the gateway's token expires as the
/// clock moves on).
async fn status(shop: &Shop, number: &str) -> Value {
    let path = format!("/__mock/orders/{number}");
    shop.app.get(&path).await.json()["status"].clone()
}

#[tokio::test]
async fn the_automatic_payer_pays_a_new_order_after_its_delay_of_sandbox_time_and_notifies() {
    let shop = shop_paying(json!({"autoPaySeconds": 30})).await;
    shop.order("3194A1", 100).await;
    let order = shop.app.get("/__mock/orders/3194A1").await.json();
    assert_eq!(order["autoPayAt"], "2026-11-25T12:00:30+08:00");
    shop.app.advance(29.0).await;
    assert_eq!(status(&shop, "3194A1").await, "WAIT_BUYER_PAY");
    let r = shop.app.advance(1.0).await.json();
    assert_eq!(
        r["attempts"], 1,
        "the payment notification went out within the advance"
    );
    let order = shop.app.get("/__mock/orders/3194A1").await.json();
    assert_eq!(
        (&order["status"], &order["payTime"]),
        (&json!("TRADE_SUCCESS"), &json!("2026-11-25T12:00:30+08:00"))
    );
    assert!(order.get("autoPayAt").is_none(), "done: {order}");
    let n = notification_of(&shop, &order, 0).await;
    assert_eq!(
        (&n["status"], &n["eventType"]),
        (&json!("delivered"), &json!("NETPAY.PAYMENT"))
    );
}

#[tokio::test]
async fn an_advance_across_an_automatic_payment_makes_each_retry_at_its_own_time() {
    let shop = shop_paying(json!({"autoPaySeconds": 30})).await;
    // The merchant is down for the first attempt only.
    let fault = json!({"target": "notification", "action": "drop", "times": 1});
    let r = shop.app.post_json("/__mock/faults", &fault).await;
    assert_eq!(r.status, 201, "{}", r.text);
    shop.order("3194A2", 100).await;
    let r = shop.app.advance(60.0).await.json();
    assert_eq!(r["attempts"], 2, "{r}");
    let order = shop.app.get("/__mock/orders/3194A2").await.json();
    let n = notification_of(&shop, &order, 0).await;
    let sent: Vec<&str> = n["attempts"]
        .as_array()
        .expect("attempts")
        .iter()
        .filter_map(|a| a["sentAt"].as_str())
        .collect();
    assert_eq!(
        sent,
        ["2026-11-25T12:00:30+08:00", "2026-11-25T12:00:45+08:00"],
        "paid at +30 s, retried 15 s later: {n}"
    );
    assert_eq!(n["status"], "delivered");
}

#[tokio::test]
async fn an_automatic_payer_that_fails_closes_orders_and_pays_qr_bills_too() {
    let shop = shop_paying(json!({"autoPaySeconds": 5, "autoPayOutcome": "fail"})).await;
    shop.order("3194A3", 100).await;
    shop.app.advance(5.0).await;
    assert_eq!(status(&shop, "3194A3").await, "TRADE_CLOSED");

    let shop = shop_paying(json!({"autoPaySeconds": 5})).await;
    let r = shop
        .call(
            "/v1/netpay/bills/get-qrcode",
            json!({"requestTimestamp": "2026-11-25 12:00:00", "mid": MID, "tid": "88880001",
                   "instMid": "QRPAYDEFAULT", "billNo": "3194AB1", "billDate": "2026-11-25",
                   "totalAmount": 20}),
        )
        .await;
    assert_eq!(r.code(), "SUCCESS", "{}", r.text);
    shop.app.advance(5.0).await;
    let bill = shop.app.get("/__mock/bills/3194AB1").await.json();
    assert_eq!(bill["billStatus"], "PAID", "{bill}");
    assert_eq!(bill["notifications"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn in_real_time_the_automatic_payer_pays_on_a_running_clock() {
    let shop = shop().await;
    let app = &shop.app;
    let put = app.client.put(app.url("/__mock/clock"));
    let r = app.send(put.json(&json!({"frozen": false}))).await;
    assert_eq!(r.json()["frozen"], false, "{}", r.text);
    let r = shop
        .app
        .patch_json(
            &format!("/__mock/apps/{APP_ID}"),
            &json!({"payer": {"autoPaySeconds": 0}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    shop.order("3194A4", 100).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let order = shop.app.get("/__mock/orders/3194A4").await.json();
        if order["status"] == "TRADE_SUCCESS" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "not paid: {order}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_unpaid_order_expires_after_the_apps_expiry_or_at_its_expire_time() {
    let shop = shop().await;
    shop.order("3194E1", 100).await;
    let with_time = about_with(
        "3194E2",
        json!({"totalAmount": 100, "expireTime": "2026-11-25 12:10:00"}),
    );
    let r = shop.call("/v1/netpay/wx/unified-order", with_time).await;
    assert_eq!(r.code(), "SUCCESS", "{}", r.text);
    shop.order("3194E3", 100).await;
    shop.pay_ok("3194E3").await;
    let order = shop.app.get("/__mock/orders/3194E1").await.json();
    assert_eq!(
        order["expireTime"], "2026-11-25T14:00:00+08:00",
        "two hours by default"
    );

    shop.app.advance(600.0).await;
    let q = shop.call("/v1/netpay/query", about("3194E2")).await.json();
    assert_eq!(
        q["status"], "TRADE_CLOSED",
        "the merchant's query sees it: {q}"
    );
    assert_eq!(status(&shop, "3194E1").await, "WAIT_BUYER_PAY");
    shop.app.advance(6600.0).await;
    assert_eq!(status(&shop, "3194E1").await, "TRADE_CLOSED");
    assert_eq!(
        status(&shop, "3194E3").await,
        "TRADE_SUCCESS",
        "paid orders do not expire"
    );
    shop.pay("3194E1", json!({}))
        .await
        .assert_control(409, "ORDER_NOT_PAYABLE");
}

#[tokio::test]
async fn an_expire_time_that_is_not_netpays_format_is_a_bad_request_naming_it() {
    let shop = shop().await;
    let bad = about_with(
        "3194E4",
        json!({"totalAmount": 1, "expireTime": "20261125121000"}),
    );
    let r = shop.call("/v1/netpay/wx/unified-order", bad).await;
    assert_refused(&r, "BAD_REQUEST");
    assert!(r.text.contains("expireTime"), "{}", r.text);
}

#[tokio::test]
async fn a_processing_refund_settles_later_and_only_then_sends_its_refund_notification() {
    let shop = shop_paying(json!({"refundStatus": "PROCESSING", "refundSettleSeconds": 60})).await;
    shop.app
        .patch_json(
            &format!("/__mock/apps/{APP_ID}"),
            &json!({"notify": {"refundNotify": true}}),
        )
        .await;
    shop.paid("3194S1", 100).await;
    let refund = about_with(
        "3194S1",
        json!({"refundOrderId": "3194SR1", "refundAmount": 100}),
    );
    let b = shop.call("/v1/netpay/refund", refund).await.json();
    assert_eq!(
        (&b["errCode"], &b["refundStatus"]),
        (&json!("SUCCESS"), &json!("PROCESSING"))
    );
    let q = shop
        .call("/v1/netpay/refund-query", about("3194S1"))
        .await
        .json();
    assert_eq!(q["refundStatus"], "PROCESSING");
    let order = shop.app.get("/__mock/orders/3194S1").await.json();
    assert_eq!(order["status"], "TRADE_SUCCESS", "not refunded yet");
    assert_eq!(
        order["notifications"].as_array().map(Vec::len),
        Some(1),
        "no refund notice yet"
    );
    assert_eq!(
        order["refunds"][0]["settlesAt"],
        "2026-11-25T12:01:00+08:00"
    );

    shop.app.advance(60.0).await;
    let q = shop
        .call("/v1/netpay/refund-query", about("3194S1"))
        .await
        .json();
    assert_eq!(
        (&q["refundStatus"], &q["refundPayTime"]),
        (&json!("SUCCESS"), &json!("2026-11-25 12:01:00"))
    );
    let order = shop.app.get("/__mock/orders/3194S1").await.json();
    assert_eq!(order["status"], "TRADE_REFUND");
    let n = notification_of(&shop, &order, 1).await;
    assert_eq!(
        (&n["eventType"], &n["status"]),
        (&json!("NETPAY.REFUND"), &json!("delivered"))
    );
}

#[tokio::test]
async fn the_back_office_can_ask_for_a_processing_refund_of_any_app() {
    let shop = shop().await;
    shop.paid("3194S2", 100).await;
    let r = shop
        .app
        .post_json(
            "/__mock/orders/3194S2/refund",
            &json!({"refundAmount": 40, "refundStatus": "PROCESSING"}),
        )
        .await;
    assert_eq!(
        r.json()["refund"]["refundStatus"],
        "PROCESSING",
        "{}",
        r.text
    );
    shop.app.advance(60.0).await;
    let order = shop.app.get("/__mock/orders/3194S2").await.json();
    assert_eq!(order["refunds"][0]["refundStatus"], "SUCCESS", "{order}");
    shop.app
        .post_json(
            "/__mock/orders/3194S2/refund",
            &json!({"refundStatus": "FAIL"}),
        )
        .await
        .assert_control(400, "VALIDATION_FAILED");
}

#[tokio::test]
async fn payer_settings_the_payer_cannot_follow_are_refused() {
    let shop = shop().await;
    for payer in [
        json!({"autoPayOutcome": "pending"}),
        json!({"refundStatus": "FAIL"}),
        json!({"orderExpirySeconds": 315_360_001u64}),
        json!({"autoPaySeconds": -1}),
    ] {
        let r = shop
            .app
            .patch_json(&format!("/__mock/apps/{APP_ID}"), &json!({"payer": payer}))
            .await;
        assert_eq!(r.status, 400, "{payer}: {}", r.text);
    }
    let app = shop.app.get(&format!("/__mock/apps/{APP_ID}")).await.json();
    assert_eq!(app["payer"]["orderExpirySeconds"], 7200, "unchanged: {app}");
}
