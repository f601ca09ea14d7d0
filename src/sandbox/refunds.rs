//! Refunds of paid orders: the merchant's `refund` call and the back office's
//! `POST /__mock/orders/{merOrderId}/refund`.

use chrono::{DateTime, Duration, Utc};

use super::orders::seconds;
use super::{PayError, Sandbox};
use crate::api::app::App;
use crate::api::notification::Notification;
use crate::api::order::{Order, OrderRefunded, Refund, RefundRequest, RefundStatus};
use crate::domain::orders::facts::refund_facts;
use crate::domain::orders::{OrderError, RefundDraft, RefundFacts};
use crate::protocol::generate::merchant_order_id;

impl Sandbox {
    /// A refund as the merchant asks for it: `PROCESSING` (settling the app's
    /// `payer.refundSettleSeconds` from now) when `status` or else the app's
    /// `payer.refundStatus` says so.
    pub(super) fn refund_draft(
        &self,
        app: &App,
        refund_order_id: Option<String>,
        amount: u64,
        desc: Option<String>,
        status: Option<RefundStatus>,
    ) -> RefundDraft {
        let processing = status.unwrap_or(app.payer.refund_status) == RefundStatus::Processing;
        let settle = Duration::seconds(seconds(app.payer.refund_settle_seconds));
        RefundDraft {
            refund_order_id: self.refund_number(app, refund_order_id),
            amount,
            desc,
            settles_at: processing.then(|| self.now_of(app) + settle),
        }
    }

    /// A refund's number: the request's, else one made for the app.
    pub(super) fn refund_number(&self, app: &App, requested: Option<String>) -> String {
        requested.unwrap_or_else(|| {
            merchant_order_id(&mut *self.rng.lock(), &app.msg_src_id, self.now_of(app))
        })
    }

    /// What the channel makes of a refund of `order` now.
    pub(super) fn refund_facts(&self, order: &Order, now: DateTime<Utc>) -> RefundFacts {
        refund_facts(&mut *self.rng.lock(), order, now)
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
        let draft = self.refund_draft(app, refund_order_id, amount, desc, None);
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
        // A refund still processing notifies when it settles.
        if refund.settles_at.is_some() && !repeated {
            self.wake_payer();
        }
        if repeated || refund.settles_at.is_some() {
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
        if request
            .refund_status
            .is_some_and(|s| !matches!(s, RefundStatus::Success | RefundStatus::Processing))
        {
            return Err(
                OrderError::Invalid("refundStatus must be SUCCESS or PROCESSING".into()).into(),
            );
        }
        let draft = self.refund_draft(
            &app,
            request.refund_order_id,
            request.refund_amount.unwrap_or_else(|| found.refundable()),
            request.refund_desc,
            request.refund_status,
        );
        let (order, refund, notification) = self.refund_noted(&app, mer_order_id, draft)?;
        Ok(OrderRefunded {
            order,
            refund,
            notification,
        })
    }
}
