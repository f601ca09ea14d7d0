//! Orders of the WeChat, Alipay and UnionPay QuickPass families: create, query, close.

use serde_json::json;

use super::*;

#[tokio::test]
async fn a_mini_program_order_waits_for_the_buyer_with_wx_request_payment_parameters() {
    let shop = shop().await;
    let b = shop.order("3194202611251200001", 288).await;
    assert_eq!(b["merOrderId"], "3194202611251200001");
    assert_eq!(b["totalAmount"], 288, "amounts are numbers of fen");
    assert_eq!(
        (b["mid"].as_str(), b["tid"].as_str()),
        (Some(MID), Some("88880001"))
    );
    assert_eq!(b["status"], "WAIT_BUYER_PAY");
    assert_eq!(b["targetSys"], "WXPay");
    assert_eq!(b["responseTimestamp"], "2026-11-25 12:00:00");
    let pay = &b["miniPayRequest"];
    assert_eq!(pay["appId"], "wx1234567890abcdef");
    assert_eq!(pay["timeStamp"], "1795579200");
    assert_eq!(pay["signType"], "RSA");
    assert!(
        pay["package"]
            .as_str()
            .is_some_and(|p| p.starts_with("prepay_id=wx20261125120000"))
    );
    for member in ["nonceStr", "paySign"] {
        assert!(
            pay[member].as_str().is_some_and(|v| v.len() >= 32),
            "{member}"
        );
    }
    assert!(
        b.get("payTime").is_none() && b.get("targetOrderId").is_none(),
        "unpaid"
    );
    assert_no_empty_members(&b);
}

#[tokio::test]
async fn each_family_answers_with_its_own_wallet_parameters() {
    let shop = shop().await;
    let cases = [
        (
            "/v1/netpay/wx/mini-pre-order",
            "miniPayRequest",
            "package",
            "WXPay",
        ),
        (
            "/v1/netpay/wx/app-pre-order",
            "appPayRequest",
            "prepayid",
            "WXPay",
        ),
        (
            "/v1/netpay/trade/create",
            "appPayRequest",
            "qrCode",
            "Alipay 2.0",
        ),
        (
            "/v1/netpay/trade/app-pre-order",
            "appPayRequest",
            "qrCode",
            "Alipay 2.0",
        ),
        ("/v1/netpay/uac/mini-order", "appPayRequest", "tn", "UAC"),
        ("/v1/netpay/uac/app-order", "appPayRequest", "tn", "UAC"),
        ("/v1/netpay/uac/order", "appPayRequest", "tn", "UAC"),
    ];
    for (n, (path, member, inner, target_sys)) in cases.into_iter().enumerate() {
        let r = shop.call(path, create(MID, &format!("3194F{n}"), 10)).await;
        assert_eq!(r.code(), "SUCCESS", "{path}: {}", r.text);
        let b = r.json();
        assert!(
            b[member][inner].as_str().is_some_and(|v| !v.is_empty()),
            "{path}: {b}"
        );
        assert_eq!(b["targetSys"], target_sys, "{path}");
        assert_eq!(b["status"], "WAIT_BUYER_PAY", "{path}");
    }
}

#[tokio::test]
async fn an_alipay_qr_order_is_new_and_its_qr_code_opens_the_cashier_page() {
    let shop = shop().await;
    let r = shop
        .call("/v1/netpay/trade/precreate", create(MID, "3194Q1", 100))
        .await;
    let b = r.json();
    assert_eq!(
        (b["errCode"].as_str(), b["status"].as_str()),
        (Some("SUCCESS"), Some("NEW_ORDER"))
    );
    let qr = b["qrCode"].as_str().unwrap_or_default();
    assert!(
        qr.starts_with(&format!("{}/__mock/cashier/", shop.app.base)),
        "{qr}"
    );
    let page = shop.app.send(shop.app.client.get(qr)).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("3194Q1") && page.text.contains("¥1.00"));
}

