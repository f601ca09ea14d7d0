//! Callbacks into the sandbox's own control API: refused when set, blocked when a name
//! only later resolves to the sandbox.

use super::*;

#[tokio::test]
async fn a_callback_into_the_sandbox_s_own_control_api_is_refused_wherever_it_is_set() {
    let app = spawn_app().await;
    let reset = app.url("/__mock/reset");
    let patch = app
        .patch_json(
            &format!("/__mock/apps/{APP_ID}"),
            &json!({ "callbackUrl": reset }),
        )
        .await;
    assert_refused_field(&patch, "callbackUrl", "control API");
    let localhost = format!("http://localhost:{}/__mock/apps", app.port);
    let created = app
        .post_json("/__mock/apps", &json!({ "callbackUrl": localhost }))
        .await;
    assert_refused_field(&created, "callbackUrl", "control API");
    let open = app
        .post_json(
            "/__mock/payscore/open",
            &json!({ "appId": APP_ID, "callbackUrl": reset }),
        )
        .await;
    assert_refused_field(&open, "callbackUrl", "control API");
    let conformance = app
        .post_json(
            "/__mock/conformance",
            &json!({ "appId": APP_ID, "callbackUrl": reset }),
        )
        .await;
    assert_refused_field(&conformance, "callbackUrl", "control API");

    // The built-in sink and the gateway are fine as callbacks.
    let sink = app
        .patch_json(
            &format!("/__mock/apps/{APP_ID}"),
            &json!({ "callbackUrl": app.url(SINK_APP) }),
        )
        .await;
    assert_eq!(sink.status, 200, "{}", sink.text);
    let id = app.opened_id(APP_ID).await;
    app.wait_status(&id, "delivered").await;
    let redeliver = app
        .post_json(
            &format!("/__mock/notifications/{id}/redeliver"),
            &json!({ "callbackUrl": reset }),
        )
        .await;
    assert_refused_field(&redeliver, "callbackUrl", "control API");
    assert_eq!(app.get("/__mock/apps").await.status, 200);
}

#[tokio::test]
async fn an_order_whose_notify_url_is_the_control_api_is_refused_naming_notify_url() {
    let shop = shop().await;
    let mut body = create(MID, "1017202611251200000009001", 100);
    body["notifyUrl"] = json!(shop.app.url("/__mock/reset"));
    let r = shop.call("/v1/netpay/wx/unified-order", body).await;
    assert_refused(&r, "BAD_REQUEST");
    assert!(r.text.contains("notifyUrl"), "{}", r.text);
}

/// A free port on 127.0.0.1 (bound, then released).

#[tokio::test]
async fn a_callback_that_only_later_points_at_the_control_api_is_blocked_and_resets_nothing() {
    let dir = TempDir::new("callback-self");
    let state = dir.0.join("state.json");
    let later = free_port();
    let reset = format!("http://127.0.0.1:{later}/__mock/reset");
    // Another sandbox's control API when set: accepted.
    run_once(with_state(&state, 0), async |base: String| {
        assert_eq!(
            patch(&base, APP_ID, json!({ "callbackUrl": reset })).await,
            200
        );
    })
    .await;
    // Restored on that very port, the URL is its own control API.
    run_once(with_state(&state, later), async |base: String| {
        let n = opened_notification(&base).await;
        assert_eq!(outcomes(&n), ["blocked"]);
        let error = n["attempts"][0]["error"].as_str().unwrap_or_default();
        assert!(error.contains("control API"), "{error}");
        let app: Value = reqwest::get(format!("{base}/__mock/apps/{APP_ID}"))
            .await
            .expect("the app")
            .json()
            .await
            .expect("JSON");
        assert_eq!(app["callbackUrl"], json!(reset), "nothing was reset");
    })
    .await;
}

/// Resolves every name to 127.0.0.1, but answers nothing to the one lookup after
/// [`Self::blank_next`]: a name whose answer changes between a check and the connection.
#[derive(Clone, Default)]
struct Rebinding {
    blank: Arc<AtomicBool>,
}

impl Rebinding {
    fn blank_next(&self) {
        self.blank.store(true, Ordering::SeqCst);
    }
}

impl Resolve for Rebinding {
    fn resolve(&self, _name: Name) -> Resolving {
        let answer = if self.blank.swap(false, Ordering::SeqCst) {
            Vec::new()
        } else {
            vec![SocketAddr::from(([127, 0, 0, 1], 0))]
        };
        Box::pin(async move { Ok(Box::new(answer.into_iter()) as Addrs) })
    }
}

#[tokio::test]
async fn a_name_that_resolves_to_the_sandbox_only_when_connecting_is_blocked_and_resets_nothing() {
    let names = Rebinding::default();
    let resolver = CallbackResolver::new(names.clone());
    let app = spawn_app_with(|c| {
        c.callback_resolver = Some(resolver);
        // The control API answers the name too (as with `--allow-host` in a container): only
        // the callback rules stand between the delivery and `/__mock/reset`.
        c.allow_hosts = vec!["merchant.test".into()];
    })
    .await;
    let by_name = |path: &str| format!("http://merchant.test:{}{path}", app.port);

    // The built-in sink by a name that resolves to the sandbox: delivered.
    app.set_callback(APP_ID, &by_name(SINK_APP), Value::Null)
        .await;
    let sunk = app.opened_id(APP_ID).await;
    app.wait_status(&sunk, "delivered").await;

    // The control API by that name: accepted where it is set (no lookup there); the lookup
    // before the attempt finds nothing, the connection's own finds the sandbox.
    let reset = by_name("/__mock/reset");
    app.set_callback(APP_ID, &reset, Value::Null).await;
    names.blank_next();
    let id = app.opened_id(APP_ID).await;
    app.settle_in_flight().await;
    let n = app.notification(&id).await;
    assert_eq!(outcomes(&n), ["blocked"], "{n}");
    let attempt = &n["attempts"][0];
    assert_eq!(attempt["httpStatus"], Value::Null);
    let error = attempt["error"].as_str().unwrap_or_default();
    assert!(error.contains("own control API (/__mock/reset)"), "{error}");
    assert!(error.contains("when connecting"), "{error}");

    // Nothing was reset: the app keeps its callback URL, the first notification is still there.
    let apps = app.get(&format!("/__mock/apps/{APP_ID}")).await;
    assert_eq!(apps.json()["callbackUrl"], json!(reset), "{}", apps.text);
    assert_eq!(app.notification(&sunk).await["status"], "delivered");
}
