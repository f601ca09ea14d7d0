//! The payer of the control API: `/__mock/orders`, `/__mock/orders/{merOrderId}/pay`.

use serde_json::json;

use super::*;

#[tokio::test]
async fn a_payment_through_the_control_api_answers_the_paid_order_and_its_payment_notification() {
    let shop = shop().await;
    shop.order("3194K1", 100).await;
    let r = shop
        .pay(
            "3194K1",
            json!({"targetSys": "Alipay 2.0", "couponAmount": 10}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let b = r.json();
    assert_eq!(b["notification"]["eventType"], "NETPAY.PAYMENT");
    assert_eq!(b["notification"]["payload"]["merOrderId"], "3194K1");
    let order = &b["order"];
    assert_eq!(order["notifications"], json!([b["notification"]["id"]]));
    assert_eq!(
        (order["appId"].as_str(), order["mid"].as_str()),
        (Some(APP_ID), Some(MID))
    );
    assert_eq!(order["status"], "TRADE_SUCCESS");
    assert_eq!(order["path"], "/v1/netpay/wx/unified-order");
    assert_eq!(order["payTime"], "2026-11-25T12:00:00+08:00");
    assert_eq!(order["createdAt"], "2026-11-25T12:00:00+08:00");
    assert_eq!(
        (
            order["buyerPayAmount"].as_i64(),
            order["couponAmount"].as_i64()
        ),
        (Some(90), Some(10))
    );
    assert!(
        order["buyerId"]
            .as_str()
            .is_some_and(|b| b.starts_with("2088"))
    );
    assert_eq!(order["refunds"], json!([]));
    let q = shop.call("/v1/netpay/query", about("3194K1")).await.json();
    assert_eq!(
        (q["targetSys"].as_str(), q["couponAmount"].as_i64()),
        (Some("Alipay 2.0"), Some(10))
    );
}

#[tokio::test]
async fn a_failed_payment_closes_the_order_and_what_is_not_payable_is_409() {
    let shop = shop().await;
    shop.order("3194K2", 100).await;
    let b = shop.pay("3194K2", json!({"outcome": "fail"})).await.json();
    assert_eq!(b["order"]["status"], "TRADE_CLOSED");
    assert_eq!(b["order"]["payTime"], serde_json::Value::Null);
    shop.pay("3194K2", json!({}))
        .await
        .assert_control(409, "ORDER_NOT_PAYABLE");
    shop.paid("3194K3", 1).await;
    shop.pay("3194K3", json!({}))
        .await
        .assert_control(409, "ORDER_NOT_PAYABLE");
}

#[tokio::test]
async fn an_unknown_order_is_404_and_amounts_that_do_not_add_up_are_400() {
    let shop = shop().await;
    shop.pay("3194NONE", json!({}))
        .await
        .assert_control(404, "ORDER_NOT_FOUND");
    shop.app
        .get("/__mock/orders/3194NONE")
        .await
        .assert_control(404, "ORDER_NOT_FOUND");
    shop.order("3194K4", 100).await;
    shop.pay("3194K4", json!({"buyerPayAmount": 80, "couponAmount": 10}))
        .await
        .assert_control(400, "VALIDATION_FAILED");
    shop.pay("3194K4", json!({"outcome": "maybe"}))
        .await
        .assert_control(400, "INVALID_JSON");
    shop.pay("3194K4", json!({"appId": "nope"}))
        .await
        .assert_control(404, "APP_NOT_FOUND");
}

#[tokio::test]
async fn orders_are_listed_newest_first_and_filtered() {
    let shop = shop().await;
    shop.order("3194L1", 1).await;
    shop.paid("3194L2", 2).await;
    shop.order("3194L3", 3).await;
    let numbers = |v: serde_json::Value| -> Vec<String> {
        v["orders"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o["merOrderId"].as_str().map(str::to_owned))
            .collect()
    };
    let all = shop.app.get("/__mock/orders").await.json();
    assert_eq!(numbers(all.clone()), ["3194L3", "3194L2", "3194L1"]);
    assert_eq!(all["dropped"], 0);
    let paid = shop
        .app
        .get("/__mock/orders?status=TRADE_SUCCESS")
        .await
        .json();
    assert_eq!(numbers(paid), ["3194L2"]);
    let limited = shop
        .app
        .get(&format!("/__mock/orders?appId={APP_ID}&limit=1"))
        .await
        .json();
    assert_eq!(numbers(limited), ["3194L3"]);
    let one = shop
        .app
        .get("/__mock/orders?merOrderId=3194L1")
        .await
        .json();
    assert_eq!(numbers(one), ["3194L1"]);
    shop.app
        .get("/__mock/orders?status=PAID")
        .await
        .assert_control(400, "INVALID_QUERY");
}

#[tokio::test]
async fn another_apps_order_is_neither_seen_nor_paid_in_its_name_and_a_shared_number_needs_the_app()
{
    let shop = shop().await;
    shop.order("3194T1", 1).await;
    // The QR app does not see the first app's order through the gateway…
    let body = json!({"mid": QR_MID, "merOrderId": "3194T1"});
    assert_refused(
        &shop.qr_call("/v1/netpay/query", body.clone()).await,
        "NO_ORDER",
    );
    assert_refused(&shop.qr_call("/v1/netpay/close", body).await, "NO_ORDER");
    // …nor is it paid in that app's name.
    shop.pay("3194T1", json!({"appId": QR_APP_ID}))
        .await
        .assert_control(404, "ORDER_NOT_FOUND");
    let listed = shop
        .app
        .get(&format!("/__mock/orders?appId={QR_APP_ID}"))
        .await
        .json();
    assert_eq!(listed["orders"], json!([]));

    // The same number in both apps: the control API needs to be told which.
    let r = shop
        .qr_call("/v1/netpay/wx/unified-order", create(QR_MID, "3194T1", 7))
        .await;
    assert_eq!(r.code(), "SUCCESS", "{}", r.text);
    shop.app
        .get("/__mock/orders/3194T1")
        .await
        .assert_control(409, "ORDER_AMBIGUOUS");
    shop.pay("3194T1", json!({}))
        .await
        .assert_control(409, "ORDER_AMBIGUOUS");
    let theirs = shop
        .app
        .get(&format!("/__mock/orders/3194T1?appId={QR_APP_ID}"))
        .await
        .json();
    assert_eq!(theirs["totalAmount"], 7);
    let paid = shop.pay("3194T1", json!({"appId": QR_APP_ID})).await.json();
    assert_eq!(paid["order"]["appId"], QR_APP_ID);
    let mine = shop.call("/v1/netpay/query", about("3194T1")).await.json();
    assert_eq!(
        mine["status"], "WAIT_BUYER_PAY",
        "the first app's order is untouched"
    );
}

#[tokio::test]
async fn beyond_the_order_retention_settled_orders_go_first_and_are_counted() {
    let shop = shop_with(|c| c.order_retention = 2).await;
    shop.paid("3194X1", 1).await;
    shop.order("3194X2", 1).await;
    shop.order("3194X3", 1).await;
    let list = shop.app.get("/__mock/orders").await.json();
    assert_eq!(list["dropped"], 1);
    assert_eq!(list["orders"].as_array().map(Vec::len), Some(2));
    assert_refused(
        &shop.call("/v1/netpay/query", about("3194X1")).await,
        "NO_ORDER",
    );
    let gone = shop.app.get("/__mock/orders/3194X1").await;
    gone.assert_control(404, "ORDER_NOT_FOUND");
    assert!(gone.text.contains("--order-retention"), "{}", gone.text);
}

#[tokio::test]
async fn removing_the_app_removes_its_orders() {
    let shop = shop().await;
    shop.order("3194Z1", 1).await;
    assert_eq!(
        shop.app
            .send(
                shop.app
                    .client
                    .delete(shop.app.url(&format!("/__mock/apps/{APP_ID}")))
            )
            .await
            .status,
        204
    );
    let list = shop.app.get("/__mock/orders").await.json();
    assert_eq!(list["orders"], json!([]));
}

#[tokio::test]
async fn a_paid_order_s_notification_reaches_the_merchant_signed_and_is_acknowledged() {
    let shop = shop().await;
    let sink = shop.app.url(&format!("/__mock/sink/{APP_ID}"));
    shop.app
        .set_callback(APP_ID, &sink, serde_json::Value::Null)
        .await;
    shop.order("3194K2", 1).await;
    let b = shop.pay("3194K2", json!({})).await.json();
    let id = b["notification"]["id"]
        .as_str()
        .expect("a notification")
        .to_owned();
    let n = shop.app.wait_status(&id, "delivered").await;
    assert_eq!(n["payload"]["status"], "TRADE_SUCCESS");
    let received = shop.app.get(&format!("/__mock/sink/{APP_ID}")).await.json();
    let receipt = &received["received"][0];
    assert_eq!(receipt["answer"], "SUCCESS", "{received}");
    assert_eq!(receipt["signValid"], true, "{received}");
}

#[tokio::test]
async fn a_pending_payment_leaves_the_order_waiting_for_the_buyer_and_sends_nothing() {
    let shop = shop().await;
    shop.order("3194P1", 100).await;
    let b = shop
        .pay("3194P1", json!({"outcome": "pending"}))
        .await
        .json();
    assert_eq!(b["order"]["status"], "WAIT_BUYER_PAY");
    assert_eq!(b["notification"], serde_json::Value::Null);
    let q = shop.call("/v1/netpay/query", about("3194P1")).await.json();
    assert_eq!(q["status"], "WAIT_BUYER_PAY");
    let b = shop.pay("3194P1", json!({})).await.json();
    assert_eq!(b["order"]["status"], "TRADE_SUCCESS", "paid later");
}

#[tokio::test]
async fn the_back_office_refunds_the_rest_by_default_and_a_named_amount_when_asked() {
    let shop = shop().await;
    shop.paid("3194B1", 100).await;
    let path = "/__mock/orders/3194B1/refund";
    let r = shop
        .app
        .post_json(
            path,
            &json!({"refundAmount": 30, "refundOrderId": "3194BR1"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let b = r.json();
    assert_eq!(
        (
            b["refund"]["refundAmount"].as_i64(),
            b["refund"]["refundStatus"].as_str()
        ),
        (Some(30), Some("SUCCESS"))
    );
    assert_eq!(b["order"]["status"], "TRADE_SUCCESS");
    let again = shop
        .app
        .post_json(
            path,
            &json!({"refundAmount": 30, "refundOrderId": "3194BR1"}),
        )
        .await
        .json();
    assert_eq!(
        again["refund"], b["refund"],
        "the same number answers the same refund"
    );
    let rest = shop.app.post_json(path, &json!({})).await.json();
    assert_eq!(rest["refund"]["refundAmount"], 70);
    assert_eq!(rest["order"]["status"], "TRADE_REFUND");
    shop.app
        .post_json(path, &json!({"refundAmount": 1}))
        .await
        .assert_control(409, "ORDER_CONFLICT");
    shop.app
        .post_json("/__mock/orders/3194NONE/refund", &json!({}))
        .await
        .assert_control(404, "ORDER_NOT_FOUND");
    let q = shop.call("/v1/netpay/query", about("3194B1")).await.json();
    assert_eq!(q["status"], "TRADE_REFUND", "the gateway sees it");
}
