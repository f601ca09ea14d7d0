//! The payment-result notification of a paid order (docs/payments.md), sent through the same engine
//! as every other notification: ladder, faults, redelivery, waits and the attempt log.

use chrono::NaiveDate;
use rand::RngExt;

use super::Sandbox;
use crate::api::app::App;
use crate::api::notification::Notification;
use crate::api::order::{Bill, Order, Refund};
use crate::domain::orders::OrderError;
use crate::protocol::events::NotificationEvent;
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
    let buyer_pay = order.buyer_pay_amount.unwrap_or(order.total_amount);
    let coupon = order.coupon_amount.unwrap_or(0);
    let settle_date = day(order.settle_date.as_deref(), pay_time);
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

/// A `yyyy-MM-dd` date of a record, or the Beijing day of `fallback`.
fn day(text: Option<&str>, fallback: chrono::DateTime<chrono::Utc>) -> NaiveDate {
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

impl Sandbox {
    /// Sends `notice` for `app` (to `url`, else the app's callback URL) at the app's time and
    /// notes it on the order or bill it is about (`note`). A record the retention bound dropped
    /// meanwhile is only logged.
    fn send_netpay(
        &self,
        app: &App,
        notice: &dyn NotificationEvent,
        url: Option<String>,
        note: impl FnOnce(&str) -> Result<(), OrderError>,
    ) -> Notification {
        let now = self.clock_of(&app.app_id).now();
        let n = self.notify.emit(app, notice, url, now);
        if let Err(e) = note(&n.id) {
            tracing::warn!(id = %n.id, error = %e, "notification of a record no longer kept");
        }
        tracing::info!(app_id = %app.app_id, subject = notice.subject(), id = %n.id, kind = notice.event_type(), "netpay notification");
        n
    }

    /// Sends the QR bills notification of a paid bill to its `notifyUrl` (else the app's
    /// callback URL) and notes it on the bill.
    pub(super) fn notify_bill_payment(
        &self,
        app: &App,
        bill: &Bill,
        order: &Order,
    ) -> Option<Notification> {
        let notice = bill_notice(app, bill, order, &mut *self.rng.lock())?;
        Some(
            self.send_netpay(app, &notice, bill.notify_url.clone(), |id| {
                self.orders
                    .note_bill_notification(&app.app_id, &bill.bill_no, id)
                    .map(drop)
            }),
        )
    }

    /// Sends the payment-result notification of a paid order to its `notifyUrl` (else the
    /// app's callback URL) and notes it on the order. `None` for an order that is not paid.
    pub(super) fn notify_payment(&self, app: &App, order: &Order) -> Option<Notification> {
        let notice = payment_notice(app, order, &mut *self.rng.lock())?;
        Some(
            self.send_netpay(app, &notice, order.notify_url.clone(), |id| {
                self.orders
                    .note_notification(&app.app_id, &order.mer_order_id, id)
                    .map(drop)
            }),
        )
    }

    /// Sends the refund notification of a new refund of `order` when the app asked for them
    /// (`notify.refundNotify`), and notes it on the order.
    pub(super) fn notify_refund(
        &self,
        app: &App,
        order: &Order,
        refund: &Refund,
    ) -> Option<Notification> {
        if !app.notify.refund_notify {
            return None;
        }
        let notice = {
            let mut rng = self.rng.lock();
            let order_part = payment_notice(app, order, &mut *rng)?;
            RefundNotice {
                order: order_part,
                refund: RefundPart {
                    refund_order_id: refund.refund_order_id.clone(),
                    refund_amount: refund.refund_amount,
                    refund_target_order_id: refund.refund_target_order_id.clone(),
                    refund_pay_time: refund.refund_pay_time,
                    refund_settle_date: day(
                        Some(&refund.refund_settle_date),
                        refund.refund_pay_time,
                    ),
                },
            }
        };
        Some(
            self.send_netpay(app, &notice, order.notify_url.clone(), |id| {
                self.orders
                    .note_notification(&app.app_id, &order.mer_order_id, id)
                    .map(drop)
            }),
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::api::app::{AppSpec, NotifySpec};
    use crate::api::order::PayRequest;
    use crate::sandbox::NewOrder;
    use crate::sandbox::tests::sandbox;

    fn order(number: &str) -> NewOrder {
        NewOrder {
            path: "/v1/netpay/wx/unified-order".into(),
            mer_order_id: number.into(),
            total_amount: 100,
            ..NewOrder::default()
        }
    }

    #[test]
    fn a_refund_sends_a_refund_notification_once_when_the_app_asked_for_them() {
        let state = sandbox();
        let spec = AppSpec {
            notify: Some(NotifySpec {
                refund_notify: Some(true),
                ..NotifySpec::default()
            }),
            ..AppSpec::default()
        };
        let app = state.create_app(&spec).expect("an app");
        let mut new = order("R1");
        new.mid = app.mid.clone();
        state.create_order(&app, new).expect("created");
        state.pay_order("R1", PayRequest::default()).expect("paid");

        let (order, refund) = state
            .refund_order(&app, "R1", Some("RF1".into()), 30, None)
            .expect("refunded");
        assert_eq!(order.notifications.len(), 2, "payment, then refund");
        let n = state.notify.get(&order.notifications[1]).expect("kept");
        assert_eq!(n.event_type, "NETPAY.REFUND");
        assert_eq!(n.payload["status"], "TRADE_REFUND");
        assert_eq!(n.payload["refundOrderId"], "RF1");
        assert_eq!(n.payload["refundAmount"], "30");
        assert_eq!(
            n.payload["refundTargetOrderId"],
            refund.refund_target_order_id.as_str()
        );

        let (again, _) = state
            .refund_order(&app, "R1", Some("RF1".into()), 30, None)
            .expect("the same refund");
        assert_eq!(
            again.notifications.len(),
            2,
            "a repeated refund sends nothing"
        );
    }

    #[test]
    fn without_the_setting_a_refund_sends_no_notification() {
        let state = sandbox();
        let app = state
            .app("10037e6f66f2d0f901672aa27d690006")
            .expect("the fixture app");
        let mut new = order("R2");
        new.mid = app.mid.clone();
        state.create_order(&app, new).expect("created");
        state.pay_order("R2", PayRequest::default()).expect("paid");
        let (order, _) = state
            .refund_order(&app, "R2", None, 10, None)
            .expect("refunded");
        assert_eq!(order.notifications.len(), 1, "the payment's only");
    }
}
