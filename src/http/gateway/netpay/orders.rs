//! WeChat, Alipay and UnionPay QuickPass orders: create (every product's create path), query,
//! refund, refund-query and close.

use super::request::{Fields, Refusal};
use super::{Call, Reply, render};
use crate::api::order::Order;
use crate::domain::orders::OrderError;
use crate::domain::stubs::RequestBody;
use crate::protocol::netpay::Product;
use crate::sandbox::NewOrder;

/// The create request's members.
pub(super) fn new_order(call: &Call<'_>, fields: &Fields<'_, '_>) -> Result<NewOrder, Refusal> {
    Ok(NewOrder {
        path: call.path.to_owned(),
        mid: fields.merchant("mid", call.app)?,
        mer_order_id: fields.required("merOrderId")?,
        total_amount: fields.required_amount("totalAmount")?,
        tid: fields.text("tid")?,
        inst_mid: fields.text("instMid")?,
        notify_url: fields.text("notifyUrl")?,
        return_url: fields.text("returnUrl")?,
        order_desc: fields.text("orderDesc")?,
        attached_data: fields.text("attachedData")?,
        src_reserve: fields.text("srcReserve")?,
        expire_time: fields.time("expireTime")?,
    })
}

/// `wx/unified-order`, `trade/create`, `uac/app-order`, …: the order, with the wallet
/// parameters of its product (`miniPayRequest` / `appPayRequest`), or `qrCode` for a QR order.
pub(super) fn create(call: &Call<'_>, body: &RequestBody<'_>) -> Result<Reply, Refusal> {
    let fields = Fields::of(body)?;
    let new = new_order(call, &fields)?;
    let order = call.state.create_order(call.app, new)?;
    let product = Product::of_path(&order.path);
    let mut reply = render::order(call.success().echo(&fields), &order, call.app);
    if order.target_sys.is_none() {
        reply = reply.opt("targetSys", product.map(Product::target_sys));
    }
    if let (Some((_, member)), Some(wallet)) =
        (product.and_then(Product::wallet), &order.wallet_request)
    {
        reply = reply.put(member, serde_json::json!(wallet));
    }
    if product == Some(Product::AlipayQr) {
        reply = reply.opt("qrCode", order.cashier_url.as_deref());
    }
    Ok(reply)
}

/// The order a management call names (`merOrderId`), after the merchant check.
fn named_order(call: &Call<'_>, fields: &Fields<'_, '_>) -> Result<Order, Refusal> {
    fields.merchant("mid", call.app)?;
    let number = fields.required("merOrderId")?;
    Ok(call.state.app_order(call.app, &number)?)
}

/// `query` / `order-query`: the order's real state; `NO_ORDER` for one never seen.
pub(super) fn query(call: &Call<'_>, body: &RequestBody<'_>) -> Result<Reply, Refusal> {
    let fields = Fields::of(body)?;
    let order = named_order(call, &fields)?;
    Ok(render::order(
        call.success().echo(&fields),
        &order,
        call.app,
    ))
}

/// `refund`: part or all of a paid order; the same `refundOrderId` answers the refund on
/// record.
pub(super) fn refund(call: &Call<'_>, body: &RequestBody<'_>) -> Result<Reply, Refusal> {
    let fields = Fields::of(body)?;
    fields.merchant("mid", call.app)?;
    let number = fields.required("merOrderId")?;
    let amount = fields.required_amount("refundAmount")?;
    let (order, refund) = call.state.refund_order(
        call.app,
        &number,
        fields.text("refundOrderId")?,
        amount,
        fields.text("refundDesc")?,
    )?;
    let reply = render::order(call.success().echo(&fields), &order, call.app);
    Ok(render::refund(reply, &refund))
}

/// `refund-query`: the refund named by `refundOrderId` (else the latest).
pub(super) fn refund_query(call: &Call<'_>, body: &RequestBody<'_>) -> Result<Reply, Refusal> {
    let fields = Fields::of(body)?;
    let order = named_order(call, &fields)?;
    let wanted = fields.text("refundOrderId")?;
    let refund = match &wanted {
        Some(id) => order.refund(id),
        None => order.refunds.last(),
    };
    let Some(refund) = refund else {
        return Err(OrderError::RefundNotFound {
            mer_order_id: order.mer_order_id,
            refund_order_id: wanted.unwrap_or_default(),
        }
        .into());
    };
    let reply = render::order(call.success().echo(&fields), &order, call.app);
    Ok(render::refund(reply, refund))
}

/// `close`: an unpaid order closes (`TRADE_CLOSED`); a paid one is refused.
pub(super) fn close(call: &Call<'_>, body: &RequestBody<'_>) -> Result<Reply, Refusal> {
    let fields = Fields::of(body)?;
    fields.merchant("mid", call.app)?;
    let number = fields.required("merOrderId")?;
    let order = call.state.close_order(call.app, &number)?;
    Ok(render::order(
        call.success().echo(&fields),
        &order,
        call.app,
    ))
}
