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
        if let Some(id) = self.clocks.owned_by(app_id)
            && self.clocks.remove(&id).is_ok()
        {
            tracing::info!(clock = %id, app_id, "deleted the clock made for the app");
        }
    }

    fn fresh_clock_id(&self) -> String {
        let n: u64 = self.rng.lock().random();
        format!("clk_{n:016x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::app::AppSpec;
    use crate::sandbox::tests::{noon, sandbox};

    fn on(clock: &str) -> AppSpec {
        AppSpec {
            clock: Some(clock.to_owned()),
            ..AppSpec::default()
        }
    }

    #[test]
    fn an_app_asking_for_a_new_clock_is_put_on_one_named_after_it() {
        let state = sandbox();
        let app = state.create_app(&on(NEW_CLOCK)).expect("created");
        assert!(app.clock.starts_with("clk_"), "{}", app.clock);
        let clock = state.clock_of(&app.app_id);
        assert_eq!(
            (clock.id(), clock.name()),
            (app.clock.as_str(), Some(app.app_id.as_str()))
        );
        assert_eq!(
            state.clocks.owner(&app.clock).as_deref(),
            Some(&*app.app_id)
        );
    }

    #[test]
    fn a_new_clock_runs_from_wall_time_whatever_the_default_clock_says() {
        let state = sandbox();
        let app = state.create_app(&on(NEW_CLOCK)).expect("created");
        let clock = state.clock_of(&app.app_id);
        assert!(!clock.is_frozen());
        assert!(clock.now() > noon(), "the default clock stands at noon");
    }

    #[test]
    fn deleting_an_app_deletes_the_clock_made_for_it_but_not_a_shared_one() {
        let state = sandbox();
        let own = state.create_app(&on(NEW_CLOCK)).expect("created");
        let shared = state.create_clock(&NewClock::default()).expect("a clock");
        let member = state.create_app(&on(shared.id())).expect("created");
        assert!(state.remove_app(&own.app_id));
        assert!(!state.clocks.contains(&own.clock));
        assert!(state.remove_app(&member.app_id));
        assert!(
            state.clocks.contains(shared.id()),
            "created on its own: stays"
        );
    }

    #[test]
    fn an_app_on_a_clock_that_does_not_exist_is_refused_and_a_failed_create_leaves_no_clock() {
        let state = sandbox();
        assert!(matches!(
            state.create_app(&on("clk_missing")),
            Err(AppError::Invalid { .. })
        ));
        let taken = state.apps.list()[0].app_id.clone();
        let before = state.clocks.list().len();
        let spec = AppSpec {
            app_id: Some(taken),
            ..on(NEW_CLOCK)
        };
        assert!(matches!(
            state.create_app(&spec),
            Err(AppError::Duplicate(_))
        ));
        assert_eq!(state.clocks.list().len(), before);
    }

    #[test]
    fn a_full_reset_deletes_every_clock_but_the_default() {
        let state = sandbox();
        state.create_app(&on(NEW_CLOCK)).expect("created");
        state.create_clock(&NewClock::default()).expect("a clock");
        state.reset_all().expect("reset");
        let ids: Vec<String> = state
            .clocks
            .list()
            .iter()
            .map(|c| c.id().to_owned())
            .collect();
        assert_eq!(ids, [DEFAULT_CLOCK]);
        assert!(state.apps.list().iter().all(|a| a.clock == DEFAULT_CLOCK));
    }
}
