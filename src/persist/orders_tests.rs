//! Orders, refunds and QR bills in the state file: saved whole, restored with their cashier
//! pages, the order of their last changes and the dropped count.

use std::sync::Arc;

use serde_json::Value;

use super::*;
use crate::api::order::{OrderFilter, OrderStatus, PayRequest};
use crate::config::Config;
use crate::domain::clock::Clock;
use crate::domain::orders::Cashier;
use crate::sandbox::tests::{noon, sandbox as fresh_state};
use crate::sandbox::{NewBill, NewOrder, Sandbox};

const APP: &str = "10037e6f66f2d0f901672aa27d690006";
const MID: &str = "898201612345678";
const QR_APP: &str = "10037e6f6823b20801682b6a5e5a0006";
const QR_MID: &str = "898340149000005";

/// A sandbox like the unit tests' one, keeping at most `retention` orders and bills.
fn bounded(retention: usize) -> Sandbox {
    let clock = Arc::new(Clock::system());
    clock.set(Some(noon()), Some(true));
    let config = Config {
        seed: Some(42),
        order_retention: retention,
        ..Config::default()
    };
    let state = Sandbox::new(
        config,
        clock,
        crate::sandbox::Listening::one(([127, 0, 0, 1], 1).into()),
    );
    state.seed().expect("the embedded fixtures load");
    state
}

fn create(state: &Sandbox, path: &str, number: &str, amount: u64) {
    let app = state.app(APP).expect("the fixture app");
    let new = NewOrder {
        path: path.into(),
        mid: MID.into(),
        mer_order_id: number.into(),
        total_amount: amount,
        ..NewOrder::default()
    };
    state.create_order(&app, new).expect("created");
}

/// A paid mini-program order refunded in part, an unpaid H5 order with its cashier page, a
/// paid QR bill and an unpaid one.
fn shop(state: &Sandbox) {
    create(state, "/v1/netpay/wx/unified-order", "3194P1", 100);
    state
        .pay_order("3194P1", PayRequest::default())
        .expect("paid");
    let app = state.app(APP).expect("the fixture app");
    state
        .refund_order(&app, "3194P1", Some("3194RF1".into()), 30, None)
        .expect("refunded");
    create(state, "/v1/netpay/wxpay/h5-pay", "3194H1", 288);
    let qr = state.app(QR_APP).expect("the QR app");
    for number in ["3194B1", "3194B2"] {
        let new = NewBill {
            mid: QR_MID.into(),
            bill_no: number.into(),
            total_amount: 20,
            ..NewBill::default()
        };
        state.create_bill(&qr, new).expect("a bill");
    }
    state
        .pay_bill("3194B1", PayRequest::default())
        .expect("paid");
}

fn shown<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serialisable")
}

#[test]
fn orders_refunds_and_bills_come_back_with_their_cashier_pages() {
    let state = fresh_state();
    shop(&state);
    let file = capture(&state);
    assert_eq!(
        (file.orders.items.len(), file.orders.bills.len()),
        (3, 2),
        "two orders and the bill's payment"
    );
    let text = serde_json::to_string(&file).expect("serialisable");
    let again = restored_from(&text);

    let all = OrderFilter::default();
    assert_eq!(
        shown(&again.orders.list(&all)),
        shown(&state.orders.list(&all))
    );
    let bills = crate::api::order::BillFilter::default();
    assert_eq!(
        shown(&again.orders.list_bills(&bills)),
        shown(&state.orders.list_bills(&bills))
    );
    let paid = again.orders.order(APP, "3194P1").expect("kept");
    assert_eq!(paid.status, OrderStatus::TradeSuccess);
    assert_eq!((paid.refunds.len(), paid.refunded()), (1, 30));
    assert_eq!(paid.notifications.len(), 1, "the payment notification's id");

    let h5 = again.orders.order(APP, "3194H1").expect("kept");
    let url = h5.cashier_url.expect("a cashier page");
    let token = url.rsplit('/').next().unwrap_or_default();
    assert!(
        matches!(again.orders.cashier(token), Some(Cashier::Order(o)) if o.mer_order_id == "3194H1")
    );
    let bill = again.orders.bill(QR_APP, "3194B2").expect("kept");
    assert!(
        matches!(again.orders.cashier(&bill.qr_code_id), Some(Cashier::Bill(b)) if b.bill_no == "3194B2")
    );

    let app = again.app(APP).expect("the fixture app");
    let (order, _) = again
        .refund_order(&app, "3194P1", Some("3194RF2".into()), 70, None)
        .expect("refunded after the restore");
    assert_eq!(order.status, OrderStatus::TradeRefund);
}

/// A sandbox restored from a saved file's text.
fn restored_from(text: &str) -> Sandbox {
    let file: StateFile = serde_json::from_str(text).expect("parses");
    let again = fresh_state();
    restore(&again, file).expect("restores");
    again
}

#[test]
fn the_bound_the_order_of_last_changes_and_the_dropped_count_survive_a_restore() {
    let state = bounded(3);
    for number in ["3194A", "3194B", "3194C", "3194D"] {
        create(&state, "/v1/netpay/wx/unified-order", number, 1);
    }
    assert_eq!(state.orders.dropped(), 1, "3194A went");
    state
        .pay_order("3194B", PayRequest::default())
        .expect("paid");
    let file = capture(&state);
    assert_eq!(file.orders.change_order, [1, 2, 0], "B was changed last");
    assert_eq!(file.orders.dropped, 1);

    let again = bounded(3);
    restore(&again, file.clone()).expect("restores");
    assert_eq!(shown(&capture(&again).orders), shown(&file.orders));

    // A smaller bound drops at once, in the saved order: B, changed last, is spared; of the
    // open ones C was changed least recently.
    let smaller = bounded(2);
    restore(&smaller, file).expect("restores");
    let kept: Vec<String> = smaller
        .orders
        .list(&OrderFilter::default())
        .into_iter()
        .map(|o| o.mer_order_id)
        .collect();
    assert_eq!(kept, ["3194D", "3194B"]);
    assert_eq!(smaller.orders.dropped(), 2);
}

#[test]
fn a_file_without_orders_restores_none_and_writes_no_orders_section() {
    let state = fresh_state();
    shop(&state);
    let file = capture(&fresh_state());
    assert!(shown(&file).get("orders").is_none());
    restore(&state, file).expect("restores");
    assert_eq!(state.orders.list(&OrderFilter::default()), []);
    assert_eq!(state.orders.cashier("anything"), None);
}

#[test]
fn orders_move_the_generator_on() {
    let state = fresh_state();
    shop(&state);
    let plain = capture(&state);
    let mut without = plain.clone();
    without.orders = OrdersState::default();
    assert_ne!(
        capture::generator_seed(Some(42), &plain),
        capture::generator_seed(Some(42), &without)
    );
}

#[test]
fn a_change_order_naming_a_missing_or_repeated_position_is_not_restored() {
    let state = fresh_state();
    shop(&state);
    for (changes, problem) in [(vec![0, 5], "position 5"), (vec![1, 1], "appears twice")] {
        let mut file = capture(&state);
        file.orders.change_order = changes;
        let err = restore(&fresh_state(), file).expect_err("refused");
        assert!(
            err.0.contains("orders.changeOrder") && err.0.contains(problem),
            "{err}"
        );
    }
}
