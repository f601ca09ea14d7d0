//! Signature tools for developers whose signature is rejected.
//!
//! `POST /__mock/tools/sign` shows the canonical string and signature of every rule for given
//! credentials and inputs; `POST /__mock/tools/verify` sets them next to what a client sent,
//! shows where the strings first differ and gives hints, each found by recomputing a usual
//! mistake (UTC timestamps, the wrong key, SHA1 for SHA256, a re-serialised body, …).
//!
//! The diagnosis itself is pure ([`diagnose_token`], [`diagnose_body_sig`],
//! [`diagnose_notify`]), so the gateway can attach it to authentication failures too.

mod diagnose;
mod request;
mod routes;
mod variants;

use actix_web::web::{self, ServiceConfig};

pub use diagnose::{
    Diagnosis, Difference, diagnose_body_sig, diagnose_notify, diagnose_token, first_difference,
};

use crate::control::resource;

/// Registers this module's control routes (inside the `/__mock` scope).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(resource("/tools/sign").route(web::post().to(routes::sign)))
        .service(resource("/tools/verify").route(web::post().to(routes::verify)));
}
