//! The payment-result and refund notifications: fields, order, the random field, signing.

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::*;
use crate::protocol::encode::{NotifyFormat, NotifySigning, encode};
use crate::protocol::events::{Merchant, NotificationEvent};
use crate::protocol::generate::{is_uuid_v4, notify_id, random_field};
use crate::protocol::signing::{NotifySignType, notify_sign, notify_signed_string};
use crate::protocol::timefmt::{date_beijing, parse_compact};

const KEY: &str = "fcAmtnx7MwismjWNhNKdHC44mNXtnEQeJkRrhKJwyrW2ysRR";

const PAYMENT_FIELDS: [&str; 22] = [
    "mid",
    "tid",
    "instMid",
    "merOrderId",
    "totalAmount",
    "buyerPayAmount",
    "invoiceAmount",
    "receiptAmount",
    "payTime",
    "createTime",
    "settleDate",
    "seqId",
    "status",
    "targetOrderId",
    "targetSys",
    "buyerId",
    "billFunds",
    "merName",
    "mchntUuid",
    "subInst",
    "connectSys",
    "orderDesc",
];

pub(super) fn names(fields: &[Field]) -> Vec<&str> {
    fields.iter().map(|(k, _)| k.as_ref()).collect()
}

pub(super) fn value<'a>(fields: &'a [Field], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The published order with a notifyId and random field of its own.
fn fresh(rng: &mut StdRng) -> PaymentNotice {
    PaymentNotice {
        notify_id: notify_id(rng),
        random_field: random_field(rng),
        ..PaymentNotice::published()
    }
}

fn refund_of(order: PaymentNotice) -> RefundNotice {
    let at = parse_compact("20220622093000").unwrap_or_default();
    RefundNotice {
        order,
        refund: Refund {
            refund_order_id: "31942022062200001".into(),
            refund_amount: 1,
            refund_target_order_id: "50300001472022062200291863541".into(),
            refund_pay_time: at,
            refund_settle_date: date_beijing(at),
        },
    }
}

#[test]
fn a_payment_notification_has_exactly_the_documented_fields_in_order() {
    let fields = PaymentNotice::published().fields();
    let mut expected = PAYMENT_FIELDS.to_vec();
    expected.extend(["notifyId", "ns"]);
    assert_eq!(names(&fields), expected);
    let v = |name| value(&fields, name);
    assert_eq!(v("payTime"), Some("2022-06-21 17:13:04"));
    assert_eq!(v("createTime"), Some("2022-06-21 17:12:53"));
    assert_eq!(v("settleDate"), Some("2022-06-21"));
    assert_eq!(v("status"), Some("TRADE_SUCCESS"));
    assert_eq!(v("connectSys"), Some("OPENCHANNEL"));
    assert_eq!(v("billFunds"), Some("现金支付0.01元。"));
    assert_eq!(v("ns"), Some("cyuT"));
}

#[test]
fn coupon_amount_and_the_echoed_fields_are_sent_only_when_the_order_has_them() {
    let notice = PaymentNotice {
        coupon_amount: 5,
        order_desc: Some(String::new()),
        attached_data: Some("a=1&b=2".into()),
        src_reserve: Some("reserved".into()),
        ..PaymentNotice::published()
    };
    let fields = notice.fields();
    let order = names(&fields);
    let at = |name| order.iter().position(|n| *n == name);
    assert_eq!(at("couponAmount"), Some(8), "after receiptAmount");
    assert_eq!(value(&fields, "couponAmount"), Some("5"));
    assert_eq!(at("orderDesc"), None, "an empty echo is left out");
    assert_eq!(at("attachedData"), Some(22), "after connectSys");
    assert_eq!(at("srcReserve"), Some(23));
    let none = PaymentNotice {
        order_desc: None,
        ..PaymentNotice::published()
    };
    let fields = none.fields();
    assert!(
        !names(&fields).contains(&"couponAmount"),
        "zero is left out"
    );
    assert!(!names(&fields).contains(&"orderDesc"));
}

#[test]
fn every_notification_gets_its_own_random_field_and_notify_id() {
    let mut rng = StdRng::seed_from_u64(11);
    let (a, b) = (fresh(&mut rng), fresh(&mut rng));
    assert_ne!(a.random_field, b.random_field);
    assert_ne!(a.notify_id, b.notify_id);
    for notice in [&a, &b] {
        assert!(is_uuid_v4(&notice.notify_id), "{}", notice.notify_id);
        let field = &notice.random_field;
        assert_eq!((field.name.len(), field.value.len()), (2, 4));
        let fields = notice.fields();
        assert_eq!(value(&fields, &field.name), Some(field.value.as_str()));
    }
}

