//! Reading a netpay request's members, and refusing it in ChinaUMS's words.

use crate::api::app::App;
use crate::domain::orders::OrderError;
use crate::domain::stubs::RequestBody;
use crate::domain::stubs::body::Json;
use crate::protocol::timefmt::from_beijing;
use chrono::{DateTime, NaiveDateTime, Utc};

/// A business refusal: HTTP 200 with `errCode` and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// `errCode`.
    pub code: &'static str,
    /// `errMsg` (`errInfo` on poslink paths).
    pub msg: String,
}

impl Refusal {
    /// `BAD_REQUEST` `参数不合法: <field> <reason>`.
    pub fn bad_request(field: &str, reason: &str) -> Self {
        Refusal {
            code: "BAD_REQUEST",
            msg: format!("参数不合法: {field} {reason}"),
        }
    }
}

impl From<OrderError> for Refusal {
    fn from(e: OrderError) -> Self {
        let (code, msg) = match &e {
            OrderError::NotFound { .. } => ("NO_ORDER", "无法找到指定的订单".to_owned()),
            OrderError::BillNotFound { .. } => ("NO_ORDER", "无法找到指定的账单".to_owned()),
            OrderError::RefundNotFound { .. } => ("NO_ORDER", "无法找到指定的退款订单".to_owned()),
            OrderError::Duplicate { number, .. } => {
                ("DUP_ORDER", format!("订单号重复：{number}已用于另一笔订单"))
            }
            OrderError::NotPayable { status, .. } => (
                "OPERATION_NOT_ALLOWED",
                format!("订单状态为{status}，不允许支付"),
            ),
            OrderError::NotRefundable { status, .. } => (
                "OPERATION_NOT_ALLOWED",
                format!("订单状态为{status}，未支付的订单不允许退款"),
            ),
            OrderError::RefundTooLarge {
                requested,
                refundable,
            } => (
                "OPERATION_NOT_ALLOWED",
                format!("退款金额非法：申请退款{requested}分，可退金额{refundable}分"),
            ),
            OrderError::NotClosable { status, .. } => (
                "OPERATION_NOT_ALLOWED",
                format!("订单状态为{status}，已支付的订单不允许关闭"),
            ),
            OrderError::BillNotUnpaid { status, .. } => (
                "OPERATION_NOT_ALLOWED",
                format!("账单状态为{status}，不允许该操作"),
            ),
            OrderError::Ambiguous { .. } | OrderError::Invalid(_) => {
                ("BAD_REQUEST", format!("参数不合法: {e}"))
            }
        };
        Refusal { code, msg }
    }
}

/// A request's members, read from its JSON object.
pub struct Fields<'b, 'a> {
    json: &'b Json<'a>,
}

impl<'b, 'a> Fields<'b, 'a> {
    /// The members of a JSON object body; anything else is `BAD_REQUEST`.
    pub fn of(body: &'b RequestBody<'a>) -> Result<Self, Refusal> {
        match body.json() {
            Some(json @ Json::Object(_)) => Ok(Fields { json }),
            _ => Err(Refusal {
                code: "BAD_REQUEST",
                msg: "参数不合法: 请求报文须为JSON对象".into(),
            }),
        }
    }

    /// A text member (a number counts as its digits); absent, `null` or empty: `None`.
    pub fn text(&self, name: &str) -> Result<Option<String>, Refusal> {
        match self.json.get(name) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Json::String(s)) => Ok(Some(s.clone().into_owned())),
            Some(Json::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(Refusal::bad_request(name, "须为字符串")),
        }
    }

    /// A text member that must be there.
    pub fn required(&self, name: &str) -> Result<String, Refusal> {
        self.text(name)?
            .ok_or_else(|| Refusal::bad_request(name, "不能为空"))
    }

    /// An amount in fen, sent as a number or a string of digits; it must be above 0.
    pub fn amount(&self, name: &str) -> Result<Option<u64>, Refusal> {
        let invalid = || Refusal::bad_request(name, "须为以分为单位的正整数");
        let fen = match self.json.get(name) {
            None | Some(Json::Null) => return Ok(None),
            Some(Json::String(s)) if s.trim().is_empty() => return Ok(None),
            Some(Json::String(s)) => s.trim().parse::<u64>().map_err(|_| invalid())?,
            Some(Json::Number(n)) => n.as_u64().ok_or_else(invalid)?,
            Some(_) => return Err(invalid()),
        };
        if fen == 0 {
            return Err(invalid());
        }
        Ok(Some(fen))
    }

    /// A time member, `yyyy-MM-dd HH:mm:ss` in Beijing time (as netpay's `expireTime`).
    pub fn time(&self, name: &str) -> Result<Option<DateTime<Utc>>, Refusal> {
        let Some(text) = self.text(name)? else {
            return Ok(None);
        };
        NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S")
            .map(|naive| Some(from_beijing(naive)))
            .map_err(|_| Refusal::bad_request(name, "格式须为yyyy-MM-dd HH:mm:ss"))
    }

    /// An amount that must be there.
    pub fn required_amount(&self, name: &str) -> Result<u64, Refusal> {
        self.amount(name)?
            .ok_or_else(|| Refusal::bad_request(name, "不能为空"))
    }

    /// The merchant number under `name` (`mid`; `merchantCode` on poslink paths): it must be
    /// there and be the calling app's (a merchant that belongs to another app was refused
    /// before, by the gateway's `mid` check).
    pub fn merchant(&self, name: &str, app: &App) -> Result<String, Refusal> {
        let mid = self.required(name)?;
        if mid != app.mid {
            return Err(Refusal {
                code: "NO_MERCHANT",
                msg: format!("商户号{mid}不存在或未开通该业务"),
            });
        }
        Ok(mid)
    }
}
