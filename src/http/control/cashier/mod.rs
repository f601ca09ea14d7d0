//! `/__mock/cashier/{token}`: the page the H5 redirect, an Alipay QR order's `qrCode` and a
//! bill's `billQRCode` point at. A person sees the merchant, the amount and the order, and pays
//! or cancels with a button; the page then shows the outcome. Plain HTML built into the binary,
//! no script; the forms post to routes of their own, which pay through the same use cases as
//! `POST /__mock/orders/{merOrderId}/pay`.
//!
//! The token in the URL is an unguessable id of one order or bill: the page and its forms stay
//! open when the control API requires `--admin-token`, as a link a phone can scan.

mod page;

use actix_web::HttpResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::{Data, Path};

use crate::api::order::{OrderStatus, PayOutcome, PayRequest};
use crate::domain::orders::Cashier;
use crate::http::control::route::{Group, Route, SchemaRef};
use crate::sandbox::Sandbox;

/// The cashier routes (inside the `/__mock` scope), served and documented from this table.
pub(crate) const ROUTES: Group = Group::new(
    "cashier",
    &[
        Route::get("/cashier/{token}", |r| r.to(show))
            .summary("The cashier page of an H5 order, an Alipay QR order or a QR bill (HTML)"),
        Route::post("/cashier/{token}/pay", |r| r.to(pay))
            .summary("The person at the cashier pays; answers the page with the outcome (HTML)")
            .json_or_form(SchemaRef::Named("CashierForm")),
        Route::post("/cashier/{token}/cancel", |r| r.to(cancel))
            .summary(
                "The person at the cashier cancels: the payment fails; answers the page (HTML)",
            )
            .json_or_form(SchemaRef::Named("CashierForm")),
    ],
);

/// No script, styles of its own, forms to itself only.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
     img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Whether a path is a cashier page or one of its forms: open without the admin token.
pub(crate) fn is_cashier_path(path: &str) -> bool {
    path.starts_with("/__mock/cashier/")
}

async fn show(token: Path<String>, state: Data<Sandbox>) -> HttpResponse {
    respond(&state, &token, None)
}

async fn pay(token: Path<String>, state: Data<Sandbox>) -> HttpResponse {
    act(&state, &token, PayOutcome::Success)
}

async fn cancel(token: Path<String>, state: Data<Sandbox>) -> HttpResponse {
    act(&state, &token, PayOutcome::Fail)
}

/// Pays (or fails) the order or bill behind the token and answers the page after it.
fn act(state: &Sandbox, token: &str, outcome: PayOutcome) -> HttpResponse {
    let Some(item) = state.orders.cashier(token) else {
        return respond(state, token, None);
    };
    let (app_id, done) = match &item {
        Cashier::Order(order) => {
            let request = PayRequest {
                app_id: Some(order.app_id.clone()),
                outcome,
                ..PayRequest::default()
            };
            let done = state.pay_order(&order.mer_order_id, request).map(|_| ());
            (order.app_id.clone(), done)
        }
        Cashier::Bill(bill) => {
            let request = PayRequest {
                app_id: Some(bill.app_id.clone()),
                outcome,
                ..PayRequest::default()
            };
            let done = state.pay_bill(&bill.bill_no, request).map(|_| ());
            (bill.app_id.clone(), done)
        }
    };
    let notice = match (done, outcome) {
        (Err(e), _) => page::Notice::Refused(e.to_string()),
        (Ok(()), PayOutcome::Fail | PayOutcome::Pending) => page::Notice::Cancelled,
        (Ok(()), PayOutcome::Success) => page::Notice::Paid,
    };
    tracing::info!(app_id = %app_id, ?outcome, "cashier");
    respond(state, token, Some(notice))
}

/// The page as the order or bill stands now, or a 404 page.
fn respond(state: &Sandbox, token: &str, notice: Option<page::Notice>) -> HttpResponse {
    let (status, html) = match state.orders.cashier(token) {
        Some(item) => {
            let app = state.apps.get(item_app(&item));
            let merchant = app.map(|a| a.name.clone()).unwrap_or_default();
            (200, page::render(token, &item, &merchant, notice))
        }
        None => (404, page::not_found(token)),
    };
    let status =
        actix_web::http::StatusCode::from_u16(status).unwrap_or(actix_web::http::StatusCode::OK);
    let mut res = HttpResponse::build(status);
    res.insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // The token in the URL goes to no other site; the forms' POSTs keep their Origin.
        .insert_header((header::REFERRER_POLICY, "same-origin"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ));
    res.content_type("text/html; charset=utf-8").body(html)
}

fn item_app(item: &Cashier) -> &str {
    match item {
        Cashier::Order(order) => &order.app_id,
        Cashier::Bill(bill) => &bill.app_id,
    }
}

/// Whether the order or bill can still be paid here.
fn payable(item: &Cashier) -> bool {
    match item {
        Cashier::Order(order) => order.status.is_unpaid(),
        Cashier::Bill(bill) => bill.bill_status == crate::api::order::BillStatus::Unpaid,
    }
}

/// How the page names a status.
fn status_text(item: &Cashier) -> &'static str {
    match item {
        Cashier::Order(order) => order.status.as_str(),
        Cashier::Bill(bill) => bill.bill_status.as_str(),
    }
}

/// The outcome line for a settled order or bill.
fn settled_text(item: &Cashier) -> (&'static str, &'static str) {
    let paid = match item {
        Cashier::Order(order) => match order.status {
            OrderStatus::TradeSuccess => true,
            OrderStatus::TradeRefund => return ("closed", "已退款 · Refunded"),
            _ => false,
        },
        Cashier::Bill(bill) => match bill.bill_status {
            crate::api::order::BillStatus::Paid => true,
            crate::api::order::BillStatus::Refund => return ("closed", "已退款 · Refunded"),
            _ => false,
        },
    };
    if paid {
        ("paid", "支付成功 · Paid")
    } else {
        ("closed", "订单已关闭 · Closed")
    }
}
