//! What a stub is.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One programmed answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StubResponse {
    /// HTTP status (default 200).
    #[serde(default = "ok")]
    pub status: u16,
    /// JSON body (strings may hold `{{…}}` templates); a JSON string is sent as plain text.
    #[serde(default)]
    pub body: Value,
    /// Extra headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Answer this many real milliseconds later.
    #[serde(default)]
    pub delay_ms: u64,
}

fn ok() -> u16 {
    200
}

/// A stub as `POST /__mock/stubs` (or `fixtures/stubs.json`) describes it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StubSpec {
    /// HTTP method; absent or `*` matches any.
    pub method: Option<String>,
    /// Exact path, or a prefix ending in `*`.
    pub path: String,
    /// Only calls authenticated as this app.
    pub app_id: Option<String>,
    /// Only bodies containing this text.
    pub body_contains: Option<String>,
    /// Only JSON bodies that contain these members (recursively).
    pub body_json: Option<Value>,
    /// The answer.
    pub response: Option<StubResponse>,
    /// A sequence of answers; the last repeats.
    pub responses: Option<Vec<StubResponse>>,
    /// Match this many times only.
    pub times: Option<u32>,
    /// Higher first; among equals the newest first.
    pub priority: Option<i32>,
    /// A note for the reader.
    pub description: Option<String>,
}

/// A registered stub.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Stub {
    /// `stb-N`.
    pub id: String,
    /// Method or `*`.
    pub method: String,
    /// Path or prefix.
    pub path: String,
    /// App filter.
    pub app_id: Option<String>,
    /// Body text filter.
    pub body_contains: Option<String>,
    /// Body JSON filter.
    pub body_json: Option<Value>,
    /// Answers, in order; the last repeats.
    pub responses: Vec<StubResponse>,
    /// Matches left (`null` = unlimited).
    pub remaining: Option<u32>,
    /// Priority.
    pub priority: i32,
    /// Matches so far.
    pub hits: u64,
    /// Whether it came from the fixtures.
    pub fixture: bool,
    /// A note.
    pub description: Option<String>,
}
