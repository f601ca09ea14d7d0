use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::*;
use crate::receiver::Receiver;

const WAIT: Duration = Duration::from_secs(10);

fn resource(fields: &std::collections::BTreeMap<String, String>) -> Value {
    serde_json::from_str(fields.get("resource").map(String::as_str).unwrap_or("null"))
        .expect("resource is JSON")
}

#[tokio::test]
async fn open_then_close_delivers_two_signed_notifications_with_the_documents_fields() {
    let app = spawn_app().await;
    let receiver = Receiver::start(MD5_KEY).await;
    app.set_callback(APP_ID, &receiver.url(), Value::Null).await;

    let opened = app.open(json!({ "appId": APP_ID })).await;
    assert_eq!(opened["authorization"]["state"], "OPEN");
    let open_id = opened["authorization"]["openId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let first = receiver.wait_for(1, WAIT).await.remove(0);
    let closed = app.close(APP_ID, &open_id).await;
    assert_eq!(closed["authorization"]["state"], "CLOSED");
    let second = receiver.wait_for(2, WAIT).await.remove(1);

    for (got, kind, summary) in [
        (&first, "USER_OPEN_SERVICE", "授权成功"),
        (&second, "USER_CLOSE_SERVICE", "解除授权成功"),
    ] {
        assert!(
            got.content_type
                .starts_with("application/x-www-form-urlencoded"),
            "{}",
            got.content_type
        );
        assert!(
            got.user_agent.starts_with("chinaums-mock/"),
            "{}",
            got.user_agent
        );
        assert_eq!(
            got.field_order,
            [
                "id",
                "createTime",
                "eventType",
                "summary",
                "resource",
                "signType",
                "sign"
            ]
        );
        assert_eq!(got.sign_valid, Some(true), "{:?}", got.signed_string);
        let f = &got.fields;
        let id = &f["id"];
        assert!(
            id.starts_with("EV-20261125120000") && id.len() <= 36,
            "{id}"
        );
        assert!(id[3..].bytes().all(|b| b.is_ascii_digit()), "{id}");
        assert_eq!(f["createTime"], "2026-11-25T12:00:00+08:00");
        assert_eq!(f["eventType"], format!("PAYSCORE.{kind}"));
        assert_eq!(f["summary"], summary);
        assert_eq!(f["signType"], "SHA256");
        let r = resource(f);
        let keys: Vec<_> = r
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        assert_eq!(keys.len(), 9, "{r}");
        assert_eq!(r["subAppId"], "wx1234567890abcdef");
        assert_eq!(r["mid"], MID);
        assert_eq!(r["serviceId"], "00004000000000157000000000000001");
        assert_eq!(r["openId"], open_id.as_str());
        let sub = r["subOpenId"].as_str().unwrap_or_default();
        assert!(sub.len() == 28 && sub.starts_with('o'), "{sub}");
        assert_eq!(r["userServiceStatus"], kind);
        assert_eq!(r["openorcloseTime"], "20261125120000");
        assert_eq!(
            r["authorizationCode"],
            opened["authorization"]["authorizationCode"]
        );
        assert_eq!(r["resoruceType"], "encryptreSource");
        // The members travel in the document's order.
        let text = &f["resource"];
        let order = [
            "subAppId",
            "mid",
            "serviceId",
            "openId",
            "subOpenId",
            "userServiceStatus",
            "openorcloseTime",
            "authorizationCode",
            "resoruceType",
        ];
        let positions: Vec<_> = order
            .iter()
            .map(|k| text.find(&format!("\"{k}\"")).unwrap_or(usize::MAX))
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    }
    assert!(open_id.len() == 28 && open_id.starts_with('o'));
    assert_ne!(first.fields["id"], second.fields["id"]);

    let n = app
        .wait_status(first.fields["id"].as_str(), "delivered")
        .await;
    assert_eq!(
        n["body"].as_str().map(str::as_bytes),
        Some(first.body.as_slice())
    );
    assert_eq!(n["eventType"], "PAYSCORE.USER_OPEN_SERVICE");
    assert_eq!(n["payload"]["sign"], first.fields["sign"].as_str());
    assert_eq!(n["attempts"][0]["outcome"], "delivered");
    assert_eq!(n["attempts"][0]["httpStatus"], 200);
    assert_eq!(n["attempts"][0]["responseBody"], "SUCCESS");
    let history = app
        .get(&format!(
            "/__mock/payscore/authorizations?appId={APP_ID}&openId={open_id}"
        ))
        .await
        .json();
    let entries = &history["authorizations"][0]["history"];
    assert_eq!(entries[0]["notificationId"], first.fields["id"].as_str());
    assert_eq!(entries[1]["notificationId"], second.fields["id"].as_str());
}

#[tokio::test]
async fn impossible_transitions_are_409_and_bad_input_400_or_404() {
    let app = spawn_app().await;
    let opened = app
        .open(json!({ "appId": APP_ID, "openId": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" }))
        .await;
    assert_eq!(
        opened["authorization"]["openId"],
        "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
    );
    let again = app
        .post_json(
            "/__mock/payscore/open",
            &json!({ "appId": APP_ID, "openId": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" }),
        )
        .await;
    again.assert_control(409, "AUTHORIZATION_ALREADY_OPEN");
    let never = app
        .post_json(
            "/__mock/payscore/close",
            &json!({ "appId": APP_ID, "openId": "oNeverOpened" }),
        )
        .await;
    never.assert_control(409, "AUTHORIZATION_NOT_OPEN");
    app.close(APP_ID, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o").await;
    let twice = app
        .post_json(
            "/__mock/payscore/close",
            &json!({ "appId": APP_ID, "openId": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" }),
        )
        .await;
    twice.assert_control(409, "AUTHORIZATION_NOT_OPEN");
    let unknown = app
        .post_json(
            "/__mock/payscore/open",
            &json!({ "appId": "ffffffffffffffffffffffffffffffff" }),
        )
        .await;
    unknown.assert_control(404, "APP_NOT_FOUND");
    for body in [
        json!({}),
        json!({"appId": APP_ID, "openId": 5}),
        json!({"appId": APP_ID, "typo": 1}),
    ] {
        app.post_json("/__mock/payscore/open", &body)
            .await
            .assert_control(400, "INVALID_JSON");
    }
    for body in [
        json!({"appId": APP_ID, "openId": ""}),
        json!({"appId": APP_ID, "authorizationCode": "x".repeat(33)}),
        json!({"appId": APP_ID, "callbackUrl": "mailto:a@b"}),
    ] {
        app.post_json("/__mock/payscore/open", &body)
            .await
            .assert_control(400, "VALIDATION_FAILED");
    }
}

#[tokio::test]
async fn given_values_are_kept_and_a_closed_authorisation_can_reopen() {
    let app = spawn_app().await;
    let body = json!({ "appId": APP_ID, "openId": "o-user-1", "subOpenId": "o-sub-1", "authorizationCode": "AUTH-1" });
    let opened = app.open(body).await;
    assert_eq!(opened["authorization"]["subOpenId"], "o-sub-1");
    assert_eq!(opened["authorization"]["authorizationCode"], "AUTH-1");
    assert_eq!(
        opened["notification"]["payload"]["eventType"],
        "PAYSCORE.USER_OPEN_SERVICE"
    );
    let resource: Value = serde_json::from_str(
        opened["notification"]["payload"]["resource"]
            .as_str()
            .unwrap_or("{}"),
    )
    .unwrap_or_default();
    assert_eq!(resource["subOpenId"], "o-sub-1");
    app.close(APP_ID, "o-user-1").await;
    let reopened = app
        .open(json!({ "appId": APP_ID, "openId": "o-user-1" }))
        .await;
    let auth = &reopened["authorization"];
    assert_eq!(
        auth["subOpenId"], "o-sub-1",
        "the user's subOpenId does not change"
    );
    assert_ne!(
        auth["authorizationCode"], "AUTH-1",
        "a new agreement gets a new code"
    );
    let states: Vec<_> = auth["history"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| h["state"].clone())
        .collect();
    assert_eq!(states, [json!("OPEN"), json!("CLOSED"), json!("OPEN")]);
    let listed = app
        .get(&format!(
            "/__mock/payscore/authorizations?appId={APP_ID}&state=OPEN"
        ))
        .await
        .json();
    assert_eq!(listed["authorizations"].as_array().map(Vec::len), Some(1));
    let none = app
        .get("/__mock/payscore/authorizations?state=CLOSED")
        .await
        .json();
    assert_eq!(none["authorizations"].as_array().map(Vec::len), Some(0));
    app.get("/__mock/payscore/authorizations?state=HALF")
        .await
        .assert_control(400, "INVALID_QUERY");
}

#[tokio::test]
async fn the_same_seed_gives_byte_identical_notification_bodies() {
    let a = spawn_app().await;
    let b = spawn_app().await;
    let x = a.open(json!({ "appId": APP_ID })).await;
    let y = b.open(json!({ "appId": APP_ID })).await;
    assert_eq!(x["notification"]["body"], y["notification"]["body"]);
    assert!(
        x["notification"]["body"]
            .as_str()
            .is_some_and(|s| s.contains("sign="))
    );
    let c = spawn_app_with(|c| c.seed = Some(7)).await;
    let z = c.open(json!({ "appId": APP_ID })).await;
    assert_ne!(x["notification"]["body"], z["notification"]["body"]);
}

#[tokio::test]
async fn two_apps_never_see_each_others_authorisations_or_notifications() {
    let app = spawn_app().await;
    app.open(json!({ "appId": APP_ID, "openId": "o-shared" }))
        .await;
    app.open(json!({ "appId": QR_APP_ID, "openId": "o-shared" }))
        .await;
    app.open(json!({ "appId": QR_APP_ID })).await;
    for (id, count) in [(APP_ID, 1), (QR_APP_ID, 2)] {
        let n = app
            .get(&format!("/__mock/notifications?appId={id}"))
            .await
            .json();
        let list = n["notifications"].as_array().cloned().unwrap_or_default();
        assert_eq!(list.len(), count);
        assert!(list.iter().all(|x| x["appId"] == id));
        let a = app
            .get(&format!("/__mock/payscore/authorizations?appId={id}"))
            .await
            .json();
        assert_eq!(a["authorizations"].as_array().map(Vec::len), Some(count));
    }
    // Closing one app's authorisation leaves the other's open.
    app.close(QR_APP_ID, "o-shared").await;
    let mine = app
        .get(&format!(
            "/__mock/payscore/authorizations?appId={APP_ID}&openId=o-shared"
        ))
        .await
        .json();
    assert_eq!(mine["authorizations"][0]["state"], "OPEN");
    // Deleting an app drops its authorisations and notifications.
    let del = app
        .send(
            app.client
                .delete(app.url(&format!("/__mock/apps/{QR_APP_ID}"))),
        )
        .await;
    assert_eq!(del.status, 204);
    let n = app
        .get(&format!("/__mock/notifications?appId={QR_APP_ID}"))
        .await
        .json();
    assert_eq!(n["notifications"].as_array().map(Vec::len), Some(0));
    let all = app.get("/__mock/notifications").await.json();
    assert_eq!(all["notifications"].as_array().map(Vec::len), Some(1));
}
