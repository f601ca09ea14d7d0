//! Control client: business calls through the gateway, signed as a merchant's client signs them,
//! and orders created that way. The request bodies and signatures are built here once, for the
//! typed client and the scenario steps alike.

use chrono::{DateTime, Utc};
use rand::RngExt;
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::control::ControlClient;
use super::error::ClientError;
use crate::api::app::App;
use crate::api::order::Order;
use crate::protocol::generate::merchant_order_id;
use crate::protocol::signing::{open_body_sig_header, open_body_signature};
use crate::protocol::timefmt::{datetime_beijing, format_compact};

/// The path [`ControlClient::create_order`] creates its orders on: a WeChat mini-program order.
pub const DEFAULT_ORDER_PATH: &str = "/v1/netpay/wx/unified-order";

/// A fresh `merOrderId` for `app`: its `msgSrcId`, then `yyyyMMddHHmmss` of `now` and 10 random
/// digits, the shape the platform asks merchants to use.
pub(crate) fn order_number(app: &App, now: DateTime<Utc>) -> String {
    merchant_order_id(&mut rand::rng(), &app.msg_src_id, now)
}

/// The members every netpay request of `app` carries: `requestTimestamp` (at `now`), `mid` and
/// `tid`.
pub(crate) fn base_body(app: &App, now: DateTime<Utc>) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("requestTimestamp".into(), json!(datetime_beijing(now)));
    body.insert("mid".into(), json!(app.mid));
    body.insert("tid".into(), json!(app.tid));
    body
}

