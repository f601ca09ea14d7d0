//! The life of one order (docs/payments.md), as pure transitions:
//!
//! ```text
//! create ──> NEW_ORDER / WAIT_BUYER_PAY
//!    │ pay ──> TRADE_SUCCESS ──> refunds ──> TRADE_REFUND once fully refunded
//!    │ fail / close ──> TRADE_CLOSED
//! ```

use chrono::{DateTime, Utc};

use super::error::OrderError;
use crate::api::order::{Order, OrderStatus, Refund, RefundStatus};
use crate::protocol::netpay::Product;

/// What the platform records of a successful payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// When.
    pub pay_time: DateTime<Utc>,
    /// `yyyy-MM-dd`.
    pub settle_date: String,
    /// The channel.
    pub target_sys: String,
    /// The channel's order number.
    pub target_order_id: String,
    /// The platform's trace number.
    pub seq_id: String,
    /// The payer.
    pub buyer_id: String,
    /// What the payer paid.
    pub buyer_pay_amount: u64,
    /// What coupons paid.
    pub coupon_amount: u64,
}

/// A refund as the merchant asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundDraft {
    /// The merchant's number for it.
    pub refund_order_id: String,
    /// Fen.
    pub amount: u64,
    /// The reason, as sent.
    pub desc: Option<String>,
    /// When it settles, for a refund that answers `PROCESSING`; none settles at once.
    pub settles_at: Option<DateTime<Utc>>,
}

/// What the channel makes of a refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundFacts {
    /// The channel's number for it.
    pub refund_target_order_id: String,
    /// When.
    pub at: DateTime<Utc>,
    /// `yyyy-MM-dd`.
    pub settle_date: String,
}

/// Whether a create of `new` may answer with `existing` (the same number): the same amount for
/// the same product (`wx/unified-order` and `wx/mini-pre-order` are one; so are the poslink
/// versions) is the same order; anything else is a duplicate number.
pub fn same_order(existing: &Order, new: &Order) -> Result<(), OrderError> {
    let product = |o: &Order| Product::of_path(&o.path);
    if existing.total_amount == new.total_amount && product(existing) == product(new) {
        return Ok(());
    }
    Err(OrderError::Duplicate {
        number: existing.mer_order_id.clone(),
        existing: existing.total_amount,
        path: existing.path.clone(),
    })
}

/// The payer's and the coupons' parts of `total`: either part given makes the other the rest;
/// both given must add up to it.
pub fn split_amount(
    total: u64,
    buyer_pay: Option<u64>,
    coupon: Option<u64>,
) -> Result<(u64, u64), OrderError> {
    let invalid = |what: String| Err(OrderError::Invalid(what));
    match (buyer_pay, coupon) {
        (None, None) => Ok((total, 0)),
        (Some(paid), None) if paid <= total => Ok((paid, total - paid)),
        (None, Some(coupon)) if coupon <= total => Ok((total - coupon, coupon)),
        (Some(paid), Some(coupon)) if paid.checked_add(coupon) == Some(total) => Ok((paid, coupon)),
        _ => invalid(format!(
            "buyerPayAmount and couponAmount must add up to the order's totalAmount {total}"
        )),
    }
}

/// The payer pays: an unpaid order becomes `TRADE_SUCCESS` with the payment's facts.
pub fn pay(order: &mut Order, payment: Payment) -> Result<(), OrderError> {
    payable(order)?;
    order.status = OrderStatus::TradeSuccess;
    order.updated_at = payment.pay_time;
    order.pay_time = Some(payment.pay_time);
    order.settle_date = Some(payment.settle_date);
    order.target_sys = Some(payment.target_sys);
    order.target_order_id = Some(payment.target_order_id);
    order.seq_id = Some(payment.seq_id);
    order.buyer_id = Some(payment.buyer_id);
    order.buyer_pay_amount = Some(payment.buyer_pay_amount);
    order.coupon_amount = Some(payment.coupon_amount);
    Ok(())
}

/// The payer has scanned or opened the order and not finished: a `NEW_ORDER` waits for the
/// buyer (`WAIT_BUYER_PAY`); a waiting order stays as it is.
pub fn start_paying(order: &mut Order, now: DateTime<Utc>) -> Result<(), OrderError> {
    payable(order)?;
    if order.status == OrderStatus::NewOrder {
        order.status = OrderStatus::WaitBuyerPay;
        order.updated_at = now;
    }
    Ok(())
}

/// The payment fails: an unpaid order closes.
pub fn fail(order: &mut Order, now: DateTime<Utc>) -> Result<(), OrderError> {
    payable(order)?;
    order.status = OrderStatus::TradeClosed;
    order.updated_at = now;
    Ok(())
}

