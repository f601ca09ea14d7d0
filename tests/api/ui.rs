use crate::helpers::*;

fn header<'a>(r: &'a Reply, name: &str) -> &'a str {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_dashboard_is_an_html_page_with_the_elements_a_test_can_find() {
    let app = spawn_app().await;
    let r = app.get("/__mock/ui").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(header(&r, "content-type"), "text/html; charset=utf-8");
    assert_eq!(header(&r, "cache-control"), "no-cache");
    assert!(header(&r, "content-security-policy").contains("script-src 'self'"));
    assert!(r.text.contains(r#"<meta charset="utf-8">"#));
    for id in [
        r#"id="clock-now""#,
        r#"id="advance-form""#,
        r#"data-testid="advance-15s""#,
        r#"data-testid="advance-1h""#,
        r#"data-testid="advance-24h""#,
        r#"id="reset-button""#,
        r#"id="error-banner""#,
        r#"id="apps-body""#,
        r#"id="authorizations-body""#,
        r#"id="notifications-body""#,
        r#"id="journal-body""#,
        r#"id="clocks-body""#,
        r#"id="clock-advance-form""#,
        r#"id="clock-create-form""#,
        r#"id="orders-body""#,
        r#"id="bills-body""#,
        r#"id="tokens-body""#,
        r#"id="faults-body""#,
        r#"id="fault-form""#,
        r#"id="stubs-body""#,
        r#"id="stub-form""#,
        r#"id="callback-form""#,
        r#"id="clock-set-form""#,
        r#"id="panel-nav""#,
    ] {
        assert!(r.text.contains(id), "{id} missing from the page");
    }
    for heading in [
        "Apps 应用",
        "Notifications 通知",
        "Request journal 请求日志",
        "Clock 时钟",
        "Clocks 时钟组",
        "Orders 订单",
        "QR bills 二维码账单",
        "Access tokens 访问令牌",
        "Faults 故障注入",
        "Stubs 桩",
    ] {
        assert!(r.text.contains(heading), "heading {heading:?} missing");
    }
}

#[tokio::test]
async fn every_dashboard_file_is_served_with_its_content_type() {
    let app = spawn_app().await;
    const JS: &str = "text/javascript; charset=utf-8";
    for (file, content_type, marker) in [
        ("app.js", JS, "/__mock"),
        ("dom.js", JS, "export"),
        ("clocks.js", JS, "/clocks"),
        ("orders.js", JS, "/refund"),
        ("apps.js", JS, "callbackUrl"),
        ("notifications.js", JS, "/redeliver"),
        ("transport.js", JS, "connection refused"),
        ("faults.js", JS, "/faults"),
        ("stubs.js", JS, "/stubs"),
        ("tokens.js", JS, "/tokens"),
        ("journal.js", JS, "/requests"),
        ("style.css", "text/css; charset=utf-8", "--sans"),
        ("favicon.svg", "image/svg+xml", "<svg"),
    ] {
        let r = app.get(&format!("/__mock/ui/{file}")).await;
        assert_eq!(r.status, 200, "{file}: {}", r.text);
        assert_eq!(header(&r, "content-type"), content_type, "{file}");
        assert_eq!(header(&r, "x-content-type-options"), "nosniff", "{file}");
        assert!(r.text.contains(marker), "{file} is not the expected file");
    }
}

#[tokio::test]
async fn a_browser_holding_the_current_file_gets_not_modified() {
    let app = spawn_app().await;
    let first = app.get("/__mock/ui/app.js").await;
    let etag = header(&first, "etag").to_owned();
    assert!(etag.starts_with('"') && etag.len() > 2, "{etag:?}");
    let again = app
        .send(
            app.client
                .get(app.url("/__mock/ui/app.js"))
                .header("if-none-match", &etag),
        )
        .await;
    assert_eq!(again.status, 304);
    assert!(again.text.is_empty());
    assert_eq!(header(&again, "etag"), etag);
    let stale = app
        .send(
            app.client
                .get(app.url("/__mock/ui/app.js"))
                .header("if-none-match", "\"0000\""),
        )
        .await;
    assert_eq!(stale.status, 200);
}

#[tokio::test]
async fn an_unknown_dashboard_file_is_a_control_404() {
    let app = spawn_app().await;
    let r = app.get("/__mock/ui/nope.js").await;
    r.assert_control(404, "ASSET_NOT_FOUND");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("app.js"))
    );
}

#[tokio::test]
async fn a_head_request_gets_the_headers_without_the_body() {
    let app = spawn_app().await;
    let r = app
        .send(app.client.head(app.url("/__mock/ui/style.css")))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(header(&r, "content-type"), "text/css; charset=utf-8");
    assert!(r.text.is_empty());
}

#[tokio::test]
async fn a_post_to_the_dashboard_is_method_not_allowed() {
    let app = spawn_app().await;
    let r = app.post_json("/__mock/ui", &serde_json::json!({})).await;
    r.assert_control(405, "METHOD_NOT_ALLOWED");
}
