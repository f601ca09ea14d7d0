//! The netpay use cases, without HTTP: times from the app's own clock, generated values of the
//! realistic shapes, tenants apart.

use chrono::Duration;

use super::*;
use crate::api::app::AppSpec;
use crate::api::order::{BillStatus, OrderStatus, PayOutcome, PayRequest};
use crate::sandbox::NewBill;
use crate::sandbox::tests::{noon, sandbox};

const APP: &str = "10037e6f66f2d0f901672aa27d690006";
const MID: &str = "898201612345678";

fn new_order(path: &str, number: &str, amount: u64) -> NewOrder {
    NewOrder {
        path: path.into(),
        mid: MID.into(),
        mer_order_id: number.into(),
        total_amount: amount,
        ..NewOrder::default()
    }
}

fn pay(state: &Sandbox, number: &str) -> Result<OrderPaid, PayError> {
    state.pay_order(number, PayRequest::default())
}

#[test]
fn a_mini_program_order_waits_for_the_buyer_with_the_wallet_parameters() {
    let state = sandbox();
    let app = state.app(APP).expect("the fixture app");
    let order = state
        .create_order(
            &app,
            new_order("/v1/netpay/wx/unified-order", "3194A1", 288),
        )
        .expect("created");
    assert_eq!(order.status, OrderStatus::WaitBuyerPay);
    assert_eq!(
        (order.created_at, order.inst_mid.as_str()),
        (noon(), "MINIDEFAULT")
    );
    let wallet = order.wallet_request.clone().expect("miniPayRequest");
    assert_eq!(wallet["appId"], app.sub_app_id);
    assert!(wallet["package"].starts_with("prepay_id=wx20261125120000"));
    assert_eq!(order.cashier_url, None);
    let again = state
        .create_order(
            &app,
            new_order("/v1/netpay/wx/unified-order", "3194A1", 288),
        )
        .expect("the same order");
    assert_eq!(again, order, "the same wallet parameters, not new ones");
}

#[test]
fn qr_and_h5_orders_are_new_and_open_a_cashier_page() {
    let state = sandbox();
    let app = state.app(APP).expect("the fixture app");
    for (path, number) in [
        ("/v1/netpay/trade/precreate", "Q1"),
        ("/v1/netpay/wxpay/h5-pay", "H1"),
    ] {
        let order = state
            .create_order(&app, new_order(path, number, 1))
            .expect("created");
        assert_eq!(order.status, OrderStatus::NewOrder);
        let url = order.cashier_url.clone().expect("a cashier page");
        assert!(
            url.starts_with("http://127.0.0.1:1/__mock/cashier/"),
            "{url}"
        );
        let token = url.rsplit('/').next().unwrap_or_default();
        assert!(
            matches!(state.orders.cashier(token), Some(crate::domain::orders::Cashier::Order(o)) if *o == order)
        );
    }
}

#[test]
fn a_payment_has_realistic_values_at_the_apps_own_time() {
    let state = sandbox();
    let spec: AppSpec = serde_json::from_value(serde_json::json!({"clock": "new"})).expect("spec");
    let app = state.create_app(&spec).expect("an app on its own clock");
    let clock = state.clock_of(&app.app_id);
    clock.set(Some(noon()), Some(true));
    let mut new = new_order("/v1/netpay/wx/unified-order", "M1", 100);
    new.mid = app.mid.clone();
    state.create_order(&app, new).expect("created");
    clock.advance(Duration::hours(30));
    let paid = pay(&state, "M1").expect("paid");
    let order = paid.order;
    let n = paid.notification.expect("a payment notification");
    assert_eq!(order.notifications, [n.id.as_str()]);
    assert_eq!(
        n.created_at,
        noon() + Duration::hours(30),
        "in the app's time"
    );
    assert_eq!(order.status, OrderStatus::TradeSuccess);
    assert_eq!(order.pay_time, Some(noon() + Duration::hours(30)));
    assert_eq!(order.settle_date.as_deref(), Some("2026-11-26"));
    let target = order.target_order_id.clone().unwrap_or_default();
    assert!(target.len() == 28 && target.starts_with("4200"), "{target}");
    let seq = order.seq_id.clone().unwrap_or_default();
    assert!(seq.len() == 12 && seq.ends_with('N'), "{seq}");
    let buyer = order.buyer_id.clone().unwrap_or_default();
    assert!(buyer.len() == 28 && buyer.starts_with('o'), "{buyer}");
    assert_eq!(
        (order.buyer_pay_amount, order.coupon_amount),
        (Some(100), Some(0))
    );
    assert_eq!(state.clock.now(), noon(), "the default clock did not move");
}

