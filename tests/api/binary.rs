//! The release binary as CI scripts use it: read the `listening` line, talk to the port, stop it.

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const BIN: &str = env!("CARGO_BIN_EXE_chinaums-mock");

fn sandbox() -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

async fn listening(child: &mut Child) -> Value {
    let stdout = child.stdout.take().expect("stdout piped");
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("listening line within 30 s")
        .expect("readable stdout")
        .expect("a first line");
    serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("first stdout line is JSON ({e}): {line}"))
}

/// The binary started with `args`, and the URL its listening line names.
pub(crate) async fn spawn_binary<I, S>(args: I) -> (Child, String)
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut cmd = sandbox();
    cmd.stderr(Stdio::null()).args(args);
    spawned(cmd).await
}

/// `cmd` started, and the URL its listening line names.
async fn spawned(mut cmd: Command) -> (Child, String) {
    let mut child = cmd.spawn().expect("binary starts");
    let url = listening(&mut child).await["url"]
        .as_str()
        .expect("url")
        .to_owned();
    (child, url)
}

async fn get_json(url: &str) -> Value {
    let answer = reqwest::get(url).await.expect("reachable");
    answer.json().await.expect("a JSON answer")
}

async fn terminate(mut child: Child) -> std::process::ExitStatus {
    let pid = child.id().expect("running").to_string();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status();
    assert!(sent.is_ok_and(|s| s.success()), "kill -TERM works");
    tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("exits within 30 s of SIGTERM")
        .expect("exit status")
}

#[tokio::test]
async fn the_binary_prints_the_listening_event_first_and_serves_on_that_port() {
    let mut child = sandbox()
        .args(["--port", "0", "--seed", "1"])
        .spawn()
        .expect("binary starts");
    let event = listening(&mut child).await;
    assert_eq!(event["event"], "listening");
    let url = event["url"].as_str().expect("url").to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{url}"
    );
    assert_eq!(event["apps"], 2);
    assert_eq!(event["bound"], url.trim_start_matches("http://"));
    let health: Value = reqwest::get(format!("{url}/__mock/health"))
        .await
        .expect("health reachable")
        .json()
        .await
        .expect("health JSON");
    assert_eq!(health["status"], "ok");
    let status = terminate(child).await;
    assert!(status.success(), "graceful exit on SIGTERM: {status:?}");
}

#[tokio::test]
async fn bound_to_every_interface_as_in_a_container_the_listening_line_names_a_url_that_answers() {
    let mut child = sandbox()
        .args(["--host", "0.0.0.0", "--port", "0"])
        .spawn()
        .expect("binary starts");
    let event = listening(&mut child).await;
    let bound = event["bound"].as_str().expect("bound").to_owned();
    let port = bound
        .strip_prefix("0.0.0.0:")
        .expect("the wildcard address");
    assert_eq!(event["url"], format!("http://127.0.0.1:{port}"), "{event}");
    assert_eq!(
        event["control"],
        format!("http://127.0.0.1:{port}/__mock"),
        "{event}"
    );
    assert_eq!(
        (event["version"].is_string(), &event["apps"]),
        (true, &2.into())
    );
    assert!(event.get("controlBound").is_none(), "one listener: {event}");
    let control = event["control"].as_str().unwrap_or_default();
    assert_eq!(get_json(&format!("{control}/health")).await["status"], "ok");
    assert!(terminate(child).await.success());
    // With a port of its own, the control API's bound address is named too.
    let mut child = sandbox()
        .args(["--host", "0.0.0.0", "--port", "0", "--admin-port", "0"])
        .spawn()
        .expect("binary starts");
    let event = listening(&mut child).await;
    let bound = event["controlBound"].as_str().expect("controlBound");
    let port = bound
        .strip_prefix("0.0.0.0:")
        .expect("the wildcard address");
    let control = format!("http://127.0.0.1:{port}/__mock");
    assert_eq!(event["control"], control.as_str(), "{event}");
    assert_eq!(get_json(&format!("{control}/health")).await["status"], "ok");
    assert!(terminate(child).await.success());
}

#[tokio::test]
async fn a_sigterm_sent_as_soon_as_the_listening_line_is_read_stops_the_sandbox_gracefully() {
    for _ in 0..5 {
        let mut child = sandbox()
            .args(["--port", "0"])
            .spawn()
            .expect("binary starts");
        listening(&mut child).await;
        let status = terminate(child).await;
        assert!(status.success(), "{status:?}");
    }
}

