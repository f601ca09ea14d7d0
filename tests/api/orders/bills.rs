//! C-scan-B QR bills: a code, its cashier page, its payment and refunds.

use serde_json::{Value, json};

use super::*;

async fn new_bill(shop: &Shop, number: &str, amount: u64) -> Value {
    let r = shop
        .qr_call(
            "/v1/netpay/bills/get-qrcode",
            bill(number, json!({"totalAmount": amount, "billDesc": "停车费"})),
        )
        .await;
    assert_eq!(r.code(), "SUCCESS", "{}", r.text);
    r.json()
}

#[tokio::test]
async fn a_bill_is_a_qr_code_that_opens_the_sandboxs_cashier_page() {
    let shop = shop().await;
    let b = new_bill(&shop, "3194201811250001", 20).await;
    assert_eq!(
        (b["billStatus"].as_str(), b["billDate"].as_str()),
        (Some("UNPAID"), Some("2026-11-25"))
    );
    assert_eq!(b["instMid"], "QRPAYDEFAULT");
    let code = b["qrCodeId"].as_str().unwrap_or_default();
    assert!(code.len() == 26 && code.starts_with("1000261125"), "{code}");
    let url = b["billQRCode"].as_str().unwrap_or_default();
    assert_eq!(url, format!("{}/__mock/cashier/{code}", shop.app.base));
    let page = shop.app.send(shop.app.client.get(url)).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("3194201811250001") && page.text.contains("¥0.20"));
    assert!(page.text.contains("停车费"));
    assert_no_empty_members(&b);
}

