//! The `expectOrder` step: an order's (or a QR bill's) status, what was refunded, its refunds
//! and notifications — read from the control API, or from the merchant's own query through the
//! gateway — with every difference explained.

use serde_json::{Value, json};

use super::orders::{Target, json_of, order_of, target};
use super::outcome::check;
use super::steps::{Args, Ctx};
use crate::api::order::Order;
use crate::client::Control;
use crate::client::business::base_body;

/// What the control API knows and the merchant's query does not show.
const CONTROL_ONLY: [&str; 3] = ["refunds", "refundStatuses", "notifications"];

/// Collects the differences between what a step expects and what is.
#[derive(Default)]
struct Differences(Vec<String>);

impl Differences {
    fn compare<T: PartialEq + std::fmt::Display>(&mut self, what: &str, wanted: Option<T>, is: T) {
        if let Some(wanted) = wanted.filter(|w| *w != is) {
            self.0.push(format!("{what} {wanted} (it is {is})"));
        }
    }

    fn verdict(self, target: &Target, record: Value) -> Result<Value, String> {
        if self.0.is_empty() {
            Ok(record)
        } else {
            Err(format!(
                "expected {} to have {}",
                target.label(),
                self.0.join(", ")
            ))
        }
    }
}

/// `refundStatuses` as a list of strings.
fn statuses(args: &Args) -> Result<Option<Vec<String>>, String> {
    args.value("refundStatuses")
        .map(|v| {
            serde_json::from_value(v.clone()).map_err(|_| {
                format!("refundStatuses must be a list of statuses such as [\"SUCCESS\"], not {v}")
            })
        })
        .transpose()
}

/// `expectOrder`: answers the record (or the query's answer) when everything holds.
pub async fn expect_order<C: Control>(ctx: &Ctx<'_, C>, args: &Args) -> Result<Value, String> {
    let target = target(ctx, args)?;
    if args.str("via") == Some("gateway") {
        return by_query(ctx, args, &target).await;
    }
    let wanted_statuses = statuses(args)?;
    let (record, status, notifications) = if target.bill {
        let bill = ctx
            .control
            .bill(&target.number, target.app_id.as_deref())
            .await;
        let bill = json_of(&target.route(), bill)?;
        let status = bill["billStatus"].as_str().unwrap_or("?").to_owned();
        let count = bill["notifications"].as_array().map_or(0, Vec::len);
        (bill, status, count)
    } else {
        let order = ctx
            .control
            .order(&target.number, target.app_id.as_deref())
            .await;
        let order = json_of(&target.route(), order)?;
        let status = order["status"].as_str().unwrap_or("?").to_owned();
        let count = order["notifications"].as_array().map_or(0, Vec::len);
        (order, status, count)
    };
    // A bill's refunds are those of the order that paid it.
    let paying: Option<Order> = if target.bill {
        order_of(ctx, &target).await?
    } else {
        serde_json::from_value(record.clone()).ok()
    };
    let refunds = paying
        .as_ref()
        .map(|o| o.refunds.clone())
        .unwrap_or_default();
    let refunded = paying.as_ref().map_or(0, Order::refunded);
    let listed: Vec<String> = refunds
        .iter()
        .map(|r| r.refund_status.as_str().to_owned())
        .collect();
    let mut differences = Differences::default();
    differences.compare("status", args.str("status"), status.as_str());
    differences.compare("refunded", args.u64("refunded"), refunded);
    differences.compare("refunds", args.u64("refunds"), refunds.len() as u64);
    if let Some(wanted) = wanted_statuses.filter(|w| *w != listed) {
        differences.0.push(format!(
            "refundStatuses [{}] (they are [{}])",
            wanted.join(", "),
            listed.join(", ")
        ));
    }
    differences.compare(
        "notifications",
        args.u64("notifications"),
        notifications as u64,
    );
    differences.verdict(&target, record)
}

/// Reads the order or bill as the merchant does: `query` (`bills/query`) through the gateway,
/// signed with the app's key.
async fn by_query<C: Control>(
    ctx: &Ctx<'_, C>,
    args: &Args,
    target: &Target,
) -> Result<Value, String> {
    if let Some(field) = CONTROL_ONLY.iter().find(|f| args.value(f).is_some()) {
        return Err(format!(
            "{field} is read from the control API, not the merchant's query; leave via out"
        ));
    }
    if target.bill && args.value("refunded").is_some() {
        return Err("refunded of a bill is read from the control API; leave via out".into());
    }
    let app_id = match &target.app_id {
        Some(app_id) => app_id.clone(),
        None => {
            let record = if target.bill {
                json_of(
                    &target.route(),
                    ctx.control.bill(&target.number, None).await,
                )?
            } else {
                json_of(
                    &target.route(),
                    ctx.control.order(&target.number, None).await,
                )?
            };
            record["appId"].as_str().unwrap_or_default().to_owned()
        }
    };
    let at = ctx.app_at(&app_id).await?;
    let mut body = base_body(&at.app, at.now);
    body.insert(target.member().into(), json!(target.number));
    let path = if target.bill {
        "/v1/netpay/bills/query"
    } else {
        "/v1/netpay/query"
    };
    let bytes = Value::Object(body).to_string().into_bytes();
    let headers = [
        ("content-type", "application/json; charset=UTF-8".to_owned()),
        (
            "authorization",
            crate::client::business::body_sig(&at.app, at.now, &bytes),
        ),
    ];
    let reply = ctx
        .gateway
        .request(reqwest::Method::POST, path, &headers, Some(bytes), None)
        .await?;
    check(
        &format!("POST {path}"),
        &reply,
        None,
        (200, Some("SUCCESS")),
    )?;
    let answer = reply.body;
    let status_member = if target.bill { "billStatus" } else { "status" };
    let status = answer[status_member].as_str().unwrap_or("?");
    // `refundAmount` is left out until something is refunded.
    let refunded = match &answer["refundAmount"] {
        Value::Number(n) => n.as_u64().unwrap_or_default(),
        Value::String(s) => s.parse().unwrap_or_default(),
        _ => 0,
    };
    let mut differences = Differences::default();
    differences.compare("status", args.str("status"), status);
    differences.compare("refunded", args.u64("refunded"), refunded);
    differences.verdict(target, answer.clone())
}
