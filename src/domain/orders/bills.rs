//! QR bills in the order store: a bill is paid once, by an order of its own (`billNo` + `0`,
//! as the platform numbers it), and refunded through that order.

use chrono::{DateTime, Utc};

use super::error::OrderError;
use super::machine::{self, RefundDraft, RefundFacts};
use super::store::{CashierRef, OrderStore, token_of};
use crate::api::order::{Bill, BillFilter, BillStatus, Order, OrderStatus, Refund};

/// The bill status that follows from the status of the order that paid it.
fn status_after(order: &Order) -> BillStatus {
    match order.status {
        OrderStatus::TradeRefund => BillStatus::Refund,
        _ => BillStatus::Paid,
    }
}

impl OrderStore {
    /// Records a new bill, or answers the one already under its number when the amount is the
    /// same; another amount under that number is a duplicate.
    pub fn create_bill(&self, bill: Bill) -> Result<Bill, OrderError> {
        let mut inner = self.inner.lock();
        if let Some(existing) = inner.bills.get(&bill.app_id, &bill.bill_no) {
            if existing.total_amount != bill.total_amount {
                return Err(OrderError::Duplicate {
                    number: existing.bill_no.clone(),
                    existing: existing.total_amount,
                    path: "/v1/netpay/bills/get-qrcode".into(),
                });
            }
            return Ok(existing.clone());
        }
        inner.cashier.insert(
            token_of(&bill.bill_qr_code).to_owned(),
            CashierRef::Bill {
                app_id: bill.app_id.clone(),
                number: bill.bill_no.clone(),
            },
        );
        inner.bills.insert(bill.clone());
        inner.enforce(self.retention);
        Ok(bill)
    }

    /// The bill of `app_id` with this number.
    pub fn bill(&self, app_id: &str, bill_no: &str) -> Result<Bill, OrderError> {
        let inner = self.inner.lock();
        inner
            .bills
            .get(app_id, bill_no)
            .cloned()
            .ok_or_else(|| OrderError::BillNotFound {
                bill_no: bill_no.to_owned(),
                dropped: inner.dropped,
            })
    }

    /// The bill with this number: of `app_id` when given, else of the one app holding it.
    pub fn find_bill(&self, bill_no: &str, app_id: Option<&str>) -> Result<Bill, OrderError> {
        if let Some(app_id) = app_id {
            return self.bill(app_id, bill_no);
        }
        let apps = self.inner.lock().bills.holders(bill_no);
        match apps.as_slice() {
            [app_id] => self.bill(app_id, bill_no),
            [] => Err(OrderError::BillNotFound {
                bill_no: bill_no.to_owned(),
                dropped: self.dropped(),
            }),
            _ => Err(OrderError::Ambiguous {
                number: bill_no.to_owned(),
                apps,
            }),
        }
    }

    /// Bills matching the filter, newest first, at most its limit (default 100).
    pub fn list_bills(&self, filter: &BillFilter) -> Vec<Bill> {
        let inner = self.inner.lock();
        let limit = filter.limit.unwrap_or(super::store::DEFAULT_LIST_LIMIT);
        inner
            .bills
            .newest_first(limit, |b| {
                filter.app_id.as_deref().is_none_or(|a| a == b.app_id)
                    && filter.bill_no.as_deref().is_none_or(|n| n == b.bill_no)
                    && filter.status.is_none_or(|s| s == b.bill_status)
            })
            .into_iter()
            .cloned()
            .collect()
    }

    /// Changes an unpaid bill (`update-qrcode`, `close-qrcode`); any other is refused. A bill
    /// already closed closes again without a change.
    pub fn change_bill(
        &self,
        app_id: &str,
        bill_no: &str,
        now: DateTime<Utc>,
        change: impl FnOnce(&mut Bill),
    ) -> Result<Bill, OrderError> {
        let bill = self.bill(app_id, bill_no)?;
        if bill.bill_status != BillStatus::Unpaid {
            return Err(OrderError::BillNotUnpaid {
                bill_no: bill.bill_no,
                status: bill.bill_status,
            });
        }
        let mut inner = self.inner.lock();
        let changed = inner.bills.update(app_id, bill_no, |bill| {
            // Paid or closed between the two locks: refused as above.
            if bill.bill_status != BillStatus::Unpaid {
                return Err(OrderError::BillNotUnpaid {
                    bill_no: bill.bill_no.clone(),
                    status: bill.bill_status,
                });
            }
            change(bill);
            bill.updated_at = now;
            Ok(bill.clone())
        });
        inner.enforce(self.retention);
        changed.unwrap_or(Err(OrderError::BillNotFound {
            bill_no: bill_no.to_owned(),
            dropped: inner.dropped,
        }))
    }

