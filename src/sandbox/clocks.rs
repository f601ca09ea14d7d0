//! Clocks and the apps on them: creating a clock, putting a new app on one, deleting a clock.

use std::sync::Arc;

use rand::RngExt;

use super::Sandbox;
use crate::api::app::App;
use crate::api::clock::NewClock;
use crate::domain::apps::AppError;
use crate::domain::clock::{Clock, ClockError, DEFAULT_CLOCK};

pub use crate::api::clock::NEW_CLOCK;

impl Sandbox {
    /// Creates a clock with a fresh id (`clk_` + 16 hex digits).
    pub fn create_clock(&self, spec: &NewClock) -> Result<Arc<Clock>, ClockError> {
        let clock = self.clocks.create(
            self.fresh_clock_id(),
            spec.name.clone(),
            None,
            spec.now,
            spec.frozen.unwrap_or(false),
        )?;
        tracing::info!(clock = clock.id(), "created clock");
        Ok(clock)
    }

    /// Deletes a clock no app is on any more.
    pub fn delete_clock(&self, id: &str) -> Result<(), ClockError> {
        self.clocks.remove(id)?;
        tracing::info!(clock = id, "deleted clock");
        Ok(())
    }

    /// Adds a built app, first putting it on the clock it asks for: an existing clock's id, or
    /// `new` for a clock of its own (named after the app, deleted with it).
    pub(super) fn insert_app(&self, mut app: App) -> Result<Arc<App>, AppError> {
        let own_clock = if app.clock == NEW_CLOCK {
            let clock = self
                .clocks
                .create(
                    self.fresh_clock_id(),
                    Some(app.app_id.clone()),
                    Some(app.app_id.clone()),
                    None,
                    false,
                )
                .map_err(|e| AppError::Invalid {
                    field: "clock".to_owned(),
                    reason: e.to_string(),
                })?;
            app.clock = clock.id().to_owned();
            Some(app.clock.clone())
        } else if self.clocks.contains(&app.clock) {
            None
        } else {
            return Err(AppError::Invalid {
                field: "clock".to_owned(),
                reason: format!(
                    "names no clock ({}); give a clock's id from GET /__mock/clocks, \"{NEW_CLOCK}\" for a clock of the app's own, or leave it out for \"{DEFAULT_CLOCK}\"",
                    app.clock
                ),
            });
        };
        match self.apps.insert(app) {
            Ok(app) => Ok(app),
            Err(e) => {
                if let Some(id) = own_clock {
                    let _ = self.clocks.remove(&id);
                }
                Err(e)
            }
        }
    }

    /// The app `app_id` is gone: the clock made for it goes too, once no app is on it.
    pub(super) fn drop_own_clock(&self, app_id: &str) {
        if let Some(id) = self.clocks.owned_by(app_id) {
            if self.clocks.remove(&id).is_ok() {
                tracing::info!(clock = %id, app_id, "deleted the clock made for the app");
            }
        }
    }

    fn fresh_clock_id(&self) -> String {
        let n: u64 = self.rng.lock().random();
        format!("clk_{n:016x}")
    }
}
