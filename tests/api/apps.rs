use serde_json::json;

use crate::helpers::*;

fn is_lower_hex(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[tokio::test]
async fn the_fixture_apps_are_the_public_demo_credentials() {
    let app = spawn_app().await;
    let r = app.get("/__mock/apps").await;
    assert_eq!(r.status, 200);
    let apps = r.json()["apps"].as_array().cloned().unwrap_or_default();
    let ids: Vec<_> = apps
        .iter()
        .map(|a| a["appId"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(ids, [APP_ID, QR_APP_ID]);
    assert_eq!(apps[0]["appKey"], APP_KEY);
    assert_eq!(apps[0]["mid"], MID);
    assert_eq!(apps[0]["tid"], "88880001");
    assert_eq!(apps[1]["mid"], QR_MID);
    assert_eq!(apps[1]["instMid"], "QRPAYDEFAULT");
    assert_eq!(apps[0]["md5Key"], MD5_KEY);
    assert_eq!(apps[1]["md5Key"], QR_MD5_KEY);
}

#[tokio::test]
async fn an_app_created_from_nothing_gets_realistic_generated_values() {
    let app = spawn_app().await;
    let r = app.post_json("/__mock/apps", &json!({})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let a = r.json();
    let s = |k: &str| a[k].as_str().unwrap_or_default().to_owned();
    assert!(is_lower_hex(&s("appId"), 32), "{a}");
    assert!(is_lower_hex(&s("appKey"), 32), "{a}");
    assert!(s("md5Key").len() == 48 && s("md5Key").bytes().all(|b| b.is_ascii_alphanumeric()));
    assert!(
        s("mid").len() == 15
            && s("mid").starts_with("898")
            && s("mid").bytes().all(|b| b.is_ascii_digit())
    );
    assert_eq!(s("tid").len(), 8);
    assert!(s("subAppId").starts_with("wx") && is_lower_hex(&s("subAppId")[2..], 16));
    assert!(s("serviceId").len() == 32 && s("serviceId").bytes().all(|b| b.is_ascii_digit()));
    assert!(!s("name").is_empty());
    assert_eq!(a["callbackUrl"], serde_json::Value::Null);
    assert_eq!(a["notify"]["format"], "form");
    assert_eq!(a["notify"]["signType"], "SHA256");
    assert_eq!(a["notify"]["ack"], "chinaums");
    assert_eq!(
        a["notify"]["retrySchedule"],
        json!([15, 15, 30, 180, 1800, 1800, 1800, 1800, 3600])
    );
    assert_eq!(a["notify"]["giveUpAfterSeconds"], 86400);
    assert_eq!(a["notify"]["timeoutMs"], 5000);
    // The generated credentials work on the gateway, and an empty body works like `{}`.
    let token = app.token(&s("appId"), &s("appKey")).await;
    assert_eq!(token.len(), 32);
    let r = app.send(app.client.post(app.url("/__mock/apps"))).await;
    assert_eq!(r.status, 201, "{}", r.text);
}

#[tokio::test]
async fn given_fields_are_kept_and_the_rest_generated() {
    let app = spawn_app().await;
    let r = app
        .post_json(
            "/__mock/apps",
            &json!({
                "appId": "abcdefabcdefabcdefabcdefabcdef12",
                "callbackUrl": "http://127.0.0.1:9/notify",
                "notify": {"format": "json", "signType": "MD5", "retrySchedule": [1, 2]}
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let a = r.json();
    assert_eq!(a["appId"], "abcdefabcdefabcdefabcdefabcdef12");
    assert_eq!(a["callbackUrl"], "http://127.0.0.1:9/notify");
    assert_eq!(a["notify"]["format"], "json");
    assert_eq!(a["notify"]["signType"], "MD5");
    assert_eq!(a["notify"]["retrySchedule"], json!([1, 2]));
    assert_eq!(a["notify"]["ack"], "chinaums");
    let got = app
        .get("/__mock/apps/abcdefabcdefabcdefabcdefabcdef12")
        .await;
    assert_eq!(got.json(), a);
}

#[tokio::test]
async fn the_same_seed_generates_the_same_app() {
    let a = spawn_app().await;
    let b = spawn_app().await;
    let x = a.post_json("/__mock/apps", &json!({})).await.json();
    let y = b.post_json("/__mock/apps", &json!({})).await.json();
    assert_eq!(x, y);
}

#[tokio::test]
async fn a_duplicate_app_id_is_409() {
    let app = spawn_app().await;
    let r = app
        .post_json("/__mock/apps", &json!({ "appId": APP_ID }))
        .await;
    r.assert_control(409, "APP_EXISTS");
}

#[tokio::test]
async fn invalid_values_are_400_naming_the_field() {
    let app = spawn_app().await;
    for (body, field) in [
        (json!({"appId": "123"}), "appId"),
        (
            json!({"appId": "zz037e6f66f2d0f901672aa27d690006"}),
            "appId",
        ),
        (json!({"callbackUrl": "ftp://x/y"}), "callbackUrl"),
        (json!({"callbackUrl": "not a url"}), "callbackUrl"),
        (json!({"mid": ""}), "mid"),
        (json!({"notify": {"timeoutMs": 0}}), "timeoutMs"),
    ] {
        let r = app.post_json("/__mock/apps", &body).await;
        assert_eq!(
            (r.status, r.control_code().as_str()),
            (400, "VALIDATION_FAILED"),
            "{body}: {}",
            r.text
        );
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains(field),
            "{}",
            r.text
        );
    }
}

#[tokio::test]
async fn malformed_json_unknown_fields_and_wrong_types_are_400_invalid_json() {
    let app = spawn_app().await;
    for body in [
        &b"{"[..],
        b"[]",
        b"{\"appID\": \"typo\"}",
        b"{\"mid\": 898}",
        b"{\"notify\": {\"format\": \"xml\"}}",
        b"\xff",
    ] {
        let r = app
            .post_raw("/__mock/apps", "application/json", body.to_vec())
            .await;
        r.assert_control(400, "INVALID_JSON");
    }
    let big = format!("{{\"name\":\"{}\"}}", "x".repeat(1024 * 1024));
    let r = app.post_raw("/__mock/apps", "application/json", big).await;
    r.assert_control(413, "PAYLOAD_TOO_LARGE");
}

#[tokio::test]
async fn patch_changes_credentials_and_the_gateway_follows() {
    let app = spawn_app().await;
    let new_key = "00000000000000000000000000000000";
    let r = app
        .send(
            app.client
                .patch(app.url(&format!("/__mock/apps/{APP_ID}")))
                .json(&json!({"appKey": new_key, "callbackUrl": "http://127.0.0.1:1/cb"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["appKey"], new_key);
    assert_eq!(r.json()["mid"], MID);
    assert_eq!(app.token_request(APP_ID, APP_KEY).await.code(), "1003");
    assert_eq!(app.token_request(APP_ID, new_key).await.status, 200);
    // null clears the callback; an absent field keeps it.
    let r = app
        .send(
            app.client
                .patch(app.url(&format!("/__mock/apps/{APP_ID}")))
                .json(&json!({"callbackUrl": null})),
        )
        .await;
    assert_eq!(r.json()["callbackUrl"], serde_json::Value::Null);
    assert_eq!(r.json()["appKey"], new_key);
}

#[tokio::test]
async fn patch_cannot_change_the_app_id_or_reach_a_missing_app() {
    let app = spawn_app().await;
    let r = app
        .send(
            app.client
                .patch(app.url(&format!("/__mock/apps/{APP_ID}")))
                .json(&json!({"appId": QR_APP_ID})),
        )
        .await;
    r.assert_control(400, "VALIDATION_FAILED");
    let r = app
        .send(
            app.client
                .patch(app.url("/__mock/apps/ffffffffffffffffffffffffffffffff"))
                .json(&json!({})),
        )
        .await;
    r.assert_control(404, "APP_NOT_FOUND");
}

#[tokio::test]
async fn delete_removes_the_app_and_its_tokens() {
    let app = spawn_app().await;
    let path = format!("/__mock/apps/{QR_APP_ID}");
    let r = app.send(app.client.delete(app.url(&path))).await;
    assert_eq!(r.status, 204);
    assert_eq!(app.get(&path).await.control_code(), "APP_NOT_FOUND");
    let r = app.send(app.client.delete(app.url(&path))).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        app.token_request(QR_APP_ID, QR_APP_KEY).await.code(),
        "1002"
    );
    assert_eq!(
        app.get("/__mock/apps").await.json()["apps"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn unknown_control_routes_and_methods_answer_in_the_control_shape() {
    let app = spawn_app().await;
    let r = app.get("/__mock/nope").await;
    r.assert_control(404, "ROUTE_NOT_FOUND");
    let r = app.send(app.client.delete(app.url("/__mock/apps"))).await;
    r.assert_control(405, "METHOD_NOT_ALLOWED");
}

#[tokio::test]
async fn health_answers_ok_with_the_version() {
    let app = spawn_app().await;
    let r = app.get("/__mock/health").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["status"], "ok");
    assert_eq!(r.json()["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn two_sandboxes_in_one_process_never_share_state() {
    let a = spawn_app().await;
    let b = spawn_app().await;
    let created = a
        .post_json(
            "/__mock/apps",
            &json!({"appId": "abcdefabcdefabcdefabcdefabcdef12"}),
        )
        .await;
    assert_eq!(created.status, 201);
    assert_eq!(
        b.get("/__mock/apps/abcdefabcdefabcdefabcdefabcdef12")
            .await
            .status,
        404
    );
    let token = a.token(APP_ID, APP_KEY).await;
    assert_eq!(
        b.call_with_token("/v1/x", &token, "{}").await.code(),
        "INVALID_TOKEN"
    );
    a.advance(7200.0).await;
    assert_ne!(
        a.get("/__mock/clock").await.json()["now"],
        b.get("/__mock/clock").await.json()["now"]
    );
}
