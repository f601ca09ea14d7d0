//! Link-local and cloud-metadata callbacks: refused unless a flag allows them.

use super::*;

#[tokio::test]
async fn link_local_and_metadata_callbacks_are_refused_unless_the_flag_allows_them() {
    let app = spawn_app().await;
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/notify",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
    ] {
        let r = app
            .patch_json(
                &format!("/__mock/apps/{APP_ID}"),
                &json!({ "callbackUrl": url }),
            )
            .await;
        assert_refused_field(&r, "callbackUrl", "--callback-allow-link-local");
    }
    // Loopback and private ranges stay allowed: merchants run there in CI.
    for url in ["http://127.0.0.1:9/notify", "http://10.0.0.5:9/notify"] {
        let r = app
            .patch_json(
                &format!("/__mock/apps/{APP_ID}"),
                &json!({ "callbackUrl": url }),
            )
            .await;
        assert_eq!(r.status, 200, "{url}: {}", r.text);
    }
    let allowed = spawn_app_with(|c| c.callback_allow_link_local = true).await;
    let r = allowed
        .patch_json(
            &format!("/__mock/apps/{APP_ID}"),
            &json!({ "callbackUrl": "http://169.254.169.254/notify" }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn a_link_local_callback_restored_without_the_flag_is_blocked_before_any_connection() {
    let dir = TempDir::new("callback-link-local");
    let state = dir.0.join("state.json");
    let mut first = with_state(&state, 0);
    first.callback_allow_link_local = true;
    // Set, never used: nothing is sent from this run.
    run_once(first, async |base: String| {
        let url = json!({ "callbackUrl": "http://169.254.169.254/notify" });
        assert_eq!(patch(&base, APP_ID, url).await, 200);
    })
    .await;
    let mut second = with_state(&state, 0);
    // Belt and braces: nothing but loopback could be reached even if the check failed.
    second.callback_allow = vec!["127.0.0.1".into()];
    run_once(second, async |base: String| {
        let n = opened_notification(&base).await;
        assert_eq!(outcomes(&n), ["blocked"]);
        let attempt = &n["attempts"][0];
        assert_eq!(attempt["durationMs"], 0, "no connection was attempted");
        assert_eq!(attempt["httpStatus"], Value::Null);
        let error = attempt["error"].as_str().unwrap_or_default();
        assert!(error.contains("--callback-allow-link-local"), "{error}");
    })
    .await;
}
