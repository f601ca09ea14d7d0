//! Seeding from the fixtures and resetting: rules that touch every store at once.

use rand::RngExt;

use super::Sandbox;
use crate::api::app::AppSpec;
use crate::domain::apps::{AppError, build_app};
use crate::domain::fixtures::{FixtureError, load_apps};
use crate::domain::stubs::load_stubs;

/// Why the fixtures could not be loaded into the sandbox.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The fixtures could not be read.
    #[error(transparent)]
    Fixtures(#[from] FixtureError),
    /// A fixture app is invalid.
    #[error("invalid fixture app: {0}")]
    FixtureApp(#[from] AppError),
    /// A fixture stub is invalid.
    #[error("invalid fixture stub: {0}")]
    FixtureStub(String),
}

/// What a reset of one app did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppReset {
    /// The app is back as its fixture defines it.
    RestoredFromFixtures,
    /// The app is gone (it is not a fixture app).
    Removed,
}

impl Sandbox {
    /// Loads the configured fixtures (apps, then stubs) into the stores.
    pub fn seed(&self) -> Result<(), SeedError> {
        for spec in load_apps(&self.config.fixtures)? {
            self.add_fixture_app(&spec)?;
        }
        for spec in load_stubs(&self.config.fixtures)? {
            self.stubs
                .add(spec, true)
                .map_err(|e| SeedError::FixtureStub(e.to_string()))?;
        }
        Ok(())
    }

    /// Removes an app and everything that belongs to it: tokens, authorisations, orders and
    /// bills, notifications, faults, stubs, and the clock made for it. True when the app existed.
    pub fn remove_app(&self, app_id: &str) -> bool {
        let removed = self.apps.remove(app_id).is_some();
        self.drop_own_clock(app_id);
        self.tokens.revoke_app(app_id);
        self.payscore.remove_app(app_id);
        self.orders.remove_app(app_id);
        self.notify.remove_app(app_id);
        self.faults.clear(Some(app_id));
        self.stubs.clear(Some(app_id));
        removed
    }

    /// Everything back as at start: apps, tokens, authorisations, orders and bills,
    /// notifications, faults, stubs, the journal, the sink, the clocks (the default one back at
    /// its start, the others gone) and the generator.
    pub fn reset_all(&self) -> Result<(), SeedError> {
        self.apps.clear();
        self.clocks.clear();
        self.tokens.clear();
        self.payscore.clear();
        self.orders.clear();
        self.faults.reset();
        self.stubs.reset();
        self.journal.clear();
        self.sink.clear_all();
        self.clock.reset();
        if self.config.clock_start.is_some() || self.config.clock_frozen {
            self.clock
                .set(self.config.clock_start, Some(self.config.clock_frozen));
        }
        let first_event = {
            let mut rng = self.rng.lock();
            *rng = Self::new_rng(self.config.seed);
            rng.random_range(10_000..90_000)
        };
        self.notify.reset(first_event);
        self.seed()
    }

    /// One app back to its fixture definition (or gone, when it is not a fixture app), with its
    /// tokens, authorisations, orders, bills, notifications, faults, stubs and journal entries
    /// dropped.
    pub fn reset_app(&self, app_id: &str) -> Result<AppReset, SeedError> {
        let fixture = load_apps(&self.config.fixtures)?
            .into_iter()
            .find(|spec| spec.app_id.as_deref() == Some(app_id));
        let existed = self.remove_app(app_id);
        self.journal.remove_app(app_id);
        match fixture {
            Some(spec) => {
                self.add_fixture_app(&spec)?;
                Ok(AppReset::RestoredFromFixtures)
            }
            None if existed => Ok(AppReset::Removed),
            None => Err(AppError::NotFound(app_id.to_owned()).into()),
        }
    }

    /// Builds a fixture app (with `--callback-url` when it names none) and adds it.
    fn add_fixture_app(&self, spec: &AppSpec) -> Result<(), AppError> {
        let app = {
            let mut rng = self.rng.lock();
            build_app(
                spec,
                &self.config.notify_defaults,
                &self.config.payer_defaults,
                self.config.callback_url.as_deref(),
                &mut *rng,
            )?
        };
        if let Some(url) = &app.callback_url {
            self.check_callback("callbackUrl", url)?;
        }
        self.insert_app(app)?;
        Ok(())
    }
}
