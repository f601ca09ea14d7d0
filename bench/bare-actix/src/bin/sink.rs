//! A minimal merchant callback: answers every POST with `SUCCESS` (keep-alive), counts them.
//!
//! `sink [--port N] [--workers N]` — prints `{"event":"listening","url":…}` on stdout;
//! `GET /count` answers the number of POSTs received so far.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use actix_web::{web, App, HttpResponse, HttpServer};

async fn notify(count: web::Data<Arc<AtomicU64>>, _body: web::Bytes) -> HttpResponse {
    count.fetch_add(1, Ordering::Relaxed);
    HttpResponse::Ok()
        .content_type("text/plain")
        .body("SUCCESS")
}

async fn count(count: web::Data<Arc<AtomicU64>>) -> HttpResponse {
    HttpResponse::Ok().body(count.load(Ordering::Relaxed).to_string())
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = arg("--port").and_then(|p| p.parse().ok()).unwrap_or(0);
    let workers: usize = arg("--workers").and_then(|w| w.parse().ok()).unwrap_or(1);
    let counter = web::Data::new(Arc::new(AtomicU64::new(0)));
    let server = HttpServer::new(move || {
        App::new()
            .app_data(counter.clone())
            .route("/count", web::get().to(count))
            .default_service(web::post().to(notify))
    })
    .workers(workers)
    .bind(("127.0.0.1", port))?;
    let addr = server.addrs()[0];
    println!("{{\"event\":\"listening\",\"url\":\"http://{addr}\"}}");
    server.run().await
}
