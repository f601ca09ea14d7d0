//! `GET /__mock/ui`: a live dashboard of the sandbox — apps and their callback URLs, live access
//! tokens, every clock, Pay Score authorisations, netpay orders with their refunds, QR bills,
//! notifications with every delivery attempt, faults, stubs and the request journal — with
//! buttons for the common control actions.
//!
//! The page is plain HTML, CSS and JavaScript embedded in the binary; it polls the JSON control
//! API, so it needs nothing from the network and shows exactly what a test would see.

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Path;
use actix_web::{HttpRequest, HttpResponse};

use crate::http::control::ControlError;
use crate::http::control::route::{Group, Route};

/// One embedded file.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    /// File name under `/__mock/ui/`.
    pub name: &'static str,
    /// The `Content-Type` it is served with.
    pub content_type: &'static str,
    /// The bytes.
    pub body: &'static [u8],
    /// A hash of the bytes, served as the entity tag.
    pub etag: u64,
}

/// FNV-1a, computed at compile time: enough to tell one build's asset from another's.
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

const fn asset(name: &'static str, content_type: &'static str, body: &'static [u8]) -> Asset {
    Asset {
        name,
        content_type,
        body,
        etag: fnv1a(body),
    }
}

/// The page itself, served at `/__mock/ui`.
pub const PAGE: Asset = asset(
    "index.html",
    "text/html; charset=utf-8",
    include_bytes!("assets/index.html"),
);

/// Everything the page loads, served at `/__mock/ui/{name}`.
pub const ASSETS: &[Asset] = &[
    asset(
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/app.js"),
    ),
    asset(
        "apps.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/apps.js"),
    ),
    asset(
        "clocks.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/clocks.js"),
    ),
    asset(
        "dom.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/dom.js"),
    ),
    asset(
        "faults.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/faults.js"),
    ),
    asset(
        "journal.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/journal.js"),
    ),
    asset(
        "notifications.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/notifications.js"),
    ),
    asset(
        "orders.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/orders.js"),
    ),
    asset(
        "stubs.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/stubs.js"),
    ),
    asset(
        "tokens.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/tokens.js"),
    ),
    asset(
        "transport.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/transport.js"),
    ),
    asset(
        "style.css",
        "text/css; charset=utf-8",
        include_bytes!("assets/style.css"),
    ),
    asset(
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("assets/favicon.svg"),
    ),
];

/// The page talks only to its own origin and renders data as text, never as markup.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The dashboard routes (inside the `/__mock` scope), served and documented from this table.
/// HEAD too, for link checkers and `curl -I`; the body is left out on the wire.
pub(crate) const ROUTES: Group = Group::new(
    "ui",
    &[
        Route::get("/ui", |r| r.to(page))
            .summary("The dashboard (HTML)")
            .with_head(),
        Route::get("/ui/{file}", |r| r.to(file))
            .summary("A dashboard file (script, style, icon)")
            .with_head(),
    ],
);

async fn page(req: HttpRequest) -> HttpResponse {
    let mut res = serve(&req, &PAGE);
    res.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    res
}

async fn file(req: HttpRequest, name: Path<String>) -> Result<HttpResponse, ControlError> {
    let name = name.into_inner();
    let found = ASSETS.iter().find(|a| a.name == name);
    match found {
        Some(asset) => Ok(serve(&req, asset)),
        None => Err(ControlError::NotFound {
            code: "ASSET_NOT_FOUND",
            message: format!(
                "no dashboard file {name:?}; the dashboard is at /__mock/ui and serves {}",
                ASSETS.iter().map(|a| a.name).collect::<Vec<_>>().join(", ")
            ),
        }),
    }
}

/// Serves an asset; the browser revalidates every time (the files change with the binary, not
/// with their names) and gets a 304 while the entity tag matches.
fn serve(req: &HttpRequest, asset: &Asset) -> HttpResponse {
    let etag = format!("\"{:016x}\"", asset.etag);
    let unchanged = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut res = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::ETAG, etag))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // Nothing leaves for other sites; the page's own POSTs keep their Origin (under
        // `no-referrer` they would say `Origin: null`, which the browser guard cannot place).
        .insert_header((header::REFERRER_POLICY, "same-origin"));
    if unchanged {
        res.finish()
    } else {
        res.content_type(asset.content_type).body(asset.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_the_page_links_to_is_served() {
        let html = std::str::from_utf8(PAGE.body).expect("utf-8 page");
        for asset in ASSETS {
            assert!(
                html.contains(&format!("/__mock/ui/{}", asset.name)),
                "{} is not linked",
                asset.name
            );
        }
    }

    #[test]
    fn different_bytes_get_different_entity_tags() {
        let tags: std::collections::BTreeSet<u64> = ASSETS.iter().map(|a| a.etag).collect();
        assert_eq!(tags.len(), ASSETS.len());
        assert_ne!(fnv1a(b"a"), fnv1a(b"b"));
    }
}
