//! Live access tokens as `GET /__mock/tokens` shows them.
//!
//! ```
//! use chinaums_mock::api::token::TokenList;
//! let list: TokenList = serde_json::from_str(r#"{"tokens": [{
//!     "accessToken": "0123456789abcdef0123456789abcdef",
//!     "appId": "10037e6f66f2d0f901672aa27d690006",
//!     "issuedAt": "2026-11-25T12:00:00+08:00", "expiresAt": "2026-11-25T13:00:00+08:00",
//!     "expiresIn": 3540
//! }], "maxPerApp": 10}"#)?;
//! assert_eq!((list.tokens[0].expires_in, list.max_per_app), (3540, 10));
//! # Ok::<(), serde_json::Error>(())
//! ```

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api::time;

/// One token an app may still present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LiveToken {
    /// The token, as `POST /v1/token/access` issued it.
    pub access_token: String,
    /// The app it was issued to.
    pub app_id: String,
    /// When it was issued (the app's sandbox time).
    #[schema(value_type = String)]
    #[serde(with = "time::beijing")]
    pub issued_at: DateTime<Utc>,
    /// When it stops being accepted (the app's sandbox time).
    #[schema(value_type = String)]
    #[serde(with = "time::beijing")]
    pub expires_at: DateTime<Utc>,
    /// Whole seconds left by the app's clock.
    pub expires_in: i64,
}

/// What `GET /__mock/tokens` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenList {
    /// Live tokens, newest first.
    pub tokens: Vec<LiveToken>,
    /// How many live tokens an app holds at most (`--max-tokens-per-app`); one more pushes out
    /// its oldest.
    pub max_per_app: usize,
}

/// Filters of `GET /__mock/tokens`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenFilter {
    /// Only this app's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// At most this many, newest first (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}
