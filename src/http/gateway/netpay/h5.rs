//! The H5 cashier (`…/h5-pay`, OPEN-FORM-PARAM GET): the order is created from the signed
//! `content` and the answer is a 302 to the sandbox's cashier page for it, as the real gateway
//! redirects to its own.

use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse};

use super::request::{Fields, Refusal};
use super::{Answer, Call, orders};
use crate::api::app::App;
use crate::api::order::Order;
use crate::domain::stubs::RequestBody;
use crate::sandbox::Sandbox;

/// Creates the order (or finds the same one) and redirects to its cashier page; a refused
/// create answers JSON like any business call.
pub(super) fn create(
    state: &Sandbox,
    req: &HttpRequest,
    body: &RequestBody<'_>,
    app: &App,
) -> Answer {
    let call = Call {
        state,
        app,
        path: req.path(),
    };
    match created(&call, body) {
        Ok(order) => match order.cashier_url {
            Some(url) => Answer {
                response: HttpResponse::Found()
                    .insert_header((LOCATION, url))
                    .finish(),
                err_code: None,
            },
            None => call.finish(Err(Refusal {
                code: "INVALID_ORDER",
                msg: "订单无收银台页面".into(),
            })),
        },
        Err(refusal) => call.finish(Err(refusal)),
    }
}

fn created(call: &Call<'_>, body: &RequestBody<'_>) -> Result<Order, Refusal> {
    let fields = Fields::of(body)?;
    let new = orders::new_order(call, &fields)?;
    Ok(call.state.create_order(call.app, new)?)
}
