//! The baseline: a bare actix-web server that reads the request body and answers a fixed JSON
//! of the same size as the sandbox's answer, with no checks, state, journal or logging.
//!
//! `bare-actix [--port N] [--workers N]` — prints `{"event":"listening","url":…}` on stdout.
//!
//! - `POST /v1/token/access` → a token answer (same fields and size as the sandbox's).
//! - any other path → an unified-order answer (about the size of the fixture stub's).

use actix_web::{web, App, HttpResponse, HttpServer};

const TOKEN: &str = r#"{"errCode":"0000","errInfo":"正常","accessToken":"5d0c6ad9bd3a4f6f9f0e2a1c7b8d9e0f","expiresIn":3600}"#;

const ORDER: &str = r#"{"errCode":"SUCCESS","errMsg":"","msgId":"8f7e6d5c4b3a29180f7e6d5c4b3a2918","responseTimestamp":"2026-11-25 12:00:00","srcReserve":"","mid":"898201612345678","tid":"88880001","instMid":"MINIDEFAULT","merName":"netpay APP/MINI","merOrderId":"3194202611250001","totalAmount":1,"seqId":"20261125012345678901","settleRefId":"012345678901","status":"WAIT_BUYER_PAY","targetSys":"WXPay","targetStatus":"SUCCESS|SUCCESS","miniPayRequest":{"appId":"wx1234567890abcdef","timeStamp":"1795579200","nonceStr":"Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z","package":"prepay_id=wx20261125120000a1b2c3d4e5f6a7b8c9","signType":"RSA","paySign":"Q2w3E4r5T6y7U8i9O0p1A2s3D4f5G6h7J8k9L0z1X2c3V4b5N6m7Q8w9E0r1T2y3"}}"#;

async fn token(_body: web::Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json;charset=UTF-8")
        .body(TOKEN)
}

async fn order(_body: web::Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json;charset=UTF-8")
        .body(ORDER)
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
    let workers: Option<usize> = arg("--workers").and_then(|w| w.parse().ok());
    let mut server = HttpServer::new(|| {
        App::new()
            .route("/v1/token/access", web::post().to(token))
            .default_service(web::to(order))
    })
    .bind(("127.0.0.1", port))?;
    if let Some(n) = workers {
        server = server.workers(n);
    }
    let addr = server.addrs()[0];
    println!("{{\"event\":\"listening\",\"url\":\"http://{addr}\"}}");
    server.run().await
}
