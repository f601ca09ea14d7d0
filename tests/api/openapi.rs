use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::*;

/// Every `(METHOD, path)` the code registers under `/__mock`: all control routes go through
/// `control::resource("/path")`, followed by `.route(web::get()…)` calls.
fn registered_routes() -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let starts: Vec<usize> = text
                .match_indices("resource(\"")
                .map(|(i, _)| i)
                .filter(|i| !text[..*i].ends_with("web::"))
                .collect();
            for (k, start) in starts.iter().enumerate() {
                let chunk = &text
                    [start + "resource(\"".len()..starts.get(k + 1).copied().unwrap_or(text.len())];
                let Some((route, rest)) = chunk.split_once("\")") else {
                    continue;
                };
                let until = rest.len();
                for method in ["get", "post", "put", "patch", "delete"] {
                    if rest[..until].contains(&format!("web::{method}()")) {
                        found.insert((method.to_ascii_uppercase(), route.to_owned()));
                    }
                }
            }
        }
    }
    found
}

fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in item.as_object().into_iter().flatten().map(|(m, _)| m) {
            out.insert((
                method.to_ascii_uppercase(),
                path.trim_start_matches("/__mock").to_owned(),
            ));
        }
    }
    out
}

/// `{appId}` in the doc and `{app_id}` in the code are the same parameter.
fn normalise(routes: BTreeSet<(String, String)>) -> BTreeSet<(String, String)> {
    routes
        .into_iter()
        .map(|(m, p)| {
            let p = p
                .split('/')
                .map(|s| if s.starts_with('{') { "{}" } else { s })
                .collect::<Vec<_>>()
                .join("/");
            (m, p)
        })
        .collect()
}

#[tokio::test]
async fn every_registered_control_route_is_in_the_openapi_document_and_nothing_else() {
    let app = spawn_app().await;
    let r = app.get("/__mock/openapi.json").await;
    assert_eq!(r.status, 200);
    let doc = r.json();
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with('3')),
        "{}",
        doc["openapi"]
    );
    let registered = normalise(registered_routes());
    assert!(
        registered.len() >= 30,
        "the scan finds the routes: {registered:?}"
    );
    let documented = normalise(documented(&doc));
    let missing: Vec<_> = registered.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "routes missing from /__mock/openapi.json: {missing:?}"
    );
    let extra: Vec<_> = documented.difference(&registered).collect();
    assert!(
        extra.is_empty(),
        "documented routes nothing serves: {extra:?}"
    );
}

#[tokio::test]
async fn the_document_carries_schemas_for_requests_and_responses() {
    let app = spawn_app().await;
    let doc = app.get("/__mock/openapi.json").await.json();
    for name in [
        "App",
        "AppSpec",
        "NotifySettings",
        "Notification",
        "Attempt",
        "Fault",
        "FaultSpec",
        "Stub",
        "StubSpec",
        "Entry",
        "ClockView",
        "ControlError",
    ] {
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "schema {name} missing"
        );
    }
    let create = &doc["paths"]["/__mock/apps"]["post"];
    assert_eq!(
        create["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/AppSpec"
    );
    assert_eq!(
        create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/App"
    );
    let props = &doc["components"]["schemas"]["App"]["properties"];
    assert!(
        props["appId"].is_object() && props["md5Key"].is_object() && props["notify"].is_object()
    );
}

#[tokio::test]
async fn every_documented_route_answers_rather_than_route_not_found() {
    let app = spawn_app().await;
    let doc = app.get("/__mock/openapi.json").await.json();
    for (method, path) in documented(&doc) {
        let url = app.url(&format!(
            "/__mock{}",
            path.replace("{appId}", APP_ID).replace("{id}", "x")
        ));
        let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = app.client.request(m, url);
        if method != "GET" && method != "DELETE" {
            request = request
                .header("content-type", "application/json")
                .body("{}");
        }
        let r = app.send(request).await;
        let code = serde_json::from_str::<Value>(&r.text)
            .ok()
            .map(|v| v["error"]["code"].clone());
        assert!(
            r.status != 405 && code != Some(Value::from("ROUTE_NOT_FOUND")),
            "{method} {path}: {} {}",
            r.status,
            r.text
        );
        assert!(r.status < 500, "{method} {path}: {} {}", r.status, r.text);
    }
}