#[test]
fn the_payer_chooses_the_channel_and_the_coupon_or_fails() {
    let state = sandbox();
    let app = state.app(APP).expect("the fixture app");
    state
        .create_order(&app, new_order("/v1/netpay/trade/create", "A1", 100))
        .expect("created");
    let request = PayRequest {
        coupon_amount: Some(10),
        ..PayRequest::default()
    };
    let order = state.pay_order("A1", request).expect("paid").order;
    assert_eq!(order.target_sys.as_deref(), Some("Alipay 2.0"));
    assert!(order.buyer_id.is_some_and(|b| b.starts_with("2088")));
    assert_eq!(
        (order.buyer_pay_amount, order.coupon_amount),
        (Some(90), Some(10))
    );

    state
        .create_order(&app, new_order("/v1/netpay/trade/create", "A2", 100))
        .expect("created");
    let too_much = PayRequest {
        coupon_amount: Some(101),
        ..PayRequest::default()
    };
    assert!(matches!(
        state.pay_order("A2", too_much),
        Err(PayError::Order(OrderError::Invalid(_)))
    ));
    let fail = PayRequest {
        outcome: PayOutcome::Fail,
        ..PayRequest::default()
    };
    let closed = state.pay_order("A2", fail).expect("failed").order;
    assert_eq!(
        (closed.status, closed.pay_time),
        (OrderStatus::TradeClosed, None)
    );
    assert!(matches!(
        pay(&state, "A2"),
        Err(PayError::Order(OrderError::NotPayable { .. }))
    ));
}

#[test]
fn an_order_of_another_app_is_neither_seen_nor_paid_in_its_name() {
    let state = sandbox();
    let app = state.app(APP).expect("the fixture app");
    let other = state.create_app(&AppSpec::default()).expect("another app");
    state
        .create_order(&app, new_order("/v1/netpay/wx/unified-order", "M1", 1))
        .expect("created");
    assert!(state.app_order(&other, "M1").is_err());
    let as_other = PayRequest {
        app_id: Some(other.app_id.clone()),
        ..PayRequest::default()
    };
    assert!(matches!(
        state.pay_order("M1", as_other),
        Err(PayError::Order(OrderError::NotFound { .. }))
    ));
    let unknown_app = PayRequest {
        app_id: Some("nope".into()),
        ..PayRequest::default()
    };
    assert!(matches!(
        state.pay_order("M1", unknown_app),
        Err(PayError::App(_))
    ));
    assert!(pay(&state, "nope").is_err());
}

#[test]
fn a_refund_without_a_number_gets_one_of_the_apps_and_the_channels_number() {
    let state = sandbox();
    let app = state.app(APP).expect("the fixture app");
    state
        .create_order(&app, new_order("/v1/netpay/wx/unified-order", "M1", 100))
        .expect("created");
    pay(&state, "M1").expect("paid");
    let (order, refund) = state
        .refund_order(&app, "M1", None, 30, Some("broken".into()))
        .expect("refunded");
    assert!(refund.refund_order_id.starts_with("319420261125120000"));
    assert!(refund.refund_target_order_id.starts_with("5030"));
    assert_eq!((refund.refund_pay_time, order.refundable()), (noon(), 70));
    assert!(state.close_order(&app, "M1").is_err(), "paid: not closable");
}

#[test]
fn a_bill_is_paid_by_the_order_billno_zero_and_refunded_through_it() {
    let state = sandbox();
    let app = state
        .app("10037e6f6823b20801682b6a5e5a0006")
        .expect("the QR app");
    let bill = state
        .create_bill(
            &app,
            NewBill {
                mid: app.mid.clone(),
                bill_no: "3194B1".into(),
                total_amount: 20,
                ..NewBill::default()
            },
        )
        .expect("created");
    assert_eq!(
        (bill.bill_status, bill.bill_date.as_str()),
        (BillStatus::Unpaid, "2026-11-25")
    );
    assert!(bill.bill_qr_code.ends_with(&bill.qr_code_id));
    assert!(bill.qr_code_id.starts_with("1000261125") && bill.qr_code_id.len() == 26);
    assert_eq!(state.bill_by_code(&app, &bill.qr_code_id), Ok(bill.clone()));
    let paid = state
        .pay_bill("3194B1", PayRequest::default())
        .expect("paid");
    let order = paid.order.expect("the payment's order");
    assert_eq!(order.mer_order_id, "3194B10");
    assert_eq!(
        (order.status, order.bill_no.as_deref()),
        (OrderStatus::TradeSuccess, Some("3194B1"))
    );
    assert_eq!(paid.bill.bill_status, BillStatus::Paid);
    assert!(state.close_bill(&app, "3194B1").is_err());
    let (bill, _, _) = state
        .refund_bill(&app, "3194B1", Some("R1".into()), 20, None)
        .expect("refunded");
    assert_eq!(bill.bill_status, BillStatus::Refund);
}

