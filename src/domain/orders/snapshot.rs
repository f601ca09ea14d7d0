//! The order store's snapshot and restore: what the state file keeps of it.

use super::book::{Book, Entry};
use super::store::{CashierRef, OrderStore, token_of};
use crate::api::order::{Bill, Order};

/// Every order and bill, oldest first, the order of their last changes and the dropped count:
/// what [`OrderStore::restore`] takes back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Orders, oldest first.
    pub orders: Vec<Order>,
    /// Positions in `orders`, least recently changed first: the order in which the retention
    /// bound drops them. Empty: as created.
    pub order_changes: Vec<usize>,
    /// Bills, oldest first.
    pub bills: Vec<Bill>,
    /// Positions in `bills`, least recently changed first.
    pub bill_changes: Vec<usize>,
    /// Orders and bills dropped by the retention bound.
    pub dropped: u64,
}

impl OrderStore {
    /// Every order and bill, oldest first, with the order of their last changes and the
    /// dropped count.
    pub fn snapshot(&self) -> Snapshot {
        let inner = self.inner.lock();
        Snapshot {
            orders: inner.orders.oldest_first().cloned().collect(),
            order_changes: inner.orders.change_order(),
            bills: inner.bills.oldest_first().cloned().collect(),
            bill_changes: inner.bills.change_order(),
            dropped: inner.dropped,
        }
    }

    /// Replaces everything with a snapshot: records are taken in the order given (oldest
    /// first), then changed in the order of `order_changes` / `bill_changes` (positions out of
    /// range are passed over; records not named count as changed before those named); a
    /// number an app holds twice keeps its later record. Cashier pages open again, and the
    /// retention bound applies (what it drops counts).
    pub fn restore(&self, snapshot: Snapshot) {
        let mut inner = self.inner.lock();
        inner.clear();
        inner.dropped = snapshot.dropped;
        let order_changes = keys(&snapshot.orders, &snapshot.order_changes);
        let bill_changes = keys(&snapshot.bills, &snapshot.bill_changes);
        for order in snapshot.orders {
            if inner
                .orders
                .get(&order.app_id, &order.mer_order_id)
                .is_some()
            {
                inner.orders.remove(&order.app_id, &order.mer_order_id);
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
            inner.orders.insert(order);
        }
        for bill in snapshot.bills {
            if inner.bills.get(&bill.app_id, &bill.bill_no).is_some() {
                inner.bills.remove(&bill.app_id, &bill.bill_no);
            }
            inner.cashier.insert(
                token_of(&bill.bill_qr_code).to_owned(),
                CashierRef::Bill {
                    app_id: bill.app_id.clone(),
                    number: bill.bill_no.clone(),
                },
            );
            inner.bills.insert(bill);
        }
        replay(&mut inner.orders, order_changes);
        replay(&mut inner.bills, bill_changes);
        inner.enforce(self.retention);
    }
}

/// The app and number of each record named by `positions`, in that order.
fn keys<T: Entry>(records: &[T], positions: &[usize]) -> Vec<(String, String)> {
    positions
        .iter()
        .filter_map(|&p| records.get(p))
        .map(|r| (r.app_id().to_owned(), r.number().to_owned()))
        .collect()
}

/// Changes the records in this order, so the last one named is the most recently changed.
fn replay<T: Entry>(book: &mut Book<T>, changes: Vec<(String, String)>) {
    for (app_id, number) in changes {
        book.update(&app_id, &number, |_| ());
    }
}
