//! Orders and QR bills of every app, keyed by app and number; at most `--order-retention` of
//! each, the least recently changed settled ones dropped first.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use parking_lot::Mutex;

use super::book::{Book, Entry};
use super::error::OrderError;
use super::machine::{self, Payment, RefundDraft, RefundFacts};
use crate::api::order::{Bill, BillStatus, Order, OrderFilter, Refund};
use crate::domain::changes::Changed;

/// The default of `--order-retention`.
pub const DEFAULT_RETENTION: usize = 10_000;

/// How many a list answers when the filter names no limit.
pub const DEFAULT_LIST_LIMIT: usize = 100;

impl Entry for Order {
    fn app_id(&self) -> &str {
        &self.app_id
    }
    fn number(&self) -> &str {
        &self.mer_order_id
    }
    fn settled(&self) -> bool {
        !self.status.is_unpaid() && !self.refunds.iter().any(|r| r.settles_at.is_some())
    }
    fn due(&self) -> Option<DateTime<Utc>> {
        let unpaid = self.status.is_unpaid();
        let open = [self.auto_pay_at, self.expire_time]
            .into_iter()
            .filter(|_| unpaid)
            .flatten();
        open.chain(self.refunds.iter().filter_map(|r| r.settles_at))
            .min()
    }
}

impl Entry for Bill {
    fn app_id(&self) -> &str {
        &self.app_id
    }
    fn number(&self) -> &str {
        &self.bill_no
    }
    fn settled(&self) -> bool {
        self.bill_status != BillStatus::Unpaid
    }
    fn due(&self) -> Option<DateTime<Utc>> {
        self.auto_pay_at
            .filter(|_| self.bill_status == BillStatus::Unpaid)
    }
}

/// What a cashier page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cashier {
    /// An H5 or Alipay QR order.
    Order(Box<Order>),
    /// A QR bill.
    Bill(Box<Bill>),
}

/// Which record a cashier token opens.
#[derive(Debug, Clone)]
pub(super) enum CashierRef {
    Order { app_id: String, number: String },
    Bill { app_id: String, number: String },
}

/// The cashier token of a page URL: its last segment.
pub(super) fn token_of(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or(url)
}

/// Everything the store holds, behind one lock.
#[derive(Debug, Default)]
pub(super) struct Inner {
    pub orders: Book<Order>,
    pub bills: Book<Bill>,
    /// Cashier token → record.
    pub cashier: HashMap<String, CashierRef>,
    /// Records dropped by the retention bound.
    pub dropped: u64,
}

impl Inner {
    /// Drops everything, the dropped count included; the marks of changes go on.
    pub fn clear(&mut self) {
        self.orders.clear();
        self.bills.clear();
        self.cashier.clear();
        self.dropped = 0;
    }

    /// Drops orders and bills beyond the bound, with their cashier tokens.
    pub fn enforce(&mut self, retention: usize) {
        for order in self.orders.enforce(retention) {
            self.forget_order(&order);
        }
        for bill in self.bills.enforce(retention) {
            self.forget_bill(&bill);
        }
    }

    pub fn forget_order(&mut self, order: &Order) {
        self.dropped += 1;
        if let Some(url) = &order.cashier_url {
            self.cashier.remove(token_of(url));
        }
    }

    pub fn forget_bill(&mut self, bill: &Bill) {
        self.dropped += 1;
        self.cashier.remove(token_of(&bill.bill_qr_code));
    }

    /// The order of `app_id`, or why not.
    pub fn order(&self, app_id: &str, number: &str) -> Result<&Order, OrderError> {
        self.orders
            .get(app_id, number)
            .ok_or_else(|| OrderError::NotFound {
                mer_order_id: number.to_owned(),
                dropped: self.dropped,
            })
    }

    /// Changes an order with a transition that may refuse; answers the order after it.
    pub fn change<R>(
        &mut self,
        app_id: &str,
        number: &str,
        transition: impl FnOnce(&mut Order) -> Result<R, OrderError>,
    ) -> Result<(Order, R), OrderError> {
        self.order(app_id, number)?;
        self.orders
            .update(app_id, number, |order| {
                transition(order).map(|out| (order.clone(), out))
            })
            .unwrap_or_else(|| {
                Err(OrderError::NotFound {
                    mer_order_id: number.to_owned(),
                    dropped: self.dropped,
                })
            })
    }
}

