//! The payment battery: netpay payment-result notifications (each with its random extra
//! field) valid, duplicated, forged and signed the legacy way, then a refund notification.
//!
//! Every probe is about an order of its own that no store holds, made, paid and refunded by
//! the same code as the sandbox's orders, and announced by the same notices.

use chrono::{DateTime, Duration, Utc};
use rand::RngExt;

use super::check::Check;
use super::probe::{Plan, PlannedCheck, Probe, forge_sign, probe};
use crate::api::order::Order;
use crate::domain::apps::{App, NotifySigning};
use crate::domain::orders::OrderError;
use crate::domain::orders::facts::{payment_facts, refund_facts};
use crate::domain::orders::machine::{self, RefundDraft};
use crate::domain::orders::notices::{payment_notice_at, refund_notice};
use crate::protocol::generate::merchant_order_id;
use crate::protocol::netpay::Product;

/// The amount of every probe order, fen.
pub const AMOUNT: u64 = 1;
/// How long before its payment a probe order was created.
pub const PAID_AFTER_SECONDS: i64 = 10;
/// The product the probe orders are bought through: a WeChat mini-program payment.
const PRODUCT: Product = Product::WeChatMini;
/// The create path of [`PRODUCT`].
const PATH: &str = "/v1/netpay/wx/unified-order";

/// A new order of `app`, numbered the way the merchant numbers them, paid at `now` on the
/// product's channel.
fn paid_order<R: RngExt + ?Sized>(app: &App, now: DateTime<Utc>, rng: &mut R) -> Order {
    let created = now - Duration::seconds(PAID_AFTER_SECONDS);
    let mut order = Order {
        app_id: app.app_id.clone(),
        mid: app.mid.clone(),
        mer_order_id: merchant_order_id(rng, &app.msg_src_id, created),
        path: PATH.to_owned(),
        tid: Some(app.tid.clone()),
        inst_mid: PRODUCT.inst_mid().to_owned(),
        total_amount: AMOUNT,
        created_at: created,
        updated_at: created,
        ..Order::default()
    };
    let paid = payment_facts(rng, PRODUCT.target_sys().into(), None, (AMOUNT, 0), now);
    // A new order is always payable: the transition cannot refuse it.
    let _ = machine::pay(&mut order, paid);
    order
}

/// The payment-result notification of `order` paid at `now`, signed with `signing`; its
/// `notifyId` is the probe's id.
fn payment_probe<R: RngExt + ?Sized>(
    app: &App,
    order: &Order,
    now: DateTime<Utc>,
    signing: NotifySigning,
    rng: &mut R,
) -> Probe {
    let notice = payment_notice_at(app, order, now, rng);
    probe(app, &notice, notice.notify_id.clone(), now, signing)
}

/// The payment-result notification of a new order paid at `now`, signed with `signing`.
fn fresh_payment<R: RngExt + ?Sized>(
    app: &App,
    now: DateTime<Utc>,
    signing: NotifySigning,
    rng: &mut R,
) -> Probe {
    let order = paid_order(app, now, rng);
    payment_probe(app, &order, now, signing, rng)
}

/// The refund notification of a full refund of the paid `order` at `now`.
fn refund_probe<R: RngExt + ?Sized>(
    app: &App,
    mut order: Order,
    now: DateTime<Utc>,
    rng: &mut R,
) -> Result<Probe, OrderError> {
    let draft = RefundDraft {
        refund_order_id: merchant_order_id(rng, &app.msg_src_id, now),
        amount: AMOUNT,
        desc: None,
        settles_at: None,
    };
    let refund = machine::refund(&mut order, draft, |o| refund_facts(rng, o, now))?;
    let notice = refund_notice(payment_notice_at(app, &order, now, rng), &refund);
    let id = notice.order.notify_id.clone();
    Ok(probe(app, &notice, id, now, app.notify.sign_type))
}

/// Every check with its probes, in order, for `app` at sandbox time `now`; generated values
/// come from `rng`.
pub fn battery<R: RngExt + ?Sized>(
    app: &App,
    now: DateTime<Utc>,
    rng: &mut R,
) -> Vec<PlannedCheck> {
    let signing = app.notify.sign_type;
    let paid = paid_order(app, now, rng);
    let valid = payment_probe(app, &paid, now, signing, rng);
    let mut checks = vec![
        PlannedCheck::send(Check::AcceptsRandomField, vec![valid.clone()]),
        PlannedCheck::send(Check::AcceptsDuplicate, vec![valid]),
    ];
    checks.push(if signing == NotifySigning::None {
        PlannedCheck::skip_unsigned(Check::RejectsForgedSign)
    } else {
        let forged = forge_sign(fresh_payment(app, now, signing, rng));
        PlannedCheck::send(Check::RejectsForgedSign, vec![forged])
    });
    let legacy = fresh_payment(app, now, NotifySigning::Md5Legacy, rng);
    checks.push(PlannedCheck::send(Check::AcceptsLegacyMd5, vec![legacy]));
    let check = Check::AcceptsRefundAfterPayment;
    checks.push(match refund_probe(app, paid, now, rng) {
        Ok(refund) => PlannedCheck::send(check, vec![refund]),
        // A paid order always takes a refund of its whole amount; should it not, say why.
        Err(e) => PlannedCheck {
            check,
            plan: Plan::Skip(e.to_string()),
        },
    });
    checks
}