/// `extra`'s members laid over `body` (an object; anything else is ignored).
pub(crate) fn overlay(mut body: Map<String, Value>, extra: &Value) -> Map<String, Value> {
    if let Value::Object(members) = extra {
        body.extend(members.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    body
}

fn nonce() -> String {
    format!("{:032x}", rand::rng().random::<u128>())
}

/// The OPEN-BODY-SIG `Authorization` header of `body`, signed with `app`'s key at `now`.
pub(crate) fn body_sig(app: &App, now: DateTime<Utc>, body: &[u8]) -> String {
    let timestamp = format_compact(now);
    let nonce = nonce();
    let signature = open_body_signature(&app.app_id, &timestamp, &nonce, body, &app.app_key);
    open_body_sig_header(&app.app_id, &timestamp, &nonce, &signature)
}

/// The query string of an OPEN-FORM-PARAM call (the H5 cashier) signing `content` at `now`.
/// Spaces are written `+`, as the gateway expects of a form.
pub(crate) fn form_param_query(app: &App, now: DateTime<Utc>, content: &str) -> String {
    let timestamp = format_compact(now);
    let nonce = nonce();
    let signature = open_body_signature(
        &app.app_id,
        &timestamp,
        &nonce,
        content.as_bytes(),
        &app.app_key,
    );
    url::form_urlencoded::Serializer::new(String::new())
        .append_pair("authorization", "OPEN-FORM-PARAM")
        .append_pair("appId", &app.app_id)
        .append_pair("timestamp", &timestamp)
        .append_pair("nonce", &nonce)
        .append_pair("content", content)
        .append_pair("signature", &signature)
        .finish()
}

/// A gateway refusal's members.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Refusal {
    err_code: Option<String>,
    err_msg: Option<String>,
    err_info: Option<String>,
}

impl Refusal {
    fn read(body: &Value) -> Self {
        Refusal::deserialize(body).unwrap_or_default()
    }

    fn into_error(self, status: u16) -> ClientError {
        ClientError::Gateway {
            status,
            err_code: self.err_code.unwrap_or_default(),
            err_msg: self.err_msg.or(self.err_info).unwrap_or_default(),
        }
    }
}

impl ControlClient {
    /// `POST {path}` on the gateway as `app`'s client sends it: the JSON `body` signed with
    /// OPEN-BODY-SIG at the current time of the app's clock. Answers the body of an HTTP 200
    /// whatever its `errCode` (a business refusal is HTTP 200, read `errCode`); any other status
    /// is [`ClientError::Gateway`] with its `errCode`.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use serde_json::json;
    /// let app = server.default_app();
    /// let query = json!({"mid": app.mid, "merOrderId": "3194NEVER"});
    /// let answer = server.client().business_call(&app, "/v1/netpay/query", &query).await?;
    /// assert_eq!(answer["errCode"], "NO_ORDER");
    /// # Ok(()) }
    /// ```
    pub async fn business_call(
        &self,
        app: &App,
        path: &str,
        body: &Value,
    ) -> Result<Value, ClientError> {
        let now = self.time_of(&app.clock).await?;
        let bytes = body.to_string().into_bytes();
        let authorization = body_sig(app, now, &bytes);
        self.send_business(path, authorization, bytes).await
    }

    /// Like [`business_call`](Self::business_call), authenticated with an access token (from
    /// [`token`](Self::token)) instead of a signature.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use serde_json::json;
    /// let client = server.client();
    /// let app = server.default_app();
    /// let token = client.token(&app).await?;
    /// let query = json!({"mid": app.mid, "merOrderId": "3194NEVER"});
    /// let answer = client.business_call_with_token(&token, "/v1/netpay/query", &query).await?;
    /// assert_eq!(answer["errCode"], "NO_ORDER");
    /// let refused = client.business_call_with_token("0".repeat(32).as_str(), "/v1/netpay/query", &query).await;
    /// assert_eq!(refused.unwrap_err().code(), Some("INVALID_TOKEN"));
    /// # Ok(()) }
    /// ```
    pub async fn business_call_with_token(
        &self,
        token: &str,
        path: &str,
        body: &Value,
    ) -> Result<Value, ClientError> {
        let authorization = format!("OPEN-ACCESS-TOKEN AccessToken={token}");
        self.send_business(path, authorization, body.to_string().into_bytes())
            .await
    }

    async fn send_business(
        &self,
        path: &str,
        authorization: String,
        body: Vec<u8>,
    ) -> Result<Value, ClientError> {
        let response = self
            .http()
            .request(Method::POST, format!("{}{path}", self.base_url()))
            .header("authorization", authorization)
            .header("content-type", "application/json; charset=UTF-8")
            .body(body)
            .send()
            .await?;
        let status = response.status().as_u16();
        let text = response.text().await?;
        let Ok(body) = serde_json::from_str::<Value>(&text) else {
            return Err(ClientError::Unexpected { status, body: text });
        };
        match status {
            200 => Ok(body),
            _ if body["errCode"].is_string() => Err(Refusal::read(&body).into_error(status)),
            _ => Err(ClientError::Unexpected { status, body: text }),
        }
    }

    /// Creates a WeChat mini-program order of `total_amount` fen for `app` through the gateway
    /// (`POST /v1/netpay/wx/unified-order`, OPEN-BODY-SIG), numbered with the app's `msgSrcId`,
    /// and answers it as the control API shows it.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use chinaums_mock::api::order::OrderStatus;
    /// let app = server.default_app();
    /// let order = server.client().create_order(&app, 288).await?;
    /// assert!(order.mer_order_id.starts_with(&app.msg_src_id));
    /// assert_eq!((order.total_amount, order.status), (288, OrderStatus::WaitBuyerPay));
    /// # Ok(()) }
    /// ```
    pub async fn create_order(&self, app: &App, total_amount: u64) -> Result<Order, ClientError> {
        let body = json!({ "totalAmount": total_amount });
        self.create_order_with(app, DEFAULT_ORDER_PATH, body).await
    }

    /// Creates an order on any JSON create path (`/v1/netpay/trade/precreate`,
    /// `/v1/netpay/uac/app-order`, …) with `body`'s members laid over `requestTimestamp`, `mid`,
    /// `tid` and a generated `merOrderId`, and answers it as the control API shows it. A refusal
    /// is [`ClientError::Gateway`] with the gateway's `errCode` (`DUP_ORDER`, `BAD_REQUEST` …).
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = chinaums_mock::MockServer::start().await?;
    /// use serde_json::json;
    /// let client = server.client();
    /// let app = server.default_app();
    /// let body = json!({"merOrderId": "3194QR1", "totalAmount": 10, "notifyUrl": "http://127.0.0.1:9/n"});
    /// let order = client.create_order_with(&app, "/v1/netpay/trade/precreate", body).await?;
    /// assert!(order.cashier_url.is_some(), "a QR order has a cashier page");
    /// let again = json!({"merOrderId": "3194QR1", "totalAmount": 11});
    /// let refused = client.create_order_with(&app, "/v1/netpay/trade/precreate", again).await;
    /// assert_eq!(refused.unwrap_err().code(), Some("DUP_ORDER"));
    /// # Ok(()) }
    /// ```
    pub async fn create_order_with(
        &self,
        app: &App,
        path: &str,
        body: Value,
    ) -> Result<Order, ClientError> {
        let now = self.time_of(&app.clock).await?;
        let mut members = overlay(base_body(app, now), &body);
        let number = match members.get("merOrderId").and_then(Value::as_str) {
            Some(number) => number.to_owned(),
            None => {
                let number = order_number(app, now);
                members.insert("merOrderId".into(), json!(number));
                number
            }
        };
        let answer = self
            .business_call(app, path, &Value::Object(members))
            .await?;
        if answer["errCode"] != "SUCCESS" {
            return Err(Refusal::read(&answer).into_error(200));
        }
        self.order(&number, Some(&app.app_id)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::timefmt::parse_compact;

    fn app() -> App {
        serde_json::from_value(json!({
            "appId": "10037e6f66f2d0f901672aa27d690006",
            "appKey": "47ace12ae3b348fe93ab46cee97c6fde",
            "md5Key": "k", "name": "n", "mid": "898201612345678", "tid": "88880001",
            "instMid": "MINIDEFAULT", "msgSrcId": "3194", "subAppId": "wx0", "serviceId": "1",
            "callbackUrl": null,
            "notify": {"format": "form", "signType": "SHA256", "ack": "chinaums",
                       "retrySchedule": [15], "giveUpAfterSeconds": 60, "timeoutMs": 1000}
        }))
        .unwrap_or_else(|e| panic!("an app: {e}"))
    }

    #[test]
    fn a_generated_order_number_starts_with_the_msg_src_id_and_the_time() {
        let now = parse_compact("20261125120000").unwrap_or_default();
        let number = order_number(&app(), now);
        assert!(number.starts_with("319420261125120000"), "{number}");
        assert_eq!(number.len(), 28);
    }

    #[test]
    fn a_body_starts_with_the_app_s_merchant_and_the_time_and_takes_what_is_laid_over_it() {
        let now = parse_compact("20261125120000").unwrap_or_default();
        let body = overlay(
            base_body(&app(), now),
            &json!({"tid": "T2", "totalAmount": 1}),
        );
        assert_eq!(
            Value::Object(body),
            json!({"requestTimestamp": "2026-11-25 12:00:00", "mid": "898201612345678",
                   "tid": "T2", "totalAmount": 1})
        );
    }

    #[test]
    fn a_form_param_query_writes_spaces_as_plus_and_signs_the_content() {
        let now = parse_compact("20261125120000").unwrap_or_default();
        let query = form_param_query(&app(), now, r#"{"orderDesc":"a b"}"#);
        assert!(
            query.starts_with("authorization=OPEN-FORM-PARAM&appId=10037e6f"),
            "{query}"
        );
        assert!(
            query.contains("content=%7B%22orderDesc%22%3A%22a+b%22%7D"),
            "{query}"
        );
        assert!(!query.contains("%20"), "{query}");
    }
}
