//! `/__mock/tokens`: the access tokens apps may still present, read-only (tokens are issued by
//! `POST /v1/token/access` and go with their app or a reset).

use actix_web::HttpResponse;
use actix_web::web::{Data, Query};

use crate::api::token::{TokenFilter, TokenList};
use crate::http::control::route::{Group, Route, SchemaRef};
use crate::sandbox::Sandbox;

/// The token routes (inside the `/__mock` scope), served and documented from this table.
pub(crate) const ROUTES: Group = Group::new(
    "tokens",
    &[Route::get("/tokens", |r| r.to(list))
        .summary("Live access tokens, newest first, with their expiry by each app's clock")
        .answers(200, Some(SchemaRef::of::<TokenList>()))
        .query(&["appId", "limit"])],
);

async fn list(query: Query<TokenFilter>, state: Data<Sandbox>) -> HttpResponse {
    HttpResponse::Ok().json(state.live_tokens(&query))
}
