//! What the golden-file tests share: a state file written by an earlier build, what its control
//! API showed then, and a sandbox restored from it.

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use super::{StateFile, load, restore};
use crate::config::Config;
use crate::domain::clock::Clock;
use crate::sandbox::Sandbox;

/// A golden state file under `tests/data/` (`NAME.json`, with `NAME.views.json` beside it).
pub(super) struct Golden {
    /// The file's name without `.json`.
    pub name: &'static str,
    /// The `--seed` it was made with.
    pub seed: u64,
}

impl Golden {
    fn path(&self, suffix: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(format!("{}{suffix}", self.name))
    }

    /// The state file, as this build loads it.
    pub fn file(&self) -> StateFile {
        load(&self.path(".json"))
            .expect("the golden file loads")
            .expect("the golden file exists")
    }

    /// The state file's text.
    pub fn text(&self) -> String {
        std::fs::read_to_string(self.path(".json")).expect("the golden file is readable")
    }

    /// What the control API and the gateway showed when the file was made.
    pub fn views(&self) -> Value {
        let text = std::fs::read_to_string(self.path(".views.json")).expect("views readable");
        serde_json::from_str(&text).expect("views are JSON")
    }

    /// An empty sandbox with the file's seed and `config`'s other settings, restored from it.
    pub fn restored(&self, config: Config) -> Sandbox {
        let config = Config {
            seed: Some(self.seed),
            ..config
        };
        let state = Sandbox::new(
            config,
            Arc::new(Clock::system()),
            crate::sandbox::Listening::one(([127, 0, 0, 1], 1).into()),
        );
        restore(&state, self.file()).expect("restores");
        state
    }
}

/// A record as the control API shows it.
pub(super) fn shown<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serialisable")
}