#[test]
fn a_b_scan_c_payment_is_paid_at_once_and_can_be_voided() {
    let state = sandbox();
    let app = state.app(APP).expect("the fixture app");
    let order = state
        .poslink_pay(&app, new_order("/v2/poslink/transaction/pay", "P1", 5))
        .expect("paid");
    assert_eq!(order.status, OrderStatus::TradeSuccess);
    let platform = order.platform_order_id.clone().expect("orderId");
    assert!(platform.starts_with("20261125120000") && platform.len() == 26);
    let again = state
        .poslink_pay(&app, new_order("/v2/poslink/transaction/pay", "P1", 5))
        .expect("the same payment");
    assert_eq!(again, order);
    assert_eq!(
        state.poslink_order(&app, None, Some(&platform)),
        Ok(order.clone())
    );
    let voided = state.void_order(&app, "P1").expect("voided");
    assert_eq!(voided.status, OrderStatus::TradeClosed);
    assert!(
        voided.pay_time.is_some(),
        "the reversed payment stays on record"
    );
}

#[test]
fn a_paid_order_sends_its_payment_notification_with_the_orders_facts_to_its_notify_url() {
    let state = sandbox();
    let app = state.app(APP).expect("the fixture app");
    let mut new = new_order("/v1/netpay/wx/unified-order", "M1", 100);
    new.order_desc = Some("test".into());
    new.notify_url = Some("http://127.0.0.1:9/notify".into());
    state.create_order(&app, new).expect("created");
    let request = PayRequest {
        coupon_amount: Some(1),
        ..PayRequest::default()
    };
    let paid = state.pay_order("M1", request).expect("paid");
    let n = paid.notification.expect("a payment notification");
    assert_eq!(n.callback_url.as_deref(), Some("http://127.0.0.1:9/notify"));
    assert_eq!(n.event_type, "NETPAY.PAYMENT");
    let field = |name: &str| n.payload[name].as_str().map(str::to_owned);
    assert_eq!(field("payTime").as_deref(), Some("2026-11-25 12:00:00"));
    assert_eq!(field("status").as_deref(), Some("TRADE_SUCCESS"));
    assert_eq!(
        field("billFunds").as_deref(),
        Some("现金支付0.99元，优惠0.01元。")
    );
    assert_eq!(field("couponAmount").as_deref(), Some("1"));
    assert_eq!(field("orderDesc").as_deref(), Some("test"));
    assert_eq!(field("merOrderId").as_deref(), Some("M1"));
    assert_eq!(
        field("attachedData"),
        None,
        "what the order lacks stays out"
    );
    assert!(field("notifyId").is_some_and(|id| id.len() == 36));
    assert!(field("sign").is_some());
    // The random extra field: one two-letter member besides the named ones.
    let extra = n
        .payload
        .as_object()
        .map(|o| o.keys().filter(|k| k.len() == 2).count());
    assert_eq!(extra, Some(1), "{}", n.payload);
    assert_eq!(paid.order.notifications, [n.id]);
}

#[test]
fn removing_an_app_or_resetting_drops_its_orders() {
    let state = sandbox();
    let app = state.app(APP).expect("the fixture app");
    state
        .create_order(&app, new_order("/v1/netpay/wx/unified-order", "M1", 1))
        .expect("created");
    state.reset_app(APP).expect("reset");
    assert!(state.app_order(&app, "M1").is_err());
    state
        .create_order(&app, new_order("/v1/netpay/wx/unified-order", "M2", 1))
        .expect("created");
    state.reset_all().expect("reset");
    assert!(state.orders.list(&Default::default()).is_empty());
}
