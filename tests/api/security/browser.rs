//! The browser guard: the control API answers only the sandbox's own names (`--allow-host`)
//! and state changes only from its own pages (`--allow-origin`); clients that are not browsers
//! and the gateway are unaffected.

use serde_json::json;

use crate::helpers::*;

/// A request to the control API as a browser sends it: to `host`, from a page of `origin`.
fn from_page(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    host: &str,
    origin: Option<&str>,
) -> reqwest::RequestBuilder {
    let mut request = app
        .client
        .request(method, app.url(path))
        .header("host", host);
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    request
}

#[tokio::test]
async fn a_request_sent_to_a_rebound_name_is_refused_and_told_which_flag_allows_it() {
    let app = spawn_app().await;
    let host = format!("evil.example:{}", app.port);
    for path in ["/__mock/apps", "/__mock/ui", "/__mock/notifications"] {
        let r = app
            .send(from_page(&app, reqwest::Method::GET, path, &host, None))
            .await;
        r.assert_control(403, "HOST_NOT_ALLOWED");
        let message = r.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(message.contains("--allow-host evil.example"), "{message}");
        assert!(!r.text.contains(MD5_KEY));
    }
    // The page of the rebound name is same-origin with it: its POSTs are refused by the name.
    let own_origin = format!("http://{host}");
    let r = app
        .send(
            from_page(
                &app,
                reqwest::Method::POST,
                "/__mock/clock/advance",
                &host,
                Some(&own_origin),
            )
            .header("sec-fetch-site", "same-origin")
            .json(&json!({ "seconds": 60 })),
        )
        .await;
    r.assert_control(403, "HOST_NOT_ALLOWED");
    assert_eq!(
        app.get("/__mock/clock").await.json()["now"],
        "2026-11-25T12:00:00+08:00"
    );
    // Orchestrators probe health by any name they have.
    let health = app
        .send(from_page(
            &app,
            reqwest::Method::GET,
            "/__mock/health",
            &host,
            None,
        ))
        .await;
    assert_eq!(health.status, 200);
}

#[tokio::test]
async fn localhost_ip_addresses_and_the_names_of_allow_host_are_answered() {
    let app = spawn_app_with(|c| c.allow_hosts = vec!["chinaums-mock".into()]).await;
    for host in [
        "localhost".to_owned(),
        format!("localhost:{}", app.port),
        format!("127.0.0.1:{}", app.port),
        "[::1]:8080".to_owned(),
        "172.18.0.5:8080".to_owned(),
        "chinaums-mock:8080".to_owned(),
        "CHINAUMS-MOCK".to_owned(),
    ] {
        let r = app
            .send(from_page(
                &app,
                reqwest::Method::GET,
                "/__mock/apps",
                &host,
                None,
            ))
            .await;
        assert_eq!(r.status, 200, "{host}: {}", r.text);
    }
    let r = app
        .send(from_page(
            &app,
            reqwest::Method::GET,
            "/__mock/apps",
            "other:8080",
            None,
        ))
        .await;
    r.assert_control(403, "HOST_NOT_ALLOWED");
    let any = spawn_app_with(|c| c.allow_hosts = vec!["*".into()]).await;
    let r = any
        .send(from_page(
            &any,
            reqwest::Method::GET,
            "/__mock/apps",
            "other:8080",
            None,
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn a_state_change_from_another_sites_page_is_refused() {
    let app = spawn_app().await;
    let host = format!("127.0.0.1:{}", app.port);
    // A form or a text/plain fetch from any page reaches localhost without a preflight.
    let advance = from_page(
        &app,
        reqwest::Method::POST,
        "/__mock/clock/advance",
        &host,
        Some("https://evil.example"),
    )
    .header("content-type", "text/plain")
    .header("sec-fetch-site", "cross-site")
    .body(r#"{"seconds": 86400}"#);
    let r = app.send(advance).await;
    r.assert_control(403, "CROSS_ORIGIN_REFUSED");
    assert!(r.text.contains("--allow-origin"), "{}", r.text);
    // Without an Origin, the fetch metadata alone gives it away.
    let create = from_page(&app, reqwest::Method::POST, "/__mock/apps", &host, None)
        .header("sec-fetch-site", "cross-site")
        .json(&json!({ "name": "planted" }));
    app.send(create)
        .await
        .assert_control(403, "CROSS_ORIGIN_REFUSED");
    let delete = from_page(
        &app,
        reqwest::Method::DELETE,
        &format!("/__mock/apps/{APP_ID}"),
        &host,
        Some("null"),
    );
    app.send(delete)
        .await
        .assert_control(403, "CROSS_ORIGIN_REFUSED");
    assert_eq!(
        app.get("/__mock/clock").await.json()["now"],
        "2026-11-25T12:00:00+08:00"
    );
    assert_eq!(app.get(&format!("/__mock/apps/{APP_ID}")).await.status, 200);
}

#[tokio::test]
async fn the_sandboxs_own_pages_and_clients_without_a_page_change_state() {
    let app = spawn_app().await;
    let host = format!("127.0.0.1:{}", app.port);
    let own = format!("http://{host}");
    let advance = |origin: Option<&str>| {
        from_page(
            &app,
            reqwest::Method::POST,
            "/__mock/clock/advance",
            &host,
            origin,
        )
        .json(&json!({ "seconds": 60 }))
    };
    let r = app.send(advance(Some(&own))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The dashboard's fetches: same-origin, whatever Origin the page's policy leaves them.
    let r = app
        .send(advance(Some("null")).header("sec-fetch-site", "same-origin"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // curl, the SDKs, the command line: no Origin at all.
    let r = app.advance(60.0).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        app.get("/__mock/clock").await.json()["now"],
        "2026-11-25T12:03:00+08:00"
    );
}

#[tokio::test]
async fn an_origin_given_to_allow_origin_changes_state() {
    let app = spawn_app_with(|c| c.allow_origins = vec!["http://localhost:3000".into()]).await;
    let host = format!("127.0.0.1:{}", app.port);
    let advance = |origin: &str| {
        from_page(
            &app,
            reqwest::Method::POST,
            "/__mock/clock/advance",
            &host,
            Some(origin),
        )
        .header("sec-fetch-site", "same-site")
        .json(&json!({ "seconds": 60 }))
    };
    let r = app.send(advance("http://localhost:3000")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = app.send(advance("http://localhost:3001")).await;
    r.assert_control(403, "CROSS_ORIGIN_REFUSED");
}

#[tokio::test]
async fn the_gateway_answers_any_host_and_any_origin() {
    let app = spawn_app().await;
    let r = app
        .send(
            app.client
                .post(app.url("/v1/token/access"))
                .header("host", "api-mop.chinaums.com")
                .header("origin", "https://evil.example")
                .header("sec-fetch-site", "cross-site")
                .json(&signed_token_body(APP_ID, APP_KEY, VECTOR_TS, "n")),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}