#[tokio::test]
async fn the_same_order_again_is_the_same_order_and_another_amount_is_dup_order() {
    let shop = shop().await;
    let first = shop.order("3194D1", 100).await;
    let mut again = create(MID, "3194D1", 100);
    again["totalAmount"] = json!("100");
    let r = shop.call("/v1/netpay/wx/unified-order", again).await;
    assert_eq!(r.code(), "SUCCESS", "{}", r.text);
    assert_eq!(
        r.json()["miniPayRequest"],
        first["miniPayRequest"],
        "not a new prepay"
    );
    let r = shop
        .call("/v1/netpay/wx/unified-order", create(MID, "3194D1", 101))
        .await;
    assert_refused(&r, "DUP_ORDER");
}

#[tokio::test]
async fn an_order_the_sandbox_never_saw_is_no_order() {
    let shop = shop().await;
    for path in ["/v1/netpay/query", "/v1/netpay/order-query"] {
        let r = shop.call(path, about("3194NEVER")).await;
        assert_refused(&r, "NO_ORDER");
        assert_eq!(r.json()["errMsg"], "无法找到指定的订单");
    }
}

#[tokio::test]
async fn a_query_answers_the_real_state_before_and_after_the_payment() {
    let shop = shop().await;
    shop.order("3194P1", 288).await;
    let before = shop
        .app
        .call_with_body_sig(
            "/v1/netpay/query",
            APP_ID,
            APP_KEY,
            &about("3194P1").to_string(),
        )
        .await
        .json();
    assert_eq!(
        (before["errCode"].as_str(), before["status"].as_str()),
        (Some("SUCCESS"), Some("WAIT_BUYER_PAY"))
    );
    shop.app.advance(65.0).await;
    shop.pay_ok("3194P1").await;
    let b = shop
        .call("/v1/netpay/order-query", about("3194P1"))
        .await
        .json();
    assert_eq!(b["status"], "TRADE_SUCCESS");
    assert_eq!(b["totalAmount"], 288);
    assert_eq!(
        (b["buyerPayAmount"].as_i64(), b["invoiceAmount"].as_i64()),
        (Some(288), Some(288))
    );
    assert_eq!(
        b["payTime"], "2026-11-25 12:01:05",
        "the app's sandbox time"
    );
    assert_eq!(b["settleDate"], "2026-11-25");
    assert_eq!(b["targetSys"], "WXPay");
    let target = b["targetOrderId"].as_str().unwrap_or_default();
    assert!(
        target.len() == 28
            && target.starts_with("4200")
            && target.bytes().all(|c| c.is_ascii_digit()),
        "{target}"
    );
    let seq = b["seqId"].as_str().unwrap_or_default();
    assert!(seq.len() == 12 && seq.ends_with('N'), "{seq}");
    let buyer = b["buyerId"].as_str().unwrap_or_default();
    assert!(buyer.len() == 28 && buyer.starts_with('o'), "{buyer}");
    assert!(b.get("couponAmount").is_none() && b.get("orderDesc").is_none());
    assert_no_empty_members(&b);
}

#[tokio::test]
async fn close_closes_an_unpaid_order_and_refuses_a_paid_one() {
    let shop = shop().await;
    shop.order("3194C1", 10).await;
    let r = shop.call("/v1/netpay/close", about("3194C1")).await;
    assert_eq!(
        (r.code().as_str(), r.json()["status"].as_str()),
        ("SUCCESS", Some("TRADE_CLOSED")),
        "{}",
        r.text
    );
    let q = shop.call("/v1/netpay/query", about("3194C1")).await.json();
    assert_eq!(q["status"], "TRADE_CLOSED");
    shop.pay("3194C1", json!({}))
        .await
        .assert_control(409, "ORDER_NOT_PAYABLE");

    shop.paid("3194C2", 10).await;
    let r = shop.call("/v1/netpay/close", about("3194C2")).await;
    assert_refused(&r, "OPERATION_NOT_ALLOWED");
    assert_refused(
        &shop.call("/v1/netpay/close", about("3194C3")).await,
        "NO_ORDER",
    );
}

