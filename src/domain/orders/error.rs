//! Why an order or bill operation was refused.

use crate::api::order::{BillStatus, OrderStatus};

/// Why an order or bill operation was refused; the gateway and the control API each map these
/// to their own answers (`NO_ORDER`, `DUP_ORDER`, `OPERATION_NOT_ALLOWED`; 404, 409).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    /// No such order. `dropped` is how many records the retention bound has dropped so far.
    #[error("no order {mer_order_id}{}", dropped_note(*.dropped))]
    NotFound {
        /// The number asked for.
        mer_order_id: String,
        /// Records dropped by the retention bound so far.
        dropped: u64,
    },
    /// No such bill.
    #[error("no bill {bill_no}{}", dropped_note(*.dropped))]
    BillNotFound {
        /// The number asked for.
        bill_no: String,
        /// Records dropped by the retention bound so far.
        dropped: u64,
    },
    /// Several apps hold this number and the request did not say which.
    #[error("{number} is held by several apps ({}); name one with appId", apps.join(", "))]
    Ambiguous {
        /// The order or bill number.
        number: String,
        /// The apps holding it.
        apps: Vec<String>,
    },
    /// The number is taken by a different order (another amount or product).
    #[error(
        "{number} already exists with totalAmount {existing} on {path}; a different order needs \
         a new number"
    )]
    Duplicate {
        /// The order or bill number.
        number: String,
        /// The existing order's amount.
        existing: u64,
        /// The existing order's create path.
        path: String,
    },
    /// Paid already, or closed: no payment can be made.
    #[error("order {mer_order_id} is {status} and cannot be paid")]
    NotPayable {
        /// The order.
        mer_order_id: String,
        /// Its status.
        status: OrderStatus,
    },
    /// A bill that is not unpaid cannot be paid, changed or closed.
    #[error("bill {bill_no} is {status}")]
    BillNotUnpaid {
        /// The bill.
        bill_no: String,
        /// Its status.
        status: BillStatus,
    },
    /// A refund of an order that was never paid (or was closed).
    #[error("order {mer_order_id} is {status}: only a paid order can be refunded")]
    NotRefundable {
        /// The order.
        mer_order_id: String,
        /// Its status.
        status: OrderStatus,
    },
    /// The refund would take refunds beyond the paid amount.
    #[error("refundAmount {requested} is more than the {refundable} fen left to refund")]
    RefundTooLarge {
        /// The amount asked for.
        requested: u64,
        /// What is left to refund.
        refundable: u64,
    },
    /// No refund with this number.
    #[error("order {mer_order_id} has no refund {refund_order_id}")]
    RefundNotFound {
        /// The order.
        mer_order_id: String,
        /// The refund asked for (empty: any).
        refund_order_id: String,
    },
    /// A paid order cannot be closed.
    #[error("order {mer_order_id} is {status}: a paid order cannot be closed (refund it instead)")]
    NotClosable {
        /// The order.
        mer_order_id: String,
        /// Its status.
        status: OrderStatus,
    },
    /// A value the sandbox does not accept (amounts that do not add up, an empty channel).
    #[error("{0}")]
    Invalid(String),
}

fn dropped_note(dropped: u64) -> String {
    if dropped == 0 {
        String::new()
    } else {
        format!(
            "; it may be one of the {dropped} order(s) and bill(s) dropped by the retention \
             bound (--order-retention)"
        )
    }
}
