//! `kill -9` at random moments with a state database: every change the sandbox answered is
//! there after the restart — apps and their changes, clocks, tokens, authorisations, orders
//! and refunds, QR bills, notifications with every attempt seen, faults, stubs — and the
//! deliveries pending at the kill resume.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rand::RngExt;
use serde_json::json;
use tokio::process::Child;
use tokio::sync::Mutex;

use crate::helpers::APP_ID;

mod check;
mod drive;

/// A gateway path no simulation serves: a token's check after a restart, answered by the
/// app's stub once one was added.
const PROBE: &str = "/v1/crash/probe";

/// What an answered `PATCH /__mock/apps/{appId}` set.
struct Patched {
    name: String,
    callback_url: String,
}

/// An order as answered: created, paid, refunded.
struct OrderAck {
    app_id: String,
    paid: bool,
    refunds: Vec<String>,
}

/// A QR bill as answered: created, paid.
struct BillAck {
    app_id: String,
    paid: bool,
}

/// A clock as its last answer showed it.
struct ClockAck {
    now: DateTime<Utc>,
    frozen: bool,
}

/// What the sandbox acknowledged.
#[derive(Default)]
struct Acked {
    /// Created apps, with what a PATCH answered (`None` until one did).
    apps: BTreeMap<String, Option<Patched>>,
    /// `(appId, accessToken)`: one token per app, far below the per-app cap.
    tokens: Vec<(String, String)>,
    /// By `merOrderId`.
    orders: BTreeMap<String, OrderAck>,
    /// By `billNo`.
    bills: BTreeMap<String, BillAck>,
    faults: BTreeSet<String>,
    /// Stub id → app.
    stubs: BTreeMap<String, String>,
    /// By clock id.
    clocks: BTreeMap<String, ClockAck>,
    /// Notification id → the attempts it is known to have had in the database.
    notifications: BTreeMap<String, usize>,
    /// The fixture app's users whose authorisation was opened.
    authorizations: BTreeSet<String>,
    /// Rounds of traffic fully answered since the last restart, across drivers.
    iterations: usize,
}

async fn start(db: &std::path::Path, port: u16) -> (Child, String) {
    let port = port.to_string();
    let args: [&std::ffi::OsStr; 8] = [
        "--seed".as_ref(),
        "7".as_ref(),
        "--log-level".as_ref(),
        "warn".as_ref(),
        "--port".as_ref(),
        port.as_ref(),
        "--state-file".as_ref(),
        db.as_os_str(),
    ];
    crate::binary::spawn_binary(args).await
}

/// Points the fixture app's notifications at the built-in sink, which acknowledges them.
/// Answered after its commit, like any change: what was changed before it is then durable.
async fn patch_fixture_app(http: &reqwest::Client, url: &str) {
    let sink = json!({"callbackUrl": format!("{url}/__mock/sink/{APP_ID}")});
    let r = http
        .patch(format!("{url}/__mock/apps/{APP_ID}"))
        .json(&sink)
        .send()
        .await
        .expect("patched");
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn every_answered_change_survives_kill_9_and_pending_deliveries_resume() {
    let began = Instant::now();
    let dir = std::env::temp_dir().join(format!("chinaums-mock-crash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db = dir.join("state.sqlite");
    let _ = std::fs::remove_file(&db);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let http = reqwest::Client::new();
    let acked = Arc::new(Mutex::new(Acked::default()));
    let (mut child, url) = start(&db, port).await;
    patch_fixture_app(&http, &url).await;

    for round in 0..5 {
        let drivers: Vec<_> = (0..4)
            .map(|n| {
                let driver = drive::Driver {
                    http: http.clone(),
                    url: url.clone(),
                    acked: acked.clone(),
                    tag: format!("{round}-{n}"),
                    seen: Vec::new(),
                };
                tokio::spawn(driver.run())
            })
            .collect();
        // Every kind of change is answered at least once per round (unless a driver failed),
        // then the kill comes at a random moment.
        let deadline = Instant::now() + Duration::from_secs(15);
        while acked.lock().await.iterations == 0 && !drivers.iter().any(|d| d.is_finished()) {
            assert!(Instant::now() < deadline, "round {round}: no progress");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let wait = rand::rng().random_range(0..600);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        child.start_kill().expect("killed");
        let _ = child.wait().await;
        for d in drivers {
            if let Err(wrong) = d.await.expect("the driver ran") {
                panic!("round {round}: {wrong}");
            }
        }
        (child, _) = start(&db, port).await;
        let mut acked = acked.lock().await;
        check::everything(&http, &url, &acked, round).await;
        // The attempts seen now are in the database once a later change is answered.
        let counts = check::attempt_counts(&http, &url, &acked).await;
        patch_fixture_app(&http, &url).await;
        for (id, attempts) in counts {
            let floor = acked.notifications.entry(id).or_default();
            *floor = (*floor).max(attempts);
        }
        acked.iterations = 0;
    }

    let acked = acked.lock().await;
    let paid = acked.orders.values().filter(|o| o.paid).count();
    let refunded = acked
        .orders
        .values()
        .filter(|o| !o.refunds.is_empty())
        .count();
    let bills_paid = acked.bills.values().filter(|b| b.paid).count();
    let counts = [
        ("apps", acked.apps.len()),
        ("tokens", acked.tokens.len()),
        ("paid orders", paid),
        ("refunded orders", refunded),
        ("paid bills", bills_paid),
        ("faults", acked.faults.len()),
        ("stubs", acked.stubs.len()),
        ("clocks", acked.clocks.len()),
        ("authorisations", acked.authorizations.len()),
        ("notifications", acked.notifications.len()),
    ];
    for (what, count) in counts {
        assert!(count >= 5, "{count} {what} answered");
    }

    // Every notification is delivered in the end: those pending (or in flight) at a kill were
    // sent again after the restart.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = check::notifications(&http, &url).await;
        let waiting: Vec<_> = acked
            .notifications
            .keys()
            .filter(|id| now.get(*id).is_none_or(|n| n["status"] != "delivered"))
            .collect();
        if waiting.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{} still not delivered, e.g. {}",
            waiting.len(),
            now.get(waiting[0]).cloned().unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.start_kill();
    let _ = std::fs::remove_dir_all(&dir);
    let counts: Vec<_> = counts.iter().map(|(w, c)| format!("{c} {w}")).collect();
    let retried = acked.notifications.values().filter(|n| **n >= 2).count();
    println!(
        "answered and kept: {}; {retried} notifications with 2 attempts or more",
        counts.join(", ")
    );
    assert!(
        began.elapsed() < Duration::from_secs(40),
        "{:?}",
        began.elapsed()
    );
}