#[tokio::test]
async fn a_request_with_missing_or_malformed_members_is_bad_request_naming_the_member() {
    let shop = shop().await;
    let mut no_number = create(MID, "x", 1);
    no_number.as_object_mut().map(|b| b.remove("merOrderId"));
    let r = shop.call("/v1/netpay/wx/unified-order", no_number).await;
    assert_refused(&r, "BAD_REQUEST");
    assert!(
        r.json()["errMsg"]
            .as_str()
            .is_some_and(|m| m.starts_with("参数不合法: merOrderId")),
        "{}",
        r.text
    );
    for amount in [json!(0), json!(-1), json!("1.5"), json!("abc"), json!(true)] {
        let mut body = create(MID, "3194B1", 1);
        body["totalAmount"] = amount.clone();
        let r = shop.call("/v1/netpay/wx/unified-order", body).await;
        assert_refused(&r, "BAD_REQUEST");
        assert!(r.text.contains("totalAmount"), "{amount}: {}", r.text);
    }
    let r = shop
        .call("/v1/netpay/query", json!(["not", "an", "object"]))
        .await;
    assert_refused(&r, "BAD_REQUEST");
}

#[tokio::test]
async fn the_body_mid_must_be_the_calling_apps() {
    let shop = shop().await;
    let r = shop
        .call(
            "/v1/netpay/wx/unified-order",
            create("898999999999999", "3194M1", 1),
        )
        .await;
    assert_refused(&r, "NO_MERCHANT");
    let r = shop
        .call("/v1/netpay/wx/unified-order", create(QR_MID, "3194M1", 1))
        .await;
    assert_refused(&r, "NO_MERCHANT");
}

#[tokio::test]
async fn a_user_stub_still_wins_over_the_simulation_and_the_journal_names_who_answered() {
    let shop = shop().await;
    let stub = json!({
        "path": "/v1/netpay/query", "bodyJson": {"merOrderId": "3194S1"},
        "response": {"body": {"errCode": "SUCCESS", "status": "TRADE_SUCCESS"}}
    });
    assert_eq!(shop.app.post_json("/__mock/stubs", &stub).await.status, 201);
    let stubbed = shop.call("/v1/netpay/query", about("3194S1")).await;
    assert_eq!(stubbed.json()["status"], "TRADE_SUCCESS");
    assert_refused(
        &shop.call("/v1/netpay/query", about("3194S2")).await,
        "NO_ORDER",
    );
    let journal = shop
        .app
        .get("/__mock/requests?path=/v1/netpay/query")
        .await
        .json();
    let answered: Vec<&str> = journal["requests"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["response"]["answeredBy"].as_str())
        .collect();
    assert_eq!(answered.len(), 2);
    assert!(answered.contains(&"simulation"), "{answered:?}");
    assert!(
        answered.iter().any(|a| a.starts_with("stub:")),
        "{answered:?}"
    );
    // A path the simulation does not serve is still NO_SERVICE.
    shop.call("/v1/netpay/wx/app-pre-query", about("3194S1"))
        .await
        .assert_served_as(APP_ID);
}

#[tokio::test]
async fn a_call_signed_with_open_form_param_is_the_content_it_signed() {
    let shop = shop().await;
    shop.order("3194FP1", 5).await;
    let content = about("3194FP1").to_string();
    let r = shop
        .app
        .send(
            shop.app
                .client
                .post(shop.app.url("/v1/netpay/query"))
                .query(&form_query(&content)),
        )
        .await;
    assert_eq!(
        (r.code().as_str(), r.json()["status"].as_str()),
        ("SUCCESS", Some("WAIT_BUYER_PAY")),
        "{}",
        r.text
    );
}
