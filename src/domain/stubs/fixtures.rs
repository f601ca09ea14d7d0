//! Fixture stubs: the WeChat mini-program netpay flow answers out of the box.

use std::path::Path;

use serde::Deserialize;

use crate::api::stub::StubSpec;
use crate::config::FixtureSource;
use crate::domain::fixtures::FixtureError;

/// The repository's `fixtures/stubs.json`, compiled in.
pub const EMBEDDED_STUBS: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/stubs.json"));

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StubsFile {
    stubs: Vec<StubSpec>,
}

fn parse(text: &str, path: &Path) -> Result<Vec<StubSpec>, FixtureError> {
    serde_json::from_str::<StubsFile>(text)
        .map(|f| f.stubs)
        .map_err(|source| FixtureError::Parse {
            path: path.to_owned(),
            source,
        })
}

/// The stub specs of a fixture source. A directory without `stubs.json` has none.
pub fn load_stubs(source: &FixtureSource) -> Result<Vec<StubSpec>, FixtureError> {
    match source {
        FixtureSource::Embedded => parse(EMBEDDED_STUBS, Path::new("<embedded>/stubs.json")),
        FixtureSource::Dir(dir) => {
            let path = dir.join("stubs.json");
            match std::fs::read_to_string(&path) {
                Ok(text) => parse(&text, &path),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
                Err(source) => Err(FixtureError::Read { path, source }),
            }
        }
    }
}
