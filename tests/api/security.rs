//! The control API's guards: the admin token, the admin port, the callback allow list; and, in
//! the modules below, the browser guards, the body deadline and the sink's access rule.

mod body_timeout;
mod browser;
mod sink;

use chinaums_mock::{Application, Config};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::receiver::Receiver;

/// The admin token of [`spawn_app_as_admin`].
pub const ADMIN_TOKEN: &str = "s3cret-admin";

/// A sandbox as [`spawn_app`] makes it, with `--admin-token` [`ADMIN_TOKEN`]; every request the
/// test app sends carries the token.
pub async fn spawn_app_as_admin() -> TestApp {
    let mut app = spawn_app_with(|c| c.admin_token = Some(ADMIN_TOKEN.into())).await;
    let mut headers = reqwest::header::HeaderMap::new();
    let bearer = format!("Bearer {ADMIN_TOKEN}");
    headers.insert(
        reqwest::header::AUTHORIZATION,
        bearer.parse().expect("a header value"),
    );
    app.client = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("a client");
    app.control =
        chinaums_mock::client::ControlClient::with_http_client(&app.base, app.client.clone());
    app
}

#[tokio::test]
async fn with_an_admin_token_the_control_api_needs_the_bearer_token() {
    let app = spawn_app_with(|c| c.admin_token = Some("s3cret-admin".into())).await;
    let r = app.get("/__mock/apps").await;
    r.assert_control(401, "UNAUTHORIZED");
    assert!(r.headers.get("www-authenticate").is_some());
    let wrong = app
        .send(
            app.client
                .get(app.url("/__mock/apps"))
                .bearer_auth("s3cret-admiN"),
        )
        .await;
    wrong.assert_control(401, "UNAUTHORIZED");
    let ok = app
        .send(
            app.client
                .get(app.url("/__mock/apps"))
                .bearer_auth("s3cret-admin"),
        )
        .await;
    assert_eq!(ok.status, 200);
    // Health stays open for orchestrators; the gateway is not the control API.
    assert_eq!(app.get("/__mock/health").await.status, 200);
    assert_eq!(app.token_request(APP_ID, APP_KEY).await.status, 200);
    // The scenario runner inside the sandbox carries the token to itself.
    let run = app
        .send(
            app.client
                .post(app.url("/__mock/scenarios/run"))
                .bearer_auth("s3cret-admin")
                .json(&json!({"name": "happy-open-close"})),
        )
        .await;
    assert_eq!(run.status, 200, "{}", run.text);
    assert_eq!(run.json()["passed"], true, "{}", run.text);
}

#[tokio::test]
async fn with_an_admin_port_the_control_api_lives_apart_from_the_gateway() {
    let config = Config {
        port: 0,
        admin_port: Some(0),
        seed: Some(42),
        workers: Some(1),
        clock_start: Some(vector_time()),
        clock_frozen: true,
        ..Config::default()
    };
    let server = Application::build(config).await.expect("builds");
    let (gateway, control) = (server.url(), server.control_url());
    assert_ne!(gateway, control);
    let handle = server.handle();
    tokio::spawn(server.run_until_stopped());
    let client = reqwest::Client::new();
    let status = |url: String| {
        let client = client.clone();
        async move {
            client
                .get(url)
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }
    };
    assert_eq!(status(format!("{control}/__mock/health")).await, 200);
    assert_eq!(
        status(format!("{gateway}/__mock/health")).await,
        404,
        "no control API on the gateway port"
    );
    let token = client
        .post(format!("{gateway}/v1/token/access"))
        .json(&signed_token_body(APP_ID, APP_KEY, VECTOR_TS, "n"))
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    assert_eq!(token, 200);
    let on_control = client
        .post(format!("{control}/v1/token/access"))
        .json(&json!({}))
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    assert_eq!(on_control, 404, "no gateway on the control port");
    handle.stop(false).await;
}

#[tokio::test]
async fn callbacks_to_hosts_outside_the_allow_list_are_refused_and_recorded() {
    let receiver = Receiver::start(MD5_KEY).await;
    let allowed = format!("127.0.0.1:{}", receiver.port());
    let app = spawn_app_with(move |c| c.callback_allow = vec![allowed]).await;
    app.set_callback(APP_ID, &receiver.url(), Value::Null).await;
    let ok = app.opened_id(APP_ID).await;
    app.wait_status(&ok, "delivered").await;
    // Same host, another port: refused.
    app.set_callback(QR_APP_ID, "http://127.0.0.1:9/notify", Value::Null)
        .await;
    let blocked = app.opened_id(QR_APP_ID).await;
    app.settle_in_flight().await;
    let n = app.notification(&blocked).await;
    assert_eq!(outcomes(&n), ["blocked"]);
    assert!(
        n["attempts"][0]["error"]
            .as_str()
            .unwrap_or_default()
            .contains("--callback-allow")
    );
    let conformance = app
        .post_json("/__mock/conformance", &json!({"appId": QR_APP_ID}))
        .await;
    conformance.assert_control(400, "VALIDATION_FAILED");
}
