//! The control API's error shape: `{"error": {"code": "SNAKE_CASE", "message": "…"}}`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

use crate::domain::apps::AppError;
use crate::domain::clock::ClockError;
use crate::http::body::BodyError;
use crate::sandbox::SinkRefusal;

/// Every way a `/__mock` request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    /// The body is not JSON, or not the JSON the route expects.
    #[error("{0}")]
    InvalidJson(String),
    /// A query string parameter is malformed.
    #[error("{0}")]
    InvalidQuery(String),
    /// A value is well-formed but not acceptable.
    #[error("{0}")]
    Validation(String),
    /// The named thing does not exist.
    #[error("{message}")]
    NotFound {
        /// Machine-readable code, e.g. `APP_NOT_FOUND`.
        code: &'static str,
        /// Human sentence.
        message: String,
    },
    /// The request conflicts with the current state.
    #[error("{message}")]
    Conflict {
        /// Machine-readable code, e.g. `APP_EXISTS`.
        code: &'static str,
        /// Human sentence.
        message: String,
    },
    /// The request may not be made this way (another site's page, a name not allowed).
    #[error("{message}")]
    Forbidden {
        /// Machine-readable code, e.g. `HOST_NOT_ALLOWED`.
        code: &'static str,
        /// Human sentence naming the flag that allows it.
        message: String,
    },
    /// The body could not be read.
    #[error(transparent)]
    Body(#[from] BodyError),
    /// The sandbox is shutting down: a long-poll is answered at once instead of waiting.
    #[error("the sandbox is shutting down; {0}")]
    ShuttingDown(String),
    /// No control route has this path.
    #[error("no control route {method} {path}; see GET /__mock/openapi.json")]
    RouteNotFound {
        /// Request method.
        method: String,
        /// Request path.
        path: String,
    },
}

impl ControlError {
    /// The machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ControlError::InvalidJson(_) => "INVALID_JSON",
            ControlError::InvalidQuery(_) => "INVALID_QUERY",
            ControlError::Validation(_) => "VALIDATION_FAILED",
            ControlError::NotFound { code, .. }
            | ControlError::Conflict { code, .. }
            | ControlError::Forbidden { code, .. } => code,
            ControlError::Body(BodyError::TooLarge { .. }) => "PAYLOAD_TOO_LARGE",
            ControlError::Body(BodyError::Read(_)) => "BODY_UNREADABLE",
            ControlError::Body(BodyError::TimedOut { .. }) => "BODY_TIMEOUT",
            ControlError::RouteNotFound { .. } => "ROUTE_NOT_FOUND",
            ControlError::ShuttingDown(_) => "SHUTTING_DOWN",
        }
    }
}

impl From<AppError> for ControlError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Invalid { .. } => ControlError::Validation(e.to_string()),
            AppError::Duplicate(_) => ControlError::Conflict {
                code: "APP_EXISTS",
                message: e.to_string(),
            },
            AppError::NotFound(_) => ControlError::NotFound {
                code: "APP_NOT_FOUND",
                message: e.to_string(),
            },
        }
    }
}

impl From<SinkRefusal> for ControlError {
    fn from(e: SinkRefusal) -> Self {
        match e {
            SinkRefusal::NotOwnDelivery => ControlError::Forbidden {
                code: "SINK_FORBIDDEN",
                message: e.to_string(),
            },
        }
    }
}

impl From<ClockError> for ControlError {
    fn from(e: ClockError) -> Self {
        let message = e.to_string();
        match e {
            ClockError::NotFound(_) => ControlError::NotFound {
                code: "CLOCK_NOT_FOUND",
                message,
            },
            ClockError::Duplicate(_) => ControlError::Conflict {
                code: "CLOCK_EXISTS",
                message,
            },
            ClockError::IsDefault => ControlError::Conflict {
                code: "CLOCK_IS_DEFAULT",
                message,
            },
            ClockError::InUse { .. } => ControlError::Conflict {
                code: "CLOCK_IN_USE",
                message,
            },
        }
    }
}

impl ResponseError for ControlError {
    fn status_code(&self) -> StatusCode {
        match self {
            ControlError::InvalidJson(_)
            | ControlError::InvalidQuery(_)
            | ControlError::Validation(_) => StatusCode::BAD_REQUEST,
            ControlError::NotFound { .. } | ControlError::RouteNotFound { .. } => {
                StatusCode::NOT_FOUND
            }
            ControlError::Conflict { .. } => StatusCode::CONFLICT,
            ControlError::Forbidden { .. } => StatusCode::FORBIDDEN,
            ControlError::Body(BodyError::TooLarge { .. }) => StatusCode::PAYLOAD_TOO_LARGE,
            ControlError::Body(BodyError::Read(_)) => StatusCode::BAD_REQUEST,
            ControlError::ShuttingDown(_) => StatusCode::SERVICE_UNAVAILABLE,
            ControlError::Body(BodyError::TimedOut { .. }) => StatusCode::REQUEST_TIMEOUT,
        }
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code()).json(json!({
            "error": { "code": self.code(), "message": self.to_string() }
        }))
    }
}
