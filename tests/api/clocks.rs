//! Clocks per tenant group: `/__mock/clocks`, apps attached to a clock, and time that moves
//! for one group of tenants only.

use chinaums_mock::protocol::timefmt::format_compact;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use crate::helpers::*;

/// A clock's `now` as a time.
fn now_of(clock: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(clock["now"].as_str().expect("now"))
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

impl TestApp {
    /// Creates an app on `clock` (an id or `new`) and returns its JSON.
    async fn app_on_clock(&self, clock: &str) -> Value {
        let r = self
            .post_json("/__mock/apps", &json!({ "clock": clock }))
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.json()
    }

    /// The clock an app is on.
    async fn clock_of(&self, app: &Value) -> Value {
        let path = format!("/__mock/clocks/{}", app["clock"].as_str().expect("clock"));
        let r = self.get(&path).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.json()
    }

    /// A token request for `app`, signed at `at`.
    async fn token_at(&self, app: &Value, at: DateTime<Utc>, nonce: &str) -> Reply {
        let body = signed_token_body(
            app["appId"].as_str().expect("appId"),
            app["appKey"].as_str().expect("appKey"),
            &format_compact(at),
            nonce,
        );
        self.post_json("/v1/token/access", &body).await
    }

    /// A token for `app`, signed at the time of its clock.
    async fn token_for(&self, app: &Value) -> String {
        let at = now_of(&self.clock_of(app).await);
        let r = self.token_at(app, at, "n").await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.json()["accessToken"].as_str().expect("token").to_owned()
    }

    async fn advance_clock(&self, id: &str, seconds: f64) -> Value {
        let path = format!("/__mock/clocks/{id}/advance");
        let r = self.post_json(&path, &json!({ "seconds": seconds })).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.json()
    }
}

#[tokio::test]
async fn a_clock_can_be_created_listed_read_set_advanced_and_deleted() {
    let app = spawn_app().await;
    let r = app
        .post_json(
            "/__mock/clocks",
            &json!({"name": "job 7", "now": "2026-11-25T12:00:00+08:00", "frozen": true}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let clock = r.json();
    let id = clock["id"].as_str().expect("id").to_owned();
    assert!(id.starts_with("clk_"), "{id}");
    assert_eq!(
        (&clock["name"], &clock["now"], &clock["frozen"]),
        (
            &json!("job 7"),
            &json!("2026-11-25T12:00:00+08:00"),
            &json!(true)
        )
    );

    let list = app.get("/__mock/clocks").await.json();
    let ids: Vec<&str> = list["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(ids, ["default", id.as_str()]);

    let advanced = app.advance_clock(&id, 90.0).await;
    assert_eq!(advanced["now"], "2026-11-25T12:01:30+08:00");
    assert_eq!(advanced["id"], id.as_str());
    let path = format!("/__mock/clocks/{id}");
    let r = app
        .send(
            app.client
                .put(app.url(&path))
                .json(&json!({"now": "2026-12-01T08:00:00+08:00"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        app.get(&path).await.json()["now"],
        "2026-12-01T08:00:00+08:00"
    );
    assert_eq!(
        app.get("/__mock/clock").await.json()["now"],
        "2026-11-25T12:00:00+08:00",
        "the default clock did not move"
    );

    let r = app.send(app.client.delete(app.url(&path))).await;
    assert_eq!(r.status, 204, "{}", r.text);
    app.get(&path).await.assert_control(404, "CLOCK_NOT_FOUND");
}

#[tokio::test]
async fn an_app_asking_for_a_new_clock_gets_one_of_its_own_which_goes_with_it() {
    let app = spawn_app().await;
    let tenant = app.app_on_clock("new").await;
    let clock = app.clock_of(&tenant).await;
    assert_eq!(clock["id"], tenant["clock"]);
    assert_eq!(clock["name"], tenant["appId"]);
    let r = app
        .send(app.client.delete(app.url(&format!(
            "/__mock/apps/{}",
            tenant["appId"].as_str().expect("appId")
        ))))
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let path = format!("/__mock/clocks/{}", clock["id"].as_str().expect("id"));
    app.get(&path).await.assert_control(404, "CLOCK_NOT_FOUND");
}

#[tokio::test]
async fn apps_are_on_the_default_clock_unless_they_name_another_and_an_unknown_clock_is_400() {
    let app = spawn_app().await;
    let r = app.post_json("/__mock/apps", &json!({})).await;
    assert_eq!(r.json()["clock"], "default");
    let r = app
        .post_json("/__mock/apps", &json!({"clock": "clk_nothere"}))
        .await;
    r.assert_control(400, "VALIDATION_FAILED");
    assert!(r.text.contains("clk_nothere"), "{}", r.text);
}

#[tokio::test]
async fn a_clock_with_apps_on_it_and_the_default_clock_cannot_be_deleted() {
    let app = spawn_app().await;
    let clock = app.post_json("/__mock/clocks", &json!({})).await.json();
    let id = clock["id"].as_str().expect("id");
    let tenant = app.app_on_clock(id).await;
    let r = app
        .send(app.client.delete(app.url(&format!("/__mock/clocks/{id}"))))
        .await;
    r.assert_control(409, "CLOCK_IN_USE");
    let r = app
        .send(app.client.delete(app.url("/__mock/clocks/default")))
        .await;
    r.assert_control(409, "CLOCK_IS_DEFAULT");
    let r = app
        .patch_json(
            &format!("/__mock/apps/{}", tenant["appId"].as_str().expect("appId")),
            &json!({"clock": "default"}),
        )
        .await;
    r.assert_control(400, "VALIDATION_FAILED");
}

#[tokio::test]
async fn advancing_one_tenant_s_clock_expires_its_tokens_and_no_one_else_s() {
    let app = spawn_app().await;
    let a = app.app_on_clock("new").await;
    let b = app.app_on_clock("new").await;
    let (token_a, token_b) = (app.token_for(&a).await, app.token_for(&b).await);
    let body = order_body(a["mid"].as_str().expect("mid"));
    app.advance_clock(a["clock"].as_str().expect("clock"), 3601.0)
        .await;
    app.call_with_token("/v1/netpay/wx/unified-order", &token_a, &body)
        .await
        .assert_gateway(401, "TOKEN_EXPIRED");
    let body = order_body(b["mid"].as_str().expect("mid"));
    let r = app
        .call_with_token("/v1/netpay/wx/unified-order", &token_b, &body)
        .await;
    assert_eq!(
        (r.status, r.code()),
        (200, "SUCCESS".to_owned()),
        "{}",
        r.text
    );
    let served_as = r
        .headers
        .get("x-chinaums-mock-app-id")
        .and_then(|v| v.to_str().ok());
    assert_eq!(served_as, b["appId"].as_str());
}

#[tokio::test]
async fn after_its_clock_travelled_a_client_signing_with_wall_time_still_gets_a_token() {
    let app = spawn_app().await;
    let tenant = app.app_on_clock("new").await;
    app.advance_clock(tenant["clock"].as_str().expect("clock"), 7200.0)
        .await;
    let sandbox_now = now_of(&app.clock_of(&tenant).await);
    let wall = Utc::now();

    let r = app.token_at(&tenant, wall, "wall").await;
    assert_eq!(r.status, 200, "signed with wall time: {}", r.text);
    let r = app.token_at(&tenant, sandbox_now, "sandbox").await;
    assert_eq!(r.status, 200, "signed with sandbox time: {}", r.text);
    // The classic mistake: UTC digits where Beijing time is due, eight hours off both.
    let r = app
        .token_at(&tenant, wall - Duration::hours(8), "utc")
        .await;
    r.assert_gateway(412, "1001");

    let path = format!(
        "/__mock/requests?appId={}&path=/v1/token/access",
        tenant["appId"].as_str().expect("appId")
    );
    let entries = app.get(&path).await.json();
    let windows: Vec<(String, Value)> = entries["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .map(|e| {
            let body: Value =
                serde_json::from_str(e["body"].as_str().unwrap_or("{}")).unwrap_or_default();
            (
                body["nonce"].as_str().unwrap_or_default().to_owned(),
                e["auth"]["timestampWindow"].clone(),
            )
        })
        .collect();
    assert_eq!(
        windows,
        [
            ("utc".to_owned(), Value::Null),
            ("sandbox".to_owned(), json!("sandbox")),
            ("wall".to_owned(), json!("wall")),
        ]
    );
}

#[tokio::test]
async fn a_journal_entry_is_stamped_with_the_time_of_its_app_s_clock() {
    let app = spawn_app().await;
    let tenant = app.app_on_clock("new").await;
    let clock = app
        .advance_clock(tenant["clock"].as_str().expect("clock"), 86_400.0)
        .await;
    app.token_for(&tenant).await;
    let path = format!(
        "/__mock/requests?appId={}",
        tenant["appId"].as_str().expect("appId")
    );
    let entries = app.get(&path).await.json();
    let at = &entries["requests"][0]["at"];
    assert!(
        (seconds_between(&clock["now"], at)).abs() < 60,
        "{at} is on the app's clock ({})",
        clock["now"]
    );
}

/// One tenant's story on its own clock: a token, an authorisation whose notification fails at
/// first, its retry 15 s later by its clock, a token expired an hour later by its clock, and
/// delivery to the sink at the end. Returns the app's id and clock.
async fn tenant_story(app: &TestApp, n: usize) -> (String, String) {
    let r = app
        .post_json(
            "/__mock/apps",
            &json!({
                "clock": "new",
                "callbackUrl": "http://127.0.0.1:9/down",
                "notify": {"retrySchedule": [15], "timeoutMs": 2000}
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let tenant = r.json();
    let app_id = tenant["appId"].as_str().expect("appId").to_owned();
    let clock = tenant["clock"].as_str().expect("clock").to_owned();
    let token = app.token_for(&tenant).await;
    let opened = app
        .open(json!({"appId": app_id, "openId": format!("user-{n}")}))
        .await;
    let id = opened["notification"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let attempts = |n: &Value| n["attempts"].as_array().map_or(0, Vec::len);

    app.advance_clock(&clock, 0.0).await;
    assert_eq!(
        attempts(&app.notification(&id).await),
        1,
        "{app_id}: first attempt"
    );
    app.advance_clock(&clock, 14.0).await;
    assert_eq!(
        attempts(&app.notification(&id).await),
        1,
        "{app_id}: not yet"
    );
    app.advance_clock(&clock, 1.0).await;
    assert_eq!(
        attempts(&app.notification(&id).await),
        2,
        "{app_id}: the retry"
    );

    app.advance_clock(&clock, 3600.0).await;
    let body = order_body(tenant["mid"].as_str().expect("mid"));
    app.call_with_token("/v1/netpay/wx/unified-order", &token, &body)
        .await
        .assert_gateway(401, "TOKEN_EXPIRED");
    let fresh = app.token_for(&tenant).await;
    assert_ne!(fresh, token);

    let sink = app.url(&format!("/__mock/sink/{app_id}"));
    app.set_callback(&app_id, &sink, Value::Null).await;
    app.advance_clock(&clock, 15.0).await;
    assert_eq!(
        app.notification(&id).await["status"],
        "delivered",
        "{app_id}"
    );
    (app_id, clock)
}

#[tokio::test]
async fn parallel_tenants_on_their_own_clocks_never_see_each_other_s_time_notifications_or_journal()
{
    let app = spawn_app().await;
    let default_before = app.get("/__mock/clock").await.json();
    let stories = (0..8).map(|n| tenant_story(&app, n));
    let tenants = futures_util::future::join_all(stories).await;

    for (app_id, clock) in &tenants {
        let notifications = app
            .get(&format!("/__mock/notifications?appId={app_id}"))
            .await
            .json();
        let list = notifications["notifications"].as_array().expect("list");
        assert_eq!(list.len(), 1, "{app_id} has its one notification");
        // Down at first, retried 15 s later (nothing of the other tenants' hours moved it),
        // then delivered once its callback was fixed.
        // Its clock runs, and times show whole seconds: the first attempt is at creation, give
        // or take the second it crossed; the retry exactly 15 s after it.
        let o = offsets(&list[0]);
        assert!(o[0] <= 1 && o[1] - o[0] == 15, "{app_id}: {o:?}");
        let journal = app
            .get(&format!("/__mock/requests?appId={app_id}"))
            .await
            .json();
        let entries = journal["requests"].as_array().expect("entries");
        // Its two token requests, and the call refused for its expired token.
        assert_eq!(entries.len(), 3, "{app_id}: {journal}");
        assert!(
            entries.iter().all(|e| e["appId"] == app_id.as_str()),
            "{app_id}: only its own requests"
        );
        let clock = app.get(&format!("/__mock/clocks/{clock}")).await.json();
        assert!(clock["offsetSeconds"].as_i64().expect("offset") >= 3615);
    }
    assert_eq!(
        app.get("/__mock/clock").await.json()["now"],
        default_before["now"],
        "the default clock never moved"
    );
}
