//! The `pay` step: the payer pays an order or a QR bill (or the payment fails, or stays
//! pending) through the control API, or presses the button of its cashier page as a person
//! would.

use reqwest::Method;
use serde_json::{Value, json};

use super::orders::{Target, json_of, target};
use super::outcome::{answered, check};
use super::steps::{Args, Ctx};
use crate::api::order::{OrderStatus, PayOutcome, PayRequest};
use crate::client::Control;

/// The fields only the control API takes: a cashier page has one button to pay, one to cancel.
const CONTROL_ONLY: [&str; 4] = ["targetSys", "buyerPayAmount", "couponAmount", "buyerId"];

fn outcome(args: &Args) -> Result<PayOutcome, String> {
    match args.str("outcome").unwrap_or("success") {
        "success" => Ok(PayOutcome::Success),
        "fail" => Ok(PayOutcome::Fail),
        "pending" => Ok(PayOutcome::Pending),
        other => Err(format!(
            "outcome must be success, fail or pending, not {other:?}"
        )),
    }
}

/// `pay`: `{order, notification}` for an order, `{bill, order, notification}` for a bill, as
/// the control API answers them.
pub async fn pay<C: Control>(ctx: &Ctx<'_, C>, args: &Args) -> Result<Value, String> {
    let target = target(ctx, args)?;
    let outcome = outcome(args)?;
    if args.str("via") == Some("cashier") {
        return at_cashier(ctx, args, &target, outcome).await;
    }
    let request = PayRequest {
        app_id: target.app_id.clone(),
        outcome,
        target_sys: args.str("targetSys").map(str::to_owned),
        buyer_pay_amount: args.u64("buyerPayAmount"),
        coupon_amount: args.u64("couponAmount"),
        buyer_id: args.str("buyerId").map(str::to_owned),
    };
    let what = format!("POST {}/pay", target.route());
    let expect = args.value("expect");
    let number = &target.number;
    if target.bill {
        answered(
            &what,
            ctx.control.pay_bill(number, request).await,
            expect,
            200,
        )
    } else {
        answered(
            &what,
            ctx.control.pay_order(number, request).await,
            expect,
            200,
        )
    }
}

/// The record a target is now, as the control API shows it.
async fn record<C: Control>(ctx: &Ctx<'_, C>, target: &Target) -> Result<Value, String> {
    let (number, app_id) = (&target.number, target.app_id.as_deref());
    if target.bill {
        json_of(&target.route(), ctx.control.bill(number, app_id).await)
    } else {
        json_of(&target.route(), ctx.control.order(number, app_id).await)
    }
}

/// The notification the record gained since `before` (none: `null`).
async fn new_notification<C: Control>(
    ctx: &Ctx<'_, C>,
    before: &Value,
    after: &Value,
) -> Result<Value, String> {
    let seen = before["notifications"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let added = after["notifications"]
        .as_array()
        .and_then(|all| all.iter().find(|id| !seen.contains(id)))
        .and_then(Value::as_str);
    match added {
        Some(id) => {
            let route = format!("/__mock/notifications/{id}");
            json_of(&route, ctx.control.notification(id).await)
        }
        None => Ok(Value::Null),
    }
}

/// Presses Pay (or Cancel, for a failed payment) on the cashier page of an H5 or Alipay QR
/// order or a QR bill, as a person would, and answers the record after it.
async fn at_cashier<C: Control>(
    ctx: &Ctx<'_, C>,
    args: &Args,
    target: &Target,
    outcome: PayOutcome,
) -> Result<Value, String> {
    if let Some(field) = CONTROL_ONLY.iter().find(|f| args.value(f).is_some()) {
        return Err(format!(
            "a cashier page takes no {field}; leave via out to pay through the control API"
        ));
    }
    let button = match outcome {
        PayOutcome::Success => "pay",
        PayOutcome::Fail => "cancel",
        PayOutcome::Pending => {
            return Err("a cashier page cannot leave a payment pending; leave via out".into());
        }
    };
    let before = record(ctx, target).await?;
    let page_member = if target.bill {
        "billQRCode"
    } else {
        "cashierUrl"
    };
    let Some(page) = before[page_member].as_str() else {
        return Err(format!(
            "{} has no cashier page (H5 and Alipay QR orders and QR bills have one)",
            target.label()
        ));
    };
    let url = format!("{page}/{button}");
    let headers = [(
        "content-type",
        "application/x-www-form-urlencoded".to_owned(),
    )];
    let (reply, _) = ctx
        .gateway
        .exchange(Method::POST, &url, &headers, Some(Vec::new()), None)
        .await?;
    check(
        &format!("POST {url}"),
        &reply,
        args.value("expect"),
        (200, None),
    )?;
    let after = record(ctx, target).await?;
    let status = if target.bill {
        after["billStatus"].as_str()
    } else {
        after["status"].as_str()
    };
    let wanted = match (target.bill, outcome) {
        (true, PayOutcome::Success) => "PAID",
        (false, PayOutcome::Success) => OrderStatus::TradeSuccess.as_str(),
        (true, _) => "UNPAID",
        (false, _) => OrderStatus::TradeClosed.as_str(),
    };
    if reply.status == 200 && status != Some(wanted) {
        return Err(format!(
            "pressed {button} on the cashier page of {}, yet it is {} (not {wanted})",
            target.label(),
            status.unwrap_or("unknown")
        ));
    }
    let notification = new_notification(ctx, &before, &after).await?;
    if target.bill {
        let order = match after["merOrderId"].as_str() {
            Some(number) => {
                let route = format!("/__mock/orders/{number}");
                let app_id = after["appId"].as_str();
                json_of(&route, ctx.control.order(number, app_id).await)?
            }
            None => Value::Null,
        };
        Ok(json!({ "bill": after, "order": order, "notification": notification }))
    } else {
        Ok(json!({ "order": after, "notification": notification }))
    }
}
