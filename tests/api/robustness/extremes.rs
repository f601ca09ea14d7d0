//! Valid requests at the edges of what the control API accepts — the clock at the ends of the
//! 4-digit years, the longest delays and ladders, the largest counts — followed by the traffic
//! that makes the sandbox compute with them. Each answer must be below 500 and the process must
//! not panic.

use serde_json::{Value, json};

use super::sandbox::{Sandbox, start};
use crate::helpers::{APP_ID, APP_KEY, MID, QR_APP_ID, body_sig_header, signed_token_body};

struct Driver {
    client: reqwest::Client,
    base: String,
    seen: Vec<String>,
}

impl Driver {
    /// Sends one request and records it; a 5xx fails the test at the end, with the whole story.
    async fn send(&mut self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut request = self
            .client
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(body) = &body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap_or_else(|e| {
            panic!(
                "{method} {path} got no answer ({e}) after:\n{}",
                self.seen.join("\n")
            )
        });
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        self.seen.push(format!(
            "{status} {method} {path} {}",
            body.map(|b| b.to_string()).unwrap_or_default()
        ));
        assert!(
            status < 500,
            "{method} {path} answered {status}: {text}\nafter:\n{}",
            self.seen.join("\n")
        );
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Token, business calls and a Pay Score round trip at whatever time the clock shows.
    async fn traffic(&mut self) {
        let (_, clock) = self.send("GET", "/__mock/clock", None).await;
        let now = clock["now"].as_str().unwrap_or_default().to_owned();
        let ts: String = now.chars().filter(char::is_ascii_digit).take(14).collect();
        let (_, token) = self
            .send(
                "POST",
                "/v1/token/access",
                Some(signed_token_body(APP_ID, APP_KEY, &ts, "edge")),
            )
            .await;
        let token = token["accessToken"].as_str().unwrap_or("none").to_owned();
        let order = json!({ "mid": MID, "merOrderId": "edge", "totalAmount": u64::MAX });
        let response = self
            .client
            .post(format!("{}/v1/netpay/wx/unified-order", self.base))
            .header(
                "authorization",
                format!("OPEN-ACCESS-TOKEN AccessToken={token}"),
            )
            .json(&order)
            .send()
            .await
            .map(|r| r.status().as_u16());
        assert!(matches!(response, Ok(s) if s < 500), "{response:?}");
        let body = order.to_string();
        let response = self
            .client
            .post(format!("{}/v1/netpay/query", self.base))
            .header(
                "authorization",
                body_sig_header(APP_ID, APP_KEY, &ts, &body),
            )
            .body(body)
            .send()
            .await
            .map(|r| r.status().as_u16());
        assert!(matches!(response, Ok(s) if s < 500), "{response:?}");
        let (_, opened) = self
            .send(
                "POST",
                "/__mock/payscore/open",
                Some(json!({ "appId": APP_ID })),
            )
            .await;
        let open_id = opened["authorization"]["openId"]
            .as_str()
            .unwrap_or("nobody")
            .to_owned();
        let id = opened["notification"]["id"]
            .as_str()
            .unwrap_or("none")
            .to_owned();
        self.send(
            "POST",
            "/__mock/payscore/close",
            Some(json!({ "appId": APP_ID, "openId": open_id })),
        )
        .await;
        self.send(
            "POST",
            "/__mock/clock/advance",
            Some(json!({ "seconds": 86_400 })),
        )
        .await;
        self.send(
            "GET",
            &format!("/__mock/notifications/{id}/wait?status=settled&timeoutMs=0"),
            None,
        )
        .await;
        self.send(
            "POST",
            &format!("/__mock/notifications/{id}/redeliver"),
            None,
        )
        .await;
        self.send(
            "GET",
            "/__mock/notifications?limit=18446744073709551615",
            None,
        )
        .await;
        self.send("GET", "/__mock/payscore/authorizations", None)
            .await;
        self.send("GET", "/__mock/requests?limit=0", None).await;
        self.send(
            "POST",
            "/__mock/conformance",
            Some(json!({ "appId": APP_ID, "timeoutMs": 1 })),
        )
        .await;
        self.send(
            "POST",
            "/__mock/tools/sign",
            Some(json!({ "rule": "token", "appId": APP_ID, "appKey": APP_KEY })),
        )
        .await;
        self.send("POST", "/__mock/tools/verify", Some(json!({ "rule": "notify", "md5Key": "k", "fields": { "id": "x", "sign": "y" }, "sign": "y" }))).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_largest_accepted_values_and_the_ends_of_the_calendar_cause_no_server_error() {
    let Sandbox {
        mut child,
        url,
        panics,
    } = start(&[]).await;
    let mut d = Driver {
        client: reqwest::Client::new(),
        base: url.clone(),
        seen: Vec::new(),
    };
    let sink = format!("{url}/__mock/sink/{APP_ID}");
    // The longest ladder, the longest give-up, and a notification delay fault of a whole year.
    d.send("PATCH", &format!("/__mock/apps/{APP_ID}"), Some(json!({
        "callbackUrl": sink,
        "notify": { "retrySchedule": vec![2_592_000u64; 1000], "giveUpAfterSeconds": 31_536_000, "timeoutMs": 600_000 },
    }))).await;
    d.send(
        "PATCH",
        &format!("/__mock/apps/{QR_APP_ID}"),
        Some(json!({
            "callbackUrl": "http://127.0.0.1:1/refused",
            "notify": { "retrySchedule": [0], "giveUpAfterSeconds": 0, "timeoutMs": 1 },
        })),
    )
    .await;
    d.send("POST", "/__mock/faults", Some(json!({ "target": "notification", "action": "delay", "delaySeconds": 31_536_000, "times": u32::MAX }))).await;
    // Beyond a year the delivery task once panicked computing the instant.
    let (status, _) = d
        .send("POST", "/__mock/faults", Some(json!({ "target": "notification", "action": "delay", "delaySeconds": 1_000_000_000_000_000u64 })))
        .await;
    assert_eq!(status, 400);
    d.send(
        "POST",
        "/__mock/faults",
        Some(json!({ "target": "notification", "action": "outOfOrder", "probability": 1.0 })),
    )
    .await;
    d.send("POST", "/__mock/faults", Some(json!({ "target": "gateway", "action": "error", "httpStatus": 400, "path": "/v1/*", "probability": 0.0 }))).await;
    d.send(
        "POST",
        "/__mock/faults",
        Some(json!({ "target": "token", "action": "delay", "delayMs": 1, "times": 1 })),
    )
    .await;
    d.send("POST", "/__mock/stubs", Some(json!({ "path": "/v1/*", "priority": i32::MAX, "times": u32::MAX, "response": {
        "status": 599 - 100, "body": { "x": "{{random.hex 999999999}}{{request.body.merOrderId}}{{now.compact}}{{nothing.here}}" },
    } }))).await;
    // The first and last instants ChinaUMS timestamps can name, and the epoch.
    for now in [
        "2026-11-25T12:00:00+08:00",
        "9999-12-31T23:59:59+08:00",
        "0000-01-01T00:00:00+08:00",
        "1970-01-01T00:00:00Z",
    ] {
        let (status, _) = d
            .send(
                "PUT",
                "/__mock/clock",
                Some(json!({ "now": now, "frozen": true })),
            )
            .await;
        assert_eq!(status, 200, "{now}");
        d.traffic().await;
        let (status, _) = d
            .send(
                "POST",
                "/__mock/clock/advance",
                Some(json!({ "seconds": 315_360_000 })),
            )
            .await;
        assert_eq!(
            status,
            if now.starts_with("9999") { 400 } else { 200 },
            "{now}"
        );
        d.traffic().await;
        d.send(
            "POST",
            "/__mock/payscore/open",
            Some(json!({ "appId": QR_APP_ID })),
        )
        .await;
    }
    // Beyond them (in Beijing time) the clock refuses to go.
    for now in ["9999-12-31T23:59:59-23:59", "0000-01-01T00:00:00+14:00"] {
        let (status, _) = d
            .send("PUT", "/__mock/clock", Some(json!({ "now": now })))
            .await;
        assert_eq!(status, 400, "{now}");
    }
    d.send("POST", "/__mock/reset", None).await;
    d.send("PUT", "/__mock/clock", Some(json!({ "frozen": false })))
        .await;
    d.traffic().await;
    assert!(
        child.try_wait().expect("process state").is_none(),
        "the sandbox process died"
    );
    let panics = panics.lock().clone();
    assert!(
        panics.is_empty(),
        "the sandbox panicked:\n{}\nafter:\n{}",
        panics.join("\n"),
        d.seen.join("\n")
    );
    let _ = child.start_kill();
}
