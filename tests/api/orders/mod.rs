//! The netpay simulation through real authenticated calls: orders of every family, refunds,
//! QR bills, B-scan-C payments, the H5 cashier, and the payer of the control API.

use serde_json::{Value, json};

use crate::helpers::*;

mod bills;
mod cashier;
mod netpay;
mod payer;
mod payer_settings;
mod persisted;
mod poslink;
mod refunds;

/// A sandbox with a token for each fixture app.
pub(crate) struct Shop {
    pub app: TestApp,
    token: String,
    qr_token: String,
}

pub(crate) async fn shop() -> Shop {
    shop_with(|_| {}).await
}

pub(crate) async fn shop_with(adjust: impl FnOnce(&mut chinaums_mock::Config)) -> Shop {
    let app = spawn_app_with(adjust).await;
    let token = app.token(APP_ID, APP_KEY).await;
    let qr_token = app.token(QR_APP_ID, QR_APP_KEY).await;
    Shop {
        app,
        token,
        qr_token,
    }
}

impl Shop {
    /// A business call of the first fixture app (the mini-program / APP merchant).
    pub async fn call(&self, path: &str, body: Value) -> Reply {
        self.app
            .call_with_token(path, &self.token, &body.to_string())
            .await
    }

    /// A business call of the second fixture app (the QR merchant).
    pub async fn qr_call(&self, path: &str, body: Value) -> Reply {
        self.app
            .call_with_token(path, &self.qr_token, &body.to_string())
            .await
    }

    /// `POST /__mock/orders/{merOrderId}/pay`.
    pub async fn pay(&self, number: &str, body: Value) -> Reply {
        self.app
            .post_json(&format!("/__mock/orders/{number}/pay"), &body)
            .await
    }

    /// Creates a WeChat mini-program order of the first app and answers its JSON.
    pub async fn order(&self, number: &str, amount: u64) -> Value {
        let r = self
            .call("/v1/netpay/wx/unified-order", create(MID, number, amount))
            .await;
        assert_eq!(
            (r.status, r.code().as_str()),
            (200, "SUCCESS"),
            "{}",
            r.text
        );
        r.json()
    }

    /// Pays an order through the control API and answers the order after it.
    pub async fn pay_ok(&self, number: &str) -> Value {
        let r = self.pay(number, json!({})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.json()["order"].clone()
    }

    /// An order of the first app, created and paid.
    pub async fn paid(&self, number: &str, amount: u64) -> Value {
        self.order(number, amount).await;
        self.pay_ok(number).await
    }
}

/// A create request's body, as a mini-program merchant sends it.
pub(crate) fn create(mid: &str, number: &str, amount: u64) -> Value {
    json!({
        "requestTimestamp": "2026-11-25 12:00:00",
        "mid": mid,
        "tid": "88880001",
        "instMid": "MINIDEFAULT",
        "merOrderId": number,
        "totalAmount": amount,
        "subOpenId": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
        "tradeType": "MINI",
    })
}

/// A QR bill call's body for a bill of the QR merchant, with more members.
pub(crate) fn bill(number: &str, more: Value) -> Value {
    let mut body = json!({
        "requestTimestamp": "2026-11-25 12:00:00",
        "mid": QR_MID,
        "tid": "88880001",
        "instMid": "QRPAYDEFAULT",
        "billNo": number,
    });
    if let (Some(b), Some(m)) = (body.as_object_mut(), more.as_object()) {
        b.extend(m.clone());
    }
    body
}

/// A management call's body (query, close, refund, …) for an order of the first app.
pub(crate) fn about(number: &str) -> Value {
    json!({
        "requestTimestamp": "2026-11-25 12:00:05",
        "mid": MID,
        "tid": "88880001",
        "instMid": "MINIDEFAULT",
        "merOrderId": number,
    })
}

/// `about(number)` with more members.
pub(crate) fn about_with(number: &str, more: Value) -> Value {
    let mut body = about(number);
    if let (Some(b), Some(m)) = (body.as_object_mut(), more.as_object()) {
        b.extend(m.clone());
    }
    body
}

/// Asserts a business refusal: HTTP 200, the code, a message.
#[track_caller]
pub(crate) fn assert_refused(r: &Reply, code: &str) {
    assert_eq!((r.status, r.code().as_str()), (200, code), "{}", r.text);
    assert!(
        r.json()["errMsg"].as_str().is_some_and(|m| !m.is_empty()),
        "{}",
        r.text
    );
}

/// Asserts no member of the answer is an empty string: what the request lacked is left out.
#[track_caller]
pub(crate) fn assert_no_empty_members(v: &Value) {
    match v {
        Value::String(s) => assert!(!s.is_empty(), "an empty member"),
        Value::Object(m) => {
            for (k, v) in m {
                assert!(v != "", "{k} is \"\"");
                assert_no_empty_members(v);
            }
        }
        Value::Array(items) => items.iter().for_each(assert_no_empty_members),
        _ => {}
    }
}

/// The query of an OPEN-FORM-PARAM call of the first app signing `content`.
pub(crate) fn form_query(content: &str) -> Vec<(&'static str, String)> {
    crate::helpers::form_query(APP_ID, APP_KEY, content)
}
