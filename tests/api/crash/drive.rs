//! Mixed traffic until the process is gone: each driver creates apps and changes them, takes
//! tokens, creates, pays and refunds orders, creates and pays QR bills, adds faults and stubs,
//! opens authorisations, advances a clock of its own and looks at notifications, noting what
//! the sandbox answered.

use std::sync::Arc;

use chinaums_mock::protocol::timefmt::format_compact;
use chrono::{DateTime, Utc};
use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};
use tokio::sync::Mutex;

use super::{Acked, BillAck, ClockAck, OrderAck, PROBE, Patched};
use crate::helpers::{APP_ID, signed_token_body};
use crate::orders::{bill, create};

/// Why a driver stopped.
pub(super) enum Stop {
    /// The process is gone (or going): a request failed without an answer.
    Gone,
    /// The sandbox answered something it should not have.
    Wrong(String),
}

pub(super) struct Driver {
    pub http: reqwest::Client,
    pub url: String,
    pub acked: Arc<Mutex<Acked>>,
    /// `{round}-{driver}`: makes every name and number of this driver unique in the run.
    pub tag: String,
    /// Attempt counts a `GET` showed. A `GET` does not wait for a commit, so what it shows is
    /// known to be in the database only once a change asked for after it was answered; the
    /// driver's next answered change does that.
    pub seen: Vec<(String, usize)>,
}

impl Driver {
    /// Sends `request` and answers its JSON when the status is `expect`. A change answered
    /// makes the attempt counts seen before it durable.
    async fn send(&mut self, request: RequestBuilder, expect: u16) -> Result<Value, Stop> {
        let request = request.build().map_err(|e| Stop::Wrong(e.to_string()))?;
        let what = format!("{} {}", request.method(), request.url().path());
        let changes = request.method() != Method::GET;
        let answer = self.http.execute(request).await.map_err(|_| Stop::Gone)?;
        let status = answer.status().as_u16();
        let text = answer.text().await.map_err(|_| Stop::Gone)?;
        if status != expect {
            return Err(Stop::Wrong(format!(
                "{what}: {status} (not {expect}) {text}"
            )));
        }
        let body = serde_json::from_str(&text)
            .map_err(|e| Stop::Wrong(format!("{what}: not JSON ({e}): {text}")))?;
        if changes && !self.seen.is_empty() {
            let mut acked = self.acked.lock().await;
            for (id, attempts) in self.seen.drain(..) {
                let floor = acked.notifications.entry(id).or_default();
                *floor = (*floor).max(attempts);
            }
        }
        Ok(body)
    }

    fn control(&self, method: Method, path: &str, body: &Value) -> RequestBuilder {
        self.http
            .request(method, format!("{}/__mock{path}", self.url))
            .json(body)
    }

    /// A business call with `OPEN-ACCESS-TOKEN`, answered `SUCCESS`.
    async fn business(&mut self, token: &str, path: &str, body: &Value) -> Result<Value, Stop> {
        let request = self
            .http
            .post(format!("{}{path}", self.url))
            .header(
                "authorization",
                format!("OPEN-ACCESS-TOKEN AccessToken={token}"),
            )
            .header("content-type", "application/json")
            .body(body.to_string());
        let answer = self.send(request, 200).await?;
        if answer["errCode"] != "SUCCESS" {
            return Err(Stop::Wrong(format!("{path}: {answer}")));
        }
        Ok(answer)
    }

    /// The notification an answer names, noted as acknowledged (with no attempt yet).
    async fn notified(&self, answer: &Value) -> Option<String> {
        let id = answer["notification"]["id"].as_str()?.to_owned();
        self.acked
            .lock()
            .await
            .notifications
            .entry(id.clone())
            .or_default();
        Some(id)
    }

    /// Drives until the process is gone.
    pub async fn run(mut self) -> Result<(), String> {
        match self.traffic().await {
            Err(Stop::Wrong(what)) => Err(format!("driver {}: {what}", self.tag)),
            Ok(()) | Err(Stop::Gone) => Ok(()),
        }
    }