/// Orders and bills of every app, at most `retention` of each (see
/// [`crate::Config::order_retention`]).
#[derive(Debug)]
pub struct OrderStore {
    pub(super) retention: usize,
    pub(super) inner: Mutex<Inner>,
}

impl Default for OrderStore {
    fn default() -> Self {
        Self::new(DEFAULT_RETENTION)
    }
}

impl OrderStore {
    /// A store keeping at most `retention` orders and as many bills (0: unsettled ones only).
    pub fn new(retention: usize) -> Self {
        Self {
            retention,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// Records a new order, or answers the one already under its number when it is the same
    /// order (same amount, same product); a different one under that number is a duplicate.
    pub fn create(&self, order: Order) -> Result<Order, OrderError> {
        let mut inner = self.inner.lock();
        if let Some(existing) = inner.orders.get(&order.app_id, &order.mer_order_id) {
            machine::same_order(existing, &order)?;
            return Ok(existing.clone());
        }
        if let Some(url) = &order.cashier_url {
            inner.cashier.insert(
                token_of(url).to_owned(),
                CashierRef::Order {
                    app_id: order.app_id.clone(),
                    number: order.mer_order_id.clone(),
                },
            );
        }
        inner.orders.insert(order.clone());
        inner.enforce(self.retention);
        Ok(order)
    }

    /// The order of `app_id` with this number.
    pub fn order(&self, app_id: &str, mer_order_id: &str) -> Result<Order, OrderError> {
        self.inner.lock().order(app_id, mer_order_id).cloned()
    }

    /// The order with this number: of `app_id` when given, else of the one app holding it.
    pub fn find(&self, mer_order_id: &str, app_id: Option<&str>) -> Result<Order, OrderError> {
        let inner = self.inner.lock();
        if let Some(app_id) = app_id {
            return inner.order(app_id, mer_order_id).cloned();
        }
        let apps = inner.orders.holders(mer_order_id);
        match apps.as_slice() {
            [app_id] => inner.order(app_id, mer_order_id).cloned(),
            [] => Err(OrderError::NotFound {
                mer_order_id: mer_order_id.to_owned(),
                dropped: inner.dropped,
            }),
            _ => Err(OrderError::Ambiguous {
                number: mer_order_id.to_owned(),
                apps,
            }),
        }
    }

    /// The newest order of `app_id` that `matches` (a look-up by another number than the
    /// merchant's, e.g. the platform's own order number).
    pub fn find_where(&self, app_id: &str, matches: impl Fn(&Order) -> bool) -> Option<Order> {
        let inner = self.inner.lock();
        let found = inner
            .orders
            .newest_first(1, |o| o.app_id == app_id && matches(o));
        found.first().map(|o| (*o).clone())
    }

    /// Orders matching the filter, newest first, at most its limit (default 100).
    pub fn list(&self, filter: &OrderFilter) -> Vec<Order> {
        let inner = self.inner.lock();
        let limit = filter.limit.unwrap_or(DEFAULT_LIST_LIMIT);
        inner
            .orders
            .newest_first(limit, |o| {
                filter.app_id.as_deref().is_none_or(|a| a == o.app_id)
                    && filter
                        .mer_order_id
                        .as_deref()
                        .is_none_or(|m| m == o.mer_order_id)
                    && filter.status.is_none_or(|s| s == o.status)
            })
            .into_iter()
            .cloned()
            .collect()
    }

    /// The payer pays. `payment` sees the unpaid order and makes the payment's facts (or
    /// refuses them); it is not called for an order that cannot be paid.
    pub fn pay(
        &self,
        app_id: &str,
        mer_order_id: &str,
        payment: impl FnOnce(&Order) -> Result<Payment, OrderError>,
    ) -> Result<Order, OrderError> {
        let mut inner = self.inner.lock();
        let (order, ()) = inner.change(app_id, mer_order_id, |order| {
            if !order.status.is_unpaid() {
                return Err(OrderError::NotPayable {
                    mer_order_id: order.mer_order_id.clone(),
                    status: order.status,
                });
            }
            machine::pay(order, payment(order)?)
        })?;
        inner.enforce(self.retention);
        Ok(order)
    }

    /// Notes a notification the order caused; answers the order after it.
    pub fn note_notification(
        &self,
        app_id: &str,
        mer_order_id: &str,
        id: &str,
    ) -> Result<Order, OrderError> {
        let mut inner = self.inner.lock();
        let (order, ()) = inner.change(app_id, mer_order_id, |o| {
            o.notifications.push(id.to_owned());
            Ok(())
        })?;
        Ok(order)
    }

    /// Applies a transition of the state machine to one order, then the retention bound.
    fn transition(
        &self,
        app_id: &str,
        mer_order_id: &str,
        step: impl FnOnce(&mut Order) -> Result<(), OrderError>,
    ) -> Result<Order, OrderError> {
        let mut inner = self.inner.lock();
        let (order, ()) = inner.change(app_id, mer_order_id, step)?;
        inner.enforce(self.retention);
        Ok(order)
    }

    /// The payment fails: the unpaid order closes.
    pub fn fail(
        &self,
        app_id: &str,
        mer_order_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Order, OrderError> {
        self.transition(app_id, mer_order_id, |o| machine::fail(o, now))
    }

    /// The payer starts paying and does not finish (see [`machine::start_paying`]).
    pub fn start_paying(
        &self,
        app_id: &str,
        mer_order_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Order, OrderError> {
        self.transition(app_id, mer_order_id, |o| machine::start_paying(o, now))
    }

    /// The merchant closes an unpaid order.
    pub fn close(
        &self,
        app_id: &str,
        mer_order_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Order, OrderError> {
        self.transition(app_id, mer_order_id, |o| machine::close(o, now))
    }

    /// The merchant voids a B-scan-C payment (see [`machine::void`]).
    pub fn void(
        &self,
        app_id: &str,
        mer_order_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Order, OrderError> {
        self.transition(app_id, mer_order_id, |o| machine::void(o, now))
    }

    /// The merchant refunds (see [`machine::refund`]); answers the order after it and the
    /// refund (the one on record for a repeated `refundOrderId`).
    pub fn refund(
        &self,
        app_id: &str,
        mer_order_id: &str,
        draft: RefundDraft,
        facts: impl FnOnce(&Order) -> RefundFacts,
    ) -> Result<(Order, Refund), OrderError> {
        let mut inner = self.inner.lock();
        let done = inner.change(app_id, mer_order_id, |o| machine::refund(o, draft, facts))?;
        inner.enforce(self.retention);
        Ok(done)
    }

    /// What the cashier page with this token shows.
    pub fn cashier(&self, token: &str) -> Option<Cashier> {
        let inner = self.inner.lock();
        match inner.cashier.get(token)? {
            CashierRef::Order { app_id, number } => inner
                .orders
                .get(app_id, number)
                .map(|o| Cashier::Order(Box::new(o.clone()))),
            CashierRef::Bill { app_id, number } => inner
                .bills
                .get(app_id, number)
                .map(|b| Cashier::Bill(Box::new(b.clone()))),
        }
    }

    /// Orders and bills dropped by the retention bound since start (or the last reset).
    pub fn dropped(&self) -> u64 {
        self.inner.lock().dropped
    }

    /// Drops an app's orders and bills (not counted as dropped by the bound).
    pub fn remove_app(&self, app_id: &str) {
        let mut inner = self.inner.lock();
        for order in inner.orders.remove_app(app_id) {
            if let Some(url) = &order.cashier_url {
                inner.cashier.remove(token_of(url));
            }
        }
        for bill in inner.bills.remove_app(app_id) {
            inner.cashier.remove(token_of(&bill.bill_qr_code));
        }
    }

    /// Drops everything, the dropped count included.
    pub fn clear(&self) {
        self.inner.lock().clear();
    }

    /// Starts marking changed orders and bills for [`Self::changed`].
    pub fn track_changes(&self) {
        let mut inner = self.inner.lock();
        inner.orders.changes.track();
        inner.bills.changes.track();
    }

    /// The orders and the bills changed since the last call, as they stand, keyed
    /// `appId/number`.
    pub fn changed(&self) -> (Changed<Order>, Changed<Bill>) {
        let mut inner = self.inner.lock();
        let taken = inner.orders.changes.take();
        let orders = Changed::read(taken, |k| inner.orders.by_key(k).cloned());
        let taken = inner.bills.changes.take();
        let bills = Changed::read(taken, |k| inner.bills.by_key(k).cloned());
        (orders, bills)
    }

    #[cfg(test)]
    /// Orders and bills kept.
    pub fn len(&self) -> (usize, usize) {
        let inner = self.inner.lock();
        (inner.orders.len(), inner.bills.len())
    }
}