#[test]
fn the_random_field_is_signed_like_any_other_field_and_sorts_by_byte_order() {
    let notice = PaymentNotice {
        random_field: RandomField::new("UV", "AIZq"),
        ..PaymentNotice::published()
    };
    let mut fields = notice.fields();
    fields.push(("signType".into(), "SHA256".into()));
    let signed = notify_signed_string(&fields, KEY);
    assert!(signed.starts_with("UV=AIZq&billFunds="), "{signed}");
    let sign = notify_sign(&fields, NotifySignType::Sha256, KEY);
    let sent = encode(
        &notice.fields(),
        NotifyFormat::Form,
        NotifySigning::Sha256,
        KEY,
    );
    assert_eq!(sent.payload["sign"].as_str(), Some(sign.as_str()));
    assert!(
        sent.body.contains("&UV=AIZq&signType=SHA256&sign="),
        "{}",
        sent.body
    );
    let other = PaymentNotice {
        random_field: RandomField::new("UV", "AIZr"),
        ..notice
    };
    let resent = encode(
        &other.fields(),
        NotifyFormat::Form,
        NotifySigning::Sha256,
        KEY,
    );
    assert_ne!(resent.payload["sign"], sent.payload["sign"]);
}

#[test]
fn a_refund_notification_is_the_payment_shape_with_trade_refund_and_the_refund_fields() {
    let refund = refund_of(PaymentNotice {
        random_field: RandomField::new("Qk", "rTzb"),
        ..PaymentNotice::published()
    });
    let fields = refund.fields();
    let mut expected = PAYMENT_FIELDS.to_vec();
    expected.extend([
        "refundOrderId",
        "refundAmount",
        "refundTargetOrderId",
        "refundPayTime",
        "refundSettleDate",
        "notifyId",
        "Qk",
    ]);
    assert_eq!(names(&fields), expected);
    let v = |name| value(&fields, name);
    assert_eq!(v("status"), Some("TRADE_REFUND"));
    assert_eq!(v("refundOrderId"), Some("31942022062200001"));
    assert_eq!(v("refundAmount"), Some("1"));
    assert_eq!(
        v("refundTargetOrderId"),
        Some("50300001472022062200291863541")
    );
    assert_eq!(v("refundPayTime"), Some("2022-06-22 09:30:00"));
    assert_eq!(v("refundSettleDate"), Some("2022-06-22"));
    assert_eq!(v("totalAmount"), Some("1"), "the order's amounts are kept");
    assert_eq!(v("notifyId"), Some(refund.order.notify_id.as_str()));
}

#[test]
fn legacy_md5_netpay_notifications_carry_no_sign_type_and_an_md5_sign() {
    let mut rng = StdRng::seed_from_u64(5);
    let payment = fresh(&mut rng);
    let refund = refund_of(fresh(&mut rng));
    for fields in [payment.fields(), refund.fields()] {
        let sent = encode(&fields, NotifyFormat::Form, NotifySigning::Md5Legacy, KEY);
        assert!(sent.payload.get("signType").is_none(), "{}", sent.body);
        let sign = notify_sign(&fields, NotifySignType::Md5, KEY);
        assert_eq!(sign.len(), 32);
        assert_eq!(sent.payload["sign"].as_str(), Some(sign.as_str()));
    }
}

#[test]
fn the_engine_lists_payments_and_refunds_by_kind_and_keeps_them_in_order_per_buyer() {
    let merchant = Merchant {
        mid: "ignored",
        sub_app_id: "",
        service_id: "",
    };
    let at = parse_compact("20300101000000").unwrap_or_default();
    let payment = PaymentNotice::published();
    let event: &dyn NotificationEvent = &payment;
    assert_eq!(event.event_type(), "NETPAY.PAYMENT");
    assert_eq!(event.subject(), "o8wNP0RtDiUq4NzMZyAGK5psp6hs");
    assert_eq!(
        event.fields("EV-1", &merchant, at),
        payment.fields(),
        "the notice's own facts, whatever the engine passes"
    );
    let refund = refund_of(PaymentNotice {
        buyer_id: String::new(),
        ..PaymentNotice::published()
    });
    let event: &dyn NotificationEvent = &refund;
    assert_eq!(event.event_type(), "NETPAY.REFUND");
    assert_eq!(
        event.subject(),
        "3194278460076848369664",
        "no buyer: the order"
    );
    assert_eq!(event.fields("EV-2", &merchant, at), refund.fields());
}

#[test]
fn amounts_in_fen_are_written_in_yuan_with_two_decimals() {
    assert_eq!(yuan(0), "0.00");
    assert_eq!(yuan(7), "0.07");
    assert_eq!(yuan(1_000_001), "10000.01");
    assert_eq!(cash_bill_funds(250), "现金支付2.50元。");
    assert_eq!(TradeStatus::WaitBuyerPay.as_str(), "WAIT_BUYER_PAY");
}
