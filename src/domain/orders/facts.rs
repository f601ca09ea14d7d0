//! What the channel makes of a payment or a refund: its numbers, payer and dates, generated
//! the way the real channels shape them.

use chrono::{DateTime, Utc};
use rand::RngExt;

use super::machine::{Payment, RefundFacts};
use crate::api::order::Order;
use crate::protocol::generate::{buyer_id, refund_target_order_id, seq_id, target_order_id};
use crate::protocol::timefmt::{date_beijing, format_date};

/// A payment made at `now` on `target_sys` (`WXPay`, `Alipay 2.0`, …) by `buyer` (a payer of
/// the channel's shape when `None`), split into the payer's and the coupons' parts.
pub fn payment_facts<R: RngExt + ?Sized>(
    rng: &mut R,
    target_sys: String,
    buyer: Option<String>,
    (buyer_pay_amount, coupon_amount): (u64, u64),
    now: DateTime<Utc>,
) -> Payment {
    Payment {
        pay_time: now,
        settle_date: format_date(date_beijing(now)),
        target_order_id: target_order_id(rng, &target_sys, now),
        seq_id: seq_id(rng),
        buyer_id: buyer.unwrap_or_else(|| buyer_id(rng, &target_sys)),
        target_sys,
        buyer_pay_amount,
        coupon_amount,
    }
}

/// A refund of the paid `order` made at `now`: the channel's number for it (on the order's
/// channel, WeChat Pay when unknown) and its dates.
pub fn refund_facts<R: RngExt + ?Sized>(
    rng: &mut R,
    order: &Order,
    now: DateTime<Utc>,
) -> RefundFacts {
    let sys = order.target_sys.as_deref().unwrap_or("WXPay");
    let paid = order.target_order_id.as_deref().unwrap_or_default();
    RefundFacts {
        refund_target_order_id: refund_target_order_id(rng, sys, paid, now),
        at: now,
        settle_date: format_date(date_beijing(now)),
    }
}