    async fn traffic(&mut self) -> Result<(), Stop> {
        let tag = self.tag.clone();
        // An app on a clock of its own, frozen, then advanced a minute per step.
        let app = self
            .send(
                self.control(
                    Method::POST,
                    "/apps",
                    &json!({"clock": "new", "name": format!("clock {tag}")}),
                ),
                201,
            )
            .await?;
        let (clock_app, clock) = (text(&app, "appId")?, text(&app, "clock")?);
        self.acked.lock().await.apps.insert(clock_app, None);
        let path = format!("/clocks/{clock}");
        let frozen = self
            .send(
                self.control(Method::PUT, &path, &json!({"frozen": true})),
                200,
            )
            .await?;
        self.clock_answered(&clock, &frozen).await?;
        let mut last_payment: Option<String> = None;
        for i in 0.. {
            let name = format!("crash {tag}.{i}");
            let app = self
                .send(
                    self.control(Method::POST, "/apps", &json!({ "name": name })),
                    201,
                )
                .await?;
            let (id, key, mid) = (
                text(&app, "appId")?,
                text(&app, "appKey")?,
                text(&app, "mid")?,
            );
            self.acked.lock().await.apps.insert(id.clone(), None);

            let patched = Patched {
                name: format!("{name} (patched)"),
                callback_url: format!("{}/__mock/sink/{id}", self.url),
            };
            // Retried a second after a failed attempt: a lost delivery is made again at once.
            let body = json!({"name": patched.name, "callbackUrl": patched.callback_url,
                "notify": {"retrySchedule": [1]}});
            self.send(
                self.control(Method::PATCH, &format!("/apps/{id}"), &body),
                200,
            )
            .await?;
            self.acked
                .lock()
                .await
                .apps
                .insert(id.clone(), Some(patched));

            let nonce = format!("crash-{tag}-{i}");
            let body = signed_token_body(&id, &key, &format_compact(Utc::now()), &nonce);
            let request = self
                .http
                .post(format!("{}/v1/token/access", self.url))
                .json(&body);
            let token = text(&self.send(request, 200).await?, "accessToken")?;
            let pair = (id.clone(), token.clone());
            self.acked.lock().await.tokens.push(pair);

            let number = format!("CR{tag}-{i}O");
            let path = "/v1/netpay/wx/unified-order";
            self.business(&token, path, &create(&mid, &number, 100))
                .await?;
            let order = OrderAck {
                app_id: id.clone(),
                paid: false,
                refunds: Vec::new(),
            };
            self.acked.lock().await.orders.insert(number.clone(), order);

            // The app's first delivery is lost, so its notifications have attempts to keep.
            let body = json!({"target": "notification", "action": "drop", "appId": id,
                "times": 1, "description": name});
            let fault = self
                .send(self.control(Method::POST, "/faults", &body), 201)
                .await?;
            self.acked.lock().await.faults.insert(text(&fault, "id")?);

            let paid = self
                .send(
                    self.control(
                        Method::POST,
                        &format!("/orders/{number}/pay"),
                        &json!({"appId": id}),
                    ),
                    200,
                )
                .await?;
            self.set_order(&number, |o| o.paid = true).await;
            let payment = self.notified(&paid).await;

            let refund_id = format!("{number}R");
            let body = json!({"appId": id, "refundAmount": 30, "refundOrderId": refund_id});
            self.send(
                self.control(Method::POST, &format!("/orders/{number}/refund"), &body),
                200,
            )
            .await?;
            self.set_order(&number, |o| o.refunds.push(refund_id)).await;

            let bill_no = format!("CR{tag}-{i}B");
            let body = bill(&bill_no, json!({"mid": mid, "totalAmount": 20}));
            self.business(&token, "/v1/netpay/bills/get-qrcode", &body)
                .await?;
            let unpaid = BillAck {
                app_id: id.clone(),
                paid: false,
            };
            self.acked
                .lock()
                .await
                .bills
                .insert(bill_no.clone(), unpaid);
            if i % 2 == 0 {
                let paid = self
                    .send(
                        self.control(
                            Method::POST,
                            &format!("/bills/{bill_no}/pay"),
                            &json!({"appId": id}),
                        ),
                        200,
                    )
                    .await?;
                if let Some(b) = self.acked.lock().await.bills.get_mut(&bill_no) {
                    b.paid = true;
                }
                self.notified(&paid).await;
            }

            // A stub only this app's calls meet: the probe that checks its token after a
            // restart.
            let body = json!({"method": "GET", "path": PROBE, "appId": id,
                "response": {"status": 200, "body": {"errCode": "SUCCESS", "stub": name}}});
            let stub = self
                .send(self.control(Method::POST, "/stubs", &body), 201)
                .await?;
            let stub = (text(&stub, "id")?, id.clone());
            self.acked.lock().await.stubs.insert(stub.0, stub.1);

            let open_id = format!("crash-{tag}-{i}");
            let body = json!({"appId": APP_ID, "openId": open_id});
            let opened = self
                .send(self.control(Method::POST, "/payscore/open", &body), 201)
                .await?;
            self.acked.lock().await.authorizations.insert(open_id);
            self.notified(&opened).await;

            let path = format!("/clocks/{clock}/advance");
            let advanced = self
                .send(
                    self.control(Method::POST, &path, &json!({"seconds": 60})),
                    200,
                )
                .await?;
            self.clock_answered(&clock, &advanced).await?;

            // The previous payment's notification, its first (lost) attempt made by now as a
            // rule: the attempts it shows become a floor with the next answered change.
            if let Some(n) = last_payment.take() {
                let r = self
                    .http
                    .get(format!("{}/__mock/notifications/{n}", self.url));
                let seen = self.send(r, 200).await?;
                let attempts = seen["attempts"].as_array().map_or(0, Vec::len);
                self.seen.push((n, attempts));
            }
            last_payment = payment;
            self.acked.lock().await.iterations += 1;
        }
        Ok(())
    }

    async fn set_order(&self, number: &str, change: impl FnOnce(&mut OrderAck)) {
        if let Some(order) = self.acked.lock().await.orders.get_mut(number) {
            change(order);
        }
    }

    async fn clock_answered(&self, id: &str, answer: &Value) -> Result<(), Stop> {
        let now = answer["now"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .ok_or_else(|| Stop::Wrong(format!("a clock without a time: {answer}")))?;
        let ack = ClockAck {
            now: now.with_timezone(&Utc),
            frozen: answer["frozen"] == true,
        };
        self.acked.lock().await.clocks.insert(id.to_owned(), ack);
        Ok(())
    }
}

/// A string member of an answer.
fn text(answer: &Value, member: &str) -> Result<String, Stop> {
    answer[member]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| Stop::Wrong(format!("no {member} in {answer}")))
}
