//! What the platform's netpay notifications say about an order (docs/payments.md): the
//! payment result of a paid order, the refund notification of one of its refunds and the QR
//! bills notification of a paid bill. Each has a fresh `notifyId`, `mchntUuid` and random
//! extra field, as every notification the platform sends does.

use chrono::{DateTime, NaiveDate, Utc};
use rand::RngExt;

use crate::api::app::App;
use crate::api::order::{Bill, Order, Refund};
use crate::protocol::events::netpay::{
    BillNotice, BillPayment, BillStatus, PaymentNotice, Refund as RefundPart, RefundNotice,
    TradeStatus, cash_bill_funds, yuan,
};
use crate::protocol::generate::{mchnt_uuid, notify_id, random_field};
use crate::protocol::timefmt::date_beijing;

/// `subInst` of the sandbox's notifications: the sub-institution seen in the public record.
const SUB_INST: &str = "000100";

/// `billFunds`: cash, and the coupon when there was one (`现金支付0.99元，优惠0.01元。`).
fn bill_funds(buyer_pay: u64, coupon: u64) -> String {
    if coupon == 0 {
        cash_bill_funds(buyer_pay)
    } else {
        format!("现金支付{}元，优惠{}元。", yuan(buyer_pay), yuan(coupon))
    }
}

/// What the payment-result notification of a paid `order` of `app` says, with a fresh
/// `notifyId`, `mchntUuid` and random extra field from `rng`. `None` for an order that is not
/// paid.
pub fn payment_notice<R: RngExt + ?Sized>(
    app: &App,
    order: &Order,
    rng: &mut R,
) -> Option<PaymentNotice> {
    let pay_time = order.pay_time?;
    Some(payment_notice_at(app, order, pay_time, rng))
}

/// [`payment_notice`] of an `order` paid at `pay_time`, for a caller that paid it itself.
pub fn payment_notice_at<R: RngExt + ?Sized>(
    app: &App,
    order: &Order,
    pay_time: DateTime<Utc>,
    rng: &mut R,
) -> PaymentNotice {
    let buyer_pay = order.buyer_pay_amount.unwrap_or(order.total_amount);
    let coupon = order.coupon_amount.unwrap_or(0);
    let settle_date = day(order.settle_date.as_deref(), pay_time);
    PaymentNotice {
        mid: order.mid.clone(),
        tid: order.tid.clone().unwrap_or_default(),
        inst_mid: order.inst_mid.clone(),
        mer_order_id: order.mer_order_id.clone(),
        total_amount: order.total_amount,
        buyer_pay_amount: buyer_pay,
        invoice_amount: buyer_pay,
        receipt_amount: order.total_amount,
        coupon_amount: coupon,
        pay_time,
        create_time: order.created_at,
        settle_date,
        seq_id: order.seq_id.clone().unwrap_or_default(),
        status: TradeStatus::TradeSuccess,
        target_order_id: order.target_order_id.clone().unwrap_or_default(),
        target_sys: order.target_sys.clone().unwrap_or_default(),
        buyer_id: order.buyer_id.clone().unwrap_or_default(),
        bill_funds: bill_funds(buyer_pay, coupon),
        mer_name: app.name.clone(),
        mchnt_uuid: mchnt_uuid(rng),
        sub_inst: SUB_INST.to_owned(),
        order_desc: order.order_desc.clone(),
        attached_data: order.attached_data.clone(),
        src_reserve: order.src_reserve.clone(),
        notify_id: notify_id(rng),
        random_field: random_field(rng),
    }
}

/// A `yyyy-MM-dd` date of a record, or the Beijing day of `fallback`.
fn day(text: Option<&str>, fallback: DateTime<Utc>) -> NaiveDate {
    text.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or_else(|| date_beijing(fallback))
}

/// What the QR bills notification of a `bill` paid as `order` says (docs/payments.md), with a
/// fresh `notifyId`, `mchntUuid`, `memberId` and random extra field. `None` for an order that
/// is not paid.
pub fn bill_notice<R: RngExt + ?Sized>(
    app: &App,
    bill: &Bill,
    order: &Order,
    rng: &mut R,
) -> Option<BillNotice> {
    let pay_time = order.pay_time?;
    let buyer_pay = order.buyer_pay_amount.unwrap_or(order.total_amount);
    let seq_id = order.seq_id.clone().unwrap_or_default();
    Some(BillNotice {
        mid: bill.mid.clone(),
        tid: bill.tid.clone().unwrap_or_default(),
        inst_mid: bill.inst_mid.clone(),
        bill_no: bill.bill_no.clone(),
        bill_date: day(Some(&bill.bill_date), bill.created_at),
        bill_desc: bill.bill_desc.clone().unwrap_or_default(),
        bill_qr_code: bill.bill_qr_code.clone(),
        qr_code_id: bill.qr_code_id.clone(),
        bill_status: BillStatus::Paid,
        create_time: bill.created_at,
        total_amount: bill.total_amount,
        receipt_amount: bill.total_amount,
        mer_name: app.name.clone(),
        member_id: mchnt_uuid(rng),
        mchnt_uuid: mchnt_uuid(rng),
        sub_inst: SUB_INST.to_owned(),
        seq_id: seq_id.clone(),
        bill_payment: BillPayment {
            pay_time,
            pay_seq_id: seq_id,
            invoice_amount: buyer_pay,
            settle_date: day(order.settle_date.as_deref(), pay_time),
            buyer_id: order.buyer_id.clone().unwrap_or_default(),
            receipt_amount: order.total_amount,
            total_amount: order.total_amount,
            buyer_pay_amount: buyer_pay,
            target_order_id: order.target_order_id.clone().unwrap_or_default(),
            mer_order_id: order.mer_order_id.clone(),
            status: TradeStatus::TradeSuccess,
            target_sys: order.target_sys.clone().unwrap_or_default(),
            pay_detail: Some(cash_bill_funds(buyer_pay)),
        },
        notify_id: notify_id(rng),
        random_field: random_field(rng),
    })
}

/// What the refund notification of `refund` says: `payment`, the order's payment notice made
/// for this notification (its own `notifyId` and random extra field), sent with
/// `status=TRADE_REFUND`, then the refund's fields.
pub fn refund_notice(payment: PaymentNotice, refund: &Refund) -> RefundNotice {
    RefundNotice {
        order: payment,
        refund: RefundPart {
            refund_order_id: refund.refund_order_id.clone(),
            refund_amount: refund.refund_amount,
            refund_target_order_id: refund.refund_target_order_id.clone(),
            refund_pay_time: refund.refund_pay_time,
            refund_settle_date: day(Some(&refund.refund_settle_date), refund.refund_pay_time),
        },
    }
}
