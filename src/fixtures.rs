//! Start-up fixtures: the apps a fresh sandbox (or `POST /__mock/reset`) starts with.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::apps::AppSpec;
use crate::config::FixtureSource;

/// The repository's `fixtures/apps.json`, compiled in so the binary runs anywhere.
pub const EMBEDDED_APPS: &str = include_str!("../fixtures/apps.json");

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

/// The app specs of a fixture source. A directory without `apps.json` has no apps.
pub fn load_apps(source: &FixtureSource) -> Result<Vec<AppSpec>, FixtureError> {
    match source {
        FixtureSource::Embedded => parse_apps(EMBEDDED_APPS, Path::new("<embedded>/apps.json")),
        FixtureSource::Dir(dir) => {
            let path = dir.join("apps.json");
            match std::fs::read_to_string(&path) {
                Ok(text) => parse_apps(&text, &path),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && dir.is_dir() => {
                    Ok(Vec::new())
                }
                Err(source) => Err(FixtureError::Read { path, source }),
            }
        }
    }
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
    fn a_missing_directory_is_an_error_not_an_empty_sandbox() {
        let source = FixtureSource::Dir(PathBuf::from("/nonexistent/fixtures"));
        assert!(matches!(load_apps(&source), Err(FixtureError::Read { .. })));
    }
}
