//! Persistence of one instance: which kind (a database or a JSON state file), what it starts
//! from, and the rule that a state-changing request is answered only once its changes are
//! committed.

use std::path::Path;
use std::sync::Arc;

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::Method;
use actix_web::{Error, HttpResponse};
use serde_json::json;

use crate::config::{Config, StateStorage};
use crate::persist::db::{self, Db, OpenDb};
use crate::persist::{self, PersistError, StateFile};

/// What persistence found at start.
pub(super) struct Opened {
    /// The state to restore, if any.
    pub state: Option<StateFile>,
    /// The database to start once the sandbox is built, when the state file is one.
    pub db: Option<OpenDb>,
}

/// Opens the state file of `config`: a database (imported from a JSON state file when new)
/// or a JSON state file.
pub(super) fn open(config: &Config) -> Result<Opened, PersistError> {
    let (path, import) = match config.state_storage() {
        None => {
            return Ok(Opened {
                state: None,
                db: None,
            });
        }
        Some(StateStorage::Json { path }) => {
            let removed = persist::remove_stale_temps(&path);
            if removed > 0 {
                tracing::info!(removed, path = %path.display(), "removed temporary files of an interrupted save");
            }
            let state = persist::load(&path)?;
            if state.is_none() {
                persist::check_creatable(&path)?;
            }
            return Ok(Opened { state, db: None });
        }
        Some(StateStorage::Database { path, import }) => (path, import),
    };
    persist::check_creatable(&path)?;
    let (db, state) = db::open(&path)?;
    // The JSON file beside a database (`--state-file state.json`) is imported when it is there;
    // one named by `--state-import` must be.
    let import = import.filter(|json| config.state_import.is_some() || json.exists());
    let state = match (state, import) {
        (Some(state), Some(json)) => {
            tracing::info!(
                database = %path.display(),
                json = %json.display(),
                "the database holds the state; the JSON state file is not read again"
            );
            Some(state)
        }
        (Some(state), None) => Some(state),
        (None, Some(json)) => Some(import_json(&json, &path)?),
        (None, None) => None,
    };
    Ok(Opened {
        state,
        db: Some(db),
    })
}

/// The JSON state file a new database starts from; it must be there.
fn import_json(json: &Path, database: &Path) -> Result<StateFile, PersistError> {
    let state = persist::load(json)?;
    let state = state.ok_or_else(|| PersistError::Read {
        path: json.to_owned(),
        source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file to import"),
    })?;
    tracing::info!(
        json = %json.display(),
        database = %database.display(),
        "importing the JSON state file into the new database; it is read only this once"
    );
    Ok(state)
}

/// Whether a request of this method may change the state: everything but reads.
pub(super) fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Sends `res` once everything changed so far is committed; when the commit fails, answers
/// 503 `STATE_NOT_SAVED` instead (the change may then be lost at a crash).
pub(super) async fn after_commit<B>(
    db: Option<Arc<Db>>,
    res: ServiceResponse<B>,
) -> Result<ServiceResponse<EitherBody<B, BoxBody>>, Error> {
    let Some(db) = db else {
        return Ok(res.map_into_left_body());
    };
    match db.sync_on_worker().await {
        Ok(()) => Ok(res.map_into_left_body()),
        Err(e) => {
            tracing::error!(error = %e, "answering 503: the change is not committed");
            let (req, _) = res.into_parts();
            let answer = HttpResponse::ServiceUnavailable().json(json!({
                "errCode": "STATE_NOT_SAVED",
                "errMsg": format!("the change could not be saved: {e}"),
            }));
            Ok(ServiceResponse::new(req, answer).map_into_right_body())
        }
    }
}