#[tokio::test]
async fn every_flag_can_come_from_the_environment() {
    let dir = std::env::temp_dir().join(format!("chinaums-mock-fixtures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("apps.json"),
        r#"{"apps":[{"appId":"abcdefabcdefabcdefabcdefabcdef12","appKey":"k"}]}"#,
    )
    .expect("fixture written");
    let mut child = sandbox()
        .env("CHINAUMS_MOCK_PORT", "0")
        .env("CHINAUMS_MOCK_FIXTURES", &dir)
        .env("CHINAUMS_MOCK_LOG_FORMAT", "json")
        .env("CHINAUMS_MOCK_CLOCK_START", "2026-11-25T12:00:00+08:00")
        .env("CHINAUMS_MOCK_CLOCK_FROZEN", "true")
        .spawn()
        .expect("binary starts");
    let event = listening(&mut child).await;
    let url = event["url"].as_str().expect("url").to_owned();
    let apps = get_json(&format!("{url}/__mock/apps")).await;
    let ids: Vec<_> = apps["apps"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| a["appId"].clone())
        .collect();
    assert_eq!(ids, [Value::from("abcdefabcdefabcdefabcdefabcdef12")]);
    let clock: Value = reqwest::get(format!("{url}/__mock/clock"))
        .await
        .expect("clock")
        .json()
        .await
        .expect("json");
    assert_eq!(clock["now"], "2026-11-25T12:00:00+08:00");
    assert!(terminate(child).await.success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_payer_flags_set_every_fixture_apps_payer() {
    let (child, url) = spawn_binary([
        "--port",
        "0",
        "--auto-pay-secs",
        "5",
        "--order-expiry-secs",
        "600",
    ])
    .await;
    let apps = get_json(&format!("{url}/__mock/apps")).await;
    let payers: Vec<_> = apps["apps"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| {
            (
                a["payer"]["autoPaySeconds"].clone(),
                a["payer"]["orderExpirySeconds"].clone(),
            )
        })
        .collect();
    assert_eq!(payers.len(), 2);
    assert!(
        payers
            .iter()
            .all(|p| *p == (Value::from(5), Value::from(600))),
        "{payers:?}"
    );
    assert!(terminate(child).await.success());
    let refused = sandbox()
        .args(["--port", "0", "--order-expiry-secs", "0"])
        .output()
        .await
        .expect("binary runs");
    assert_eq!(
        refused.status.code(),
        Some(2),
        "an order that expires at once is refused"
    );
}

#[tokio::test]
async fn the_browser_guard_flags_come_from_the_command_line_and_the_environment() {
    let mut cmd = sandbox();
    cmd.args(["--port", "0", "--allow-host", "chinaums-mock,proxy.test"])
        .env("CHINAUMS_MOCK_ALLOW_ORIGIN", "http://localhost:3000");
    let (child, url) = spawned(cmd).await;
    let client = reqwest::Client::new();
    let status = |host: &str, origin: Option<&str>| {
        let mut request = client
            .post(format!("{url}/__mock/clock/advance"))
            .header("host", host)
            .json(&serde_json::json!({ "seconds": 1 }));
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        async move {
            request
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }
    };
    assert_eq!(status("chinaums-mock:8080", None).await, 200);
    assert_eq!(status("proxy.test", None).await, 200);
    assert_eq!(status("evil.example", None).await, 403);
    assert_eq!(
        status("chinaums-mock", Some("http://localhost:3000")).await,
        200
    );
    assert_eq!(
        status("chinaums-mock", Some("http://localhost:3001")).await,
        403
    );
    assert!(terminate(child).await.success());
}

#[tokio::test]
async fn invalid_fixtures_stop_the_start_with_a_clear_error() {
    let dir =
        std::env::temp_dir().join(format!("chinaums-mock-bad-fixtures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("apps.json"), r#"{"apps":[{"appId":"short"}]}"#).expect("written");
    let output = sandbox()
        .args(["--port", "0", "--fixtures"])
        .arg(&dir)
        .output()
        .await
        .expect("binary runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("appId"), "{stderr}");
    assert!(output.stdout.is_empty(), "no listening line on failure");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn an_empty_fixtures_directory_stops_the_start_and_says_what_belongs_there() {
    let dir =
        std::env::temp_dir().join(format!("chinaums-mock-no-fixtures-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut cmd = sandbox();
    cmd.args(["--port", "0", "--fixtures"]).arg(&dir);
    // Bounded: a sandbox that starts anyway keeps running, and the test should fail, not hang.
    let output = tokio::time::timeout(Duration::from_secs(30), cmd.output())
        .await
        .expect("the start is refused, not served")
        .expect("binary runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty(), "no listening line on failure");
    let stderr = String::from_utf8_lossy(&output.stderr);
    for part in [
        &dir.display().to_string(),
        "expected apps.json",
        r#"{"apps":[]}"#,
    ] {
        assert!(stderr.contains(part), "{part} not in {stderr}");
    }
    // The way out the message names: an explicit empty apps.json starts a sandbox with no apps.
    std::fs::write(dir.join("apps.json"), r#"{"apps":[]}"#).expect("written");
    let (child, url) = spawn_binary([
        "--port".as_ref(),
        "0".as_ref(),
        "--fixtures".as_ref(),
        dir.as_os_str(),
    ])
    .await;
    assert_eq!(
        get_json(&format!("{url}/__mock/apps")).await["apps"],
        serde_json::json!([])
    );
    assert!(terminate(child).await.success());
    let _ = std::fs::remove_dir_all(&dir);
}

/// What the container's runtime base (distroless cc: glibc and libgcc) provides.
const RUNTIME_LIBRARIES: [&str; 8] = [
    "linux-vdso.so",
    "libc.so",
    "libm.so",
    "libgcc_s.so",
    "libpthread.so",
    "libdl.so",
    "librt.so",
    "ld-linux",
];

#[test]
fn the_binary_needs_no_library_beyond_glibc_and_libgcc() {
    // The container image is Linux; elsewhere (macOS has no ldd) there is nothing to check.
    if !cfg!(target_os = "linux") {
        eprintln!("skipped: the container's libraries are checked on Linux only (with ldd)");
        return;
    }
    let out = match std::process::Command::new("ldd").arg(BIN).output() {
        Ok(out) => out,
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!(
                "skipped: ldd not run ({e}); install it (glibc's libc-bin) to run this check"
            );
            return;
        }
        Err(e) => panic!("ldd is needed in CI: {e}"),
    };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("libssl") && !text.contains("libcrypto"),
        "TLS must be rustls: {text}"
    );
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        assert!(
            RUNTIME_LIBRARIES.iter().any(|lib| line.contains(lib)),
            "unexpected dynamic library (the runtime image lacks it): {line}"
        );
    }
}
