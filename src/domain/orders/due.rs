//! What falls due on orders and bills by themselves, in their app's sandbox time: the
//! automatic payer's payments, expiries of unpaid orders, and `PROCESSING` refunds settling.
//! The store keeps each app's records in the order they fall due, so finding the next one is
//! cheap whatever the number of orders.

use chrono::{DateTime, Utc};

use super::error::OrderError;
use super::machine;
use super::store::OrderStore;
use crate::api::order::{Order, Refund};

/// The orders and bills of one app due at a time, soonest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Due {
    /// Orders' numbers.
    pub orders: Vec<String>,
    /// Bills' numbers.
    pub bills: Vec<String>,
}

impl OrderStore {
    /// Every app with something due by itself, and when its next thing falls due.
    pub fn next_due_by_app(&self) -> Vec<(String, DateTime<Utc>)> {
        let inner = self.inner.lock();
        let mut apps: Vec<String> = inner.orders.apps_with_dues();
        apps.extend(inner.bills.apps_with_dues());
        apps.sort_unstable();
        apps.dedup();
        apps.into_iter()
            .filter_map(|app| {
                let at = [inner.orders.next_due(&app), inner.bills.next_due(&app)]
                    .into_iter()
                    .flatten()
                    .min()?;
                Some((app, at))
            })
            .collect()
    }

    /// When the next order or bill of `app_id` falls due by itself.
    pub fn next_due(&self, app_id: &str) -> Option<DateTime<Utc>> {
        let inner = self.inner.lock();
        [inner.orders.next_due(app_id), inner.bills.next_due(app_id)]
            .into_iter()
            .flatten()
            .min()
    }

    /// The orders and bills of `app_id` due at `now`.
    pub fn due_at(&self, app_id: &str, now: DateTime<Utc>) -> Due {
        let inner = self.inner.lock();
        Due {
            orders: inner.orders.due_at(app_id, now),
            bills: inner.bills.due_at(app_id, now),
        }
    }

    /// Takes the automatic payment of an order off it once due; answers whether the order is
    /// to be paid now (due and still unpaid).
    pub fn take_auto_pay(
        &self,
        app_id: &str,
        mer_order_id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, OrderError> {
        let mut inner = self.inner.lock();
        let (_, pay) =
            inner.change(app_id, mer_order_id, |o| Ok(machine::take_auto_pay(o, now)))?;
        Ok(pay)
    }

    /// The same for a bill.
    pub fn take_bill_auto_pay(
        &self,
        app_id: &str,
        bill_no: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, OrderError> {
        let mut inner = self.inner.lock();
        let taken = inner.bills.update(app_id, bill_no, |bill| {
            let due = bill.auto_pay_at.is_some_and(|at| at <= now);
            if due {
                bill.auto_pay_at = None;
            }
            due && bill.bill_status == crate::api::order::BillStatus::Unpaid
        });
        taken.ok_or_else(|| OrderError::BillNotFound {
            bill_no: bill_no.to_owned(),
            dropped: inner.dropped,
        })
    }

    /// Closes an unpaid order past its `expireTime`; answers it when it closed.
    pub fn expire(
        &self,
        app_id: &str,
        mer_order_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Order>, OrderError> {
        let mut inner = self.inner.lock();
        let (order, closed) =
            inner.change(app_id, mer_order_id, |o| Ok(machine::expire(o, now)))?;
        inner.enforce(self.retention);
        Ok(closed.then_some(order))
    }

    /// Settles the order's `PROCESSING` refunds whose time has come; answers the order after
    /// it and the refunds that settled.
    pub fn settle_refunds(
        &self,
        app_id: &str,
        mer_order_id: &str,
        now: DateTime<Utc>,
        settle_date: &str,
    ) -> Result<(Order, Vec<Refund>), OrderError> {
        let mut inner = self.inner.lock();
        let done = inner.change(app_id, mer_order_id, |o| {
            Ok(machine::settle_refunds(o, now, settle_date))
        })?;
        inner.enforce(self.retention);
        Ok(done)
    }
}
