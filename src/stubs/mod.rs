//! (being built)

use actix_web::web::ServiceConfig;

/// Registers this module's control routes (inside the `/__mock` scope).
pub fn configure(_cfg: &mut ServiceConfig) {}
