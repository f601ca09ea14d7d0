//! The order store and state machine, without HTTP.

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::api::order::{Bill, BillStatus, Order, OrderFilter, OrderStatus, RefundStatus};
use crate::protocol::timefmt::parse_compact;

pub(super) fn t0() -> DateTime<Utc> {
    parse_compact("20261125120000").expect("a time")
}

pub(super) fn order(app: &str, number: &str, amount: u64) -> Order {
    Order {
        app_id: app.into(),
        mid: "898201612345678".into(),
        mer_order_id: number.into(),
        path: "/v1/netpay/wx/unified-order".into(),
        tid: Some("88880001".into()),
        inst_mid: "MINIDEFAULT".into(),
        total_amount: amount,
        status: OrderStatus::WaitBuyerPay,
        created_at: t0(),
        updated_at: t0(),
        ..Order::default()
    }
}

pub(super) fn bill(app: &str, number: &str, amount: u64) -> Bill {
    Bill {
        app_id: app.into(),
        mid: "898340149000005".into(),
        tid: None,
        inst_mid: "QRPAYDEFAULT".into(),
        bill_no: number.into(),
        bill_date: "2026-11-25".into(),
        bill_desc: None,
        total_amount: amount,
        bill_status: BillStatus::Unpaid,
        qr_code_id: format!("qr-{number}"),
        bill_qr_code: format!("http://127.0.0.1:1/__mock/cashier/qr-{number}"),
        created_at: t0(),
        updated_at: t0(),
        mer_order_id: None,
        auto_pay_at: None,
        notify_url: None,
        notifications: Vec::new(),
    }
}

pub(super) fn payment(amount: u64) -> Payment {
    Payment {
        pay_time: t0() + Duration::seconds(5),
        settle_date: "2026-11-25".into(),
        target_sys: "WXPay".into(),
        target_order_id: "4200000000202611250000000001".into(),
        seq_id: "01120706230N".into(),
        buyer_id: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into(),
        buyer_pay_amount: amount,
        coupon_amount: 0,
    }
}

pub(super) fn draft(id: &str, amount: u64) -> RefundDraft {
    RefundDraft {
        refund_order_id: id.into(),
        amount,
        desc: None,
        settles_at: None,
    }
}

pub(super) fn facts(_: &Order) -> RefundFacts {
    RefundFacts {
        refund_target_order_id: "50300000002026112500000000001".into(),
        at: t0() + Duration::seconds(10),
        settle_date: "2026-11-25".into(),
    }
}

pub(super) fn paid(store: &OrderStore, app: &str, number: &str, amount: u64) -> Order {
    store.create(order(app, number, amount)).expect("created");
    store
        .pay(app, number, |_| Ok(payment(amount)))
        .expect("paid")
}

#[test]
fn creating_the_same_order_twice_answers_the_first_and_a_changed_amount_is_a_duplicate() {
    let store = OrderStore::default();
    let mut first = order("a", "M1", 100);
    first.order_desc = Some("first".into());
    store.create(first).expect("created");
    let again = store.create(order("a", "M1", 100)).expect("the same order");
    assert_eq!(
        again.order_desc.as_deref(),
        Some("first"),
        "the one on record"
    );
    let dup = store.create(order("a", "M1", 101));
    assert!(
        matches!(dup, Err(OrderError::Duplicate { existing: 100, .. })),
        "{dup:?}"
    );
    let mut other_path = order("a", "M1", 100);
    other_path.path = "/v1/netpay/trade/create".into();
    assert!(
        store.create(other_path).is_err(),
        "another product is another order"
    );
    let mut same_product = order("a", "M1", 100);
    same_product.path = "/v1/netpay/wx/mini-pre-order".into();
    assert!(
        store.create(same_product).is_ok(),
        "the same product by its other path"
    );
    assert_eq!(store.len(), (1, 0));
}

