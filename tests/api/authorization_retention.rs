//! `--authorization-retention`: the sandbox keeps a bounded number of Pay Score authorisations,
//! dropping the least recently changed closed one first, then the least recently changed open
//! one; each authorisation keeps its last 100 transitions.

use serde_json::{Value, json};

use crate::helpers::{APP_ID, QR_APP_ID, TestApp, spawn_app_with};

async fn open(app: &TestApp, app_id: &str, open_id: &str) -> Value {
    app.open(json!({ "appId": app_id, "openId": open_id }))
        .await
}

/// The list answer for `query` (e.g. `?appId=…`).
async fn listed(app: &TestApp, query: &str) -> Value {
    let r = app
        .get(&format!("/__mock/payscore/authorizations{query}"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()
}

/// `appId/openId` of every authorisation kept, as listed.
async fn kept(app: &TestApp) -> Vec<String> {
    let list = listed(app, "").await;
    let short = |id: &str| if id == APP_ID { "app" } else { "qr" };
    list["authorizations"]
        .as_array()
        .expect("authorizations")
        .iter()
        .map(|a| {
            format!(
                "{}/{}",
                short(a["appId"].as_str().unwrap_or_default()),
                a["openId"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

async fn dropped(app: &TestApp) -> u64 {
    listed(app, "").await["dropped"]
        .as_u64()
        .expect("dropped count")
}

#[tokio::test]
async fn opens_beyond_the_bound_drop_the_least_recently_changed_closed_authorisation_first() {
    let app = spawn_app_with(|c| c.authorization_retention = 3).await;
    open(&app, APP_ID, "u1").await;
    open(&app, QR_APP_ID, "u2").await;
    open(&app, APP_ID, "u3").await;
    app.close(QR_APP_ID, "u2").await;
    assert_eq!(dropped(&app).await, 0);

    open(&app, APP_ID, "u4").await;
    assert_eq!(kept(&app).await, ["app/u1", "app/u3", "app/u4"]);
    assert_eq!(dropped(&app).await, 1);

    open(&app, QR_APP_ID, "u5").await;
    assert_eq!(
        kept(&app).await,
        ["app/u3", "app/u4", "qr/u5"],
        "with nothing closed, the oldest open authorisation goes, whatever its app"
    );
    let one_app = listed(&app, &format!("?appId={APP_ID}")).await;
    assert_eq!(one_app["authorizations"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        one_app["dropped"], 2,
        "the count is the sandbox's, not the filter's"
    );
}

#[tokio::test]
async fn reopening_an_authorisation_makes_it_the_most_recently_changed() {
    let app = spawn_app_with(|c| c.authorization_retention = 2).await;
    open(&app, APP_ID, "u1").await;
    open(&app, APP_ID, "u2").await;
    app.close(APP_ID, "u1").await;
    open(&app, APP_ID, "u1").await;
    open(&app, APP_ID, "u3").await;
    assert_eq!(kept(&app).await, ["app/u1", "app/u3"]);
}

#[tokio::test]
async fn a_close_of_a_dropped_user_is_refused_and_says_it_may_have_been_dropped() {
    let app = spawn_app_with(|c| c.authorization_retention = 1).await;
    let close = |open_id: &'static str| {
        let app = &app;
        async move {
            app.post_json(
                "/__mock/payscore/close",
                &json!({ "appId": APP_ID, "openId": open_id }),
            )
            .await
        }
    };
    let unknown = close("nobody").await;
    unknown.assert_control(409, "AUTHORIZATION_NOT_OPEN");
    assert!(
        !unknown.text.contains("retention"),
        "nothing dropped yet: {}",
        unknown.text
    );

    open(&app, APP_ID, "u1").await;
    open(&app, APP_ID, "u2").await;
    let gone = close("u1").await;
    gone.assert_control(409, "AUTHORIZATION_NOT_OPEN");
    assert_eq!(
        gone.json()["error"]["message"],
        "openId u1 has no open authorisation with this app; it may be one of the 1 \
         authorisation(s) dropped by the retention bound (--authorization-retention)"
    );
}

#[tokio::test]
async fn a_dropped_user_opens_again_as_a_new_user() {
    let app = spawn_app_with(|c| c.authorization_retention = 1).await;
    let first = open(&app, APP_ID, "u1").await;
    app.close(APP_ID, "u1").await;
    open(&app, APP_ID, "u2").await;
    let again = open(&app, APP_ID, "u1").await;
    let history = again["authorization"]["history"]
        .as_array()
        .expect("history");
    assert_eq!(history.len(), 1, "{again}");
    assert_eq!(history[0]["notificationId"], again["notification"]["id"]);
    assert_ne!(again["notification"]["id"], first["notification"]["id"]);
    assert_eq!(
        again["notification"]["eventType"],
        "PAYSCORE.USER_OPEN_SERVICE"
    );
    assert_eq!(kept(&app).await, ["app/u1"]);
}

#[tokio::test]
async fn a_retention_of_zero_keeps_every_open_authorisation_and_drops_each_one_as_it_closes() {
    let app = spawn_app_with(|c| c.authorization_retention = 0).await;
    for n in 0..20 {
        open(&app, APP_ID, &format!("u{n:02}")).await;
    }
    assert_eq!(kept(&app).await.len(), 20);
    let closed = app.close(APP_ID, "u07").await;
    assert_eq!(closed["authorization"]["state"], "CLOSED");
    assert_eq!(
        closed["authorization"]["history"][1]["notificationId"], closed["notification"]["id"],
        "the answer shows the record as it was closed: {closed}"
    );
    assert_eq!(kept(&app).await.len(), 19);
    assert_eq!(dropped(&app).await, 1);
}

#[tokio::test]
async fn one_user_flipping_for_ever_keeps_only_the_last_hundred_transitions() {
    let app = spawn_app_with(|_| {}).await;
    let mut ids = Vec::new();
    for k in 0..102 {
        let answer = if k % 2 == 0 {
            open(&app, APP_ID, "flipper").await
        } else {
            app.close(APP_ID, "flipper").await
        };
        ids.push(answer["notification"]["id"].clone());
    }
    let list = listed(&app, &format!("?appId={APP_ID}&openId=flipper")).await;
    let history = list["authorizations"][0]["history"]
        .as_array()
        .expect("history");
    assert_eq!(history.len(), 100);
    assert_eq!(history[0]["notificationId"], ids[2], "the first two went");
    assert_eq!(history[0]["state"], "OPEN");
    assert_eq!(history[99]["notificationId"], ids[101]);
    assert_eq!(list["authorizations"][0]["state"], "CLOSED");
}

#[tokio::test]
async fn a_reset_forgets_the_dropped_count() {
    let app = spawn_app_with(|c| c.authorization_retention = 1).await;
    open(&app, APP_ID, "u1").await;
    open(&app, APP_ID, "u2").await;
    assert_eq!(dropped(&app).await, 1);
    assert_eq!(app.post_json("/__mock/reset", &json!({})).await.status, 200);
    assert_eq!(dropped(&app).await, 0);
    assert!(kept(&app).await.is_empty());
}

#[tokio::test]
async fn the_openapi_document_describes_the_list_with_its_dropped_count() {
    let app = spawn_app_with(|_| {}).await;
    let doc = app.get("/__mock/openapi.json").await.json();
    let ok = &doc["paths"]["/__mock/payscore/authorizations"]["get"]["responses"]["200"];
    assert_eq!(
        ok["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/AuthorizationList"
    );
    let list = &doc["components"]["schemas"]["AuthorizationList"];
    assert_eq!(list["properties"]["dropped"]["type"], "integer", "{list}");
    assert!(list["properties"]["authorizations"].is_object(), "{list}");
}
