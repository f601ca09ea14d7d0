//! The state file: a sandbox saved to disk and restored at the next start, so a restart (a
//! deploy, a crash, a CI runner moving) loses no app, token, authorisation or notification.
//!
//! [`save`] writes atomically (a temporary file in the same directory, fsync, rename), so a
//! reader — or a crash — only ever sees a whole file. [`load`] refuses anything it cannot
//! restore exactly, with an error that names the file and the problem; it never falls back to
//! an empty sandbox silently. An empty [`StateFile`] with the [`FORMAT`] header and this
//! build's [`VERSION`], saved, loads back with that version.

mod capture;
pub mod db;
mod file;
#[cfg(test)]
mod golden_orders_tests;
#[cfg(test)]
mod golden_support;
#[cfg(test)]
mod golden_tests;
#[cfg(test)]
mod orders_tests;
mod saver;
#[cfg(test)]
mod tests;

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;

pub use capture::{capture, restore};
pub use file::*;
pub use saver::{Saver, drain_bound};

/// Why a state file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    /// The file exists but cannot be read.
    #[error("cannot read the state file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file cannot be written (or renamed into place).
    #[error("cannot write the state file {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file's directory does not exist, so it could never be saved.
    #[error("the state file {path} cannot be created: its directory does not exist")]
    NoDirectory {
        /// The file.
        path: PathBuf,
    },
    /// Valid JSON, but not a chinaums-mock state file.
    #[error("{path} is not a chinaums-mock state file: {reason}")]
    Foreign {
        /// The file.
        path: PathBuf,
        /// What gave it away.
        reason: String,
    },
    /// A state file of a version this build does not know.
    #[error(
        "the state file {path} has version {version}, newer than this chinaums-mock ({}) reads \
         (version {VERSION}); run a newer chinaums-mock or move the file away",
        env!("CARGO_PKG_VERSION")
    )]
    FutureVersion {
        /// The file.
        path: PathBuf,
        /// The version it declares.
        version: u64,
    },
    /// The state database cannot be opened, read or written.
    #[error("the state database {path} failed: {reason}")]
    Database {
        /// The database file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A state file that is damaged: not JSON, truncated, or with a part that does not fit.
    #[error("the state file {path} is corrupt: {reason}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the line and column when known.
        reason: String,
    },
}

/// Writes `file` to `path` atomically: a temporary file beside it is written and fsynced, then
/// renamed over `path`, and the directory is fsynced.
pub fn save(path: &Path, file: &StateFile) -> Result<(), PersistError> {
    let write_error = |source| PersistError::Write {
        path: path.to_owned(),
        source,
    };
    let mut bytes = serde_json::to_vec_pretty(file).map_err(|e| write_error(e.into()))?;
    bytes.push(b'\n');
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    // Unique per process and save, so two instances or overlapping saves never share one.
    static SAVES: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map_or_else(|| "state".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        SAVES.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut out = File::create(&tmp)?;
        out.write_all(&bytes)?;
        out.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(write_error(e));
    }
    // Makes the rename itself durable; not every platform can open a directory, hence best
    // effort.
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Removes the temporary files a save of `path` left behind when its process was killed
/// mid-save (`.NAME.tmp-PID-N` beside it): those of a process that is gone, or, where process
/// ids cannot be checked, those untouched for a minute. Answers how many went.
pub fn remove_stale_temps(path: &Path) -> usize {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return 0;
    };
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = fs::read_dir(&dir) else {
        return 0;
    };
    let procs = Path::new("/proc/self").exists();
    let stale = |entry: &fs::DirEntry| {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&prefix) else {
            return false;
        };
        let pid = rest.split('-').next().unwrap_or_default();
        if pid == std::process::id().to_string() {
            return false;
        }
        if procs && !pid.is_empty() {
            return !Path::new("/proc").join(pid).exists();
        }
        let age = entry.metadata().and_then(|m| m.modified()).ok();
        age.and_then(|t| t.elapsed().ok())
            .is_some_and(|a| a > std::time::Duration::from_secs(60))
    };
    entries
        .flatten()
        .filter(|e| stale(e))
        .filter(|e| fs::remove_file(e.path()).is_ok())
        .count()
}

/// Reads a state file. `Ok(None)` when there is none (the sandbox then starts from its
/// fixtures); an error for anything that is not a whole state file of a known version.
pub fn load(path: &Path) -> Result<Option<StateFile>, PersistError> {
    match fs::read(path) {
        Ok(bytes) => parse(path, &bytes).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(PersistError::Read {
            path: path.to_owned(),
            source,
        }),
    }
}

/// Checks, before serving, that a missing state file could be created later.
pub fn check_creatable(path: &Path) -> Result<(), PersistError> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    match dir {
        Some(d) if !d.is_dir() => Err(PersistError::NoDirectory {
            path: path.to_owned(),
        }),
        _ => Ok(()),
    }
}

fn parse(path: &Path, bytes: &[u8]) -> Result<StateFile, PersistError> {
    let corrupt = |reason: String| PersistError::Corrupt {
        path: path.to_owned(),
        reason,
    };
    let foreign = |reason: String| PersistError::Foreign {
        path: path.to_owned(),
        reason,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(corrupt("the file is empty".into()));
    }
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| corrupt(format!("not valid JSON ({e})")))?;
    let Value::Object(header) = &value else {
        return Err(foreign(format!(
            "it holds JSON but not an object with \"format\": \"{FORMAT}\""
        )));
    };
    match header.get("format") {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(other) => {
            return Err(foreign(format!(
                "its \"format\" is {other}, not \"{FORMAT}\""
            )));
        }
        None => {
            return Err(foreign(format!(
                "it has no \"format\": \"{FORMAT}\" header"
            )));
        }
    }
    let version = match header.get("version") {
        Some(v) => v.as_u64().filter(|v| *v >= 1).ok_or_else(|| {
            corrupt(format!(
                "its \"version\" is {v}, not a positive whole number"
            ))
        })?,
        None => return Err(corrupt("its header has no \"version\"".into())),
    };
    if version > VERSION {
        return Err(PersistError::FutureVersion {
            path: path.to_owned(),
            version,
        });
    }
    // Parsed again from the bytes (not the value) so that errors carry a line and column.
    serde_json::from_slice(bytes).map_err(|e| corrupt(e.to_string()))
}
