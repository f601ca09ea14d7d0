//! Start-up fixtures: the apps a fresh sandbox (or `POST /__mock/reset`) starts with.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::FixtureSource;
use crate::domain::apps::AppSpec;

/// The repository's `fixtures/apps.json`, compiled in so the binary runs anywhere.
pub const EMBEDDED_APPS: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/apps.json"));

/// `(name, the text of fixtures/scenarios/<name>.json)`, compiled in.
macro_rules! scenario_files {
    ($($name:literal),* $(,)?) => {
        &[$((
            $name,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/scenarios/", $name, ".json")),
        )),*]
    };
}

/// The repository's `fixtures/scenarios/*.json`, compiled in: `(name, JSON text)`, in name
/// order.
pub const EMBEDDED_SCENARIOS: &[(&str, &str)] = scenario_files![
    "h5-cashier-payment",
    "happy-open-close",
    "merchant-down-during-payment",
    "merchant-down-three-hours",
    "partial-refunds",
    "pay-and-notify",
    "qr-bill-paid",
    "revoke-and-reauthorise",
    "token-endpoint-flaky",
    "token-expires-mid-flow",
];

/// One fixture scenario file, not parsed yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioFile {
    /// The file name without `.json`; a scenario is run by this name.
    pub name: String,
    /// The JSON text.
    pub text: String,
}

/// Why fixtures could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    /// The file could not be read.
    #[error("cannot read fixtures file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not the expected JSON.
    #[error("fixtures file {path} is invalid: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// The directory holds none of the fixture files: most likely the wrong directory (or a
    /// volume that was not mounted), which would otherwise start a sandbox with no apps.
    #[error(
        "fixtures directory {} holds no fixtures ({}): expected apps.json ({{\"apps\":[…]}}), \
         and optionally stubs.json ({{\"stubs\":[…]}}) and scenarios/*.json; to start with no \
         apps on purpose, put {{\"apps\":[]}} in {}",
        dir.display(),
        holds_text(holds),
        dir.join("apps.json").display()
    )]
    NoFixtures {
        /// The directory.
        dir: PathBuf,
        /// The names of what it holds instead (the first few).
        holds: Vec<String>,
    },
}

/// How many names of what a fixture directory holds instead an error lists.
const NAMES_SHOWN: usize = 5;

fn holds_text(holds: &[String]) -> String {
    match holds {
        [] => "it is empty".to_owned(),
        names if names.len() > NAMES_SHOWN => {
            format!("it holds {}, …", names[..NAMES_SHOWN].join(", "))
        }
        names => format!("it holds {}", names.join(", ")),
    }
}

/// The names of what a fixture directory holds when it has none of `apps.json`, `stubs.json`
/// and `scenarios`, in name order; `None` when it has one of them (or cannot be listed, which
/// reading `apps.json` then reports).
fn no_fixtures_in(dir: &Path) -> Option<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|entry| Some(entry.ok()?.file_name().to_string_lossy().into_owned()))
        .collect();
    if names
        .iter()
        .any(|n| matches!(n.as_str(), "apps.json" | "stubs.json" | "scenarios"))
    {
        return None;
    }
    names.sort();
    Some(names)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AppsFile {
    apps: Vec<AppSpec>,
}

fn parse_apps(text: &str, path: &Path) -> Result<Vec<AppSpec>, FixtureError> {
    serde_json::from_str::<AppsFile>(text)
        .map(|f| f.apps)
        .map_err(|source| FixtureError::Parse {
            path: path.to_owned(),
            source,
        })
}

/// The app specs of a fixture source. A directory with fixtures but without `apps.json` (only
/// stubs or scenarios) has no apps; a directory with no fixture file at all is an error.
pub fn load_apps(source: &FixtureSource) -> Result<Vec<AppSpec>, FixtureError> {
    match source {
        FixtureSource::Embedded => parse_apps(EMBEDDED_APPS, Path::new("<embedded>/apps.json")),
        FixtureSource::Dir(dir) => {
            let path = dir.join("apps.json");
            match std::fs::read_to_string(&path) {
                Ok(text) => parse_apps(&text, &path),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && dir.is_dir() => {
                    match no_fixtures_in(dir) {
                        Some(holds) => Err(FixtureError::NoFixtures {
                            dir: dir.clone(),
                            holds,
                        }),
                        None => Ok(Vec::new()),
                    }
                }
                Err(source) => Err(FixtureError::Read { path, source }),
            }
        }
    }
}

