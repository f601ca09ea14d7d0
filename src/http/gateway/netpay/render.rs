//! Orders, refunds and bills as netpay answers carry them: ChinaUMS's member names, amounts in
//! fen as numbers, times as `yyyy-MM-dd HH:mm:ss` in the app's time, and nothing the order
//! does not have.

use serde_json::{Map, Value};

use super::Reply;
use crate::api::app::App;
use crate::api::order::{Bill, Order, Refund};
use crate::protocol::timefmt::datetime_beijing;

/// The members of an order (query, create, close and refund answers).
pub(super) fn order(reply: Reply, order: &Order, app: &App) -> Reply {
    let paid = order.pay_time.is_some();
    let buyer_pay = order.buyer_pay_amount.filter(|_| paid);
    let refunded = order.refunded();
    reply
        .put("mid", order.mid.as_str())
        .opt("tid", order.tid.as_deref())
        .put("instMid", order.inst_mid.as_str())
        .put("merName", app.name.as_str())
        .put("merOrderId", order.mer_order_id.as_str())
        .put("totalAmount", order.total_amount)
        .put("status", order.status.as_str())
        .opt("payTime", order.pay_time.map(datetime_beijing))
        .opt("settleDate", order.settle_date.as_deref())
        .opt("seqId", order.seq_id.as_deref())
        .opt("targetOrderId", order.target_order_id.as_deref())
        .opt("targetSys", order.target_sys.as_deref())
        .opt("buyerId", order.buyer_id.as_deref())
        .opt("buyerPayAmount", buyer_pay)
        .opt("couponAmount", order.coupon_amount.filter(|c| *c > 0))
        .opt("invoiceAmount", buyer_pay)
        .opt("receiptAmount", paid.then_some(order.total_amount))
        .opt("refundAmount", (refunded > 0).then_some(refunded))
        .opt("orderDesc", order.order_desc.as_deref())
        .opt("attachedData", order.attached_data.as_deref())
}

/// The members of a refund (refund and refund-query answers).
pub(super) fn refund(reply: Reply, refund: &Refund) -> Reply {
    reply
        .put("refundOrderId", refund.refund_order_id.as_str())
        .put("refundAmount", refund.refund_amount)
        .put("refundStatus", refund.refund_status.as_str())
        .put(
            "refundTargetOrderId",
            refund.refund_target_order_id.as_str(),
        )
        .put("refundPayTime", datetime_beijing(refund.refund_pay_time))
        .put("refundSettleDate", refund.refund_settle_date.as_str())
        .opt("refundDesc", refund.refund_desc.as_deref())
}

/// The members of a bill, with `billPayment` once an order paid it.
pub(super) fn bill(reply: Reply, bill: &Bill, paid_by: Option<&Order>, app: &App) -> Reply {
    reply
        .put("mid", bill.mid.as_str())
        .opt("tid", bill.tid.as_deref())
        .put("instMid", bill.inst_mid.as_str())
        .put("merName", app.name.as_str())
        .put("billNo", bill.bill_no.as_str())
        .put("billDate", bill.bill_date.as_str())
        .opt("billDesc", bill.bill_desc.as_deref())
        .put("totalAmount", bill.total_amount)
        .put("billStatus", bill.bill_status.as_str())
        .put("qrCodeId", bill.qr_code_id.as_str())
        .put("billQRCode", bill.bill_qr_code.as_str())
        .opt("billPayment", paid_by.map(bill_payment))
}

/// `billPayment`: the order that paid a bill, as the bill's answers nest it.
pub(super) fn bill_payment(order: &Order) -> Value {
    let mut out = Map::new();
    let mut put = |name: &str, value: Option<Value>| {
        if let Some(v) = value {
            out.insert(name.to_owned(), v);
        }
    };
    let buyer_pay = order.buyer_pay_amount.unwrap_or(order.total_amount);
    put("merOrderId", Some(order.mer_order_id.clone().into()));
    put(
        "payTime",
        order.pay_time.map(|t| datetime_beijing(t).into()),
    );
    put("paySeqId", order.seq_id.clone().map(Value::from));
    put("settleDate", order.settle_date.clone().map(Value::from));
    put("buyerId", order.buyer_id.clone().map(Value::from));
    put("totalAmount", Some(order.total_amount.into()));
    put("buyerPayAmount", Some(buyer_pay.into()));
    put("invoiceAmount", Some(buyer_pay.into()));
    put("receiptAmount", Some(order.total_amount.into()));
    put(
        "couponAmount",
        order.coupon_amount.filter(|c| *c > 0).map(Value::from),
    );
    put(
        "targetOrderId",
        order.target_order_id.clone().map(Value::from),
    );
    put("targetSys", order.target_sys.clone().map(Value::from));
    put("status", Some(order.status.as_str().into()));
    put("billBizType", Some("bills".into()));
    Value::Object(out)
}
