//! A state file with netpay orders, written by the first build that saves them, loads into
//! this build with nothing lost.
//!
//! `tests/data/state-v1-orders.json` was saved by chinaums-mock 0.1.0 at commit 5859586 after
//! `tests/data/state-v1-orders.py` had made orders of every kind (paid with a coupon and
//! refunded twice, closed, failed, waiting at a cashier page, B-scan-C, one dropped by
//! `--order-retention 6`) and QR bills (paid and refunded, closed, unpaid), their notifications
//! delivered. `…views.json` is what its control API and gateway showed then.

use serde_json::Value;

use super::golden_support::{Golden, shown};
use super::*;
use crate::api::order::{BillFilter, OrderFilter, OrderStatus};
use crate::config::Config;
use crate::domain::notify::Filter;
use crate::domain::orders::Cashier;
use crate::sandbox::Sandbox;

/// The file with orders, and the `--seed` it was made with.
const GOLDEN: Golden = Golden {
    name: "state-v1-orders",
    seed: 20_261_203,
};
const APP_A: &str = "10037e6f66f2d0f901672aa27d690006";
const APP_B: &str = "10037e6f6823b20801682b6a5e5a0006";

fn golden() -> StateFile {
    GOLDEN.file()
}

/// An empty sandbox with the file's seed and this order bound, restored from the file.
fn restored(retention: usize) -> Sandbox {
    GOLDEN.restored(Config {
        order_retention: retention,
        ..Config::default()
    })
}

fn numbers(state: &Sandbox) -> Vec<String> {
    let orders = state.orders.list(&OrderFilter::default());
    orders.into_iter().map(|o| o.mer_order_id).collect()
}

#[test]
fn every_order_and_bill_of_the_file_comes_back() {
    let orders = golden().orders;
    assert_eq!(
        (orders.items.len(), orders.bills.len(), orders.dropped),
        (6, 3, 1)
    );
    assert_eq!(orders.change_order, [2, 1, 3, 4, 5, 0]);
    assert_eq!(orders.bill_change_order, [1, 0, 2]);
    let first = &orders.items[0];
    assert_eq!(
        (
            first.mer_order_id.as_str(),
            first.refunds.len(),
            first.refunded()
        ),
        ("3194G1", 2, 50)
    );
    assert_eq!(first.notifications.len(), 3, "payment and two refunds");
    assert_eq!(
        first.created_at.to_rfc3339(),
        "2026-11-25T04:00:00.250+00:00",
        "to the ms"
    );
    let statuses: Vec<OrderStatus> = orders.items.iter().map(|o| o.status).collect();
    for status in [
        OrderStatus::TradeSuccess,
        OrderStatus::TradeClosed,
        OrderStatus::NewOrder,
        OrderStatus::TradeRefund,
    ] {
        assert!(statuses.contains(&status), "{status:?}");
    }
    assert!(orders.items.iter().any(|o| o.platform_order_id.is_some()));
}

#[test]
fn restored_the_control_api_shows_what_it_showed_and_cashier_pages_open() {
    let state = restored(10_000);
    let views = GOLDEN.views();
    let orders = &views["orders"];
    assert_eq!(
        shown(&state.orders.list(&OrderFilter::default())),
        orders["orders"]
    );
    assert_eq!(shown(&state.orders.dropped()), orders["dropped"]);
    assert_eq!(
        shown(&state.orders.list_bills(&BillFilter::default())),
        views["bills"]["bills"]
    );
    assert_eq!(
        shown(&state.notify.list(&Filter::default(), 1000)),
        views["notifications"]["notifications"]
    );
    assert_eq!(
        shown(&state.sink.received(APP_A)),
        views["sinkA"]["received"]
    );
    assert_eq!(
        shown(&state.sink.received(APP_B)),
        views["sinkB"]["received"]
    );

    let waiting = state.orders.order(APP_A, "3194G3").expect("kept");
    let url = waiting.cashier_url.expect("a cashier page");
    let token = url.rsplit('/').next().unwrap_or_default();
    assert!(
        matches!(state.orders.cashier(token), Some(Cashier::Order(o)) if o.mer_order_id == "3194G3")
    );
    let unpaid = state.orders.bill(APP_B, "3194GB2").expect("kept");
    assert!(
        matches!(state.orders.cashier(&unpaid.qr_code_id), Some(Cashier::Bill(b)) if b.bill_no == "3194GB2")
    );
}

#[test]
fn a_smaller_bound_drops_in_the_order_of_last_changes_the_file_kept() {
    // Settled ones go first, least recently changed first: 3194G2, 3194G4, 3194G5; 3194G1,
    // refunded last, is the most recently changed and stays.
    let state = restored(3);
    assert_eq!(numbers(&state), ["3194GB10", "3194G3", "3194G1"]);
    assert_eq!(state.orders.dropped(), 4);
}

#[test]
fn a_file_with_orders_restored_and_saved_again_is_the_same_file() {
    let text = GOLDEN.text();
    // The file predates apps' `payer` settings; a default one is what it loads with.
    let comparable = |mut file: Value| {
        file["savedAt"] = Value::Null;
        // Each version signs what it saves.
        file["savedBy"] = Value::Null;
        file["clock"]["offsetMs"] = Value::Null;
        for app in file["apps"].as_array_mut().into_iter().flatten() {
            if let Some(payer) = app.as_object_mut().and_then(|a| a.remove("payer")) {
                let default = serde_json::to_value(crate::api::app::PayerSettings::default());
                assert_eq!(Ok(payer), default.map_err(|e| e.to_string()));
            }
        }
        file
    };
    let written = comparable(serde_json::from_str(&text).expect("JSON"));
    let again = capture(&restored(10_000));
    assert_eq!(comparable(shown(&again)), written);
}
