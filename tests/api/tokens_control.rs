//! `GET /__mock/tokens`: the access tokens apps may still present, each expiring by its app's
//! clock.

use serde_json::{Value, json};

use crate::helpers::*;

impl TestApp {
    /// `GET /__mock/tokens` with a query, asserting 200.
    async fn live_tokens(&self, query: &str) -> Value {
        let r = self.get(&format!("/__mock/tokens{query}")).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.json()
    }
}

fn token_names(list: &Value) -> Vec<&str> {
    list["tokens"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| t["accessToken"].as_str().unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn issued_tokens_are_listed_newest_first_with_their_expiry_and_app() {
    let app = spawn_app().await;
    assert_eq!(
        app.live_tokens("").await,
        json!({"tokens": [], "maxPerApp": 10})
    );
    let first = app.token(APP_ID, APP_KEY).await;
    app.advance(60.0).await;
    let second = app.token(APP_ID, APP_KEY).await;
    let other = app.token(QR_APP_ID, QR_APP_KEY).await;

    let all = app.live_tokens("").await;
    assert_eq!(token_names(&all).len(), 3, "{all}");
    assert!(token_names(&all)[2] == first, "{all}");
    let mine = app.live_tokens(&format!("?appId={APP_ID}")).await;
    assert_eq!(token_names(&mine), [second.as_str(), first.as_str()]);
    let newest = &mine["tokens"][0];
    assert_eq!(newest["appId"], APP_ID);
    assert_eq!(newest["issuedAt"], "2026-11-25T12:01:00+08:00");
    assert_eq!(newest["expiresAt"], "2026-11-25T13:01:00+08:00");
    assert_eq!(newest["expiresIn"], 3600);
    assert_eq!(mine["tokens"][1]["expiresIn"], 3540);
    let qr = app
        .live_tokens(&format!("?appId={QR_APP_ID}&limit=5"))
        .await;
    assert_eq!(token_names(&qr), [other.as_str()]);
    assert_eq!(
        token_names(&app.live_tokens("?limit=1").await).len(),
        1,
        "limit"
    );
    assert_eq!(
        token_names(&app.live_tokens("?appId=nobody").await).len(),
        0
    );
}

#[tokio::test]
async fn expired_pushed_out_and_deleted_tokens_are_not_listed() {
    let app = spawn_app_with(|c| c.max_tokens_per_app = 2).await;
    let oldest = app.token(APP_ID, APP_KEY).await;
    let kept = [
        app.token(APP_ID, APP_KEY).await,
        app.token(APP_ID, APP_KEY).await,
    ];
    let list = app.live_tokens(&format!("?appId={APP_ID}")).await;
    assert_eq!(list["maxPerApp"], 2);
    assert!(!token_names(&list).contains(&oldest.as_str()), "{list}");
    assert_eq!(token_names(&list).len(), 2);
    assert!(
        kept.iter()
            .all(|t| token_names(&list).contains(&t.as_str()))
    );

    app.token(QR_APP_ID, QR_APP_KEY).await;
    let r = app
        .send(
            app.client
                .delete(app.url(&format!("/__mock/apps/{QR_APP_ID}"))),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(token_names(&app.live_tokens("").await).len(), 2);

    app.advance(3599.0).await;
    let list = app.live_tokens(&format!("?appId={APP_ID}")).await;
    assert_eq!(list["tokens"][0]["expiresIn"], 1);
    app.advance(1.0).await;
    assert_eq!(token_names(&app.live_tokens("").await).len(), 0);
}

#[tokio::test]
async fn a_token_expires_by_the_clock_of_its_app() {
    let app = spawn_app().await;
    let clock = app
        .post_json(
            "/__mock/clocks",
            &json!({"now": "2026-11-25T12:00:00+08:00", "frozen": true}),
        )
        .await
        .json();
    let created = app
        .post_json("/__mock/apps", &json!({ "clock": clock["id"] }))
        .await
        .json();
    let (id, key) = (
        created["appId"].as_str().expect("appId"),
        created["appKey"].as_str().expect("appKey"),
    );
    let theirs = app.token(id, key).await;
    app.token(APP_ID, APP_KEY).await;
    // The default clock moves past every default-clock token; the other clock stands still.
    app.advance(7200.0).await;
    let list = app.live_tokens("").await;
    assert_eq!(token_names(&list), [theirs.as_str()]);
    assert_eq!(list["tokens"][0]["expiresIn"], 3600);
}

#[tokio::test]
async fn a_bad_limit_is_an_invalid_query() {
    let app = spawn_app().await;
    app.get("/__mock/tokens?limit=many")
        .await
        .assert_control(400, "INVALID_QUERY");
}

#[tokio::test]
async fn the_route_is_documented_with_its_schema() {
    let app = spawn_app().await;
    let doc = app.get("/__mock/openapi.json").await.json();
    let op = &doc["paths"]["/__mock/tokens"]["get"];
    assert_eq!(
        op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/TokenList"
    );
    let names: Vec<&str> = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["appId", "limit"]);
    let item = &doc["components"]["schemas"]["LiveToken"]["properties"];
    assert!(
        item["accessToken"].is_object() && item["expiresIn"].is_object(),
        "{item}"
    );
}
