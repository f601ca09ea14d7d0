//! Answers that hostile input and schema-driven fuzzing pinned down.

use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn a_405_names_the_methods_the_route_takes() {
    let app = spawn_app().await;
    for (method, path, allow) in [
        ("PUT", "/__mock/faults", "GET, POST, DELETE"),
        ("TRACE", "/__mock/apps/x", "GET, PATCH, DELETE"),
        ("GET", "/__mock/clock/advance", "POST"),
        ("GET", "/v1/token/access", "POST"),
    ] {
        let r = app
            .send(
                app.client
                    .request(method.parse().expect("method"), app.url(path)),
            )
            .await;
        assert_eq!(r.status, 405, "{method} {path}");
        let header = r.headers.get("allow").and_then(|v| v.to_str().ok());
        assert_eq!(header, Some(allow), "{method} {path}");
    }
}

#[tokio::test]
async fn a_control_body_is_an_object_never_an_array_of_the_fields() {
    let app = spawn_app().await;
    let r = app.post_json("/__mock/clock/advance", &json!([3601])).await;
    r.assert_control(400, "INVALID_JSON");
    let r = app
        .send(
            app.client
                .put(app.url("/__mock/clock"))
                .json(&json!([null, null])),
        )
        .await;
    r.assert_control(400, "INVALID_JSON");
    assert_eq!(
        app.get("/__mock/clock").await.json()["now"],
        "2026-11-25T12:00:00+08:00"
    );
}

#[tokio::test]
async fn integer_fields_take_whole_floats_but_not_fractions() {
    let app = spawn_app().await;
    let path = format!("/__mock/apps/{APP_ID}");
    let r = app
        .patch_json(
            &path,
            &json!({ "notify": { "timeoutMs": 2500.0, "retrySchedule": [15.0, 30] } }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["notify"]["timeoutMs"], 2500);
    assert_eq!(r.json()["notify"]["retrySchedule"], json!([15, 30]));
    let r = app
        .patch_json(&path, &json!({ "notify": { "timeoutMs": 2500.5 } }))
        .await;
    r.assert_control(400, "INVALID_JSON");
}

#[tokio::test]
async fn second_sixty_is_not_a_time_a_token_request_can_carry() {
    let app = spawn_app().await;
    let body = signed_token_body(APP_ID, APP_KEY, "20261125115960", "n");
    app.post_json("/v1/token/access", &body)
        .await
        .assert_gateway(412, "1000");
}

#[tokio::test]
async fn every_control_route_that_reads_a_body_documents_its_schema() {
    let app = spawn_app().await;
    let doc = app.get("/__mock/openapi.json").await.json();
    let schemas = &doc["components"]["schemas"];
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let body = &op["requestBody"]["content"]["application/json"]["schema"]["$ref"];
            match (method.as_str(), path.as_str()) {
                ("get" | "delete", _) | ("post", "/__mock/reset") => {
                    assert_eq!(op.get("requestBody"), None, "{method} {path}")
                }
                _ => {
                    let name = body.as_str().and_then(|r| r.rsplit('/').next());
                    let schema = name.map(|n| &schemas[n]).unwrap_or(&Value::Null);
                    assert!(schema.is_object(), "{method} {path} has no request schema");
                }
            }
        }
    }
}
