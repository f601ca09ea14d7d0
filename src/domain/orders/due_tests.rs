//! What falls due by itself: the index of due times, automatic payments, expiries and
//! refunds settling.

use chrono::Duration;

use super::OrderStore;
use super::tests::{bill, draft, facts, order, payment, t0};
use crate::api::order::{OrderStatus, RefundStatus};

#[test]
fn the_store_finds_the_next_due_record_of_each_app_and_forgets_it_once_settled() {
    let store = OrderStore::new(100);
    let mut early = order("a", "M1", 100);
    early.expire_time = Some(t0() + Duration::hours(2));
    early.auto_pay_at = Some(t0() + Duration::seconds(5));
    store.create(early).expect("created");
    let mut late = order("b", "M2", 100);
    late.expire_time = Some(t0() + Duration::hours(1));
    store.create(late).expect("created");
    assert_eq!(store.next_due("a"), Some(t0() + Duration::seconds(5)));
    assert_eq!(
        store.next_due_by_app(),
        vec![
            ("a".to_owned(), t0() + Duration::seconds(5)),
            ("b".to_owned(), t0() + Duration::hours(1)),
        ]
    );
    assert!(store.due_at("a", t0()).orders.is_empty());
    assert_eq!(
        store.due_at("a", t0() + Duration::seconds(5)).orders,
        ["M1"]
    );
    store.pay("a", "M1", |_| Ok(payment(100))).expect("paid");
    assert_eq!(store.next_due("a"), None, "a paid order waits for nothing");
    store.remove_app("b");
    assert!(store.next_due_by_app().is_empty());
}

#[test]
fn an_automatic_payment_is_taken_once_and_only_when_due() {
    let store = OrderStore::new(100);
    let mut o = order("a", "M1", 100);
    o.auto_pay_at = Some(t0() + Duration::seconds(5));
    store.create(o).expect("created");
    assert_eq!(store.take_auto_pay("a", "M1", t0()), Ok(false));
    let due = t0() + Duration::seconds(5);
    assert_eq!(store.take_auto_pay("a", "M1", due), Ok(true));
    assert_eq!(store.take_auto_pay("a", "M1", due), Ok(false), "taken once");
    assert_eq!(store.next_due("a"), None);
}

#[test]
fn an_unpaid_order_closes_at_its_expiry_and_a_paid_one_does_not() {
    let store = OrderStore::new(100);
    for number in ["M1", "M2"] {
        let mut o = order("a", number, 100);
        o.expire_time = Some(t0() + Duration::hours(2));
        store.create(o).expect("created");
    }
    store.pay("a", "M2", |_| Ok(payment(100))).expect("paid");
    let at = t0() + Duration::hours(2);
    assert_eq!(store.expire("a", "M1", at - Duration::seconds(1)), Ok(None));
    let closed = store.expire("a", "M1", at).expect("known").expect("closed");
    assert_eq!(closed.status, OrderStatus::TradeClosed);
    assert_eq!(store.expire("a", "M2", at), Ok(None));
    assert_eq!(
        store.order("a", "M2").map(|o| o.status),
        Ok(OrderStatus::TradeSuccess)
    );
}

#[test]
fn a_processing_refund_settles_at_its_time_and_only_then_makes_the_order_refunded() {
    let store = OrderStore::new(100);
    store.create(order("a", "M1", 100)).expect("created");
    store.pay("a", "M1", |_| Ok(payment(100))).expect("paid");
    let settles = t0() + Duration::seconds(70);
    let mut d = draft("R1", 100);
    d.settles_at = Some(settles);
    let (o, r) = store.refund("a", "M1", d, facts).expect("refunded");
    assert_eq!(r.refund_status, RefundStatus::Processing);
    assert_eq!(
        o.status,
        OrderStatus::TradeSuccess,
        "not refunded until it settles"
    );
    assert_eq!(o.refundable(), 0, "yet nothing more can be refunded");
    assert_eq!(store.next_due("a"), Some(settles));
    let (_, none) = store
        .settle_refunds("a", "M1", settles - Duration::seconds(1), "2026-11-25")
        .expect("known");
    assert!(none.is_empty());
    let (o, settled) = store
        .settle_refunds("a", "M1", settles, "2026-11-25")
        .expect("known");
    assert_eq!(settled.len(), 1);
    assert_eq!(
        (
            settled[0].refund_status,
            settled[0].refund_pay_time,
            settled[0].settles_at
        ),
        (RefundStatus::Success, settles, None)
    );
    assert_eq!(o.status, OrderStatus::TradeRefund);
    assert_eq!(store.next_due("a"), None);
}

#[test]
fn a_bill_waits_for_its_automatic_payment_while_unpaid() {
    let store = OrderStore::new(100);
    let mut b = bill("a", "B1", 20);
    b.auto_pay_at = Some(t0() + Duration::seconds(3));
    store.create_bill(b).expect("created");
    assert_eq!(store.due_at("a", t0() + Duration::seconds(3)).bills, ["B1"]);
    assert_eq!(store.take_bill_auto_pay("a", "B1", t0()), Ok(false));
    assert_eq!(
        store.take_bill_auto_pay("a", "B1", t0() + Duration::seconds(3)),
        Ok(true)
    );
    assert_eq!(store.next_due("a"), None);
}

#[test]
fn records_dropped_by_the_retention_bound_leave_the_due_index() {
    let store = OrderStore::new(1);
    for number in ["M1", "M2", "M3"] {
        let mut o = order("a", number, 100);
        o.expire_time = Some(t0() + Duration::hours(2));
        store.create(o).expect("created");
    }
    let due = store.due_at("a", t0() + Duration::hours(3)).orders;
    assert_eq!(due, ["M3"], "only the kept order is due");
}
