//! The payment-result notification of a paid order (docs/payments.md), sent through the same engine
//! as every other notification: ladder, faults, redelivery, waits and the attempt log.

use super::Sandbox;
use crate::api::app::App;
use crate::api::notification::Notification;
use crate::api::order::{Bill, Order, Refund};
use crate::domain::orders::OrderError;
use crate::domain::orders::notices::{bill_notice, payment_notice, refund_notice};
use crate::protocol::events::NotificationEvent;

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

    /// Sends `notice` about `order` to its `notifyUrl` (else the app's callback URL) and notes
    /// it on the order.
    fn send_order_notice(
        &self,
        app: &App,
        order: &Order,
        notice: &dyn NotificationEvent,
    ) -> Notification {
        self.send_netpay(app, notice, order.notify_url.clone(), |id| {
            self.orders
                .note_notification(&app.app_id, &order.mer_order_id, id)
                .map(drop)
        })
    }

    /// Sends the payment-result notification of a paid order to its `notifyUrl` (else the
    /// app's callback URL) and notes it on the order. `None` for an order that is not paid.
    pub(super) fn notify_payment(&self, app: &App, order: &Order) -> Option<Notification> {
        let notice = payment_notice(app, order, &mut *self.rng.lock())?;
        Some(self.send_order_notice(app, order, &notice))
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
        let payment = payment_notice(app, order, &mut *self.rng.lock())?;
        Some(self.send_order_notice(app, order, &refund_notice(payment, refund)))
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