fn payable(order: &Order) -> Result<(), OrderError> {
    if order.status.is_unpaid() {
        return Ok(());
    }
    Err(OrderError::NotPayable {
        mer_order_id: order.mer_order_id.clone(),
        status: order.status,
    })
}

/// The merchant closes: an unpaid order becomes `TRADE_CLOSED` (a closed one stays so); a paid
/// one is refused.
pub fn close(order: &mut Order, now: DateTime<Utc>) -> Result<(), OrderError> {
    match order.status {
        OrderStatus::TradeClosed => Ok(()),
        status if status.is_unpaid() => {
            order.status = OrderStatus::TradeClosed;
            order.updated_at = now;
            Ok(())
        }
        status => Err(OrderError::NotClosable {
            mer_order_id: order.mer_order_id.clone(),
            status,
        }),
    }
}

/// The merchant refunds part or all of a paid order. The same `refundOrderId` again answers
/// the refund on record instead of refunding twice; refunds add up to at most the total, and
/// the order becomes `TRADE_REFUND` once they reach it. `facts` is asked only for a new refund.
pub fn refund(
    order: &mut Order,
    draft: RefundDraft,
    facts: impl FnOnce(&Order) -> RefundFacts,
) -> Result<Refund, OrderError> {
    if let Some(existing) = order.refund(&draft.refund_order_id) {
        return Ok(existing.clone());
    }
    if !matches!(
        order.status,
        OrderStatus::TradeSuccess | OrderStatus::TradeRefund
    ) {
        return Err(OrderError::NotRefundable {
            mer_order_id: order.mer_order_id.clone(),
            status: order.status,
        });
    }
    let refundable = order.refundable();
    if draft.amount == 0 || draft.amount > refundable {
        return Err(OrderError::RefundTooLarge {
            requested: draft.amount,
            refundable,
        });
    }
    let facts = facts(order);
    let refund = Refund {
        refund_order_id: draft.refund_order_id,
        refund_amount: draft.amount,
        refund_status: match draft.settles_at {
            Some(_) => RefundStatus::Processing,
            None => RefundStatus::Success,
        },
        settles_at: draft.settles_at,
        refund_target_order_id: facts.refund_target_order_id,
        refund_pay_time: facts.at,
        refund_settle_date: facts.settle_date,
        refund_desc: draft.desc,
    };
    order.refunds.push(refund.clone());
    order.updated_at = facts.at;
    mark_refunded(order);
    Ok(refund)
}

/// An order is `TRADE_REFUND` once settled refunds cover all of it.
fn mark_refunded(order: &mut Order) {
    let processing = order
        .refunds
        .iter()
        .any(|r| r.refund_status == RefundStatus::Processing);
    if order.refundable() == 0 && !processing {
        order.status = OrderStatus::TradeRefund;
    }
}

/// `PROCESSING` refunds whose time has come settle (`SUCCESS`, paid at `now`); answers the
/// refunds that did.
pub fn settle_refunds(order: &mut Order, now: DateTime<Utc>, settle_date: &str) -> Vec<Refund> {
    let mut settled = Vec::new();
    for refund in &mut order.refunds {
        if refund.settles_at.is_some_and(|at| at <= now) {
            refund.settles_at = None;
            refund.refund_status = RefundStatus::Success;
            refund.refund_pay_time = now;
            settle_date.clone_into(&mut refund.refund_settle_date);
            settled.push(refund.clone());
        }
    }
    if !settled.is_empty() {
        order.updated_at = now;
        mark_refunded(order);
    }
    settled
}

/// The automatic payer's turn: answers whether an unpaid order's automatic payment is due at
/// `now`, and takes it off the order either way once due (so it is tried once).
pub fn take_auto_pay(order: &mut Order, now: DateTime<Utc>) -> bool {
    let due = order.auto_pay_at.is_some_and(|at| at <= now);
    if due {
        order.auto_pay_at = None;
    }
    due && order.status.is_unpaid()
}

/// An unpaid order past its `expireTime` closes; answers whether it did.
pub fn expire(order: &mut Order, now: DateTime<Utc>) -> bool {
    let due = order.status.is_unpaid() && order.expire_time.is_some_and(|at| at <= now);
    if due {
        order.status = OrderStatus::TradeClosed;
        order.updated_at = now;
    }
    due
}

/// The merchant voids a B-scan-C payment (`voidpayment`): an unpaid order closes; a paid one
/// with no refunds is reversed and closes too, keeping the facts of the payment it reverses.
pub fn void(order: &mut Order, now: DateTime<Utc>) -> Result<(), OrderError> {
    match order.status {
        OrderStatus::TradeSuccess if order.refunds.is_empty() => {
            order.status = OrderStatus::TradeClosed;
            order.updated_at = now;
            Ok(())
        }
        _ => close(order, now),
    }
}
