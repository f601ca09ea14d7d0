//! `chinaums-mock clock …` against a running sandbox: create, advance, list, show, set and
//! delete print the control API's JSON answers; refusals exit 1, usage problems 2.

use std::process::Output;

use serde_json::json;

use super::{json_out, printed, stderr, verb};
use crate::helpers::spawn_app;

/// `chinaums-mock clock <verb…> --server <base>`.
async fn clock(base: &str, args: &[&str]) -> Output {
    let mut all = vec!["clock"];
    all.extend_from_slice(args);
    verb(base, &all).await
}

#[tokio::test]
async fn clock_create_advance_and_list_print_the_sandbox_answers() {
    let app = spawn_app().await;
    let base = app.base.as_str();
    let now = "2026-11-25T12:00:00+08:00";
    let created = printed(
        &clock(
            base,
            &["create", "--name", "ci job 7", "--now", now, "--frozen"],
        )
        .await,
    );
    let id = created["id"].as_str().unwrap_or_default().to_owned();
    assert!(id.starts_with("clk_"), "{created}");
    assert_eq!(
        (&created["name"], &created["frozen"]),
        (&json!("ci job 7"), &json!(true))
    );

    let advanced = printed(&clock(base, &["advance", &id, "3601"]).await);
    assert_eq!(advanced["now"], "2026-11-25T13:00:01+08:00");
    assert_eq!(advanced["attempts"], 0);

    let listed = printed(&clock(base, &["list"]).await);
    assert_eq!(listed["clocks"][0]["id"], "default");
    assert_eq!(listed["clocks"][0]["now"], now, "the default clock stays");
    assert_eq!(listed["clocks"][1]["id"], id.as_str());
    assert_eq!(listed["clocks"][1]["now"], "2026-11-25T13:00:01+08:00");

    let default = printed(&clock(base, &["advance", "90"]).await);
    assert_eq!(default["id"], "default", "without an id, the default clock");
    assert_eq!(default["now"], "2026-11-25T12:01:30+08:00");

    let shown = printed(&clock(base, &["show", &id]).await);
    assert_eq!(shown["now"], "2026-11-25T13:00:01+08:00");
    assert_eq!(printed(&clock(base, &["show"]).await)["id"], "default");
    let set = printed(&clock(base, &["set", &id, "--frozen", "false"]).await);
    assert_eq!(set["frozen"], false);
    let deleted = printed(&clock(base, &["delete", &id]).await);
    assert_eq!(deleted["deleted"], id.as_str());
}

#[tokio::test]
async fn a_refused_clock_call_exits_1_with_the_error_and_a_bad_argument_exits_2() {
    let app = spawn_app().await;
    let base = app.base.as_str();
    let refused = |out: Output| {
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        json_out(&out)["error"]["code"].clone()
    };
    assert_eq!(
        refused(clock(base, &["delete", "default"]).await),
        "CLOCK_IS_DEFAULT"
    );
    let missing = "clk_0000000000000000";
    assert_eq!(
        refused(clock(base, &["show", missing]).await),
        "CLOCK_NOT_FOUND"
    );

    let out = clock(base, &["advance", "default", "soon"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("SECONDS must be a number"),
        "{}",
        stderr(&out)
    );
    let out = clock(base, &["create", "--now", "tomorrow"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = clock(base, &["set", "default"]).await;
    assert_eq!(out.status.code(), Some(2), "set needs --now or --frozen");
}
