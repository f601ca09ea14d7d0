//! B-scan-C (`poslink/transaction`): paid at once, queried, refunded, voided; `errCode` `00`.

use serde_json::{Value, json};

use super::*;

fn scan(number: &str, amount: Value) -> Value {
    json!({
        "merchantCode": MID,
        "terminalCode": "88880001",
        "transactionAmount": amount,
        "transactionCurrencyCode": "156",
        "merchantOrderId": number,
        "merchantRemark": "门店收款",
        "payMode": "CODE_SCAN",
        "payCode": "285059979526414634",
    })
}

fn named(number: &str, more: Value) -> Value {
    let mut body =
        json!({"merchantCode": MID, "terminalCode": "88880001", "merchantOrderId": number});
    if let (Some(b), Some(m)) = (body.as_object_mut(), more.as_object()) {
        b.extend(m.clone());
    }
    body
}

#[tokio::test]
async fn a_scanned_code_is_paid_at_once_and_answers_errcode_00() {
    let shop = shop().await;
    for (version, number) in [("v2", "3194PL2"), ("v4", "3194PL4"), ("v6", "3194PL6")] {
        let r = shop
            .call(
                &format!("/{version}/poslink/transaction/pay"),
                scan(number, json!(100)),
            )
            .await;
        let b = r.json();
        assert_eq!(
            (b["errCode"].as_str(), b["errInfo"].as_str()),
            (Some("00"), Some("10000成功响应")),
            "{}",
            r.text
        );
        let order_id = b["orderId"].as_str().unwrap_or_default();
        assert!(
            order_id.len() == 26 && order_id.starts_with("20261125120000"),
            "{order_id}"
        );
        assert_eq!(
            (b["merchantOrderId"].as_str(), b["amount"].as_i64()),
            (Some(number), Some(100))
        );
        assert!(
            b["thirdPartyOrderId"]
                .as_str()
                .is_some_and(|t| t.starts_with("4200"))
        );
        assert_eq!(b["thirdPartyName"], "微信");
        assert_no_empty_members(&b);
    }
    let again = shop
        .call("/v2/poslink/transaction/pay", scan("3194PL2", json!("100")))
        .await
        .json();
    assert_eq!(again["errCode"], "00", "the same payment again");
    let order = shop.app.get("/__mock/orders/3194PL2").await.json();
    assert_eq!(order["status"], "TRADE_SUCCESS");
}

#[tokio::test]
async fn a_payment_is_queried_by_either_number_refunded_and_its_refund_queried() {
    let shop = shop().await;
    let paid = shop
        .call("/v2/poslink/transaction/pay", scan("3194PQ1", json!(100)))
        .await
        .json();
    let by_platform = json!({"merchantCode": MID, "terminalCode": "88880001", "originalOrderId": paid["orderId"]});
    let q = shop
        .call("/v2/poslink/transaction/query", by_platform)
        .await
        .json();
    assert_eq!(
        (q["queryResCode"].as_str(), q["merchantOrderId"].as_str()),
        (Some("0"), Some("3194PQ1"))
    );
    assert_eq!(q["originalTransactionAmount"], 100);

    let refund = named(
        "3194PQ1",
        json!({"refundRequestId": "RQ1", "transactionAmount": 40}),
    );
    let r = shop
        .call("/v2/poslink/transaction/refund", refund)
        .await
        .json();
    assert_eq!(
        (r["errCode"].as_str(), r["refundedAmount"].as_i64()),
        (Some("00"), Some(40))
    );
    let too_much = named(
        "3194PQ1",
        json!({"refundRequestId": "RQ2", "transactionAmount": 61}),
    );
    let r = shop.call("/v2/poslink/transaction/refund", too_much).await;
    let b = r.json();
    assert_eq!(b["errCode"], "OPERATION_NOT_ALLOWED", "{}", r.text);
    assert!(b["errInfo"].as_str().is_some_and(|m| !m.is_empty()) && b.get("errMsg").is_none());

    for path in [
        "/v2/poslink/transaction/query-refund",
        "/v6/poslink/transaction/refund-query",
    ] {
        let rq = shop
            .call(path, named("3194PQ1", json!({"refundRequestId": "RQ1"})))
            .await
            .json();
        assert_eq!(
            (
                rq["queryResCode"].as_str(),
                rq["transactionAmount"].as_i64()
            ),
            (Some("00"), Some(40)),
            "{path}"
        );
    }
    shop.call(
        "/v2/poslink/transaction/refund-query",
        named("3194PQ1", json!({"refundRequestId": "RQ1"})),
    )
    .await
    .assert_served_as(APP_ID);
}

#[tokio::test]
async fn a_voided_payment_is_reported_as_voided_and_an_unknown_one_is_no_order() {
    let shop = shop().await;
    shop.call("/v2/poslink/transaction/pay", scan("3194PV1", json!(10)))
        .await;
    let v = shop
        .call(
            "/v2/poslink/transaction/voidpayment",
            named("3194PV1", json!({})),
        )
        .await
        .json();
    assert_eq!(v["errCode"], "00", "{v}");
    let q = shop
        .call("/v2/poslink/transaction/query", named("3194PV1", json!({})))
        .await
        .json();
    assert_eq!(
        (q["queryResCode"].as_str(), q["queryResDesc"].as_str()),
        (Some("2"), Some("已撤销"))
    );
    let order = shop.app.get("/__mock/orders/3194PV1").await.json();
    assert_eq!(order["status"], "TRADE_CLOSED");
    let none = shop
        .call(
            "/v2/poslink/transaction/query",
            named("3194NONE", json!({})),
        )
        .await
        .json();
    assert_eq!(none["errCode"], "NO_ORDER");
    let mut other = scan("3194PV2", json!(1));
    other["merchantCode"] = json!("898999999999999");
    let r = shop.call("/v2/poslink/transaction/pay", other).await.json();
    assert_eq!(r["errCode"], "NO_MERCHANT");
}
