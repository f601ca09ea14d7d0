//! The merchant handler of `examples/merchant_handler.rs` against an embedded sandbox.

use std::time::Duration;

use chinaums_mock::MockServer;
use chinaums_mock::api::app::{AppSpec, NotifySettings, NotifySigning};
use chinaums_mock::api::notification::Outcome;
use chinaums_mock::client::{OpenRequest, WaitFor};
use serde_json::json;

use super::frozen;
use super::merchant_handler::{MerchantService, merchant_story};
use crate::helpers::{APP_ID, vector_time};

const LONG: Duration = Duration::from_secs(10);

async fn point_at(server: &MockServer, service: &MerchantService) {
    let spec = AppSpec {
        callback_url: Some(Some(service.callback_url())),
        ..AppSpec::default()
    };
    server
        .client()
        .update_app(APP_ID, spec)
        .await
        .expect("callback set");
}

#[tokio::test]
async fn the_merchant_handler_sees_both_events_once_after_a_failing_period() {
    let server = MockServer::start().await.expect("starts");
    let story = merchant_story(&server).await.expect("the story holds");
    assert_eq!(
        story.open_outcomes,
        [
            Outcome::Rejected,
            Outcome::Rejected,
            Outcome::Rejected,
            Outcome::Delivered
        ]
    );
    let kinds: Vec<&str> = story.events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        kinds,
        ["PAYSCORE.USER_OPEN_SERVICE", "PAYSCORE.USER_CLOSE_SERVICE"]
    );
    assert!(story.events.iter().all(|e| e.open_id == story.open_id));
}

#[tokio::test]
async fn the_merchant_handler_refuses_a_tampered_sign_and_acknowledges_the_retry() {
    let server = frozen().await;
    let service = MerchantService::start(&server.default_app().md5_key).expect("merchant");
    point_at(&server, &service).await;
    let c = server.client();
    c.add_fault(&json!({"target": "notification", "action": "tamperSign", "times": 1}))
        .await
        .expect("fault");

    let opened = c.open(OpenRequest::new(APP_ID)).await.expect("opened");
    c.advance(Duration::from_secs(15)).await.expect("advanced");
    let n = c
        .wait_for_notification(&opened.notification.id, WaitFor::Delivered, LONG)
        .await
        .expect("delivered");
    assert_eq!(n.outcomes(), [Outcome::Rejected, Outcome::Delivered]);
    assert_eq!(service.merchant.bad_signs(), 1);
    assert_eq!(service.merchant.events().len(), 1);
    assert_eq!(
        service.merchant.is_open(&opened.authorization.open_id),
        Some(true)
    );
}

#[tokio::test]
async fn the_merchant_handler_verifies_md5_signed_notifications_too() {
    let server = MockServer::builder()
        .frozen_at(vector_time())
        .notify_defaults(NotifySettings {
            sign_type: NotifySigning::Md5,
            ..NotifySettings::default()
        })
        .start()
        .await
        .expect("starts");
    let service = MerchantService::start(&server.default_app().md5_key).expect("merchant");
    point_at(&server, &service).await;
    let c = server.client();
    let opened = c.open(OpenRequest::new(APP_ID)).await.expect("opened");
    let n = c
        .wait_for_notification(&opened.notification.id, WaitFor::Delivered, LONG)
        .await
        .expect("delivered at once");
    assert!(n.body.contains("signType=MD5"));
    assert_eq!(n.outcomes(), [Outcome::Delivered]);
    assert_eq!(service.merchant.bad_signs(), 0);
}
