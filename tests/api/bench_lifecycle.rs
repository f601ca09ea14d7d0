//! The netpay lifecycle benchmark's driver (`bench/bare-actix/src/bin/lifecycle/`, which
//! `bench/run.sh` runs), compiled here and run briefly against a test sandbox and a
//! stand-in for the bare actix-web reference: its figures in docs/benchmarks.md come from a
//! driver that works against the sandbox as it is.

use actix_web::{App, HttpResponse, HttpServer, web};
use serde_json::{Value, json};

use crate::helpers::*;

#[path = "../../bench/bare-actix/src/bin/lifecycle/driver.rs"]
mod driver;
#[path = "../../bench/bare-actix/src/bin/lifecycle/http.rs"]
mod http;

/// Answers every request with the same successful JSON, as the bare reference does.
async fn stand_in() -> String {
    let server = HttpServer::new(|| {
        App::new().default_service(web::to(|| async {
            HttpResponse::Ok()
                .content_type("application/json")
                .body(r#"{"errCode":"SUCCESS","status":"WAIT_BUYER_PAY"}"#)
        }))
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .expect("a free port");
    let url = format!("http://{}", server.addrs()[0]);
    tokio::spawn(server.run());
    url
}

#[tokio::test]
async fn the_lifecycle_benchmark_runs_against_the_sandbox_and_the_bare_reference() {
    let app = spawn_app().await;
    let token = app.token(APP_ID, APP_KEY).await;
    let target = driver::Target {
        base: app.base.clone(),
        authorization: format!("OPEN-ACCESS-TOKEN AccessToken={token}"),
        bare: false,
    };
    let load = driver::Load {
        seconds: 0.3,
        concurrency: 2,
    };
    let ran = driver::lifecycles(&target, load).await.expect("lifecycles");
    let done = ran["lifecycles"].as_u64().unwrap_or(0);
    assert!(done > 0, "{ran}");
    assert!(ran["notifyP50Ms"].is_number(), "{ran}");
    let orders = app.get("/__mock/orders?status=TRADE_SUCCESS").await.json();
    let last = &orders["orders"][0];
    assert_eq!(last["refunds"][0]["refundAmount"], 30, "{last}");
    let id = last["notifications"][0].as_str().unwrap_or_default();
    assert_eq!(app.notification(id).await["status"], "delivered");

    let sink = app.url(&format!("/__mock/sink/{APP_ID}"));
    app.set_callback(APP_ID, &sink, Value::Null).await;
    let paid = driver::orders(&target, 20, 4).await.expect("orders");
    assert_eq!(paid["orders"], 20, "{paid}");
    let received = app.get(&format!("/__mock/sink/{APP_ID}")).await.json();
    assert_eq!(received["received"].as_array().map(Vec::len), Some(20));

    let bare = driver::Target {
        base: stand_in().await,
        authorization: String::new(),
        bare: true,
    };
    let ran = driver::lifecycles(&bare, load)
        .await
        .expect("bare lifecycles");
    assert!(ran["lifecycles"].as_u64().unwrap_or(0) > 0, "{ran}");
    assert_eq!(
        (&ran["mode"], &ran["roundTripsPerLifecycle"]),
        (&json!("bare"), &json!(5))
    );
}