#[tokio::test]
async fn a_paid_bill_answers_its_payment_and_is_refunded_through_it() {
    let shop = shop().await;
    new_bill(&shop, "3194B2", 20).await;
    let q = shop
        .qr_call("/v1/netpay/bills/query", bill("3194B2", json!({})))
        .await
        .json();
    assert_eq!(q["billStatus"], "UNPAID");
    assert!(q.get("billPayment").is_none());

    let r = shop
        .app
        .post_json("/__mock/bills/3194B2/pay", &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let paid = r.json();
    assert_eq!(paid["bill"]["billStatus"], "PAID");
    assert_eq!(paid["order"]["merOrderId"], "3194B20");
    let n = &paid["notification"];
    assert_eq!(n["eventType"], "NETPAY.BILL_PAYMENT");
    assert_eq!(n["payload"]["billNo"], "3194B2");
    assert_eq!(n["payload"]["billStatus"], "PAID");
    let bill_payment: Value =
        serde_json::from_str(n["payload"]["billPayment"].as_str().expect("a JSON string"))
            .expect("JSON");
    assert_eq!(bill_payment["merOrderId"], "3194B20");
    assert_eq!(paid["bill"]["notifications"], json!([n["id"]]));
    shop.app
        .post_json("/__mock/bills/3194B2/pay", &json!({}))
        .await
        .assert_control(409, "BILL_NOT_PAYABLE");

    let q = shop
        .qr_call("/v1/netpay/bills/query", bill("3194B2", json!({})))
        .await
        .json();
    assert_eq!(q["billStatus"], "PAID");
    let payment = &q["billPayment"];
    assert_eq!(payment["merOrderId"], "3194B20");
    assert_eq!(
        (
            payment["totalAmount"].as_i64(),
            payment["billBizType"].as_str()
        ),
        (Some(20), Some("bills"))
    );
    assert_eq!(payment["status"], "TRADE_SUCCESS");
    assert!(
        payment["targetOrderId"]
            .as_str()
            .is_some_and(|t| t.starts_with("4200"))
    );
    assert!(
        payment["paySeqId"]
            .as_str()
            .is_some_and(|s| s.ends_with('N'))
    );

    let r = shop
        .qr_call(
            "/v1/netpay/bills/refund",
            bill(
                "3194B2",
                json!({"refundAmount": "25", "refundOrderId": "3194BR1"}),
            ),
        )
        .await;
    assert_refused(&r, "OPERATION_NOT_ALLOWED");
    let r = shop
        .qr_call(
            "/v1/netpay/bills/refund",
            bill(
                "3194B2",
                json!({"refundAmount": "20", "refundOrderId": "3194BR1"}),
            ),
        )
        .await
        .json();
    assert_eq!(
        (r["refundStatus"].as_str(), r["billStatus"].as_str()),
        (Some("SUCCESS"), Some("REFUND"))
    );
    let rq = shop
        .qr_call(
            "/v1/netpay/bills/refund-query",
            bill("3194B2", json!({"refundOrderId": "3194BR1"})),
        )
        .await
        .json();
    assert_eq!(
        (rq["refundAmount"].as_i64(), rq["refundOrderId"].as_str()),
        (Some(20), Some("3194BR1"))
    );
}

#[tokio::test]
async fn an_unpaid_bill_can_be_changed_and_closed_and_then_not_paid() {
    let shop = shop().await;
    let created = new_bill(&shop, "3194B3", 20).await;
    let code = created["qrCodeId"].as_str().unwrap_or_default().to_owned();
    let r = shop
        .qr_call(
            "/v1/netpay/bills/update-qrcode",
            bill("3194B3", json!({"totalAmount": 35})),
        )
        .await
        .json();
    assert_eq!(
        (r["totalAmount"].as_i64(), r["billStatus"].as_str()),
        (Some(35), Some("UNPAID"))
    );
    let info = shop
        .qr_call(
            "/v1/netpay/bills/query-qrcode-info",
            json!({"mid": QR_MID, "qrCodeId": code}),
        )
        .await
        .json();
    assert_eq!(
        (info["billNo"].as_str(), info["totalAmount"].as_i64()),
        (Some("3194B3"), Some(35))
    );
    let closed = shop
        .qr_call(
            "/v1/netpay/bills/close-qrcode",
            json!({"mid": QR_MID, "qrCodeId": code}),
        )
        .await
        .json();
    assert_eq!(closed["billStatus"], "CLOSED");
    shop.app
        .post_json("/__mock/bills/3194B3/pay", &json!({}))
        .await
        .assert_control(409, "BILL_NOT_PAYABLE");
    let r = shop
        .qr_call(
            "/v1/netpay/bills/update-qrcode",
            bill("3194B3", json!({"totalAmount": 1})),
        )
        .await;
    assert_refused(&r, "OPERATION_NOT_ALLOWED");
}

#[tokio::test]
async fn bills_are_listed_and_an_unknown_bill_is_no_order_or_404() {
    let shop = shop().await;
    new_bill(&shop, "3194B4", 1).await;
    let list = shop.app.get("/__mock/bills?status=UNPAID").await.json();
    assert_eq!(list["bills"][0]["billNo"], "3194B4");
    let one = shop.app.get("/__mock/bills/3194B4").await.json();
    assert_eq!(one["appId"], QR_APP_ID);
    assert_eq!(one["billQRCode"], list["bills"][0]["billQRCode"]);
    assert!(
        one["billQRCode"]
            .as_str()
            .is_some_and(|u| u.contains("/__mock/cashier/"))
    );
    assert_refused(
        &shop
            .qr_call("/v1/netpay/bills/query", bill("3194NONE", json!({})))
            .await,
        "NO_ORDER",
    );
    shop.app
        .post_json("/__mock/bills/3194NONE/pay", &json!({}))
        .await
        .assert_control(404, "BILL_NOT_FOUND");
    // The first app does not see the QR app's bill.
    let theirs = json!({"mid": MID, "billNo": "3194B4"});
    assert_refused(
        &shop.call("/v1/netpay/bills/query", theirs).await,
        "NO_ORDER",
    );
}

#[tokio::test]
async fn a_paid_bill_s_notification_reaches_the_merchant_signed_and_is_acknowledged() {
    let shop = shop().await;
    let sink = shop.app.url(&format!("/__mock/sink/{QR_APP_ID}"));
    shop.app.set_callback(QR_APP_ID, &sink, Value::Null).await;
    new_bill(&shop, "3194B9", 30).await;
    let paid = shop
        .app
        .post_json("/__mock/bills/3194B9/pay", &json!({}))
        .await
        .json();
    let id = paid["notification"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    shop.app.wait_status(&id, "delivered").await;
    let received = shop
        .app
        .get(&format!("/__mock/sink/{QR_APP_ID}"))
        .await
        .json();
    let receipt = &received["received"][0];
    assert_eq!(
        (&receipt["answer"], &receipt["signValid"]),
        (&json!("SUCCESS"), &json!(true)),
        "{received}"
    );
}