/// The scenario files of a fixture source, by name: the embedded ones, or `DIR/scenarios/*.json`
/// (none when the directory has no `scenarios`).
pub fn load_scenarios(source: &FixtureSource) -> Result<Vec<ScenarioFile>, FixtureError> {
    let dir = match source {
        FixtureSource::Embedded => {
            return Ok(EMBEDDED_SCENARIOS
                .iter()
                .map(|(name, text)| ScenarioFile {
                    name: (*name).to_owned(),
                    text: (*text).to_owned(),
                })
                .collect());
        }
        FixtureSource::Dir(dir) => dir.join("scenarios"),
    };
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(FixtureError::Read { path: dir, source }),
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|source| FixtureError::Read {
                path: dir.clone(),
                source,
            })?
            .path();
        let name = match (path.extension(), path.file_stem()) {
            (Some(ext), Some(stem)) if ext == "json" => stem.to_string_lossy().into_owned(),
            _ => continue,
        };
        let text =
            std::fs::read_to_string(&path).map_err(|source| FixtureError::Read { path, source })?;
        files.push(ScenarioFile { name, text });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_fixtures_hold_the_two_public_demo_apps() {
        let apps = load_apps(&FixtureSource::Embedded).unwrap_or_default();
        let ids: Vec<_> = apps.iter().filter_map(|a| a.app_id.clone()).collect();
        assert_eq!(
            ids,
            [
                "10037e6f66f2d0f901672aa27d690006",
                "10037e6f6823b20801682b6a5e5a0006"
            ]
        );
    }

    #[test]
    fn every_embedded_scenario_is_valid_and_named_after_its_file() {
        let files = load_scenarios(&FixtureSource::Embedded).unwrap_or_default();
        assert!(files.len() >= 10);
        for file in files {
            let scenario = crate::client::scenario::Scenario::from_json(&file.text);
            assert_eq!(
                scenario.map(|s| s.name).ok(),
                Some(file.name.clone()),
                "{}",
                file.name
            );
        }
    }

    #[test]
    fn a_fixture_directory_without_scenarios_has_none() {
        let dir = std::env::temp_dir();
        let none = load_scenarios(&FixtureSource::Dir(dir.join("no-such-fixtures-here")));
        assert!(none.is_ok_and(|f| f.is_empty()));
    }

    /// A fresh directory under the temporary one, holding `files` (empty ones).
    fn dir_with(name: &str, files: &[&str]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "chinaums-mock-fixtures-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        for file in files {
            std::fs::write(dir.join(file), "").expect("written");
        }
        dir
    }

    #[test]
    fn a_directory_without_any_fixture_file_is_an_error_that_says_what_to_put_there() {
        let dir = dir_with("none", &["app.json", "README.md"]);
        let error = load_apps(&FixtureSource::Dir(dir.clone()))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        for part in [
            dir.display().to_string(),
            "it holds README.md, app.json".to_owned(),
            "expected apps.json".to_owned(),
            format!(
                r#"put {{"apps":[]}} in {}"#,
                dir.join("apps.json").display()
            ),
        ] {
            assert!(error.contains(&part), "{part:?} not in {error}");
        }
        let empty = dir_with("empty", &[]);
        let error = load_apps(&FixtureSource::Dir(empty.clone())).err();
        assert!(error.is_some_and(|e| e.to_string().contains("(it is empty)")));
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&empty);
    }

    #[test]
    fn a_directory_with_only_stubs_or_scenarios_has_no_apps() {
        let dir = dir_with("stubs-only", &["stubs.json"]);
        let apps = load_apps(&FixtureSource::Dir(dir.clone()));
        assert!(apps.is_ok_and(|a| a.is_empty()));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_missing_directory_is_an_error_not_an_empty_sandbox() {
        let source = FixtureSource::Dir(PathBuf::from("/nonexistent/fixtures"));
        assert!(matches!(load_apps(&source), Err(FixtureError::Read { .. })));
    }
}
