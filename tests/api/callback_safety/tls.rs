//! HTTPS merchants with a CA of their own (`--callback-ca-file`).

use super::*;

#[tokio::test]
async fn an_https_merchant_with_its_own_ca_is_reached_only_once_the_ca_file_is_trusted() {
    let merchant = TlsReceiver::start().await;
    let untrusted = spawn_app().await;
    untrusted
        .set_callback(APP_ID, &merchant.url(), Value::Null)
        .await;
    let id = untrusted.opened_id(APP_ID).await;
    untrusted.settle_in_flight().await;
    let n = untrusted.notification(&id).await;
    assert_eq!(outcomes(&n), ["connection_failed"]);
    let error = n["attempts"][0]["error"].as_str().unwrap_or_default();
    assert!(error.to_lowercase().contains("certificate"), "{error}");
    assert_eq!(merchant.served(), 0, "the handshake failed");

    let dir = TempDir::new("callback-ca");
    let ca_file = dir.0.join("merchant-ca.pem");
    std::fs::write(&ca_file, merchant.ca_pem()).expect("written");
    let trusting = spawn_app_with(|c| c.callback_ca_file = Some(ca_file)).await;
    trusting
        .set_callback(APP_ID, &merchant.url(), Value::Null)
        .await;
    let id = trusting.opened_id(APP_ID).await;
    trusting.wait_status(&id, "delivered").await;
    assert_eq!(merchant.served(), 1);
}

#[tokio::test]
async fn a_ca_file_without_a_certificate_stops_the_start_naming_the_flag() {
    let dir = TempDir::new("callback-ca-bad");
    let ca_file = dir.0.join("not-pem.txt");
    std::fs::write(&ca_file, "no certificate here\n").expect("written");
    let config = Config {
        port: 0,
        callback_ca_file: Some(ca_file),
        ..Config::default()
    };
    let error = Application::build(config)
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(error.contains("--callback-ca-file"), "{error}");
}
