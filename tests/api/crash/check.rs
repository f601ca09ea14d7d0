//! After a restart: everything the drivers noted as answered is there, in at least the state
//! that was answered.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tokio::task::JoinSet;

use super::{Acked, PROBE};
use crate::helpers::APP_ID;

async fn get(http: &reqwest::Client, url: &str, path: &str) -> Value {
    let r = http
        .get(format!("{url}{path}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    assert_eq!(r.status(), 200, "GET {path}");
    r.json().await.expect("a JSON answer")
}

/// The items of a list answer, by a string member.
fn by(list: &Value, items: &str, key: &str) -> BTreeMap<String, Value> {
    list[items]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| Some((item[key].as_str()?.to_owned(), item.clone())))
        .collect()
}

fn attempts(notification: &Value) -> usize {
    notification["attempts"].as_array().map_or(0, Vec::len)
}

/// Asserts everything in `acked` against the restarted sandbox at `url`.
pub(super) async fn everything(http: &reqwest::Client, url: &str, acked: &Acked, round: usize) {
    apps(http, url, acked, round).await;
    tokens_and_stubs(http, url, acked, round).await;
    orders_and_bills(http, url, acked, round).await;

    let faults = by(&get(http, url, "/__mock/faults").await, "faults", "id");
    for id in &acked.faults {
        assert!(
            faults.contains_key(id),
            "round {round}: the fault {id} is gone"
        );
    }
    let stubs = by(&get(http, url, "/__mock/stubs").await, "stubs", "id");
    for id in acked.stubs.keys() {
        assert!(
            stubs.contains_key(id),
            "round {round}: the stub {id} is gone"
        );
    }

    let clocks = by(&get(http, url, "/__mock/clocks").await, "clocks", "id");
    for (id, answered) in &acked.clocks {
        let clock = clocks
            .get(id)
            .unwrap_or_else(|| panic!("round {round}: the clock {id} is gone"));
        let now = clock["now"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| panic!("a clock time: {clock}"));
        assert!(
            now >= answered.now,
            "round {round}: the clock {id} went back from {} to {now}",
            answered.now
        );
        if answered.frozen {
            assert_eq!(clock["frozen"], true, "round {round}: {clock}");
        }
    }

    let path = format!("/__mock/payscore/authorizations?appId={APP_ID}");
    let list = get(http, url, &path).await;
    let open: BTreeSet<_> = list["authorizations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["state"] == "OPEN")
        .filter_map(|a| a["openId"].as_str())
        .collect();
    for user in &acked.authorizations {
        assert!(
            open.contains(user.as_str()),
            "round {round}: the authorisation of {user} is not open"
        );
    }

    let now = notifications(http, url).await;
    for (id, floor) in &acked.notifications {
        let n = now
            .get(id)
            .unwrap_or_else(|| panic!("round {round}: the notification {id} is gone"));
        assert!(
            attempts(n) >= *floor,
            "round {round}: {id} had {floor} attempts, now {}: {n}",
            attempts(n)
        );
    }
}

/// Every notification, by id.
pub(super) async fn notifications(http: &reqwest::Client, url: &str) -> BTreeMap<String, Value> {
    let list = get(http, url, "/__mock/notifications?limit=1000000").await;
    by(&list, "notifications", "id")
}

/// The attempts each acknowledged notification has now.
pub(super) async fn attempt_counts(
    http: &reqwest::Client,
    url: &str,
    acked: &Acked,
) -> Vec<(String, usize)> {
    let now = notifications(http, url).await;
    acked
        .notifications
        .keys()
        .filter_map(|id| Some((id.clone(), attempts(now.get(id)?))))
        .collect()
}

async fn apps(http: &reqwest::Client, url: &str, acked: &Acked, round: usize) {
    let apps = by(&get(http, url, "/__mock/apps").await, "apps", "appId");
    for (id, patched) in &acked.apps {
        let app = apps
            .get(id)
            .unwrap_or_else(|| panic!("round {round}: the answered app {id} is gone"));
        if let Some(p) = patched {
            let changed = (
                &app["name"],
                &app["callbackUrl"],
                &app["notify"]["retrySchedule"],
            );
            assert_eq!(
                changed,
                (&json!(p.name), &json!(p.callback_url), &json!([1])),
                "round {round}: the answered PATCH of {id} was undone"
            );
        }
    }
}

/// Each answered token still authenticates its app: the probe answers as the app, from its
/// stub when the stub was answered.
async fn tokens_and_stubs(http: &reqwest::Client, url: &str, acked: &Acked, round: usize) {
    let stubbed: BTreeSet<&String> = acked.stubs.values().collect();
    let mut probes = JoinSet::new();
    for (app_id, token) in &acked.tokens {
        let request = http
            .get(format!("{url}{PROBE}"))
            .header(
                "authorization",
                format!("OPEN-ACCESS-TOKEN AccessToken={token}"),
            )
            .send();
        let (app_id, stubbed) = (app_id.clone(), stubbed.contains(app_id));
        probes.spawn(async move {
            let r = request.await.expect("the probe is answered");
            let status = r.status().as_u16();
            let header = r
                .headers()
                .get("x-chinaums-mock-app-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let body = r.text().await.unwrap_or_default();
            (app_id, stubbed, status, header, body)
        });
        // A few at a time: the sandbox has two cores at most to answer them.
        if probes.len() >= 8 {
            let done = probes.join_next().await.expect("a probe").expect("joined");
            assert_probe(done, round);
        }
    }
    while let Some(done) = probes.join_next().await {
        assert_probe(done.expect("joined"), round);
    }
}

fn assert_probe(
    (app_id, stubbed, status, header, body): (String, bool, u16, Option<String>, String),
    round: usize,
) {
    assert_eq!(
        header.as_deref(),
        Some(app_id.as_str()),
        "round {round}: the answered token of {app_id} no longer authenticates: {status} {body}"
    );
    if stubbed {
        assert_eq!(status, 200, "round {round}: the stub of {app_id}: {body}");
    } else {
        assert!(
            matches!(status, 200 | 404),
            "round {round}: {status} {body}"
        );
    }
}

async fn orders_and_bills(http: &reqwest::Client, url: &str, acked: &Acked, round: usize) {
    let list = get(http, url, "/__mock/orders?limit=1000000").await;
    let orders = by(&list, "orders", "merOrderId");
    for (number, answered) in &acked.orders {
        let order = orders
            .get(number)
            .unwrap_or_else(|| panic!("round {round}: the answered order {number} is gone"));
        assert_eq!(order["appId"], json!(answered.app_id), "{order}");
        let status = order["status"].as_str().unwrap_or_default();
        let allowed: &[&str] = if answered.paid {
            &["TRADE_SUCCESS", "TRADE_REFUND"]
        } else {
            &["WAIT_BUYER_PAY", "TRADE_SUCCESS"]
        };
        assert!(
            allowed.contains(&status),
            "round {round}: {number} is {status} after answers of {}: {order}",
            if answered.paid { "paid" } else { "created" }
        );
        let refunds: BTreeSet<_> = order["refunds"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r["refundOrderId"].as_str())
            .collect();
        for refund in &answered.refunds {
            assert!(
                refunds.contains(refund.as_str()),
                "round {round}: the refund {refund} of {number} is gone: {order}"
            );
        }
    }
    let list = get(http, url, "/__mock/bills?limit=1000000").await;
    let bills = by(&list, "bills", "billNo");
    for (number, answered) in &acked.bills {
        let bill = bills
            .get(number)
            .unwrap_or_else(|| panic!("round {round}: the answered bill {number} is gone"));
        assert_eq!(bill["appId"], json!(answered.app_id), "{bill}");
        let status = bill["billStatus"].as_str().unwrap_or_default();
        let allowed: &[&str] = if answered.paid {
            &["PAID"]
        } else {
            &["UNPAID", "PAID"]
        };
        assert!(
            allowed.contains(&status),
            "round {round}: the bill {number} is {status}: {bill}"
        );
    }
}
