//! The netpay simulation (docs/payments.md): orders, refunds, QR bills, B-scan-C payments and the
//! H5 cashier, answered from the order store behind the gateway's authentication. It answers
//! what no stub matched; a path it does not serve answers `NO_SERVICE` as before.
//!
//! Business refusals are HTTP 200 with `errCode` and `errMsg` (`errInfo` on poslink paths);
//! members the request lacks are left out of answers.

mod bills;
mod h5;
mod orders;
mod poslink;
mod render;
mod request;

use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse};
use serde_json::{Map, Value};

use super::error::JSON_UTF8;
use crate::api::app::App;
use crate::domain::stubs::RequestBody;
use crate::http::gateway::auth::form_params;
use crate::protocol::netpay::{CREATE_PATHS, Product};
use crate::sandbox::Sandbox;
pub use request::{Fields, Refusal};

/// What the simulation answered, for the response and the journal.
pub struct Answer {
    /// The response.
    pub response: HttpResponse,
    /// Its `errCode`.
    pub err_code: Option<String>,
}

/// The simulation's answer to an authenticated call of `app`, or `None` for a path (or method)
/// it does not serve. A call authenticated with OPEN-FORM-PARAM is the `content` it signed.
pub fn answer(
    state: &Sandbox,
    req: &HttpRequest,
    body: &RequestBody<'_>,
    app: &App,
) -> Option<Answer> {
    let signed = form_params(req.query_string())
        .ok()
        .flatten()
        .map(|(_, content)| content);
    match signed {
        Some(content) => serve(state, req, &RequestBody::new(content.as_bytes()), app),
        None => serve(state, req, body, app),
    }
}

fn serve(state: &Sandbox, req: &HttpRequest, body: &RequestBody<'_>, app: &App) -> Option<Answer> {
    let path = req.path();
    if matches!(Product::of_path(path), Some(Product::H5(_))) {
        return (req.method() == Method::GET || req.method() == Method::POST)
            .then(|| h5::create(state, req, body, app));
    }
    if req.method() != Method::POST {
        return None;
    }
    let call = Call { state, app, path };
    if let Some(action) = path
        .strip_prefix("/v2/poslink/transaction/")
        .or_else(|| path.strip_prefix("/v4/poslink/transaction/"))
        .or_else(|| path.strip_prefix("/v6/poslink/transaction/"))
    {
        return poslink::serve(&call, action, body);
    }
    if let Some(action) = path.strip_prefix("/v1/netpay/bills/") {
        return bills::serve(&call, action, body);
    }
    let served = match path {
        p if CREATE_PATHS.contains(&p) => orders::create(&call, body),
        "/v1/netpay/query" | "/v1/netpay/order-query" => orders::query(&call, body),
        "/v1/netpay/refund" => orders::refund(&call, body),
        "/v1/netpay/refund-query" => orders::refund_query(&call, body),
        "/v1/netpay/close" => orders::close(&call, body),
        _ => return None,
    };
    Some(call.finish(served))
}

/// One call being served.
pub(super) struct Call<'s> {
    state: &'s Sandbox,
    app: &'s App,
    path: &'s str,
}

impl Call<'_> {
    /// A successful answer's members so far: `errCode` `SUCCESS` and `responseTimestamp` in the
    /// app's time.
    fn success(&self) -> Reply {
        let now = self.state.clock_of(&self.app.app_id).now();
        Reply::default().put("errCode", "SUCCESS").put(
            "responseTimestamp",
            crate::protocol::timefmt::datetime_beijing(now),
        )
    }

    /// The answer, or the refusal as HTTP 200 `{errCode, errMsg}`.
    fn finish(&self, served: Result<Reply, Refusal>) -> Answer {
        match served {
            Ok(reply) => reply.answer(),
            Err(refusal) => Reply::default()
                .put("errCode", refusal.code)
                .put("errMsg", refusal.msg)
                .answer(),
        }
    }
}

/// A JSON answer being built, members in the order put.
#[derive(Debug, Default)]
pub(super) struct Reply(Map<String, Value>);

impl Reply {
    /// Sets a member.
    fn put(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.0.insert(name.to_owned(), value.into());
        self
    }

    /// Sets a member when there is a value.
    fn opt<V: Into<Value>>(self, name: &str, value: Option<V>) -> Self {
        match value {
            Some(v) => self.put(name, v),
            None => self,
        }
    }

    /// Echoes the request's `msgId` and `srcReserve` when it had them.
    fn echo(self, fields: &Fields<'_, '_>) -> Self {
        let msg_id = fields.text("msgId").ok().flatten();
        let reserve = fields.text("srcReserve").ok().flatten();
        self.opt("msgId", msg_id).opt("srcReserve", reserve)
    }

    /// The HTTP 200 answer.
    fn answer(self) -> Answer {
        let err_code = self
            .0
            .get("errCode")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let response = HttpResponse::Ok()
            .content_type(JSON_UTF8)
            .json(Value::Object(self.0));
        Answer { response, err_code }
    }
}
