use crate::helpers::*;

/// `(status, code)` of a call without credentials: 401 `MISSING_AUTHORIZATION` means the path
/// reached the business gateway, 404 `NO_SERVICE` that it did not.
async fn outcome(app: &TestApp, path: &str) -> (u16, String) {
    let (status, body) = app
        .raw(format!("GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").as_bytes())
        .await;
    let code = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["errCode"].as_str().map(str::to_owned))
        .unwrap_or_default();
    (status, code)
}

#[tokio::test]
async fn a_business_path_is_a_version_segment_then_anything() {
    let app = spawn_app().await;
    for path in [
        "/v1/",
        "/v1//",
        "/V2/x",
        "/v12345678901234567890/x/y/z",
        "/v1/token/access/x",
        "/%76%31/x",
        "/v%31/a",
        "/v1/%0a",
    ] {
        assert_eq!(
            outcome(&app, path).await,
            (401, "MISSING_AUTHORIZATION".into()),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_version_alone_or_a_path_without_one_is_no_service() {
    let app = spawn_app().await;
    for path in ["/v1", "/va/x", "/v1x/y", "/v1%2Fx", "/x/v1/y", "/v/x"] {
        assert_eq!(
            outcome(&app, path).await,
            (404, "NO_SERVICE".into()),
            "{path}"
        );
    }
}
