//! The callback flags read from the environment.

use super::*;

#[tokio::test]
async fn the_binary_reads_the_new_flags_from_the_environment() {
    use tokio::io::AsyncBufReadExt;
    let bin = env!("CARGO_BIN_EXE_chinaums-mock");
    let command = || {
        let mut cmd = tokio::process::Command::new(bin);
        cmd.env_clear()
            .args(["--port", "0", "--log-level", "warn"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        cmd
    };
    let bad = command()
        .env("CHINAUMS_MOCK_CALLBACK_CA_FILE", "/nonexistent/ca.pem")
        .output()
        .await
        .expect("runs");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--callback-ca-file"));

    let mut child = command()
        .env("CHINAUMS_MOCK_CALLBACK_ALLOW_LINK_LOCAL", "true")
        .env("CHINAUMS_MOCK_MAX_PENDING_PER_APP", "1")
        .spawn()
        .expect("starts");
    let stdout = child.stdout.take().expect("piped");
    let line = tokio::io::BufReader::new(stdout).lines().next_line().await;
    let event: Value =
        serde_json::from_str(&line.ok().flatten().unwrap_or_default()).expect("the listening line");
    let base = event["url"].as_str().unwrap_or_default().to_owned();
    let link_local = json!({ "callbackUrl": "http://169.254.169.254/notify" });
    assert_eq!(patch(&base, QR_APP_ID, link_local).await, 200);
    let first = opened_notification(&base).await;
    let second = opened_notification(&base).await;
    let first: Value = reqwest::get(format!(
        "{base}/__mock/notifications/{}",
        first["id"].as_str().unwrap_or_default()
    ))
    .await
    .expect("the notification")
    .json()
    .await
    .expect("JSON");
    assert_eq!(first["giveUpReason"], "pending_cap");
    assert_eq!(second["status"], "pending");
}
