//! The gateway's errors, in ChinaUMS's own shapes.
//!
//! The token endpoint answers `{"errCode", "errInfo"}` like the real one; business paths answer
//! `{"errCode", "errMsg"}`: with an HTTP error when the gateway itself refuses the call (its
//! credentials, [`AuthError`]; a path the platform does not have, [`no_service`]), with HTTP
//! 200 when the business layer does ([`BusinessError`]). Where the public record shows a code
//! (`1000`, `BAD_SIGN`, `ABNORMAL_REQUEST_TIME`, `NO_SERVICE`, `BAD_REQUEST`, `NO_MERCHANT`) the
//! sandbox uses it; the rest are the sandbox's own. Every code is in the table of docs/errors.md.

use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::http::body::BodyError;

/// The content type ChinaUMS's gateway answers with.
pub const JSON_UTF8: &str = "application/json;charset=UTF-8";

/// The response header with the sandbox's hint on a refusal. A header, like
/// `x-chinaums-mock-app-id`, so the body stays exactly what clients of the real gateway parse.
pub const HINT_HEADER: &str = "x-chinaums-mock-hint";

/// Adds the hint header to an answer (left out if the text cannot be a header value).
pub fn add_hint(response: &mut HttpResponse, hint: &str) {
    if let Ok(value) = HeaderValue::from_str(hint) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(HINT_HEADER), value);
    }
}

/// Why `POST /v1/token/access` refused to issue a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// `timestamp` is not `yyyyMMddHHmmss`.
    #[error("Timestamp解析失败")]
    TimestampUnparsable,
    /// `timestamp` is too far from sandbox time.
    #[error("认证失败：timestamp与服务器时间相差{skew_secs}秒，超出允许的±{window_secs}秒")]
    TimestampOutOfWindow {
        /// Distance from sandbox time.
        skew_secs: i64,
        /// The allowed window.
        window_secs: u64,
    },
    /// No app has this appId.
    #[error("认证失败：appId不存在")]
    UnknownApp,
    /// The signature does not match.
    #[error("认证失败：签名错误（{method}，签名原文为appId+timestamp+nonce+appKey）")]
    BadSignature {
        /// The hash the request was checked with.
        method: &'static str,
    },
    /// `signMethod` is neither SHA256 nor SHA1.
    #[error("认证失败：不支持的signMethod：{0}")]
    UnsupportedSignMethod(String),
    /// The body is not a JSON object.
    #[error("请求报文格式错误：{0}")]
    MalformedJson(String),
    /// A required field is missing or empty.
    #[error("缺少必要参数：{0}")]
    MissingField(&'static str),
    /// A field has the wrong type or form.
    #[error("参数格式错误：{field}{reason}")]
    InvalidField {
        /// The field.
        field: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// The body is larger than the limit.
    #[error("请求报文过大：超过{0}字节")]
    TooLarge(usize),
    /// The body could not be read.
    #[error("请求报文读取失败")]
    Unreadable,
    /// The body did not arrive within `--body-timeout-ms`.
    #[error("请求报文接收超时：{0}毫秒内未收到完整报文")]
    TimedOut(u64),
    /// `Content-Type` is not JSON.
    #[error("不支持的Content-Type：{0}，请使用application/json")]
    UnsupportedContentType(String),
    /// Not a POST.
    #[error("请求方法不支持：请使用POST")]
    MethodNotAllowed,
}

impl TokenError {
    /// The `errCode`.
    pub fn code(&self) -> &'static str {
        match self {
            TokenError::TimestampUnparsable => "1000",
            TokenError::TimestampOutOfWindow { .. } => "1001",
            TokenError::UnknownApp => "1002",
            TokenError::BadSignature { .. } => "1003",
            TokenError::UnsupportedSignMethod(_) => "1004",
            TokenError::MalformedJson(_) => "1005",
            TokenError::MissingField(_) => "1006",
            TokenError::InvalidField { .. } => "1007",
            TokenError::TooLarge(_) => "1008",
            TokenError::UnsupportedContentType(_) => "1009",
            TokenError::MethodNotAllowed => "1010",
            TokenError::Unreadable => "1011",
            TokenError::TimedOut(_) => "1012",
        }
    }
}

impl From<BodyError> for TokenError {
    fn from(e: BodyError) -> Self {
        match e {
            BodyError::TooLarge { limit } => TokenError::TooLarge(limit),
            BodyError::Read(_) => TokenError::Unreadable,
            BodyError::TimedOut { limit_ms } => TokenError::TimedOut(limit_ms),
        }
    }
}

