//! `/__mock/orders` and `/__mock/bills`: the netpay orders and QR bills merchants created
//! through the gateway, and a payer who pays them.

use actix_web::web::{Data, Path, Payload, Query};
use actix_web::{HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::api::order::{
    Bill, BillFilter, BillList, BillPaid, Order, OrderFilter, OrderList, OrderPaid, OrderRefunded,
    PayRequest, RefundRequest,
};
use crate::domain::orders::OrderError;
use crate::http::control::route::{Group, Route, SchemaRef};
use crate::http::control::{ControlError, parse_json};
use crate::sandbox::{PayError, Sandbox};

/// The order and bill routes (inside the `/__mock` scope), served and documented from this
/// table.
pub(crate) const ROUTES: Group = Group::new(
    "orders",
    &[
        Route::get("/orders", |r| r.to(list))
            .summary("Netpay orders, newest first, and how many the retention bound dropped")
            .answers(200, Some(SchemaRef::of::<OrderList>()))
            .query(&["appId", "merOrderId", "status", "limit"]),
        Route::get("/orders/{merOrderId}", |r| r.to(one))
            .summary("One order with its refunds (appId needed when two apps hold the number)")
            .answers(200, Some(SchemaRef::of::<Order>()))
            .query(&["appId"]),
        Route::post("/orders/{merOrderId}/pay", |r| r.to(pay))
            .summary("A payer pays the order (or the payment fails)")
            .json(SchemaRef::of::<PayRequest>())
            .answers(200, Some(SchemaRef::of::<OrderPaid>())),
        Route::post("/orders/{merOrderId}/refund", |r| r.to(refund))
            .summary("Refund a paid order, as the merchant's back office would")
            .json(SchemaRef::of::<RefundRequest>())
            .answers(200, Some(SchemaRef::of::<OrderRefunded>())),
        Route::get("/bills", |r| r.to(list_bills))
            .summary("QR bills, newest first")
            .answers(200, Some(SchemaRef::of::<BillList>()))
            .query(&["appId", "billNo", "status", "limit"]),
        Route::get("/bills/{billNo}", |r| r.to(one_bill))
            .summary("One QR bill (appId needed when two apps hold the number)")
            .answers(200, Some(SchemaRef::of::<Bill>()))
            .query(&["appId"]),
        Route::post("/bills/{billNo}/pay", |r| r.to(pay_bill_route))
            .summary("A payer scans and pays the bill (or the payment fails)")
            .json(SchemaRef::of::<PayRequest>())
            .answers(200, Some(SchemaRef::of::<BillPaid>())),
    ],
);

/// A refused order operation in the control API's error shape.
pub(crate) fn refused(e: OrderError) -> ControlError {
    let code = match &e {
        OrderError::NotFound { .. } | OrderError::RefundNotFound { .. } => "ORDER_NOT_FOUND",
        OrderError::BillNotFound { .. } => "BILL_NOT_FOUND",
        OrderError::Ambiguous { .. } => "ORDER_AMBIGUOUS",
        OrderError::NotPayable { .. } => "ORDER_NOT_PAYABLE",
        OrderError::BillNotUnpaid { .. } => "BILL_NOT_PAYABLE",
        OrderError::Duplicate { .. } => "ORDER_EXISTS",
        OrderError::NotRefundable { .. }
        | OrderError::RefundTooLarge { .. }
        | OrderError::NotClosable { .. } => "ORDER_CONFLICT",
        OrderError::Invalid(message) => return ControlError::Validation(message.clone()),
    };
    let message = e.to_string();
    if code.ends_with("NOT_FOUND") {
        ControlError::NotFound { code, message }
    } else {
        ControlError::Conflict { code, message }
    }
}

/// A refused payment in the control API's error shape.
pub(crate) fn refused_payment(e: PayError) -> ControlError {
    match e {
        PayError::App(e) => e.into(),
        PayError::Order(e) => refused(e),
    }
}

/// `?appId=`: the app holding the number, when several do.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Holder {
    app_id: Option<String>,
}

/// `GET /orders`: the matching orders and how many the retention bound dropped.
pub(crate) fn order_list(state: &Sandbox, filter: &OrderFilter) -> OrderList {
    OrderList {
        orders: state.orders.list(filter),
        dropped: state.orders.dropped(),
    }
}

/// `GET /orders/{merOrderId}`.
pub(crate) fn find_order(
    state: &Sandbox,
    number: &str,
    app_id: Option<&str>,
) -> Result<Order, ControlError> {
    state.orders.find(number, app_id).map_err(refused)
}

/// `POST /orders/{merOrderId}/pay`.
pub(crate) fn pay_order(
    state: &Sandbox,
    number: &str,
    request: PayRequest,
) -> Result<OrderPaid, ControlError> {
    state.pay_order(number, request).map_err(refused_payment)
}

/// `POST /orders/{merOrderId}/refund`.
pub(crate) fn refund_order(
    state: &Sandbox,
    number: &str,
    request: RefundRequest,
) -> Result<OrderRefunded, ControlError> {
    state
        .refund_by_request(number, request)
        .map_err(refused_payment)
}

/// `GET /bills`: the matching bills and how many the retention bound dropped.
pub(crate) fn bill_list(state: &Sandbox, filter: &BillFilter) -> BillList {
    BillList {
        bills: state.orders.list_bills(filter),
        dropped: state.orders.dropped(),
    }
}

/// `GET /bills/{billNo}`.
pub(crate) fn find_bill(
    state: &Sandbox,
    number: &str,
    app_id: Option<&str>,
) -> Result<Bill, ControlError> {
    state.orders.find_bill(number, app_id).map_err(refused)
}

/// `POST /bills/{billNo}/pay`.
pub(crate) fn pay_bill(
    state: &Sandbox,
    number: &str,
    request: PayRequest,
) -> Result<BillPaid, ControlError> {
    state.pay_bill(number, request).map_err(refused_payment)
}

async fn list(query: Query<OrderFilter>, state: Data<Sandbox>) -> HttpResponse {
    HttpResponse::Ok().json(order_list(&state, &query))
}

async fn one(
    number: Path<String>,
    query: Query<Holder>,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let order = find_order(&state, &number, query.app_id.as_deref())?;
    Ok(HttpResponse::Ok().json(order))
}

async fn pay(
    req: HttpRequest,
    payload: Payload,
    number: Path<String>,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let body: PayRequest = parse_json(&req, payload, &state).await?;
    Ok(HttpResponse::Ok().json(pay_order(&state, &number, body)?))
}

async fn refund(
    req: HttpRequest,
    payload: Payload,
    number: Path<String>,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let body: RefundRequest = parse_json(&req, payload, &state).await?;
    Ok(HttpResponse::Ok().json(refund_order(&state, &number, body)?))
}

async fn list_bills(query: Query<BillFilter>, state: Data<Sandbox>) -> HttpResponse {
    HttpResponse::Ok().json(bill_list(&state, &query))
}

async fn one_bill(
    number: Path<String>,
    query: Query<Holder>,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let bill = find_bill(&state, &number, query.app_id.as_deref())?;
    Ok(HttpResponse::Ok().json(bill))
}

async fn pay_bill_route(
    req: HttpRequest,
    payload: Payload,
    number: Path<String>,
    state: Data<Sandbox>,
) -> Result<HttpResponse, ControlError> {
    let body: PayRequest = parse_json(&req, payload, &state).await?;
    Ok(HttpResponse::Ok().json(pay_bill(&state, &number, body)?))
}
