//! JSON bodies of control requests, read with the instance's size limit.

use actix_web::web::{Data, Payload};
use actix_web::HttpRequest;
use serde::de::DeserializeOwned;

use super::error::ControlError;
use crate::body::read_limited;
use crate::state::AppState;

/// Reads and parses a JSON body. An empty body counts as `{}`, so `curl -X POST` with no data
/// works for routes whose fields are all optional.
pub async fn parse_json<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: Payload,
    state: &Data<AppState>,
) -> Result<T, ControlError> {
    let bytes = read_limited(req, payload, state.config.max_body_bytes).await?;
    let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &bytes
    };
    serde_json::from_slice(text).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Data => "the JSON does not have the expected fields",
            _ => "the body is not valid JSON",
        };
        ControlError::InvalidJson(format!("{what}: {e}"))
    })
}
