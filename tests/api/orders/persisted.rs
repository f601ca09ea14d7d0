//! Orders across a restart on the state file: what the merchant created, the payer paid and the
//! merchant refunded is all there afterwards, with its notifications; the gateway answers the
//! same, a refund of what is left still works and still notifies, a bill's cashier page opens.

use std::path::Path;
use std::time::Duration;

use chinaums_mock::{AppHandle, Application};
use serde_json::{Value, json};

use super::*;
use crate::persistence::TempDir;
use crate::receiver::{Behavior, Receiver};

/// A sandbox in this process with a state file, saved when it stops.
struct Instance {
    base: String,
    client: reqwest::Client,
    handle: AppHandle,
    run: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Instance {
    async fn start(state_file: &Path) -> Instance {
        let config = crate::persistence::state_config(state_file, 0);
        let app = Application::build(config).await.expect("sandbox builds");
        Instance {
            base: app.url(),
            client: reqwest::Client::new(),
            handle: app.handle(),
            run: tokio::spawn(app.run_until_stopped()),
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let resp = request.send().await.expect("request sent");
        Reply {
            status: resp.status().as_u16(),
            headers: resp.headers().clone(),
            text: resp.text().await.expect("a body"),
        }
    }

    async fn get(&self, path: &str) -> Value {
        let r = self
            .send(self.client.get(format!("{}{path}", self.base)))
            .await;
        assert_eq!(r.status, 200, "GET {path}: {}", r.text);
        r.json()
    }

    async fn control(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.base);
        let r = self
            .send(self.client.request(method, url).json(&body))
            .await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        r.json()
    }

    async fn token(&self, app_id: &str, app_key: &str) -> String {
        let body = signed_token_body(app_id, app_key, VECTOR_TS, "nonce-1");
        let url = format!("{}/v1/token/access", self.base);
        let r = self.send(self.client.post(url).json(&body)).await;
        r.json()["accessToken"]
            .as_str()
            .unwrap_or_else(|| panic!("a token: {}", r.text))
            .to_owned()
    }

    /// A gateway call with `OPEN-ACCESS-TOKEN`, answered `SUCCESS`.
    async fn call(&self, token: &str, path: &str, body: Value) -> Value {
        let r = self
            .send(
                self.client
                    .post(format!("{}{path}", self.base))
                    .header(
                        "authorization",
                        format!("OPEN-ACCESS-TOKEN AccessToken={token}"),
                    )
                    .header("content-type", "application/json")
                    .body(body.to_string()),
            )
            .await;
        assert_eq!(
            (r.status, r.code().as_str()),
            (200, "SUCCESS"),
            "{path}: {}",
            r.text
        );
        r.json()
    }

    /// Every notification an order or bill names, as the control API shows it.
    async fn notifications(&self, record: &Value) -> Vec<Value> {
        let mut all = Vec::new();
        for id in record["notifications"].as_array().into_iter().flatten() {
            let id = id.as_str().unwrap_or_default();
            all.push(self.get(&format!("/__mock/notifications/{id}")).await);
        }
        all
    }

    /// Stops, which saves the state file.
    async fn stop(self) {
        self.handle.stop(true).await;
        let saved = self.run.await.expect("server task");
        assert!(saved.is_ok(), "stopped and saved: {saved:?}");
    }
}

fn refund(number: &str, refund_id: &str, amount: u64) -> Value {
    about_with(
        number,
        json!({"refundOrderId": refund_id, "refundAmount": amount}),
    )
}

/// What the gateway and the control API answer about the order and the bill.
struct Seen {
    orders: Value,
    bills: Value,
    query: Value,
    refund_query: Value,
    bill_query: Value,
    notifications: Vec<Value>,
}

async fn seen(sb: &Instance, token: &str, qr_token: &str) -> Seen {
    let orders = sb.get("/__mock/orders").await;
    let bills = sb.get("/__mock/bills").await;
    let mut notifications = Vec::new();
    for record in orders["orders"].as_array().into_iter().flatten() {
        notifications.extend(sb.notifications(record).await);
    }
    for record in bills["bills"].as_array().into_iter().flatten() {
        notifications.extend(sb.notifications(record).await);
    }
    Seen {
        query: sb.call(token, "/v1/netpay/query", about("3194S1")).await,
        refund_query: sb
            .call(token, "/v1/netpay/refund-query", about("3194S1"))
            .await,
        bill_query: sb
            .call(
                qr_token,
                "/v1/netpay/bills/query",
                bill("3194SB1", json!({})),
            )
            .await,
        orders,
        bills,
        notifications,
    }
}

#[tokio::test]
async fn orders_bills_refunds_and_their_notifications_survive_a_restart_and_refunds_go_on() {
    let dir = TempDir::new("orders-state");
    let state_file = dir.0.join("state.json");
    let shop = Receiver::start(MD5_KEY).await;
    shop.answer(vec![], Behavior::Verify);
    let qr_shop = Receiver::start(QR_MD5_KEY).await;
    qr_shop.answer(vec![], Behavior::Verify);
    let wait = Duration::from_secs(10);

    let first = Instance::start(&state_file).await;
    let patch = reqwest::Method::PATCH;
    let notify = json!({"callbackUrl": shop.url(), "notify": {"refundNotify": true}});
    first
        .control(patch.clone(), &format!("/__mock/apps/{APP_ID}"), notify)
        .await;
    let notify = json!({"callbackUrl": qr_shop.url()});
    first
        .control(patch, &format!("/__mock/apps/{QR_APP_ID}"), notify)
        .await;
    let token = first.token(APP_ID, APP_KEY).await;
    let qr_token = first.token(QR_APP_ID, QR_APP_KEY).await;

    let path = "/v1/netpay/wx/unified-order";
    first.call(&token, path, create(MID, "3194S1", 100)).await;
    let paid = first
        .control(
            reqwest::Method::POST,
            "/__mock/orders/3194S1/pay",
            json!({}),
        )
        .await;
    assert_eq!(paid["order"]["status"], "TRADE_SUCCESS");
    shop.wait_for(1, wait).await;
    let refunded = first
        .call(&token, "/v1/netpay/refund", refund("3194S1", "3194SR1", 30))
        .await;
    assert_eq!(refunded["refundStatus"], "SUCCESS");
    shop.wait_for(2, wait).await;
    let more = json!({"totalAmount": 20, "billDesc": "停车费"});
    let made = first
        .call(
            &qr_token,
            "/v1/netpay/bills/get-qrcode",
            bill("3194SB1", more),
        )
        .await;
    let code = made["billQRCode"].as_str().expect("a code").to_owned();
    let before = seen(&first, &token, &qr_token).await;
    assert_eq!(before.notifications.len(), 2, "payment and refund");
    assert!(
        before
            .notifications
            .iter()
            .all(|n| n["status"] == "delivered")
    );
    first.stop().await;

    let second = Instance::start(&state_file).await;
    let after = seen(&second, &token, &qr_token).await;
    assert_eq!(after.orders, before.orders, "orders and refunds");
    assert_eq!(after.bills, before.bills);
    assert_eq!(after.notifications, before.notifications);
    assert_eq!(after.query, before.query, "query answers the same");
    assert_eq!(after.refund_query, before.refund_query);
    assert_eq!(after.bill_query, before.bill_query);
    let order = &after.orders["orders"][0];
    assert_eq!(
        (&order["merOrderId"], &order["refunds"][0]["refundAmount"]),
        (&json!("3194S1"), &json!(30))
    );

    // The code names the first instance's address; the page is the same path on this one.
    let page = code
        .find("/__mock/cashier/")
        .map(|at| &code[at..])
        .expect("a cashier page");
    let r = second
        .send(second.client.get(format!("{}{page}", second.base)))
        .await;
    assert_eq!(r.status, 200);
    assert!(r.text.contains("3194SB1") && r.text.contains("停车费"));

    let rest = second
        .call(&token, "/v1/netpay/refund", refund("3194S1", "3194SR2", 70))
        .await;
    assert_eq!(
        (&rest["refundStatus"], &rest["status"]),
        (&json!("SUCCESS"), &json!("TRADE_REFUND"))
    );
    let received = shop.wait_for(3, wait).await;
    assert_eq!(
        received[2].fields.get("refundOrderId").map(String::as_str),
        Some("3194SR2")
    );
    assert!(received.iter().all(|r| r.sign_valid == Some(true)));
    let query = second
        .call(&token, "/v1/netpay/query", about("3194S1"))
        .await;
    assert_eq!(
        (&query["status"], &query["refundAmount"]),
        (&json!("TRADE_REFUND"), &json!(100))
    );
    let order = second.get("/__mock/orders/3194S1").await;
    assert_eq!(order["notifications"].as_array().map(Vec::len), Some(3));
    second.stop().await;
}

#[tokio::test]
async fn what_falls_due_by_itself_still_happens_after_a_restart() {
    let dir = TempDir::new("orders-due-restart");
    let state_file = dir.0.join("state.json");
    let sb = Instance::start(&state_file).await;
    let patch = json!({"payer": {"autoPaySeconds": 600}});
    sb.control(
        reqwest::Method::PATCH,
        &format!("/__mock/apps/{APP_ID}"),
        patch,
    )
    .await;
    let token = sb.token(APP_ID, APP_KEY).await;
    let created = sb
        .call(
            &token,
            "/v1/netpay/wx/unified-order",
            create(MID, "3194PR1", 100),
        )
        .await;
    assert_eq!(created["errCode"], "SUCCESS", "{created}");
    let with_expiry = about_with(
        "3194PR2",
        json!({"totalAmount": 100, "expireTime": "2026-11-25 12:05:00"}),
    );
    sb.call(&token, "/v1/netpay/wx/unified-order", with_expiry)
        .await;
    sb.stop().await;

    let sb = Instance::start(&state_file).await;
    let advanced = sb
        .control(
            reqwest::Method::POST,
            "/__mock/clock/advance",
            json!({"seconds": 600}),
        )
        .await;
    assert_eq!(advanced["now"], "2026-11-25T12:10:00+08:00", "{advanced}");
    let expired = sb.get("/__mock/orders/3194PR2").await;
    assert_eq!(
        expired["status"], "TRADE_CLOSED",
        "expired at 12:05: {expired}"
    );
    let paid = sb.get("/__mock/orders/3194PR1").await;
    assert_eq!(
        (&paid["status"], &paid["payTime"]),
        (&json!("TRADE_SUCCESS"), &json!("2026-11-25T12:10:00+08:00")),
        "paid by the automatic payer at its time: {paid}"
    );
    sb.stop().await;
}
