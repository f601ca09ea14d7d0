//! C-scan-B QR bills: `bills/get-qrcode`, `update-qrcode`, `close-qrcode`, `query`, `refund`,
//! `refund-query` and `query-qrcode-info`.

use super::request::{Fields, Refusal};
use super::{Answer, Call, Reply, render};
use crate::api::order::Bill;
use crate::domain::orders::OrderError;
use crate::domain::stubs::RequestBody;
use crate::sandbox::{BillChange, NewBill};

/// Serves `/v1/netpay/bills/<action>`; `None` for an action the platform does not have.
pub(super) fn serve(call: &Call<'_>, action: &str, body: &RequestBody<'_>) -> Option<Answer> {
    let served = match action {
        "get-qrcode" => create(call, body),
        "update-qrcode" => update(call, body),
        "close-qrcode" => close(call, body),
        "query" => query(call, body),
        "refund" => refund(call, body),
        "refund-query" => refund_query(call, body),
        "query-qrcode-info" => code_info(call, body),
        _ => return None,
    };
    Some(call.finish(served))
}

/// A bill's answer: its members, with `billPayment` once paid.
fn shown(call: &Call<'_>, fields: &Fields<'_, '_>, bill: &Bill) -> Reply {
    let paid_by = call.state.bill_order(bill);
    render::bill(
        call.success().echo(fields),
        bill,
        paid_by.as_ref(),
        call.app,
    )
}

fn create(call: &Call<'_>, body: &RequestBody<'_>) -> Result<Reply, Refusal> {
    let fields = Fields::of(body)?;
    let new = NewBill {
        mid: fields.merchant("mid", call.app)?,
        bill_no: fields.required("billNo")?,
        total_amount: fields.required_amount("totalAmount")?,
        tid: fields.text("tid")?,
        inst_mid: fields.text("instMid")?,
        bill_date: fields.text("billDate")?,
        bill_desc: fields.text("billDesc")?,
        notify_url: fields.text("notifyUrl")?,
    };
    let bill = call.state.create_bill(call.app, new)?;
    Ok(shown(call, &fields, &bill))
}

/// The bill a call names: by `billNo`, else by `qrCodeId`.
fn named_bill(call: &Call<'_>, fields: &Fields<'_, '_>) -> Result<Bill, Refusal> {
    fields.merchant("mid", call.app)?;
    if let Some(number) = fields.text("billNo")? {
        return Ok(call.state.app_bill(call.app, &number)?);
    }
    match fields.text("qrCodeId")? {
        Some(code) => Ok(call.state.bill_by_code(call.app, &code)?),
        None => Err(Refusal::bad_request("billNo", "不能为空")),
    }
}

fn update(call: &Call<'_>, body: &RequestBody<'_>) -> Result<Reply, Refusal> {
    let fields = Fields::of(body)?;
    let bill = named_bill(call, &fields)?;
    let change = BillChange {
        total_amount: fields.amount("totalAmount")?,
        bill_desc: fields.text("billDesc")?,
        bill_date: fields.text("billDate")?,
    };
    let bill = call.state.update_bill(call.app, &bill.bill_no, change)?;
    Ok(shown(call, &fields, &bill))
}

fn close(call: &Call<'_>, body: &RequestBody<'_>) -> Result<Reply, Refusal> {
    let fields = Fields::of(body)?;
    let bill = named_bill(call, &fields)?;
    let bill = call.state.close_bill(call.app, &bill.bill_no)?;
    Ok(shown(call, &fields, &bill))
}

fn query(call: &Call<'_>, body: &RequestBody<'_>) -> Result<Reply, Refusal> {
    let fields = Fields::of(body)?;
    let bill = named_bill(call, &fields)?;
    Ok(shown(call, &fields, &bill))
}

fn code_info(call: &Call<'_>, body: &RequestBody<'_>) -> Result<Reply, Refusal> {
    let fields = Fields::of(body)?;
    fields.merchant("mid", call.app)?;
    let code = fields.required("qrCodeId")?;
    let bill = call.state.bill_by_code(call.app, &code)?;
    Ok(shown(call, &fields, &bill))
}

fn refund(call: &Call<'_>, body: &RequestBody<'_>) -> Result<Reply, Refusal> {
    let fields = Fields::of(body)?;
    let bill = named_bill(call, &fields)?;
    let amount = fields.required_amount("refundAmount")?;
    let (bill, order, refund) = call.state.refund_bill(
        call.app,
        &bill.bill_no,
        fields.text("refundOrderId")?,
        amount,
        fields.text("refundDesc")?,
    )?;
    let reply = render::bill(call.success().echo(&fields), &bill, Some(&order), call.app)
        .put("merOrderId", order.mer_order_id.as_str());
    Ok(render::refund(reply, &refund))
}

fn refund_query(call: &Call<'_>, body: &RequestBody<'_>) -> Result<Reply, Refusal> {
    let fields = Fields::of(body)?;
    let bill = named_bill(call, &fields)?;
    let wanted = fields.text("refundOrderId")?;
    let order = call.state.bill_order(&bill);
    let refund = order.as_ref().and_then(|o| match &wanted {
        Some(id) => o.refund(id).cloned(),
        None => o.refunds.last().cloned(),
    });
    let (Some(order), Some(refund)) = (order, refund) else {
        return Err(OrderError::RefundNotFound {
            mer_order_id: bill.bill_no,
            refund_order_id: wanted.unwrap_or_default(),
        }
        .into());
    };
    let reply = render::bill(call.success().echo(&fields), &bill, Some(&order), call.app)
        .put("merOrderId", order.mer_order_id.as_str());
    Ok(render::refund(reply, &refund))
}
