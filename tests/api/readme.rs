//! The README's quick start, run as written, so it cannot go stale: a newcomer pastes its `sh`
//! blocks into a terminal while `cargo run --release` serves, and must see what it shows.
//!
//! The `sh` blocks between `<!-- quick-start:begin` and `<!-- quick-start:end -->` run as one
//! `bash -euo pipefail` script against the built binary on a free port, with two rewrites and
//! no others: `http://127.0.0.1:8080` becomes that sandbox's URL, and `cargo run --release --`
//! the binary's path (the binary `cargo run --release` runs). The script's stdout, line by line,
//! must match the blocks' `# → ` lines in order, where `…` stands for any text.

use std::process::Stdio;
use std::time::Duration;

use tokio::process::Command;

use crate::binary::spawn_binary;

const README: &str = include_str!("../../README.md");
const BIN: &str = env!("CARGO_BIN_EXE_chinaums-mock");
const BEGIN: &str = "<!-- quick-start:begin";
const END: &str = "<!-- quick-start:end -->";
const DOCUMENTED_URL: &str = "http://127.0.0.1:8080";
const DOCUMENTED_COMMAND: &str = "cargo run --release --";
const OUTPUT: &str = "# → ";

/// The `sh` blocks of the marked part of the README, in order.
fn quick_start_blocks() -> Vec<String> {
    let (_, after) = README
        .split_once(BEGIN)
        .expect("the README marks its quick start");
    let (marked, _) = after.split_once(END).expect("the quick start's end marker");
    let mut blocks = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in marked.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(Vec::new()),
            (Some(block), "```") => {
                blocks.push(block.join("\n"));
                current = None;
            }
            (Some(block), _) => block.push(line),
            (None, _) => {}
        }
    }
    assert!(
        current.is_none(),
        "an sh block of the quick start is not closed"
    );
    blocks
}

/// The output lines the blocks show (`# → …`), in order.
fn documented_output(script: &str) -> Vec<&str> {
    script
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix(OUTPUT))
        .collect()
}

/// Whether `line` is what `pattern` shows, `…` matching any text (also none).
fn shows(pattern: &str, line: &str) -> bool {
    let parts: Vec<&str> = pattern.split('…').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return line == pattern;
    }
    if !line.starts_with(first) || line.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &line[first.len()..];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// The script with the README's address and command replaced by the test's; nothing else may
/// point at the documented port, so a new way of reaching the sandbox is noticed here.
fn rewritten(script: &str, url: &str) -> String {
    assert!(
        script.contains(DOCUMENTED_URL),
        "the quick start names {DOCUMENTED_URL}"
    );
    let without = script.replace(DOCUMENTED_URL, "");
    assert!(
        !without.contains("8080") && !without.contains("localhost"),
        "the quick start reaches the sandbox only as {DOCUMENTED_URL}:\n{script}"
    );
    let bin = format!("'{}'", BIN.replace('\'', r"'\''"));
    let script = script
        .replace(DOCUMENTED_URL, url)
        .replace(DOCUMENTED_COMMAND, &bin);
    assert!(
        !script.contains("cargo "),
        "the quick start runs cargo only as `{DOCUMENTED_COMMAND} <verb>`:\n{script}"
    );
    script
}

#[test]
fn an_ellipsis_in_the_shown_output_stands_for_any_text_and_nothing_else_does() {
    assert!(shows("200", "200"));
    assert!(!shows("200", "2000"));
    assert!(shows(r#"{"a":"…","b":1}"#, r#"{"a":"x y","b":1}"#));
    assert!(shows(r#"{"a":…,"c":3,…}"#, r#"{"a":1,"b":2,"c":3,"d":4}"#));
    assert!(!shows(r#"{"a":…,"c":3,…}"#, r#"{"a":1,"b":2,"d":4}"#));
    assert!(!shows("ab…ba", "aba"));
}

#[tokio::test]
async fn the_readme_quick_start_runs_as_written() {
    let blocks = quick_start_blocks();
    assert_eq!(blocks.len(), 3, "token, notification and payment");
    let script = blocks.join("\n");
    let shown = documented_output(&script);
    assert!(!shown.is_empty(), "the quick start shows its output");

    let (_sandbox, url) = spawn_binary(["--port", "0"]).await;
    let mut bash = Command::new("bash");
    bash.args(["-euo", "pipefail", "-c"])
        .arg(rewritten(&script, &url))
        .current_dir(std::env::temp_dir())
        // A proxy in the environment must not take the loopback calls.
        .env("NO_PROXY", "127.0.0.1")
        .env("no_proxy", "127.0.0.1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let run = tokio::time::timeout(Duration::from_secs(60), bash.output())
        .await
        .expect("the quick start finishes within 60 s")
        .expect("bash runs (the quick start needs bash, curl and python3)");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    let report = format!("stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(run.status.success(), "the quick start failed: {report}");

    let printed: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        printed.len(),
        shown.len(),
        "the quick start shows every line it prints: {report}"
    );
    for (pattern, line) in shown.iter().zip(&printed) {
        assert!(
            shows(pattern, line),
            "the README shows\n  {pattern}\nthe command printed\n  {line}\n{report}"
        );
    }
}