#[test]
fn a_payment_records_its_facts_and_a_second_payment_is_refused() {
    let store = OrderStore::default();
    let order = paid(&store, "a", "M1", 100);
    assert_eq!(order.status, OrderStatus::TradeSuccess);
    assert_eq!(order.target_sys.as_deref(), Some("WXPay"));
    assert_eq!(order.pay_time, Some(t0() + Duration::seconds(5)));
    assert_eq!(order.buyer_pay_amount, Some(100));
    let mut called = false;
    let again = store.pay("a", "M1", |_| {
        called = true;
        Ok(payment(100))
    });
    assert!(matches!(
        again,
        Err(OrderError::NotPayable {
            status: OrderStatus::TradeSuccess,
            ..
        })
    ));
    assert!(
        !called,
        "no facts are made for an order that cannot be paid"
    );
}

#[test]
fn a_failed_payment_closes_the_order_and_a_closed_order_cannot_be_paid() {
    let store = OrderStore::default();
    store.create(order("a", "M1", 100)).expect("created");
    let failed = store.fail("a", "M1", t0()).expect("failed");
    assert_eq!(failed.status, OrderStatus::TradeClosed);
    assert_eq!(failed.pay_time, None);
    assert!(store.pay("a", "M1", |_| Ok(payment(100))).is_err());
}

#[test]
fn close_closes_an_unpaid_order_again_and_again_but_refuses_a_paid_one() {
    let store = OrderStore::default();
    store.create(order("a", "M1", 100)).expect("created");
    assert_eq!(
        store.close("a", "M1", t0()).map(|o| o.status),
        Ok(OrderStatus::TradeClosed)
    );
    assert_eq!(
        store.close("a", "M1", t0()).map(|o| o.status),
        Ok(OrderStatus::TradeClosed)
    );
    paid(&store, "a", "M2", 100);
    assert!(matches!(
        store.close("a", "M2", t0()),
        Err(OrderError::NotClosable {
            status: OrderStatus::TradeSuccess,
            ..
        })
    ));
}

#[test]
fn refunds_add_up_to_at_most_the_paid_amount_and_the_last_one_makes_it_trade_refund() {
    let store = OrderStore::default();
    paid(&store, "a", "M1", 100);
    let (order, refund) = store
        .refund("a", "M1", draft("R1", 30), facts)
        .expect("refunded");
    assert_eq!(
        (refund.refund_amount, refund.refund_status),
        (30, RefundStatus::Success)
    );
    assert_eq!(
        (order.status, order.refundable()),
        (OrderStatus::TradeSuccess, 70)
    );
    let too_much = store.refund("a", "M1", draft("R2", 71), facts);
    assert_eq!(
        too_much.map(|_| ()),
        Err(OrderError::RefundTooLarge {
            requested: 71,
            refundable: 70
        })
    );
    let (order, _) = store
        .refund("a", "M1", draft("R2", 70), facts)
        .expect("the rest");
    assert_eq!(
        (order.status, order.refundable()),
        (OrderStatus::TradeRefund, 0)
    );
    assert!(
        store.refund("a", "M1", draft("R3", 1), facts).is_err(),
        "nothing left"
    );
}

#[test]
fn the_same_refund_order_id_answers_the_refund_on_record_instead_of_refunding_twice() {
    let store = OrderStore::default();
    paid(&store, "a", "M1", 100);
    let (_, first) = store
        .refund("a", "M1", draft("R1", 40), facts)
        .expect("refunded");
    let mut asked = false;
    let (order, again) = store
        .refund("a", "M1", draft("R1", 40), |o| {
            asked = true;
            facts(o)
        })
        .expect("the same refund");
    assert_eq!(again, first);
    assert!(!asked);
    assert_eq!((order.refunds.len(), order.refundable()), (1, 60));
}

#[test]
fn an_unpaid_or_unknown_order_cannot_be_refunded() {
    let store = OrderStore::default();
    store.create(order("a", "M1", 100)).expect("created");
    assert!(matches!(
        store.refund("a", "M1", draft("R1", 1), facts),
        Err(OrderError::NotRefundable {
            status: OrderStatus::WaitBuyerPay,
            ..
        })
    ));
    assert!(matches!(
        store.refund("a", "nope", draft("R1", 1), facts),
        Err(OrderError::NotFound { .. })
    ));
}

