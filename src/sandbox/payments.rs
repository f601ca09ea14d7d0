//! The payment-result notification of a paid order (netpay.md §3), sent through the same engine
//! as every other notification: ladder, faults, redelivery, waits and the attempt log.

use chrono::NaiveDate;
use rand::RngExt;

use super::Sandbox;
use crate::api::app::App;
use crate::api::notification::Notification;
use crate::api::order::Order;
use crate::protocol::events::netpay::{PaymentNotice, TradeStatus, cash_bill_funds, yuan};
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
    let buyer_pay = order.buyer_pay_amount.unwrap_or(order.total_amount);
    let coupon = order.coupon_amount.unwrap_or(0);
    let settle_date = order
        .settle_date
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or_else(|| date_beijing(pay_time));
    Some(PaymentNotice {
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
    })
}

impl Sandbox {
    /// Sends the payment-result notification of a paid order to its `notifyUrl` (else the
    /// app's callback URL) and notes it on the order. `None` for an order that is not paid.
    pub(super) fn notify_payment(&self, app: &App, order: &Order) -> Option<Notification> {
        let notice = payment_notice(app, order, &mut *self.rng.lock())?;
        let now = self.clock_of(&app.app_id).now();
        let n = self
            .notify
            .emit(app, &notice, order.notify_url.clone(), now);
        if let Err(e) = self
            .orders
            .note_notification(&app.app_id, &order.mer_order_id, &n.id)
        {
            // The order can only be gone if the retention bound dropped it meanwhile.
            tracing::warn!(mer_order_id = %order.mer_order_id, error = %e, "payment notification of an order no longer kept");
        }
        tracing::info!(app_id = %app.app_id, mer_order_id = %order.mer_order_id, id = %n.id, "payment notification");
        Some(n)
    }
}
