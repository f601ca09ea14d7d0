use std::collections::BTreeSet;

use chinaums_mock::Application;
use serde_json::Value;

use crate::helpers::*;

/// Every `(METHOD, path)` the server registers under `/__mock`, HEAD included: read from the
/// route list the server registers, not from the sources.
fn served_routes() -> BTreeSet<(String, String)> {
    Application::control_routes()
        .map(|(method, path)| (method.to_owned(), format!("/__mock{path}")))
        .collect()
}

fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in item.as_object().into_iter().flatten().map(|(m, _)| m) {
            out.insert((method.to_ascii_uppercase(), path.to_owned()));
        }
    }
    out
}

/// A concrete URL path for a documented one: the fixture app, a dashboard file that exists
/// (a HEAD answer has no body to tell a missing file from a missing route), any other id.
fn concrete(path: &str) -> String {
    path.replace("{appId}", APP_ID)
        .replace("{file}", "app.js")
        .replace("{id}", "x")
}

/// Sends `method` to `path` and asserts a route answered it: neither the control API's
/// ROUTE_NOT_FOUND nor a 405, and no server error.
async fn assert_served(app: &TestApp, method: &str, path: &str) {
    let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = app.client.request(m, app.url(&concrete(path)));
    if !matches!(method, "GET" | "HEAD" | "DELETE") {
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
    assert!(
        r.status < 500 && !(method == "HEAD" && r.status == 404),
        "{method} {path}: {} {}",
        r.status,
        r.text
    );
}

#[tokio::test]
async fn every_served_control_route_is_in_the_openapi_document_and_nothing_else() {
    let app = spawn_app().await;
    let r = app.get("/__mock/openapi.json").await;
    assert_eq!(r.status, 200);
    let doc = r.json();
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with('3')),
        "{}",
        doc["openapi"]
    );
    let served = served_routes();
    assert!(
        served.len() >= 30,
        "the route list holds the control routes: {served:?}"
    );
    // HEAD goes with a GET (the same headers, no body): the GET's operation says so.
    let (head, served): (BTreeSet<_>, BTreeSet<_>) =
        served.into_iter().partition(|(m, _)| m == "HEAD");
    for (_, path) in &head {
        let get = &doc["paths"][path]["get"];
        assert!(
            get["description"]
                .as_str()
                .is_some_and(|d| d.contains("HEAD")),
            "HEAD {path} is served but its GET does not mention it: {get}"
        );
    }
    let documented = documented(&doc);
    let missing: Vec<_> = served.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "routes missing from /__mock/openapi.json: {missing:?}"
    );
    let extra: Vec<_> = documented.difference(&served).collect();
    assert!(
        extra.is_empty(),
        "documented routes nothing serves: {extra:?}"
    );
}

#[tokio::test]
async fn every_route_of_the_list_is_registered_with_the_server() {
    let app = spawn_app().await;
    for (method, path) in served_routes() {
        assert_served(&app, &method, &path).await;
    }
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
        assert_served(&app, &method, &path).await;
    }
}