#[test]
fn the_payer_and_the_coupons_share_the_total() {
    use machine::split_amount;
    assert_eq!(split_amount(100, None, None), Ok((100, 0)));
    assert_eq!(split_amount(100, None, Some(10)), Ok((90, 10)));
    assert_eq!(split_amount(100, Some(80), None), Ok((80, 20)));
    assert_eq!(split_amount(100, Some(80), Some(20)), Ok((80, 20)));
    assert!(split_amount(100, Some(80), Some(10)).is_err());
    assert!(split_amount(100, None, Some(101)).is_err());
    assert!(split_amount(100, Some(u64::MAX), Some(1)).is_err());
}

#[test]
fn one_apps_orders_are_not_anothers_and_a_shared_number_needs_the_app() {
    let store = OrderStore::default();
    store.create(order("a", "M1", 100)).expect("created");
    assert!(matches!(
        store.order("b", "M1"),
        Err(OrderError::NotFound { .. })
    ));
    assert!(store.pay("b", "M1", |_| Ok(payment(100))).is_err());
    assert_eq!(store.find("M1", None).map(|o| o.app_id), Ok("a".to_owned()));
    store.create(order("b", "M1", 5)).expect("b's own M1");
    assert!(matches!(
        store.find("M1", None),
        Err(OrderError::Ambiguous { .. })
    ));
    assert_eq!(store.find("M1", Some("b")).map(|o| o.total_amount), Ok(5));
}

#[test]
fn lists_are_newest_first_filtered_and_limited() {
    let store = OrderStore::default();
    for n in 1..=5 {
        store
            .create(order("a", &format!("M{n}"), n))
            .expect("created");
    }
    store.create(order("b", "B1", 1)).expect("created");
    paid(&store, "a", "M9", 9);
    let numbers = |f: OrderFilter| -> Vec<String> {
        store.list(&f).into_iter().map(|o| o.mer_order_id).collect()
    };
    assert_eq!(
        numbers(OrderFilter::default()),
        ["M9", "B1", "M5", "M4", "M3", "M2", "M1"]
    );
    let filter = OrderFilter {
        app_id: Some("a".into()),
        limit: Some(2),
        ..OrderFilter::default()
    };
    assert_eq!(numbers(filter), ["M9", "M5"]);
    let filter = OrderFilter {
        status: Some(OrderStatus::TradeSuccess),
        ..OrderFilter::default()
    };
    assert_eq!(numbers(filter), ["M9"]);
}

#[test]
fn beyond_the_retention_bound_settled_orders_go_first_then_the_oldest_open_ones() {
    let store = OrderStore::new(3);
    paid(&store, "a", "P1", 1);
    store.create(order("a", "O1", 1)).expect("created");
    store.create(order("a", "O2", 1)).expect("created");
    store.create(order("a", "O3", 1)).expect("created");
    assert!(
        store.order("a", "P1").is_err(),
        "the settled one went first"
    );
    assert_eq!(store.dropped(), 1);
    store.create(order("a", "O4", 1)).expect("created");
    assert!(
        store.order("a", "O1").is_err(),
        "then the least recently changed open one"
    );
    assert!(store.order("a", "O4").is_ok(), "never the new one");
    assert_eq!(store.dropped(), 2);
    let gone = store.order("a", "O1").map(|_| ()).unwrap_err().to_string();
    assert!(gone.contains("--order-retention"), "{gone}");
}

#[test]
fn with_a_retention_of_zero_only_unsettled_orders_stay() {
    let store = OrderStore::new(0);
    store.create(order("a", "O1", 1)).expect("created");
    assert!(store.order("a", "O1").is_ok());
    store.close("a", "O1", t0()).expect("closed");
    assert!(store.order("a", "O1").is_err());
    assert_eq!(store.dropped(), 1);
}
