//! `bench/tenants.py`, the many-tenants benchmark, run small against the test build: its
//! figures in docs/benchmarks.md come from a script that works, and with a clock each no
//! tenant's request fails.

use std::process::Command;

#[test]
fn the_many_tenants_benchmark_runs_and_tenants_on_their_own_clocks_never_fail() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/tenants.py");
    let out = Command::new("python3")
        .arg(script)
        .env("CHINAUMS_MOCK_BIN", env!("CARGO_BIN_EXE_chinaums-mock"))
        .env("TENANTS", "4")
        .env("DURATION", "1")
        .env("MODES", "own")
        .output()
        .expect("python3 is installed (the CI script installs it)");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<&str> = report.lines().filter(|l| l.starts_with("| ")).collect();
    for step in ["token", "call", "open", "advance", "close"] {
        let row = rows
            .iter()
            .find(|r| r.starts_with(&format!("| {step} |")))
            .unwrap_or_else(|| panic!("a row for {step}: {report}"));
        assert!(row.contains("| 0 (0.0 %) |"), "{row}");
        let done: u64 = row
            .split('|')
            .nth(2)
            .and_then(|c| c.trim().parse().ok())
            .unwrap_or(0);
        assert!(done > 0, "{row}");
    }
}