/// `{"errCode", "errInfo"}`, the token endpoint's error shape.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenErrorBody<'a> {
    /// Code.
    pub err_code: &'a str,
    /// Message.
    pub err_info: &'a str,
}

impl ResponseError for TokenError {
    fn status_code(&self) -> StatusCode {
        match self {
            TokenError::TimestampUnparsable | TokenError::TimestampOutOfWindow { .. } => {
                StatusCode::PRECONDITION_FAILED
            }
            TokenError::UnknownApp | TokenError::BadSignature { .. } => StatusCode::UNAUTHORIZED,
            TokenError::UnsupportedSignMethod(_)
            | TokenError::MalformedJson(_)
            | TokenError::MissingField(_)
            | TokenError::InvalidField { .. }
            | TokenError::Unreadable => StatusCode::BAD_REQUEST,
            TokenError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            TokenError::TimedOut(_) => StatusCode::REQUEST_TIMEOUT,
            TokenError::UnsupportedContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            TokenError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let info = self.to_string();
        let mut response = HttpResponse::build(self.status_code());
        if matches!(self, TokenError::MethodNotAllowed) {
            // RFC 9110: a 405 names the methods the resource takes.
            response.insert_header((actix_web::http::header::ALLOW, "POST"));
        }
        response.content_type(JSON_UTF8).json(TokenErrorBody {
            err_code: self.code(),
            err_info: &info,
        })
    }
}

/// Why a business call was not authenticated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No `Authorization` header and no OPEN-FORM-PARAM query.
    #[error("认证失败：缺少Authorization请求头")]
    MissingAuthorization,
    /// The header or form parameters cannot be read.
    #[error("认证失败：Authorization格式错误：{0}")]
    MalformedAuthorization(String),
    /// A scheme other than OPEN-ACCESS-TOKEN / OPEN-BODY-SIG.
    #[error(
        "认证失败：不支持的认证方式：{0}（支持OPEN-ACCESS-TOKEN、OPEN-BODY-SIG、OPEN-FORM-PARAM）"
    )]
    UnsupportedScheme(String),
    /// The token was never issued, or its app is gone.
    #[error("认证失败：AccessToken无效")]
    UnknownToken,
    /// The token's lifetime is over.
    #[error("认证失败：AccessToken已过期，请重新获取")]
    ExpiredToken,
    /// The token was pushed out when its app fetched one token too many.
    #[error("认证失败：AccessToken已失效，该应用已获取更新的AccessToken（每个应用最多{0}个有效）")]
    SupersededToken(usize),
    /// No app has this appId.
    #[error("认证失败：appId不存在")]
    UnknownApp,
    /// The signature does not match.
    #[error("认证失败：签名错误")]
    BadSign,
    /// The timestamp is not `yyyyMMddHHmmss`: `1000`, as the real gateway answers.
    #[error("Timestamp解析失败")]
    TimestampUnparsable,
    /// OPEN-FORM-PARAM `content` spells a space `%20`. The real test gateway expects Java
    /// `URLEncoder` encoding (space as `+`) and answers this with its timestamp error.
    #[error("Timestamp解析失败")]
    ContentSpaceAsPercent20,
    /// The timestamp is too far from sandbox time.
    #[error("认证失败：请求时间异常：与服务器时间相差{skew_secs}秒，超出允许的±{window_secs}秒")]
    AbnormalRequestTime {
        /// Distance from sandbox time.
        skew_secs: i64,
        /// The allowed window.
        window_secs: u64,
    },
    /// The body is larger than the limit.
    #[error("请求报文过大：超过{0}字节")]
    TooLarge(usize),
    /// The body could not be read.
    #[error("请求报文读取失败")]
    Unreadable,
    /// The body did not arrive within `--body-timeout-ms`.
    #[error("请求报文接收超时：{0}毫秒内未收到完整报文")]
    TimedOut(u64),
}

impl AuthError {
    /// The `errCode`.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::MissingAuthorization => "MISSING_AUTHORIZATION",
            AuthError::MalformedAuthorization(_) => "INVALID_AUTHORIZATION",
            AuthError::UnsupportedScheme(_) => "UNSUPPORTED_AUTH_SCHEME",
            AuthError::UnknownToken => "INVALID_TOKEN",
            AuthError::ExpiredToken => "TOKEN_EXPIRED",
            AuthError::SupersededToken(_) => "TOKEN_SUPERSEDED",
            AuthError::UnknownApp => "INVALID_APPID",
            AuthError::BadSign => "BAD_SIGN",
            AuthError::TimestampUnparsable | AuthError::ContentSpaceAsPercent20 => "1000",
            AuthError::AbnormalRequestTime { .. } => "ABNORMAL_REQUEST_TIME",
            AuthError::TooLarge(_) | AuthError::Unreadable => "BAD_REQUEST",
            AuthError::TimedOut(_) => "REQUEST_TIMEOUT",
        }
    }
}