    /// Notes a notification the bill caused; answers the bill after it.
    pub fn note_bill_notification(
        &self,
        app_id: &str,
        bill_no: &str,
        id: &str,
    ) -> Result<Bill, OrderError> {
        let mut inner = self.inner.lock();
        let noted = inner.bills.update(app_id, bill_no, |bill| {
            bill.notifications.push(id.to_owned());
            Ok(bill.clone())
        });
        noted.unwrap_or(Err(OrderError::BillNotFound {
            bill_no: bill_no.to_owned(),
            dropped: inner.dropped,
        }))
    }

    /// The payer pays an unpaid bill: `order` makes the paid order from the bill; it is
    /// recorded and the bill becomes `PAID`.
    pub fn pay_bill(
        &self,
        app_id: &str,
        bill_no: &str,
        order: impl FnOnce(&Bill) -> Order,
    ) -> Result<(Bill, Order), OrderError> {
        let mut inner = self.inner.lock();
        let bill = inner
            .bills
            .get(app_id, bill_no)
            .ok_or_else(|| OrderError::BillNotFound {
                bill_no: bill_no.to_owned(),
                dropped: inner.dropped,
            })?;
        if bill.bill_status != BillStatus::Unpaid {
            return Err(OrderError::BillNotUnpaid {
                bill_no: bill.bill_no.clone(),
                status: bill.bill_status,
            });
        }
        let paid = order(bill);
        if let Some(existing) = inner.orders.get(app_id, &paid.mer_order_id) {
            return Err(OrderError::Duplicate {
                number: paid.mer_order_id.clone(),
                existing: existing.total_amount,
                path: existing.path.clone(),
            });
        }
        let bill = inner
            .bills
            .update(app_id, bill_no, |bill| {
                bill.bill_status = BillStatus::Paid;
                bill.mer_order_id = Some(paid.mer_order_id.clone());
                bill.updated_at = paid.updated_at;
                bill.clone()
            })
            .ok_or_else(|| OrderError::BillNotFound {
                bill_no: bill_no.to_owned(),
                dropped: 0,
            })?;
        inner.orders.insert(paid.clone());
        inner.enforce(self.retention);
        Ok((bill, paid))
    }

    /// The order that paid a bill, while it is kept.
    pub fn bill_order(&self, bill: &Bill) -> Option<Order> {
        let number = bill.mer_order_id.as_deref()?;
        self.inner.lock().orders.get(&bill.app_id, number).cloned()
    }

    /// The merchant refunds a paid bill through its order (see [`machine::refund`]); the bill
    /// becomes `REFUND` once fully refunded.
    pub fn refund_bill(
        &self,
        app_id: &str,
        bill_no: &str,
        draft: RefundDraft,
        facts: impl FnOnce(&Order) -> RefundFacts,
    ) -> Result<(Bill, Order, Refund), OrderError> {
        let bill = self.bill(app_id, bill_no)?;
        let Some(number) = bill.mer_order_id.clone() else {
            return Err(OrderError::NotRefundable {
                mer_order_id: bill_no.to_owned(),
                status: OrderStatus::NewOrder,
            });
        };
        let mut inner = self.inner.lock();
        let (order, refund) =
            inner.change(app_id, &number, |o| machine::refund(o, draft, facts))?;
        let status = status_after(&order);
        let bill = inner
            .bills
            .update(app_id, bill_no, |bill| {
                bill.bill_status = status;
                bill.updated_at = order.updated_at;
                bill.clone()
            })
            .unwrap_or(bill);
        inner.enforce(self.retention);
        Ok((bill, order, refund))
    }
}
