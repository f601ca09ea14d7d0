//! Reading request bodies with a size limit, so oversized input is a typed 413, never a 500,
//! and within the time limit of `--body-timeout-ms` ([`super::deadline`]), so a late one is a
//! typed 408.

use actix_web::HttpRequest;
use actix_web::error::PayloadError;
use actix_web::web::{Bytes, BytesMut, Payload};
use futures_util::StreamExt;

use super::deadline::BodyTimeout;

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    /// Larger than the configured limit.
    #[error("request body is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The connection failed or the encoding was broken while reading.
    #[error("request body could not be read: {0}")]
    Read(String),
    /// Not all there within `--body-timeout-ms`.
    #[error("the request body did not arrive within {limit_ms} ms (--body-timeout-ms)")]
    TimedOut {
        /// The limit in milliseconds.
        limit_ms: u64,
    },
}

impl From<PayloadError> for BodyError {
    fn from(e: PayloadError) -> Self {
        match BodyTimeout::of(&e) {
            Some(BodyTimeout { limit_ms }) => BodyError::TimedOut { limit_ms },
            None => BodyError::Read(e.to_string()),
        }
    }
}

/// Reads the whole body, failing as soon as it passes `limit` bytes.
pub async fn read_limited(
    req: &HttpRequest,
    mut payload: Payload,
    limit: usize,
) -> Result<Bytes, BodyError> {
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge { limit });
    }
    // Most bodies arrive in one chunk: keep it as it is, without a copy.
    let first = match payload.next().await {
        None => return Ok(Bytes::new()),
        Some(chunk) => chunk?,
    };
    if first.len() > limit {
        return Err(BodyError::TooLarge { limit });
    }
    let second = match payload.next().await {
        None => return Ok(first),
        Some(chunk) => chunk?,
    };
    if first.len() + second.len() > limit {
        return Err(BodyError::TooLarge { limit });
    }
    let expected = declared.map_or(0, |n| usize::try_from(n).unwrap_or(limit));
    let mut body = BytesMut::with_capacity(expected.clamp(first.len() + second.len(), limit));
    body.extend_from_slice(&first);
    body.extend_from_slice(&second);
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