impl AuthError {
    /// Why, for the journal and the log: the message, or where the answer is the real gateway's
    /// terse one, what actually went wrong.
    pub fn reason(&self) -> String {
        match self {
            AuthError::TimestampUnparsable => {
                "Timestamp解析失败: the timestamp is not yyyyMMddHHmmss (Beijing time)".into()
            }
            AuthError::ContentSpaceAsPercent20 => {
                "Timestamp解析失败: content is percent-encoded with %20 for a space; ChinaUMS expects + (Java URLEncoder)".into()
            }
            other => other.to_string(),
        }
    }
}

impl From<BodyError> for AuthError {
    fn from(e: BodyError) -> Self {
        match e {
            BodyError::TooLarge { limit } => AuthError::TooLarge(limit),
            BodyError::Read(_) => AuthError::Unreadable,
            BodyError::TimedOut { limit_ms } => AuthError::TimedOut(limit_ms),
        }
    }
}

/// `{"errCode", "errMsg"}` as business APIs answer; gateway rejections also carry `errInfo`
/// with the same text, because token-style clients read that field.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BusinessErrorBody<'a> {
    /// Code.
    pub err_code: &'a str,
    /// Message.
    pub err_msg: &'a str,
    /// Same message, for clients that read `errInfo`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub err_info: Option<&'a str>,
}

impl ResponseError for AuthError {
    fn status_code(&self) -> StatusCode {
        match self {
            AuthError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AuthError::Unreadable => StatusCode::BAD_REQUEST,
            AuthError::TimedOut(_) => StatusCode::REQUEST_TIMEOUT,
            AuthError::TimestampUnparsable | AuthError::ContentSpaceAsPercent20 => {
                StatusCode::PRECONDITION_FAILED
            }
            _ => StatusCode::UNAUTHORIZED,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let msg = self.to_string();
        HttpResponse::build(self.status_code())
            .content_type(JSON_UTF8)
            .json(BusinessErrorBody {
                err_code: self.code(),
                err_msg: &msg,
                err_info: Some(&msg),
            })
    }
}

/// Why the platform refuses an authenticated business call for what its members say. The real
/// platform answers these at the business layer: HTTP 200 with `{"errCode", "errMsg"}`, never
/// `认证失败` (clients that see it fetch a new token, which would not help).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BusinessError {
    /// A member is missing or malformed.
    #[error("参数不合法: {field} {reason}")]
    BadRequest {
        /// The member, as the request names it.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The body's `mid` is a merchant of another app.
    #[error("商户号{mid}不属于该应用（appId={app_id}）")]
    NoMerchant {
        /// The mid in the body.
        mid: String,
        /// The authenticated app (never the other one: tenants do not learn of each other).
        app_id: String,
    },
}

impl BusinessError {
    /// The `errCode`.
    pub fn code(&self) -> &'static str {
        match self {
            BusinessError::BadRequest { .. } => "BAD_REQUEST",
            BusinessError::NoMerchant { .. } => "NO_MERCHANT",
        }
    }
}

impl ResponseError for BusinessError {
    fn status_code(&self) -> StatusCode {
        StatusCode::OK
    }

    fn error_response(&self) -> HttpResponse {
        let msg = self.to_string();
        HttpResponse::build(self.status_code())
            .content_type(JSON_UTF8)
            .json(BusinessErrorBody {
                err_code: self.code(),
                err_msg: &msg,
                err_info: None,
            })
    }
}

/// The answer to an authenticated call that nothing serves.
pub fn no_service(method: &str, path: &str) -> HttpResponse {
    let msg = format!("服务不存在：{method} {path}（沙箱中没有为该路径配置应答）");
    HttpResponse::NotFound()
        .content_type(JSON_UTF8)
        .json(BusinessErrorBody {
            err_code: "NO_SERVICE",
            err_msg: &msg,
            err_info: None,
        })
}

#[cfg(test)]
#[path = "error_table_tests.rs"]
mod table_tests;
