//! Order steps that go through the gateway as the merchant's client: `createOrder` (any create
//! path, the QR bills' `get-qrcode`, the H5 cashier's signed GET) and `refund`; and what the
//! order steps share: the order or bill a step is about.

use reqwest::Method;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::business::authorization;
use super::client::Reply;
use super::outcome::{answered, check, failed};
use super::steps::{Args, Ctx};
use crate::api::order::{Order, RefundRequest};
use crate::client::business::{base_body, form_param_query, order_number, overlay};
use crate::client::{ClientError, Control, DEFAULT_ORDER_PATH};
use crate::protocol::netpay::Product;

/// What an order step is about: an order or a QR bill, by number, and the app holding it when
/// the step says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// A QR bill (`bill`) rather than an order (`order`).
    pub bill: bool,
    /// Its `merOrderId` or `billNo`.
    pub number: String,
    /// The app holding it: the step's `app`, else the app of the step that created it.
    pub app_id: Option<String>,
}

impl Target {
    /// `order 3194…` / `bill 3194…`, for messages.
    pub fn label(&self) -> String {
        let what = if self.bill { "bill" } else { "order" };
        format!("{what} {}", self.number)
    }

    /// The control route of the record: `/__mock/orders/3194…`.
    pub fn route(&self) -> String {
        let what = if self.bill { "bills" } else { "orders" };
        format!("/__mock/{what}/{}", self.number)
    }

    /// The member that numbers it in requests.
    pub fn member(&self) -> &'static str {
        if self.bill { "billNo" } else { "merOrderId" }
    }
}

/// The order or bill a step names: `order` / `bill` is the `as` name of an earlier step whose
/// output holds it (a `createOrder`, a `pay` …), or the number itself.
pub fn target<C: Control>(ctx: &Ctx<'_, C>, args: &Args) -> Result<Target, String> {
    let (bill, name) = match (args.str("order"), args.str("bill")) {
        (Some(order), None) => (false, order),
        (None, Some(bill)) => (true, bill),
        _ => return Err("needs exactly one of order and bill".into()),
    };
    let (member, nested) = if bill {
        ("billNo", "bill")
    } else {
        ("merOrderId", "order")
    };
    let (number, holder) = match ctx.bindings.get(name) {
        Some(saved) => {
            let record = [saved, &saved[nested]]
                .into_iter()
                .find(|r| r[member].is_string())
                .ok_or_else(|| format!("step {name:?} saved no {member}"))?;
            let number = record[member].as_str().unwrap_or_default().to_owned();
            (number, record["appId"].as_str().map(str::to_owned))
        }
        None => (name.to_owned(), None),
    };
    let app_id = args.str("app").map(|a| ctx.app_id(a)).or(holder);
    Ok(Target {
        bill,
        number,
        app_id,
    })
}

/// The JSON of a control answer, or why the call failed.
pub fn json_of<T: Serialize>(what: &str, value: Result<T, ClientError>) -> Result<Value, String> {
    let value = value.map_err(|e| failed(&format!("GET {what}"), &e))?;
    serde_json::to_value(value).map_err(|e| format!("{what}: {e}"))
}

/// The order a target is, or for a bill the order that paid it (`None`: not paid yet).
pub async fn order_of<C: Control>(
    ctx: &Ctx<'_, C>,
    target: &Target,
) -> Result<Option<Order>, String> {
    let control = ctx.control;
    let app_id = target.app_id.as_deref();
    let number = if target.bill {
        let bill = control.bill(&target.number, app_id).await;
        let bill = bill.map_err(|e| failed(&format!("GET {}", target.route()), &e))?;
        match bill.mer_order_id {
            Some(number) => number,
            None => return Ok(None),
        }
    } else {
        target.number.clone()
    };
    let order = control.order(&number, app_id).await;
    let order = order.map_err(|e| failed(&format!("GET /__mock/orders/{number}"), &e))?;
    Ok(Some(order))
}

/// Sends a business call of `app_id` with the JSON `body`: a POST signed as `auth` says, or for
/// `formParam` the H5 cashier's GET with the signed content in the query. Answers the route
/// (`POST /v1/…`), the reply and where it redirects.
async fn send<C: Control>(
    ctx: &Ctx<'_, C>,
    app_id: &str,
    path: &str,
    auth: &str,
    body: &Map<String, Value>,
) -> Result<(String, Reply, Option<String>), String> {
    let text = Value::Object(body.clone()).to_string();
    if auth == "formParam" {
        let at = ctx.app_at(app_id).await?;
        let url = format!("{path}?{}", form_param_query(&at.app, at.now, &text));
        let (reply, location) = ctx
            .gateway
            .exchange(Method::GET, &url, &[], None, None)
            .await?;
        return Ok((format!("GET {path}"), reply, location));
    }
    let bytes = text.into_bytes();
    let mut headers = vec![("content-type", "application/json; charset=UTF-8".to_owned())];
    if let Some(value) = authorization(ctx, app_id, auth, None, &bytes).await? {
        headers.push(("authorization", value));
    }
    let (reply, location) = ctx
        .gateway
        .exchange(Method::POST, path, &headers, Some(bytes), None)
        .await?;
    Ok((format!("POST {path}"), reply, location))
}

