//! Refunds of paid orders: the merchant's `refund` call and the back office's
//! `POST /__mock/orders/{merOrderId}/refund`.

use chrono::{DateTime, Utc};

use super::{PayError, Sandbox};
use crate::api::app::App;
use crate::api::notification::Notification;
use crate::api::order::{Order, OrderRefunded, Refund, RefundRequest};
use crate::domain::orders::{OrderError, RefundDraft, RefundFacts};
use crate::protocol::generate::{merchant_order_id, refund_target_order_id};
use crate::protocol::timefmt::{date_beijing, format_date};

impl Sandbox {
    /// A refund's number: the request's, else one made for the app.
    pub(super) fn refund_number(&self, app: &App, requested: Option<String>) -> String {
        requested.unwrap_or_else(|| {
            merchant_order_id(&mut *self.rng.lock(), &app.msg_src_id, self.now_of(app))
        })
    }

    /// What the channel makes of a refund of `order` now.
    pub(super) fn refund_facts(&self, order: &Order, now: DateTime<Utc>) -> RefundFacts {
        let sys = order.target_sys.as_deref().unwrap_or("WXPay");
        let paid = order.target_order_id.as_deref().unwrap_or_default();
        RefundFacts {
            refund_target_order_id: refund_target_order_id(&mut *self.rng.lock(), sys, paid, now),
            at: now,
            settle_date: format_date(date_beijing(now)),
        }
    }

    /// The merchant refunds part or all of a paid order (`refund`); the same `refundOrderId`
    /// again answers the refund on record.
    pub fn refund_order(
        &self,
        app: &App,
        mer_order_id: &str,
        refund_order_id: Option<String>,
        amount: u64,
        desc: Option<String>,
    ) -> Result<(Order, Refund), OrderError> {
        let draft = RefundDraft {
            refund_order_id: self.refund_number(app, refund_order_id),
            amount,
            desc,
        };
        self.refund_noted(app, mer_order_id, draft)
            .map(|(order, refund, _)| (order, refund))
    }

    /// Refunds and sends the refund notification of a new refund (when the app asks for
    /// them); a repeated `refundOrderId` answers the refund on record and sends nothing again.
    fn refund_noted(
        &self,
        app: &App,
        mer_order_id: &str,
        draft: RefundDraft,
    ) -> Result<(Order, Refund, Option<Notification>), OrderError> {
        let now = self.clock_of(&app.app_id).now();
        let repeated = self
            .orders
            .order(&app.app_id, mer_order_id)
            .is_ok_and(|o| o.refund(&draft.refund_order_id).is_some());
        let (order, refund) = self
            .orders
            .refund(&app.app_id, mer_order_id, draft, |order| {
                self.refund_facts(order, now)
            })?;
        if repeated {
            return Ok((order, refund, None));
        }
        let Some(notification) = self.notify_refund(app, &order, &refund) else {
            return Ok((order, refund, None));
        };
        // Read again: the order now names its notification.
        let order = self
            .orders
            .order(&app.app_id, mer_order_id)
            .unwrap_or(order);
        Ok((order, refund, Some(notification)))
    }

    /// A refund asked for from the control API (the merchant's back office): the whole
    /// refundable rest unless an amount is named. The order is the one app's holding the
    /// number, or `request.appId`'s.
    pub fn refund_by_request(
        &self,
        mer_order_id: &str,
        request: RefundRequest,
    ) -> Result<OrderRefunded, PayError> {
        if let Some(app_id) = &request.app_id {
            self.app(app_id)?;
        }
        let found = self.orders.find(mer_order_id, request.app_id.as_deref())?;
        let app = self.app(&found.app_id)?;
        let draft = RefundDraft {
            refund_order_id: self.refund_number(&app, request.refund_order_id),
            amount: request.refund_amount.unwrap_or_else(|| found.refundable()),
            desc: request.refund_desc,
        };
        let (order, refund, notification) = self.refund_noted(&app, mer_order_id, draft)?;
        Ok(OrderRefunded {
            order,
            refund,
            notification,
        })
    }
}
