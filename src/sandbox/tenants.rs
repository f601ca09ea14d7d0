//! Apps and faults: changes whose effects reach other stores.

use std::sync::Arc;

use super::Sandbox;
use crate::api::app::{App, AppSpec};
use crate::api::fault::InvalidFault;
use crate::api::fault::{Fault, FaultSpec};
use crate::domain::apps::AppError;
use crate::domain::apps::registry::{build_app, patch_app};

impl Sandbox {
    /// Creates an app from a partial spec, generating what is missing, on the clock it asks
    /// for.
    pub fn create_app(&self, spec: &AppSpec) -> Result<Arc<App>, AppError> {
        if let Some(Some(url)) = &spec.callback_url {
            self.check_callback("callbackUrl", url)?;
        }
        let app = {
            let mut rng = self.rng.lock();
            build_app(
                spec,
                &self.config.notify_defaults,
                &self.config.payer_defaults,
                None,
                &mut *rng,
            )?
        };
        let app = self.insert_app(app)?;
        tracing::info!(app_id = %app.app_id, clock = %app.clock, "created app");
        Ok(app)
    }

    /// The app `app_id`.
    pub fn app(&self, app_id: &str) -> Result<Arc<App>, AppError> {
        self.apps
            .get(app_id)
            .ok_or_else(|| AppError::NotFound(app_id.to_owned()))
    }

    /// Changes an app. Once it has a callback URL, its notifications that waited for one go
    /// out.
    pub fn update_app(&self, app_id: &str, spec: &AppSpec) -> Result<Arc<App>, AppError> {
        if let Some(Some(url)) = &spec.callback_url {
            self.check_callback("callbackUrl", url)?;
        }
        let app = self.apps.update(app_id, |app| patch_app(app, spec))?;
        if app.callback_url.is_some() {
            self.notify.callback_set(&app.app_id);
        }
        Ok(app)
    }

    /// Registers a fault.
    pub fn add_fault(&self, spec: FaultSpec) -> Result<Fault, InvalidFault> {
        let fault = self.faults.add(spec)?;
        tracing::info!(id = %fault.id, target = ?fault.target, action = ?fault.action, "added fault");
        Ok(fault)
    }

    /// Deletes a fault; the notifications it held back go out. False when there was none.
    pub fn remove_fault(&self, id: &str) -> bool {
        if !self.faults.remove(id) {
            return false;
        }
        self.notify.release_held(id);
        true
    }

    /// Deletes every fault, releasing what they held back.
    pub fn clear_faults(&self) {
        for fault in self.faults.list() {
            self.notify.release_held(&fault.id);
        }
        self.faults.clear(None);
    }
}
