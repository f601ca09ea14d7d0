//! The H5 cashier: OPEN-FORM-PARAM GET answers 302 to the sandbox's cashier page, where a
//! person pays or cancels.

use serde_json::{Value, json};

use super::*;

fn h5_order(number: &str) -> Value {
    json!({
        "requestTimestamp": "2026-11-25 12:00:00",
        "mid": MID,
        "tid": "88880001",
        "instMid": "H5DEFAULT",
        "merOrderId": number,
        "totalAmount": 288,
        "orderDesc": "会员 <月卡>",
        "returnUrl": "https://merchant.example/back?o=1",
    })
}

/// Creates an H5 order and answers the cashier page's URL from the 302.
async fn redirected(shop: &Shop, path: &str, number: &str) -> String {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let content = h5_order(number).to_string();
    let r = shop
        .app
        .send(client.get(shop.app.url(path)).query(&form_query(&content)))
        .await;
    assert_eq!(r.status, 302, "{path}: {}", r.text);
    r.headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn press(shop: &Shop, page: &str, button: &str) -> Reply {
    shop.app
        .send(
            shop.app
                .client
                .post(format!("{page}/{button}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(""),
        )
        .await
}

#[tokio::test]
async fn an_h5_payment_redirects_to_a_cashier_page_showing_the_merchant_the_amount_and_the_order() {
    let shop = shop().await;
    let page = redirected(&shop, "/v1/netpay/wxpay/h5-pay", "3194H1").await;
    assert!(
        page.starts_with(&format!("{}/__mock/cashier/", shop.app.base)),
        "{page}"
    );
    let r = shop.app.send(shop.app.client.get(&page)).await;
    assert_eq!(r.status, 200);
    let content_type = r.headers.get("content-type").and_then(|v| v.to_str().ok());
    assert_eq!(content_type, Some("text/html; charset=utf-8"));
    assert!(r.headers.get("content-security-policy").is_some());
    for shown in [
        "银商测试商户（网付APP/小程序）",
        "¥2.88",
        "3194H1",
        MID,
        "NEW_ORDER",
    ] {
        assert!(r.text.contains(shown), "{shown} missing: {}", r.text);
    }
    assert!(
        r.text.contains("会员 &lt;月卡&gt;"),
        "the description is escaped"
    );
    assert!(r.text.contains(r#"data-testid="pay""#) && r.text.contains(r#"data-testid="cancel""#));
    let order = shop.app.get("/__mock/orders/3194H1").await.json();
    assert_eq!(order["cashierUrl"], page.as_str());
    assert_eq!(
        (order["status"].as_str(), order["instMid"].as_str()),
        (Some("NEW_ORDER"), Some("H5DEFAULT"))
    );
}

#[tokio::test]
async fn pay_on_the_cashier_page_pays_the_order_and_shows_the_result() {
    let shop = shop().await;
    let page = redirected(&shop, "/v1/netpay/trade/h5-pay", "3194H2").await;
    let r = press(&shop, &page, "pay").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        r.text.contains("支付成功") && r.text.contains("TRADE_SUCCESS"),
        "{}",
        r.text
    );
    assert!(
        !r.text.contains(r#"data-testid="pay""#),
        "no second payment"
    );
    assert!(
        r.text
            .contains(r#"href="https://merchant.example/back?o=1""#)
    );
    let q = shop.call("/v1/netpay/query", about("3194H2")).await.json();
    assert_eq!(
        (q["status"].as_str(), q["targetSys"].as_str()),
        (Some("TRADE_SUCCESS"), Some("Alipay 2.0"))
    );
    // Pressing again changes nothing.
    let again = press(&shop, &page, "pay").await;
    assert!(again.text.contains("支付成功"), "{}", again.text);
}

#[tokio::test]
async fn cancel_on_the_cashier_page_closes_the_order() {
    let shop = shop().await;
    let page = redirected(&shop, "/v1/webpay/acp/h5-pay", "3194H3").await;
    let r = press(&shop, &page, "cancel").await;
    assert!(
        r.text.contains("订单已关闭") && r.text.contains("TRADE_CLOSED"),
        "{}",
        r.text
    );
    let q = shop.call("/v1/netpay/query", about("3194H3")).await.json();
    assert_eq!(q["status"], "TRADE_CLOSED");
}

#[tokio::test]
async fn a_bills_cashier_page_pays_the_bill() {
    let shop = shop().await;
    let body = json!({"mid": QR_MID, "billNo": "3194HB1", "totalAmount": 5});
    let bill = shop
        .qr_call("/v1/netpay/bills/get-qrcode", body)
        .await
        .json();
    let page = bill["billQRCode"].as_str().unwrap_or_default().to_owned();
    let cancelled = press(&shop, &page, "cancel").await;
    assert!(
        cancelled.text.contains("支付未完成") && cancelled.text.contains(r#"data-testid="pay""#)
    );
    let paid = press(&shop, &page, "pay").await;
    assert!(
        paid.text.contains("支付成功") && paid.text.contains("PAID"),
        "{}",
        paid.text
    );
    let q = shop
        .qr_call(
            "/v1/netpay/bills/query",
            json!({"mid": QR_MID, "billNo": "3194HB1"}),
        )
        .await
        .json();
    assert_eq!(q["billStatus"], "PAID");
}

#[tokio::test]
async fn an_unknown_cashier_page_is_404() {
    let shop = shop().await;
    let r = shop.app.get("/__mock/cashier/nope").await;
    assert_eq!(r.status, 404);
    assert!(r.text.contains("No such cashier page"));
    let r = press(&shop, &shop.app.url("/__mock/cashier/nope"), "pay").await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn the_cashier_page_stays_open_when_the_control_api_needs_the_admin_token() {
    let shop = shop_with(|c| c.admin_token = Some("s3cret".into())).await;
    let page = redirected(&shop, "/v1/netpay/qmf/h5-pay", "3194H4").await;
    assert_eq!(shop.app.get("/__mock/orders").await.status, 401);
    let r = shop.app.send(shop.app.client.get(&page)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(press(&shop, &page, "pay").await.text.contains("支付成功"));
}

#[tokio::test]
async fn a_refused_h5_create_answers_json_like_any_business_call() {
    let shop = shop().await;
    let mut body = h5_order("3194H5");
    body["totalAmount"] = json!("0");
    let r = shop
        .app
        .send(
            shop.app
                .client
                .get(shop.app.url("/v1/netpay/trade/h5-pay"))
                .query(&form_query(&body.to_string())),
        )
        .await;
    assert_refused(&r, "BAD_REQUEST");
}

#[tokio::test]
async fn the_cashier_pages_own_form_pays_and_another_sites_page_cannot() {
    let shop = shop().await;
    let page = redirected(&shop, "/v1/netpay/trade/h5-pay", "3194H9").await;
    let shown = shop.app.get(page.trim_start_matches(&shop.app.base)).await;
    // Its forms' POSTs carry the page's Origin (no-referrer would make it `null`).
    assert_eq!(
        shown
            .headers
            .get("referrer-policy")
            .and_then(|v| v.to_str().ok()),
        Some("same-origin")
    );
    let press_from = |origin: &str, site: &str| {
        shop.app
            .client
            .post(format!("{page}/pay"))
            .header("origin", origin)
            .header("sec-fetch-site", site)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("")
    };
    let forged = shop
        .app
        .send(press_from("https://evil.example", "cross-site"))
        .await;
    forged.assert_control(403, "CROSS_ORIGIN_REFUSED");
    let q = shop.call("/v1/netpay/query", about("3194H9")).await.json();
    assert_eq!(q["status"], "NEW_ORDER", "not paid");
    let r = shop
        .app
        .send(press_from(&shop.app.base, "same-origin"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.text.contains("支付成功"), "{}", r.text);
}