/// `createOrder`: creates an order (or a QR bill, or an H5 cashier order) through the gateway
/// and answers it as the control API shows it, with the gateway's `answer`.
pub async fn create<C: Control>(ctx: &Ctx<'_, C>, args: &Args) -> Result<Value, String> {
    let app_id = ctx.app_id(args.need_str("app")?);
    let path = args.str("path").unwrap_or(DEFAULT_ORDER_PATH);
    if !path.starts_with('/') {
        return Err(format!("path must start with /, not {path:?}"));
    }
    let product = Product::of_path(path);
    let bill = product == Some(Product::Bill);
    let h5 = matches!(product, Some(Product::H5(_)));
    let (member, other) = if bill {
        ("billNo", "merOrderId")
    } else {
        ("merOrderId", "billNo")
    };
    if args.value(other).is_some() {
        return Err(format!(
            "{path} numbers its record by {member}, not {other}"
        ));
    }
    let at = ctx.app_at(&app_id).await?;
    let number = match args.str(member) {
        Some(number) => number.to_owned(),
        None => order_number(&at.app, at.now),
    };
    let mut body = base_body(&at.app, at.now);
    body.insert(member.into(), json!(number));
    body.insert("totalAmount".into(), json!(args.u64("totalAmount")));
    let body = overlay(body, args.value("body").unwrap_or(&Value::Null));
    // The step's `body` may number it itself.
    let number = body[member].as_str().map_or(number, str::to_owned);
    let auth = args
        .str("auth")
        .unwrap_or(if h5 { "formParam" } else { "bodySig" });
    let (what, reply, location) = send(ctx, &app_id, path, auth, &body).await?;
    let default = if h5 {
        (302, None)
    } else {
        (200, Some("SUCCESS"))
    };
    check(&what, &reply, args.value("expect"), default)?;
    let created = match &location {
        Some(_) => reply.status == 302,
        None => reply.code() == Some("SUCCESS"),
    };
    let answer = match location {
        Some(location) => json!({ "location": location }),
        None => reply.body,
    };
    let mut output = if !created {
        json!({ "appId": app_id, member: number })
    } else if bill {
        let route = format!("/__mock/bills/{number}");
        json_of(&route, ctx.control.bill(&number, Some(&app_id)).await)?
    } else {
        let route = format!("/__mock/orders/{number}");
        json_of(&route, ctx.control.order(&number, Some(&app_id)).await)?
    };
    output["answer"] = answer;
    Ok(output)
}

/// `refund`: refunds an order (or a paid bill) through the gateway as the merchant does, or
/// with `via: control` as the back office does; the amount defaults to all that is left.
pub async fn refund<C: Control>(ctx: &Ctx<'_, C>, args: &Args) -> Result<Value, String> {
    let target = target(ctx, args)?;
    let expect = args.value("expect");
    if args.str("via") == Some("control") {
        if let Some(field) = ["path", "body", "auth"]
            .into_iter()
            .find(|f| args.value(f).is_some())
        {
            return Err(format!(
                "{field} is for a refund through the gateway; leave via out"
            ));
        }
        // A bill is refunded through the order that paid it.
        let (number, app_id) = if target.bill {
            let order = order_of(ctx, &target).await?.ok_or_else(|| {
                format!("{} is not paid: there is nothing to refund", target.label())
            })?;
            (order.mer_order_id, Some(order.app_id))
        } else {
            (target.number.clone(), target.app_id.clone())
        };
        let request = RefundRequest {
            app_id,
            refund_amount: args.u64("refundAmount"),
            refund_order_id: args.str("refundOrderId").map(str::to_owned),
            refund_desc: args.str("refundDesc").map(str::to_owned),
            refund_status: None,
        };
        let what = format!("POST /__mock/orders/{number}/refund");
        let done = ctx.control.refund_order(&number, request).await;
        return answered(&what, done, expect, 200);
    }
    // The app signs the call. What the step does not say is read from the record: the holder,
    // and all that is left to refund (with nothing left, the total, which the gateway refuses
    // as it would refuse the merchant).
    let (app_id, amount) = match (target.app_id.clone(), args.u64("refundAmount")) {
        (Some(app_id), Some(amount)) => (app_id, amount),
        (given, amount) => {
            let (holder, left) = match order_of(ctx, &target).await? {
                Some(order) if order.refundable() > 0 => (order.app_id.clone(), order.refundable()),
                Some(order) => (order.app_id, order.total_amount),
                None => {
                    let bill = ctx.control.bill(&target.number, given.as_deref()).await;
                    let bill = bill.map_err(|e| failed(&format!("GET {}", target.route()), &e))?;
                    (bill.app_id, bill.total_amount)
                }
            };
            (given.unwrap_or(holder), amount.unwrap_or(left))
        }
    };
    let at = ctx.app_at(&app_id).await?;
    let mut body = base_body(&at.app, at.now);
    body.insert(target.member().into(), json!(target.number));
    body.insert("refundAmount".into(), json!(amount));
    for name in ["refundOrderId", "refundDesc"] {
        if let Some(value) = args.str(name) {
            body.insert(name.into(), json!(value));
        }
    }
    let body = overlay(body, args.value("body").unwrap_or(&Value::Null));
    let default_path = if target.bill {
        "/v1/netpay/bills/refund"
    } else {
        "/v1/netpay/refund"
    };
    let path = args.str("path").unwrap_or(default_path);
    let auth = args.str("auth").unwrap_or("bodySig");
    let (what, reply, _) = send(ctx, &app_id, path, auth, &body).await?;
    check(&what, &reply, expect, (200, Some("SUCCESS")))?;
    Ok(reply.body)
}
