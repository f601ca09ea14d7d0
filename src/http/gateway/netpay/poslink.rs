//! B-scan-C (`/v{2,4,6}/poslink/transaction/…`): the merchant scans the payer's code and the
//! payment is made at once; `voidpayment`, `refund`, `query`, `query-refund` (v6 also
//! `refund-query`). Success is `errCode` `00` with `errInfo`; refusals carry `errInfo` too.

use super::request::{Fields, Refusal};
use super::{Answer, Call, Reply};
use crate::api::order::{Order, OrderStatus};
use crate::domain::orders::OrderError;
use crate::domain::stubs::RequestBody;
use crate::sandbox::NewOrder;

/// Serves `…/poslink/transaction/<action>`; `None` for an action the platform does not have.
pub(super) fn serve(call: &Call<'_>, action: &str, body: &RequestBody<'_>) -> Option<Answer> {
    let served = match action {
        "pay" => pay(call, body),
        "voidpayment" => void(call, body),
        "refund" => refund(call, body),
        "query" => query(call, body),
        "query-refund" => refund_query(call, body),
        "refund-query" if call.path.starts_with("/v6/") => refund_query(call, body),
        _ => return None,
    };
    Some(match served {
        Ok(reply) => reply.answer(),
        Err(refusal) => Reply::default()
            .put("errCode", refusal.code)
            .put("errInfo", refusal.msg)
            .answer(),
    })
}

/// `errCode` `00`.
fn success(fields: &Fields<'_, '_>) -> Reply {
    Reply::default()
        .put("errCode", "00")
        .put("errInfo", "10000成功响应")
        .echo(fields)
}

/// How poslink answers name the paying channel.
fn third_party_name(target_sys: Option<&str>) -> &'static str {
    match target_sys {
        Some("Alipay 2.0") => "支付宝",
        Some("UAC" | "ACP") => "银联二维码",
        _ => "微信",
    }
}

/// The members of a B-scan-C order.
fn shown(reply: Reply, order: &Order) -> Reply {
    let paid = order.pay_time.is_some();
    reply
        .put("merchantCode", order.mid.as_str())
        .opt("terminalCode", order.tid.as_deref())
        .opt("orderId", order.platform_order_id.as_deref())
        .put("merchantOrderId", order.mer_order_id.as_str())
        .opt(
            "thirdPartyName",
            paid.then(|| third_party_name(order.target_sys.as_deref())),
        )
        .opt("thirdPartyOrderId", order.target_order_id.as_deref())
        .opt("thirdPartyBuyerId", order.buyer_id.as_deref())
        .opt("userId", order.buyer_id.as_deref())
        .opt("amount", order.buyer_pay_amount.filter(|_| paid))
        .opt(
            "totalDiscountAmount",
            order.coupon_amount.filter(|c| *c > 0),
        )
        .opt(
            "actualTransactionAmount",
            paid.then_some(order.total_amount),
        )
}

/// The order a call names: `merchantOrderId`, else `originalOrderId`.
fn named(call: &Call<'_>, fields: &Fields<'_, '_>) -> Result<Order, Refusal> {
    fields.merchant("merchantCode", call.app)?;
    let merchant = fields.text("merchantOrderId")?;
    let original = fields.text("originalOrderId")?;
    if merchant.is_none() && original.is_none() {
        return Err(Refusal::bad_request("merchantOrderId", "不能为空"));
    }
    Ok(call
        .state
        .poslink_order(call.app, merchant.as_deref(), original.as_deref())?)
}

fn pay(call: &Call<'_>, body: &RequestBody<'_>) -> Result<Reply, Refusal> {
    let fields = Fields::of(body)?;
    let new = NewOrder {
        path: call.path.to_owned(),
        mid: fields.merchant("merchantCode", call.app)?,
        tid: fields.text("terminalCode")?,
        mer_order_id: fields.required("merchantOrderId")?,
        total_amount: fields.required_amount("transactionAmount")?,
        order_desc: fields.text("merchantRemark")?,
        ..NewOrder::default()
    };
    fields.required("payCode")?;
    if fields
        .text("transactionCurrencyCode")?
        .is_some_and(|c| c != "156")
    {
        return Err(Refusal::bad_request("transactionCurrencyCode", "须为156"));
    }
    let order = call.state.poslink_pay(call.app, new)?;
    Ok(shown(success(&fields), &order))
}

fn void(call: &Call<'_>, body: &RequestBody<'_>) -> Result<Reply, Refusal> {
    let fields = Fields::of(body)?;
    let order = named(call, &fields)?;
    let order = call.state.void_order(call.app, &order.mer_order_id)?;
    Ok(shown(success(&fields), &order))
}

fn refund(call: &Call<'_>, body: &RequestBody<'_>) -> Result<Reply, Refusal> {
    let fields = Fields::of(body)?;
    let order = named(call, &fields)?;
    let request_id = fields.required("refundRequestId")?;
    let amount = fields.required_amount("transactionAmount")?;
    let (order, refund) = call.state.refund_order(
        call.app,
        &order.mer_order_id,
        Some(request_id),
        amount,
        None,
    )?;
    Ok(shown(success(&fields), &order)
        .put("refundRequestId", refund.refund_order_id.as_str())
        .put("transactionAmount", refund.refund_amount)
        .put("refundedAmount", order.refunded())
        .put("refundOrderId", refund.refund_target_order_id.as_str()))
}

/// `queryResCode`: `0` paid, `2` voided, `3` refunded, `5` failed, `FF` not known yet.
fn query_result(order: &Order) -> (&'static str, &'static str) {
    match order.status {
        OrderStatus::TradeSuccess => ("0", "成功"),
        OrderStatus::TradeRefund => ("3", "已退货"),
        OrderStatus::TradeClosed if order.pay_time.is_some() => ("2", "已撤销"),
        OrderStatus::TradeClosed => ("5", "失败"),
        _ => ("FF", "交易状态未知"),
    }
}

fn query(call: &Call<'_>, body: &RequestBody<'_>) -> Result<Reply, Refusal> {
    let fields = Fields::of(body)?;
    let order = named(call, &fields)?;
    let (code, desc) = query_result(&order);
    let refunded = order.refunded();
    Ok(shown(success(&fields), &order)
        .put("queryResCode", code)
        .put("queryResDesc", desc)
        .put("originalTransactionAmount", order.total_amount)
        .opt("originalSystemTraceNum", order.seq_id.as_deref())
        .opt("refundedAmount", (refunded > 0).then_some(refunded)))
}

fn refund_query(call: &Call<'_>, body: &RequestBody<'_>) -> Result<Reply, Refusal> {
    let fields = Fields::of(body)?;
    let order = named(call, &fields)?;
    let request_id = fields.required("refundRequestId")?;
    let Some(refund) = order.refund(&request_id) else {
        return Err(OrderError::RefundNotFound {
            mer_order_id: order.mer_order_id,
            refund_order_id: request_id,
        }
        .into());
    };
    Ok(shown(success(&fields), &order)
        .put("queryResCode", "00")
        .put("refundRequestId", refund.refund_order_id.as_str())
        .put("transactionAmount", refund.refund_amount)
        .put("refundStatus", refund.refund_status.as_str())
        .put("refundOrderId", refund.refund_target_order_id.as_str()))
}
