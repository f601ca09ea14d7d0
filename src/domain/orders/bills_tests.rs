//! QR bills, cashier pages and snapshots in the order store.

use super::tests::{bill, draft, facts, order, paid, t0};
use super::*;
use crate::api::order::{BillFilter, BillStatus, OrderFilter, OrderStatus};

#[test]
fn a_bill_is_paid_once_by_an_order_of_its_own_and_refunded_through_it() {
    let store = OrderStore::default();
    store.create_bill(bill("q", "B1", 20)).expect("created");
    assert!(
        store.create_bill(bill("q", "B1", 21)).is_err(),
        "another amount"
    );
    let (bill, order) = store
        .pay_bill("q", "B1", |b| {
            let mut o = order("q", &format!("{}0", b.bill_no), b.total_amount);
            o.status = OrderStatus::TradeSuccess;
            o.bill_no = Some(b.bill_no.clone());
            o
        })
        .expect("paid");
    assert_eq!(
        (bill.bill_status, bill.mer_order_id.as_deref()),
        (BillStatus::Paid, Some("B10"))
    );
    assert_eq!(store.bill_order(&bill), Some(order));
    assert!(store.pay_bill("q", "B1", |_| unreachable!()).is_err());
    let (bill, _, _) = store
        .refund_bill("q", "B1", draft("R1", 5), facts)
        .expect("refunded");
    assert_eq!(bill.bill_status, BillStatus::Paid);
    let (bill, order, _) = store
        .refund_bill("q", "B1", draft("R2", 15), facts)
        .expect("refunded");
    assert_eq!(
        (bill.bill_status, order.status),
        (BillStatus::Refund, OrderStatus::TradeRefund)
    );
}

#[test]
fn only_an_unpaid_bill_changes_or_closes() {
    let store = OrderStore::default();
    store.create_bill(bill("q", "B1", 20)).expect("created");
    let changed = store
        .change_bill("q", "B1", t0(), |b| b.total_amount = 30)
        .expect("changed");
    assert_eq!(changed.total_amount, 30);
    let closed = store
        .change_bill("q", "B1", t0(), |b| b.bill_status = BillStatus::Closed)
        .expect("closed");
    assert_eq!(closed.bill_status, BillStatus::Closed);
    assert!(matches!(
        store.change_bill("q", "B1", t0(), |_| {}),
        Err(OrderError::BillNotUnpaid {
            status: BillStatus::Closed,
            ..
        })
    ));
    assert!(store.refund_bill("q", "B1", draft("R1", 1), facts).is_err());
    let filter = BillFilter {
        status: Some(BillStatus::Closed),
        ..BillFilter::default()
    };
    assert_eq!(store.list_bills(&filter).len(), 1);
}

#[test]
fn a_cashier_token_opens_its_order_or_bill_until_the_app_goes() {
    let store = OrderStore::default();
    let mut h5 = order("a", "H1", 10);
    h5.cashier_url = Some("http://127.0.0.1:1/__mock/cashier/tok1".into());
    store.create(h5).expect("created");
    store.create_bill(bill("a", "B1", 20)).expect("created");
    assert!(matches!(store.cashier("tok1"), Some(Cashier::Order(o)) if o.mer_order_id == "H1"));
    assert!(matches!(store.cashier("qr-B1"), Some(Cashier::Bill(b)) if b.bill_no == "B1"));
    assert_eq!(store.cashier("nope"), None);
    store.remove_app("a");
    assert_eq!(store.cashier("tok1"), None);
    assert_eq!(store.len(), (0, 0));
    assert_eq!(
        store.dropped(),
        0,
        "removing an app is not the retention bound"
    );
}

#[test]
fn a_snapshot_restores_orders_bills_cashier_pages_and_the_dropped_count() {
    let store = OrderStore::new(2);
    store.create(order("a", "M1", 1)).expect("created");
    store.create(order("a", "M2", 2)).expect("created");
    paid(&store, "a", "M3", 3);
    let mut h5 = order("a", "H1", 10);
    h5.cashier_url = Some("http://127.0.0.1:1/__mock/cashier/tok1".into());
    store.create(h5).expect("created");
    store.create_bill(bill("a", "B1", 20)).expect("created");
    let snapshot = store.snapshot();
    assert_eq!(snapshot.dropped, 2);
    let numbers: Vec<&str> = snapshot
        .orders
        .iter()
        .map(|o| o.mer_order_id.as_str())
        .collect();
    assert_eq!(numbers, ["M2", "H1"]);

    let back = OrderStore::new(2);
    back.restore(snapshot.clone());
    assert_eq!(back.snapshot(), snapshot);
    assert!(back.cashier("tok1").is_some() && back.cashier("qr-B1").is_some());

    let smaller = OrderStore::new(1);
    smaller.restore(snapshot);
    assert_eq!(smaller.len(), (1, 1));
    assert_eq!(smaller.dropped(), 3, "what a smaller bound drops counts");
    assert_eq!(smaller.list(&OrderFilter::default())[0].mer_order_id, "H1");
}

#[test]
fn a_snapshot_keeps_the_order_of_last_changes_so_a_restore_drops_what_the_store_would_have() {
    let store = OrderStore::default();
    for number in ["A", "B", "C"] {
        store.create(order("a", number, 1)).expect("created");
    }
    store
        .pay("a", "A", |_| Ok(super::tests::payment(1)))
        .expect("paid");
    store.create_bill(bill("a", "B1", 20)).expect("created");
    store.create_bill(bill("a", "B2", 20)).expect("created");
    store
        .change_bill("a", "B1", t0(), |b| b.total_amount = 30)
        .expect("changed");
    let snapshot = store.snapshot();
    assert_eq!(snapshot.order_changes, [1, 2, 0], "A was changed last");
    assert_eq!(snapshot.bill_changes, [1, 0]);

    let back = OrderStore::default();
    back.restore(snapshot.clone());
    assert_eq!(back.snapshot(), snapshot);

    // A, changed last, is spared; of the open ones, B was changed least recently.
    let smaller = OrderStore::new(2);
    smaller.restore(snapshot.clone());
    let kept: Vec<String> = smaller
        .list(&OrderFilter::default())
        .into_iter()
        .map(|o| o.mer_order_id)
        .collect();
    assert_eq!(kept, ["C", "A"]);
    assert_eq!(smaller.dropped(), 1);

    let as_created = OrderStore::default();
    as_created.restore(super::snapshot::Snapshot {
        order_changes: Vec::new(),
        bill_changes: vec![7],
        ..snapshot
    });
    assert_eq!(as_created.snapshot().order_changes, [0, 1, 2]);
    assert_eq!(
        as_created.snapshot().bill_changes,
        [0, 1],
        "a position out of range is passed over"
    );
}
